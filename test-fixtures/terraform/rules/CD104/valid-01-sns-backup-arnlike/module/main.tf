# SNS topic policy for AWS Backup notifications with ArnLike (no IfExists) (module; generated from test-fixtures/policy-json/rules/CD104/valid-01-sns-backup-arnlike.json)
module "policy" {
  source = "./policy"
  policy = {
    Version   = "2012-10-17"
    Id        = "order-events-topic-policy"
    Statement = [
      {
        Sid       = "AllowBackupNotifications"
        Effect    = "Allow"
        Principal = {
          Service = "backup.amazonaws.com"
        }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:210987654321:order-events"
        Condition = {
          ArnLike = {
            "aws:SourceArn" = "arn:aws:backup:us-east-1:210987654321:backup-vault:*"
          }
        }
      },
    ]
  }
}
