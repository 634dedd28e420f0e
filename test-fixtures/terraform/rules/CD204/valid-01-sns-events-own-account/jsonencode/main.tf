# SNS topic policy for EventBridge with a real account (the fix of invalid-01) (jsonencode; generated from test-fixtures/policy-json/rules/CD204/valid-01-sns-events-own-account.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = jsonencode({
    Version   = "2012-10-17"
    Id        = "order-events-topic-policy"
    Statement = [
      {
        Sid       = "AllowEventBridgePublish"
        Effect    = "Allow"
        Principal = {
          Service = "events.amazonaws.com"
        }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:210987654321:order-events"
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = "210987654321"
          }
        }
      },
    ]
  })
}
