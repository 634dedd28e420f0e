resource "aws_s3_bucket" "b" {
  bucket = "acme-uploads"
}

resource "aws_sqs_queue" "q" {
  name = "q"
}

data "aws_iam_policy_document" "sqs" {
  statement {
    sid       = "AllowS3"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.q.arn]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.b.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "q" {
  queue_url = aws_sqs_queue.q.id
  policy    = data.aws_iam_policy_document.sqs.json
}
