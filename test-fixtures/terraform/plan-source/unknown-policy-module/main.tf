module "trail_bucket" {
  source      = "./modules/trail-bucket"
  bucket_name = "acme-trail-logs"
}

resource "aws_lambda_permission" "from_trail_bucket" {
  statement_id  = "AllowS3"
  action        = "lambda:InvokeFunction"
  function_name = "trail-processor"
  principal     = "s3.amazonaws.com"
  source_arn    = module.trail_bucket.arn
}
