variable "trail_account" {
  type      = string
  sensitive = true
}

variable "org_accounts" {
  type = string
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = "acme-trail"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::acme-trail/AWSLogs/*"
      Condition = { StringEquals = { "aws:SourceAccount" = nonsensitive(var.trail_account) } }
    }]
  })
}

resource "aws_s3_bucket_policy" "config" {
  bucket = "acme-config"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "config.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::acme-config/AWSLogs/*"
      Condition = { StringEquals = { "aws:SourceAccount" = [for a in regexall("[0-9]{12}", var.org_accounts) : a] } }
    }]
  })
}
