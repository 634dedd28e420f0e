data "aws_caller_identity" "current" {}

resource "aws_sns_topic" "t" {
  name = "t"
}

data "aws_iam_policy_document" "t" {
  statement {
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.t.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    # only our account
    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id] # ours
    }
  }
}

resource "aws_sns_topic_policy" "t" {
  arn    = aws_sns_topic.t.arn
  policy = data.aws_iam_policy_document.t.json
}
