# SNS topic policy for EventBridge copied with the AWS documentation account 123456789012 (heredoc; generated from test-fixtures/policy-json/rules/CD204/invalid-01-sns-events-example-account.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = <<-EOT
{
  "Version": "2012-10-17",
  "Id": "order-events-topic-policy",
  "Statement": [
    {
      "Sid": "AllowEventBridgePublish",
      "Effect": "Allow",
      "Principal": {
        "Service": "events.amazonaws.com"
      },
      "Action": "sns:Publish",
      "Resource": "arn:aws:sns:us-east-1:210987654321:order-events",
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "123456789012"
        }
      }
    }
  ]
}
  EOT
}
