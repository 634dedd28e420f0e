# SNS topic policy for S3 event notifications with only the bucket ARN as aws:SourceArn (policy document; generated from test-fixtures/policy-json/rules/CD103/invalid-01-sns-s3-event-bucket-arn-only.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  policy_id = "order-events-topic-policy"
  statement {
    sid    = "AllowS3EventNotifications"
    effect = "Allow"
    actions = ["sns:Publish"]
    resources = ["arn:aws:sns:us-east-1:210987654321:order-events"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:s3:::acme-uploads"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
