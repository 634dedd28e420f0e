# DMS role trust policy whose SourceAccount and SourceArn account differ (the DMS page states that they must match) (jsonencode; generated from test-fixtures/policy-json/rules/CD202/invalid-02-dms-role-trust-account-mismatch.json)
resource "aws_iam_role" "this" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowDmsToAssumeVpcRole"
        Effect    = "Allow"
        Principal = {
          Service = "dms.amazonaws.com"
        }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = "210987654321"
          }
          ArnLike      = {
            "aws:SourceArn" = "arn:aws:dms:*:246813579135:rep:*"
          }
        }
      },
    ]
  })
}
