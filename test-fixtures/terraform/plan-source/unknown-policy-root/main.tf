variable "bucket_name" {
  type = string
}

variable "alarm_webhook_token" {
  type      = string
  sensitive = true
}

resource "aws_s3_bucket" "trail" {
  bucket = var.bucket_name
}

# The bucket's ARN is known only after apply, so the plan cannot show this policy.
resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudTrailWrite"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.trail.arn}/AWSLogs/*"
    }]
  })
}

resource "aws_ssm_parameter" "webhook" {
  name  = "/alarms/webhook-token"
  type  = "SecureString"
  value = var.alarm_webhook_token
}
