# SQS queue policy for an SNS subscription whose aws:SourceArn has a wildcard account (policy document; generated from test-fixtures/policy-json/rules/CD102/invalid-01-sqs-sns-source-arn-wildcard-account.json)
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
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:sns:*:*:order-events"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
