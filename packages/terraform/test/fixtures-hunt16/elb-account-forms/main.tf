# Session-16 hunt: the ELB log-delivery account written with the partition of the deploy, and as the
# provider's own aws_elb_service_account example gives it (registry docs), granted more than AWSLogs/<ours>/.
data "aws_elb_service_account" "main" {}
data "aws_partition" "current" {}

resource "aws_s3_bucket" "elb_logs" {
  bucket = "my-elb-tf-test-bucket"
}

data "aws_iam_policy_document" "allow_elb_logging" {
  statement {
    effect = "Allow"
    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.main.arn]
    }
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.elb_logs.arn}/AWSLogs/*"]
  }
}

resource "aws_s3_bucket_policy" "allow_elb_logging" {
  bucket = aws_s3_bucket.elb_logs.id
  policy = data.aws_iam_policy_document.allow_elb_logging.json
}

data "aws_iam_policy_document" "partition_form" {
  statement {
    effect = "Allow"
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::127311923021:root"]
    }
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.elb_logs.arn}/*"]
  }
}

resource "aws_s3_bucket_policy" "partition_form" {
  bucket = aws_s3_bucket.elb_logs.id
  policy = data.aws_iam_policy_document.partition_form.json
}
