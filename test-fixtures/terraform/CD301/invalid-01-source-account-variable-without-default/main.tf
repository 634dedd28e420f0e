# The guard's account comes from a variable with no default and no tfvars: the verdict depends on it.
variable "trusted_account_id" {
  type = string
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "AllowEventBridge"
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.trusted_account_id]
    }
  }
}

resource "aws_sns_topic_policy" "events" {
  arn    = "arn:aws:sns:eu-west-1:210987654321:alerts"
  policy = data.aws_iam_policy_document.topic.json
}
