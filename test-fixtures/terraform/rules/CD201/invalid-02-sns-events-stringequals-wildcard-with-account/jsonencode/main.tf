# SNS topic policy for EventBridge with StringEquals on both source keys, the SourceArn holding wildcards (jsonencode; generated from test-fixtures/policy-json/rules/CD201/invalid-02-sns-events-stringequals-wildcard-with-account.json)
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
            "aws:SourceArn"     = "arn:aws:events:*:210987654321:rule/*"
          }
        }
      },
    ]
  })
}
