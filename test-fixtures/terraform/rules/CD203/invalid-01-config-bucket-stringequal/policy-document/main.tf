# AWS Config bucket policy with the misspelt operator StringEqual (policy document; generated from test-fixtures/policy-json/rules/CD203/invalid-01-config-bucket-stringequal.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  statement {
    sid    = "AWSConfigBucketPermissionsCheck"
    effect = "Allow"
    actions = ["s3:GetBucketAcl"]
    resources = ["arn:aws:s3:::acme-config-history"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    condition {
      test     = "StringEqual"
      variable = "aws:SourceAccount"
      values   = ["210987654321"]
    }
  }
  statement {
    sid    = "AWSConfigBucketDelivery"
    effect = "Allow"
    actions = ["s3:PutObject"]
    resources = ["arn:aws:s3:::acme-config-history/AWSLogs/210987654321/Config/*"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringEqual"
      variable = "aws:SourceAccount"
      values   = ["210987654321"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
