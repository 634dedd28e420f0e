# SNS topic policy for EventBridge copied with the AWS documentation account 123456789012 (policy document; generated from test-fixtures/policy-json/rules/CD204/invalid-01-sns-events-example-account.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  policy_id = "order-events-topic-policy"
  statement {
    sid    = "AllowEventBridgePublish"
    effect = "Allow"
    actions = ["sns:Publish"]
    resources = ["arn:aws:sns:us-east-1:210987654321:order-events"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["123456789012"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
