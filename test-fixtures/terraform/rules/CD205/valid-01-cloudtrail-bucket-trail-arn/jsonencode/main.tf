# CloudTrail bucket policy with the trail ARN (the fix of invalid-01) (jsonencode; generated from test-fixtures/policy-json/rules/CD205/valid-01-cloudtrail-bucket-trail-arn.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "AWSCloudTrailAclCheck"
        Effect    = "Allow"
        Principal = {
          Service = "cloudtrail.amazonaws.com"
        }
        Action    = "s3:GetBucketAcl"
        Resource  = "arn:aws:s3:::acme-cloudtrail-logs"
        Condition = {
          StringEquals = {
            "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:210987654321:trail/management-events"
          }
        }
      },
      {
        Sid       = "AWSCloudTrailWrite"
        Effect    = "Allow"
        Principal = {
          Service = "cloudtrail.amazonaws.com"
        }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/210987654321/*"
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"  = "bucket-owner-full-control"
            "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:210987654321:trail/management-events"
          }
        }
      },
    ]
  })
}
