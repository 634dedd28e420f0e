# SQS queue policy for an SNS subscription whose aws:SourceArn has a wildcard account (module; generated from test-fixtures/policy-json/rules/CD102/invalid-01-sqs-sns-source-arn-wildcard-account.json)
module "policy" {
  source = "./policy"
  policy = {
    Version   = "2012-10-17"
    Id        = "order-intake-queue-policy"
    Statement = [
      {
        Sid       = "AllowTopicToSendMessage"
        Effect    = "Allow"
        Principal = {
          Service = "sns.amazonaws.com"
        }
        Action    = "sqs:SendMessage"
        Resource  = "arn:aws:sqs:us-east-1:210987654321:order-intake"
        Condition = {
          ArnLike = {
            "aws:SourceArn" = "arn:aws:sns:*:*:order-events"
          }
        }
      },
    ]
  }
}
