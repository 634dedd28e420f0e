resource "aws_lambda_function" "f" {
  function_name = "orders-handler"
  role          = "arn:aws:iam::210987654322:role/x"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "f.zip"
}

resource "aws_lambda_permission" "sns" {
  statement_id  = "AllowSNS"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = "arn:aws:sns:eu-west-1:*:orders"
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowAPI"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:eu-west-1:*:abc123/*/*"
}

variable "topic" { type = string }
data "aws_region" "current" {}
data "aws_partition" "current" {}
resource "aws_lambda_permission" "sns2" {
  statement_id  = "AllowSNS2"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:*:${var.topic}"
}
resource "aws_lambda_permission" "sns3" {
  statement_id  = "AllowSNS3"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:*:orders"
}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:eu-west-1:210987654322:t"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action = "sns:Publish"
      Resource = "*"
      Condition = { ArnLike = { "aws:SourceArn" = "arn:aws:events:eu-west-1:*:rule/${var.topic}" } }
    }]
  })
}
