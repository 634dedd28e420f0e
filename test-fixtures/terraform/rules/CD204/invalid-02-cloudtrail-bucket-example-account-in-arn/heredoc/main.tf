# CloudTrail bucket policy with the documentation account 111122223333 in the trail ARN (heredoc; generated from test-fixtures/policy-json/rules/CD204/invalid-02-cloudtrail-bucket-example-account-in-arn.json)
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
        "StringEquals": {
          "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"
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
          "s3:x-amz-acl": "bucket-owner-full-control",
          "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"
        }
      }
    }
  ]
}
  EOT
}
