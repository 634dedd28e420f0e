# AWS Config bucket policy with StringEquals (the fix of invalid-01) (jsonencode; generated from test-fixtures/policy-json/rules/CD203/valid-01-config-bucket-stringequals.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "AWSConfigBucketPermissionsCheck"
        Effect    = "Allow"
        Principal = {
          Service = "config.amazonaws.com"
        }
        Action    = "s3:GetBucketAcl"
        Resource  = "arn:aws:s3:::acme-config-history"
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = "210987654321"
          }
        }
      },
      {
        Sid       = "AWSConfigBucketDelivery"
        Effect    = "Allow"
        Principal = {
          Service = "config.amazonaws.com"
        }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::acme-config-history/AWSLogs/210987654321/Config/*"
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"      = "bucket-owner-full-control"
            "aws:SourceAccount" = "210987654321"
          }
        }
      },
    ]
  })
}
