# SQS queue policy for the SNS principal whose aws:SourceArn is an EventBridge rule (policy document; generated from test-fixtures/policy-json/rules/CD205/invalid-02-sqs-sns-principal-events-arn.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  policy_id = "order-intake-queue-policy"
  statement {
    sid    = "AllowTopicToSendMessage"
    effect = "Allow"
    actions = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:us-east-1:210987654321:order-intake"]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:events:us-east-1:210987654321:rule/orders"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
