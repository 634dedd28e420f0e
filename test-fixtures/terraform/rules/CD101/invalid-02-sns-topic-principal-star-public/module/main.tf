# SNS topic policy that grants sns:Publish to Principal "*" with no condition (module; generated from test-fixtures/policy-json/rules/CD101/invalid-02-sns-topic-principal-star-public.json)
module "policy" {
  source = "./policy"
  policy = {
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowPublish"
        Effect    = "Allow"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:210987654321:order-events"
      },
    ]
  }
}
