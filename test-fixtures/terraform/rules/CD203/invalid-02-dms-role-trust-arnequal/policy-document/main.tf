# DMS role trust policy with ArnEqual as published on the DMS page, but with real values (policy document; generated from test-fixtures/policy-json/rules/CD203/invalid-02-dms-role-trust-arnequal.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  statement {
    sid    = "AllowDmsToAssumeVpcRole"
    effect = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["dms.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["210987654321"]
    }
    condition {
      test     = "ArnEqual"
      variable = "aws:SourceArn"
      values   = ["arn:aws:dms:us-east-1:210987654321:rep:my-replication-instance"]
    }
  }
}

resource "aws_iam_role" "this" {
  assume_role_policy = data.aws_iam_policy_document.this.json
}
