# CloudTrail S3 bucket policy (AWS CloudTrail User Guide pattern) with no source guard on either statement (heredoc; generated from test-fixtures/policy-json/rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition.json)
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
      "Resource": "arn:aws:s3:::acme-cloudtrail-logs"
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
        }
      }
    }
  ]
}
  EOT
}
