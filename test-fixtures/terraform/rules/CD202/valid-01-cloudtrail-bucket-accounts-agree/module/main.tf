# CloudTrail bucket policy whose aws:SourceAccount and aws:SourceArn account match (module; generated from test-fixtures/policy-json/rules/CD202/valid-01-cloudtrail-bucket-accounts-agree.json)
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
            "aws:SourceArn"     = "arn:aws:cloudtrail:us-east-1:210987654321:trail/management-events"
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
            "aws:SourceArn"     = "arn:aws:cloudtrail:us-east-1:210987654321:trail/management-events"
          }
        }
      },
    ]
  }
}
