# SQS queue policy for S3 event notifications with ArnEquals on the bucket ARN only (module; generated from test-fixtures/policy-json/rules/CD103/invalid-02-sqs-s3-event-arnequals-bucket.json)
module "policy" {
  source = "./policy"
  policy = {
    Version   = "2012-10-17"
    Id        = "order-intake-queue-policy"
    Statement = [
      {
        Sid       = "AllowServiceToSendMessage"
        Effect    = "Allow"
        Principal = {
          Service = "s3.amazonaws.com"
        }
        Action    = "sqs:SendMessage"
        Resource  = "arn:aws:sqs:us-east-1:210987654321:order-intake"
        Condition = {
          ArnEquals = {
            "aws:SourceArn" = "arn:aws:s3:::acme-invoices-inbox"
          }
        }
      },
    ]
  }
}
