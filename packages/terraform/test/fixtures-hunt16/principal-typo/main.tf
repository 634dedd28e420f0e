data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]
    principal {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}
resource "aws_sns_topic" "t" {
  name   = "t"
  policy = data.aws_iam_policy_document.p.json
}
