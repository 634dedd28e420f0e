variable "source_account" {
  type    = string
  default = ""
}

variable "source_arn" {
  type    = string
  default = ""
}

resource "aws_lambda_permission" "s3" {
  statement_id   = "AllowS3"
  action         = "lambda:InvokeFunction"
  function_name  = "processor"
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::acme-drop-3321"
  source_account = var.source_account
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEvents"
  action        = "lambda:InvokeFunction"
  function_name = "processor"
  principal     = "events.amazonaws.com"
  source_arn    = var.source_arn
}

variable "org_id" {
  type    = string
  default = ""
}

resource "aws_lambda_permission" "org" {
  statement_id     = "AllowOrg"
  action           = "lambda:InvokeFunction"
  function_name    = "processor"
  principal        = "*"
  principal_org_id = var.org_id
}
