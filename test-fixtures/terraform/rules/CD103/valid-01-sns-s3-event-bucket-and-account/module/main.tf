# SNS topic policy for S3 event notifications with the bucket ARN and aws:SourceAccount (Amazon S3 User Guide pattern) (module; generated from test-fixtures/policy-json/rules/CD103/valid-01-sns-s3-event-bucket-and-account.json)
module "policy" {
  source = "./policy"
  policy = {
    Version   = "2012-10-17"
    Id        = "order-events-topic-policy"
    Statement = [
      {
        Sid       = "AllowS3EventNotifications"
        Effect    = "Allow"
        Principal = {
          Service = "s3.amazonaws.com"
        }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:210987654321:order-events"
        Condition = {
          ArnLike      = {
            "aws:SourceArn" = "arn:aws:s3:::acme-uploads"
          }
          StringEquals = {
            "aws:SourceAccount" = "210987654321"
          }
        }
      },
    ]
  }
}
