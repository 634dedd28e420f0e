# CloudTrail bucket policy with ArnLike and a wildcard region (the fix of invalid-01) (heredoc; generated from test-fixtures/policy-json/rules/CD105/valid-01-cloudtrail-bucket-arnlike-region-wildcard.json)
resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = <<-EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AWSCloudTrailAclCheck",
      "Effect": "Allow",
      "Principal": {
        "Service": "cloudtrail.amazonaws.com"
      },
      "Action": "s3:GetBucketAcl",
      "Resource": "arn:aws:s3:::acme-cloudtrail-logs",
      "Condition": {
        "ArnLike": {
          "aws:SourceArn": "arn:aws:cloudtrail:*:210987654321:trail/*"
        }
      }
    },
    {
      "Sid": "AWSCloudTrailWrite",
      "Effect": "Allow",
      "Principal": {
        "Service": "cloudtrail.amazonaws.com"
      },
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/210987654321/*",
      "Condition": {
        "StringEquals": {
          "s3:x-amz-acl": "bucket-owner-full-control"
        },
        "ArnLike": {
          "aws:SourceArn": "arn:aws:cloudtrail:*:210987654321:trail/*"
        }
      }
    }
  ]
}
  EOT
}
