# Vended logs (VPC Flow Logs) bucket policy guarded only by ForAllValues:StringEquals aws:SourceAccount (policy document; generated from test-fixtures/policy-json/rules/CD104/invalid-02-vended-logs-bucket-forallvalues.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  statement {
    sid    = "AWSLogDeliveryWrite"
    effect = "Allow"
    actions = ["s3:PutObject"]
    resources = ["arn:aws:s3:::acme-vpc-flow-logs/AWSLogs/210987654321/*"]
    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:SourceAccount"
      values   = ["210987654321"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
