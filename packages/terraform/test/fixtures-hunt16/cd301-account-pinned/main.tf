# Session-16 real-world hunt (an S3 server access log bucket module, reduced): aws:SourceAccount pins
# our account beside an aws:SourceArn list built from a variable with no value.
data "aws_caller_identity" "current" {}
variable "source_bucket_names" { type = list(string) }

resource "aws_s3_bucket" "logs" {
  bucket = "acme-access-logs"
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "S3ServerAccessLogsPolicy"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [for n in var.source_bucket_names : "arn:aws:s3:::${n}"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json
}
