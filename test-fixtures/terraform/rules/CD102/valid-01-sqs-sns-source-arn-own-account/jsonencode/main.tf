# SQS queue policy for an SNS subscription with the account pinned in aws:SourceArn (region wildcard under ArnLike) (jsonencode; generated from test-fixtures/policy-json/rules/CD102/valid-01-sqs-sns-source-arn-own-account.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = jsonencode({
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
            "aws:SourceArn" = "arn:aws:sns:*:210987654321:order-events"
          }
        }
      },
    ]
  })
}
