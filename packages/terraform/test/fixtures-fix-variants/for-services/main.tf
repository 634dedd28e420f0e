locals {
  services = ["cloudtrail.amazonaws.com", "config.amazonaws.com"]
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = "logs-bucket"
  policy = jsonencode({
    Statement = [for s in local.services : {
      Effect    = "Allow"
      Principal = { Service = s }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::logs-bucket/*"
      Condition = {
        StringEquals = {
          "s3:x-amz-acl" = "bucket-owner-full-control"
        }
      }
    }]
  })
}
