# SNS topic policy for EventBridge with StringEquals on both source keys, the SourceArn holding wildcards (policy document; generated from test-fixtures/policy-json/rules/CD201/invalid-02-sns-events-stringequals-wildcard-with-account.json)
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
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:events:*:210987654321:rule/*"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
