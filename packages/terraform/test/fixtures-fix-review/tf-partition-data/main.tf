# A trail bucket whose policy names its ARNs in the provider's partition (as the corpus's
# terraform-aws-s3-bucket main.tf does).
data "aws_partition" "current" {}

resource "aws_s3_bucket" "trail" {
  bucket = "acme-trail"
}

data "aws_iam_policy_document" "trail" {
  statement {
    sid       = "AWSCloudTrailWrite"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${aws_s3_bucket.trail.id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = data.aws_iam_policy_document.trail.json
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::731234567890:role/r"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "f.zip"
}

resource "aws_lambda_permission" "sns" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.arn
  principal     = "sns.amazonaws.com"
}
