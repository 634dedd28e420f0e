# Vended logs (VPC Flow Logs) bucket policy guarded only by ForAllValues:StringEquals aws:SourceAccount (module; generated from test-fixtures/policy-json/rules/CD104/invalid-02-vended-logs-bucket-forallvalues.json)
module "policy" {
  source = "./policy"
  policy = {
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "AWSLogDeliveryWrite"
        Effect    = "Allow"
        Principal = {
          Service = "delivery.logs.amazonaws.com"
        }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::acme-vpc-flow-logs/AWSLogs/210987654321/*"
        Condition = {
          StringEquals                = {
            "s3:x-amz-acl" = "bucket-owner-full-control"
          }
          "ForAllValues:StringEquals" = {
            "aws:SourceAccount" = "210987654321"
          }
        }
      },
    ]
  }
}
