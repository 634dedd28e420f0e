resource "awscc_sns_topic" "alerts" {
  topic_name = "alerts"
}

resource "awscc_sns_topic_policy" "alerts" {
  topics = [awscc_sns_topic.alerts.topic_arn]
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowEventBridge"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = awscc_sns_topic.alerts.topic_arn
    }]
  })
}
