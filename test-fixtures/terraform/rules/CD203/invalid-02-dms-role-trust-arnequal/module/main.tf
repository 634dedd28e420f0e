# DMS role trust policy with ArnEqual as published on the DMS page, but with real values (module; generated from test-fixtures/policy-json/rules/CD203/invalid-02-dms-role-trust-arnequal.json)
module "policy" {
  source = "./policy"
  policy = {
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
          ArnEqual     = {
            "aws:SourceArn" = "arn:aws:dms:us-east-1:210987654321:rep:my-replication-instance"
          }
        }
      },
    ]
  }
}
