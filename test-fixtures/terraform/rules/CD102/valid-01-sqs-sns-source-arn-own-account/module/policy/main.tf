variable "policy" {
  type = any
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = jsonencode(var.policy)
}
