# CloudTrail bucket policy with StringLike aws:SourceArn and a wildcard region, as the CloudTrail page advises (policy document; generated from test-fixtures/policy-json/rules/CD105/invalid-01-cloudtrail-bucket-stringlike-region-wildcard.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  statement {
    sid    = "AWSCloudTrailAclCheck"
    effect = "Allow"
    actions = ["s3:GetBucketAcl"]
    resources = ["arn:aws:s3:::acme-cloudtrail-logs"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:*:210987654321:trail/*"]
    }
  }
  statement {
    sid    = "AWSCloudTrailWrite"
    effect = "Allow"
    actions = ["s3:PutObject"]
    resources = ["arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/210987654321/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:*:210987654321:trail/*"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
