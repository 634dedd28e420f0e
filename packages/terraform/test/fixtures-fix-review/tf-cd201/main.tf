data "aws_caller_identity" "current" {}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alerts.arn
      Condition = {
        # events rules of this account
        StringEquals = { "aws:SourceArn" = "arn:aws:events:*:${data.aws_caller_identity.current.account_id}:rule/*" }
      }
    }]
  })
}
