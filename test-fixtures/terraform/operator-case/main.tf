resource "aws_sns_topic_policy" "a" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:us-east-1:210987654321:t"
      Condition = {
        arnlike = {
          "aws:sourcearn" = "arn:aws:s3:::src-bucket"
        }
        stringequals = {
          "s3:x-amz-acl" = "x"
        }
      }
    }]
  })
}
