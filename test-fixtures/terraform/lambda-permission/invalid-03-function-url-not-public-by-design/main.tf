# Function URL permissions that are not the public NONE form (written for session 10).
variable "function_name" {
  default = "web"
}

variable "url_auth_type" {
  type    = string
  default = "AWS_IAM"
}

resource "aws_lambda_permission" "any_aws_account_url" {
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = var.function_name
  principal              = "*"
  function_url_auth_type = var.url_auth_type
}

resource "aws_lambda_permission" "cloudfront_url" {
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = var.function_name
  principal              = "cloudfront.amazonaws.com"
  function_url_auth_type = "AWS_IAM"
}

resource "aws_lambda_permission" "public_invoke_not_via_url" {
  action                   = "lambda:InvokeFunction"
  function_name            = var.function_name
  principal                = "*"
  invoked_via_function_url = false
}
