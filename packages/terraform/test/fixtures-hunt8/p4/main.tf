variable "trigger" {
  type    = string
  default = "sns"
  validation {
    condition     = contains(["sns", "s3"], var.trigger)
    error_message = "trigger is sns or s3"
  }
}

resource "aws_sns_topic" "events" {
  name = "acme-events"
}

resource "aws_s3_bucket" "drop" {
  bucket = "acme-dropbox-5521"
}

resource "aws_lambda_permission" "trigger" {
  statement_id  = "AllowTrigger"
  action        = "lambda:InvokeFunction"
  function_name = "ingest"
  principal     = var.trigger == "sns" ? "sns.amazonaws.com" : "s3.amazonaws.com"
  source_arn    = var.trigger == "sns" ? aws_sns_topic.events.arn : aws_s3_bucket.drop.arn
}
