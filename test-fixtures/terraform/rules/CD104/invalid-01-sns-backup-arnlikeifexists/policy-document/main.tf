# SNS topic policy for AWS Backup notifications guarded only by ArnLikeIfExists (policy document; generated from test-fixtures/policy-json/rules/CD104/invalid-01-sns-backup-arnlikeifexists.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  policy_id = "order-events-topic-policy"
  statement {
    sid    = "AllowBackupNotifications"
    effect = "Allow"
    actions = ["sns:Publish"]
    resources = ["arn:aws:sns:us-east-1:210987654321:order-events"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
    condition {
      test     = "ArnLikeIfExists"
      variable = "aws:SourceArn"
      values   = ["arn:aws:backup:us-east-1:210987654321:backup-vault:*"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
