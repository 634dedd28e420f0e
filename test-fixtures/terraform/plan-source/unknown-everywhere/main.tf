# Not installed here (no terraform init): its outputs are unknown to a source analysis too.
module "topic_policy" {
  source  = "acme/sns-topic-policy/aws"
  version = "1.4.0"
}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = module.topic_policy.json
}

# AWS fills in a key policy and the inline policies when none are written: nothing to analyse.
resource "aws_kms_key" "logs" {
  description = "logs"
}

resource "aws_iam_role" "plain" {
  name = "plain"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-exports"
}

resource "aws_iam_role" "exporter" {
  name = "exporter"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })

  dynamic "inline_policy" {
    for_each = toset(["write"])
    content {
      name = "exports-${inline_policy.key}"
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = "${aws_s3_bucket.exports.arn}/*" }]
      })
    }
  }
}
