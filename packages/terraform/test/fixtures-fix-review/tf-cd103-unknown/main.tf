variable "bucket_arn" {
  type = string
}

variable "queue_arn" {
  type = string
}

data "aws_iam_policy_document" "sqs" {
  statement {
    sid       = "AllowS3"
    actions   = ["sqs:SendMessage"]
    resources = [var.queue_arn]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [var.bucket_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "q" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/731234567890/q"
  policy    = data.aws_iam_policy_document.sqs.json
}
