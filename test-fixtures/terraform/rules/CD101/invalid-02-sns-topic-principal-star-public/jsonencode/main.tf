# SNS topic policy that grants sns:Publish to Principal "*" with no condition (jsonencode; generated from test-fixtures/policy-json/rules/CD101/invalid-02-sns-topic-principal-star-public.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowPublish"
        Effect    = "Allow"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:210987654321:order-events"
      },
    ]
  })
}
