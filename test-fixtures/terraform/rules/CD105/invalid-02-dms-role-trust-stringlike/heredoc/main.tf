# DMS role trust policy with StringLike on the replication-instance ARN pattern (the DMS page's pattern arn:aws:dms:*:<account>:rep:*) (heredoc; generated from test-fixtures/policy-json/rules/CD105/invalid-02-dms-role-trust-stringlike.json)
resource "aws_iam_role" "this" {
  assume_role_policy = <<-EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowDmsToAssumeVpcRole",
      "Effect": "Allow",
      "Principal": {
        "Service": "dms.amazonaws.com"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringLike": {
          "aws:SourceArn": "arn:aws:dms:*:210987654321:rep:*"
        }
      }
    }
  ]
}
  EOT
}
