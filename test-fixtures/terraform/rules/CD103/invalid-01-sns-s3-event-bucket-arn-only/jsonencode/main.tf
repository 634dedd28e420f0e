# SNS topic policy for S3 event notifications with only the bucket ARN as aws:SourceArn (jsonencode; generated from test-fixtures/policy-json/rules/CD103/invalid-01-sns-s3-event-bucket-arn-only.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = jsonencode({
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
          ArnLike = {
            "aws:SourceArn" = "arn:aws:s3:::acme-uploads"
          }
        }
      },
    ]
  })
}
