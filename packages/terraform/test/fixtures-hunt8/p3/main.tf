variable "log_account" {
  type = string
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/acme/app"
}

resource "aws_lambda_permission" "logs" {
  statement_id  = "AllowCloudWatchLogs"
  action        = "lambda:InvokeFunction"
  function_name = "log-shipper"
  principal     = "logs.amazonaws.com"
  source_arn    = "arn:aws:logs:us-east-1:${var.log_account}:log-group:${aws_cloudwatch_log_group.app.id}:*"
}
