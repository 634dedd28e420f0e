# A layer version shared with every AWS account (principal "*", no organization_id): a layer's
# permission names accounts, never a service, so no service can be made a deputy (session 10).
resource "aws_lambda_layer_version_permission" "public" {
  layer_name     = "arn:aws:lambda:us-east-1:271828182845:layer:shared"
  version_number = 1
  principal      = "*"
  action         = "lambda:GetLayerVersion"
  statement_id   = "public"
}
