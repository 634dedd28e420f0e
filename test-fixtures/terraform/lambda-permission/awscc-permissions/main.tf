# The Cloud Control provider's function permission takes the AWS provider's argument names. Until
# session 10 its source_account and source_arn were not read (it was read as a layer permission),
# so a guarded permission was CD101 high.
resource "awscc_lambda_permission" "guarded" {
  action         = "lambda:InvokeFunction"
  function_name  = "fn"
  principal      = "s3.amazonaws.com"
  source_account = "210987654321"
  source_arn     = "arn:aws:s3:::my-bucket"
}

resource "awscc_lambda_permission" "public_url" {
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = "fn"
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "awscc_lambda_permission" "unguarded" {
  action        = "lambda:InvokeFunction"
  function_name = "fn"
  principal     = "sns.amazonaws.com"
}
