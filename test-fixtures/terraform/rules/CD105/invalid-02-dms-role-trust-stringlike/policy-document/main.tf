# DMS role trust policy with StringLike on the replication-instance ARN pattern (the DMS page's pattern arn:aws:dms:*:<account>:rep:*) (policy document; generated from test-fixtures/policy-json/rules/CD105/invalid-02-dms-role-trust-stringlike.json)
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
      test     = "StringLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:dms:*:210987654321:rep:*"]
    }
  }
}

resource "aws_iam_role" "this" {
  assume_role_policy = data.aws_iam_policy_document.this.json
}
