resource "aws_s3_bucket_policy" "yaml" {
  bucket = "acme-trail"
  policy = jsonencode(yamldecode(file("${path.module}/policy.yaml")))
}

resource "aws_lambda_permission" "arn_build" {
  statement_id  = "AllowS3"
  action        = "lambda:InvokeFunction"
  function_name = "fn"
  principal     = "s3.amazonaws.com"
  source_arn    = provider::aws::arn_build("aws", "s3", "", "", "acme-drop-7781")
}

resource "aws_lambda_permission" "sensitive" {
  statement_id   = "AllowEvents"
  action         = "lambda:InvokeFunction"
  function_name  = "fn"
  principal      = "events.amazonaws.com"
  source_account = sensitive("410987654321")
}
