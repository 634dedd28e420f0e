# SQS queue policy for S3 event notifications with ArnEquals on the bucket ARN only (policy document; generated from test-fixtures/policy-json/rules/CD103/invalid-02-sqs-s3-event-arnequals-bucket.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  policy_id = "order-intake-queue-policy"
  statement {
    sid    = "AllowServiceToSendMessage"
    effect = "Allow"
    actions = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:us-east-1:210987654321:order-intake"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:s3:::acme-invoices-inbox"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
