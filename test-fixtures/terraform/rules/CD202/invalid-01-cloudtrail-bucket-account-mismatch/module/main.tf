# CloudTrail bucket policy whose aws:SourceAccount differs from the account in aws:SourceArn (module; generated from test-fixtures/policy-json/rules/CD202/invalid-01-cloudtrail-bucket-account-mismatch.json)
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
            "aws:SourceAccount" = "210987654321"
            "aws:SourceArn"     = "arn:aws:cloudtrail:us-east-1:246813579135:trail/org-trail"
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
            "s3:x-amz-acl"      = "bucket-owner-full-control"
            "aws:SourceAccount" = "210987654321"
            "aws:SourceArn"     = "arn:aws:cloudtrail:us-east-1:246813579135:trail/org-trail"
          }
        }
      },
    ]
  }
}
