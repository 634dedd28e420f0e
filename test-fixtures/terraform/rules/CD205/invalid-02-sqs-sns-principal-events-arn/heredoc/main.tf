# SQS queue policy for the SNS principal whose aws:SourceArn is an EventBridge rule (heredoc; generated from test-fixtures/policy-json/rules/CD205/invalid-02-sqs-sns-principal-events-arn.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = <<-EOT
{
  "Version": "2012-10-17",
  "Id": "order-intake-queue-policy",
  "Statement": [
    {
      "Sid": "AllowTopicToSendMessage",
      "Effect": "Allow",
      "Principal": {
        "Service": "sns.amazonaws.com"
      },
      "Action": "sqs:SendMessage",
      "Resource": "arn:aws:sqs:us-east-1:210987654321:order-intake",
      "Condition": {
        "ArnEquals": {
          "aws:SourceArn": "arn:aws:events:us-east-1:210987654321:rule/orders"
        }
      }
    }
  ]
}
  EOT
}
