# An SNS subscription permission without source_arn: any topic in any account can invoke the function.
variable "function_name" {
  default = "orders-consumer"
}

resource "aws_lambda_permission" "with_sns" {
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "sns.amazonaws.com"
}
