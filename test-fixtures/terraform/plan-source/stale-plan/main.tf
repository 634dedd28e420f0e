resource "aws_sqs_queue_policy" "this" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/q"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = "arn:aws:sqs:us-east-1:111122223333:q"
      },
    ]
  })
}
