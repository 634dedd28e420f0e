# CloudTrail bucket policy with StringEquals and a wildcard trail ARN on the delivery statement (the mistake the CloudTrail page warns about) (module; generated from test-fixtures/policy-json/rules/CD201/invalid-01-cloudtrail-bucket-stringequals-wildcard.json)
module "policy" {
  source = "./policy"
  policy = {
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
            "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:210987654321:trail/*"
          }
        }
      },
    ]
  }
}
