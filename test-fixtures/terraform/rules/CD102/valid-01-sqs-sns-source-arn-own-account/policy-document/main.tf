# SQS queue policy for an SNS subscription with the account pinned in aws:SourceArn (region wildcard under ArnLike) (policy document; generated from test-fixtures/policy-json/rules/CD102/valid-01-sqs-sns-source-arn-own-account.json)
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
      values   = ["arn:aws:sns:*:210987654321:order-events"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
