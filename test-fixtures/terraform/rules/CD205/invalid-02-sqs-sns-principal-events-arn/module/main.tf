# SQS queue policy for the SNS principal whose aws:SourceArn is an EventBridge rule (module; generated from test-fixtures/policy-json/rules/CD205/invalid-02-sqs-sns-principal-events-arn.json)
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
          ArnEquals = {
            "aws:SourceArn" = "arn:aws:events:us-east-1:210987654321:rule/orders"
          }
        }
      },
    ]
  }
}
