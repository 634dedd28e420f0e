# CloudTrail bucket policy with StringLike and a wildcard only in the trail name (module; generated from test-fixtures/policy-json/rules/CD201/valid-01-cloudtrail-bucket-stringlike-resource-wildcard.json)
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
          StringLike = {
            "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:210987654321:trail/*"
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
            "s3:x-amz-acl" = "bucket-owner-full-control"
          }
          StringLike   = {
            "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:210987654321:trail/*"
          }
        }
      },
    ]
  }
}
