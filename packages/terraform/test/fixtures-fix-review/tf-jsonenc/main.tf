variable "env" {
  type    = string
  default = "prod"
}

resource "aws_s3_bucket" "b" {
  bucket = "${var.env}-uploads"
}

resource "aws_sns_topic" "t" {
  name = "t"
}

resource "aws_sns_topic_policy" "t" {
  arn = aws_sns_topic.t.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.t.arn
      Condition = {
        ArnLike = { "aws:SourceArn" = aws_s3_bucket.b.arn } # keep this comment
      }
    }]
  })
}

resource "aws_sns_topic_policy" "u" {
  arn    = aws_sns_topic.t.arn
  policy = <<EOT
{
  "Statement": [{
    "Effect": "Allow",
    "Principal": { "Service": "s3.amazonaws.com" },
    "Action": "sns:Publish",
    "Resource": "${aws_sns_topic.t.arn}",
    "Condition": { "ArnLike": { "aws:SourceArn": "${aws_s3_bucket.b.arn}" } }
  }]
}
EOT
}
