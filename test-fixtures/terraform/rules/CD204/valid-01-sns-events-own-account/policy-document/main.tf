# SNS topic policy for EventBridge with a real account (the fix of invalid-01) (policy document; generated from test-fixtures/policy-json/rules/CD204/valid-01-sns-events-own-account.json)
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
      values   = ["210987654321"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
