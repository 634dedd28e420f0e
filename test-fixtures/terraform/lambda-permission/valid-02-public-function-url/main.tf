# A function URL with authorization_type NONE, opened to anyone as the Lambda guide says: no
# service acts for the caller, so there is no confused deputy (written for session 10).
variable "function_name" {
  default = "web"
}

resource "aws_lambda_function_url" "web" {
  function_name      = var.function_name
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "url_public" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = var.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "invoke_via_url" {
  statement_id             = "FunctionURLInvokeAllowPublicAccess"
  action                   = "lambda:InvokeFunction"
  function_name            = var.function_name
  principal                = "*"
  invoked_via_function_url = true
}
