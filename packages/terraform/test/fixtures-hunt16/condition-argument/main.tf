data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition = {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["381492650723"]
    }
  }
}
resource "aws_sns_topic" "t" {
  name   = "t"
  policy = data.aws_iam_policy_document.p.json
}
