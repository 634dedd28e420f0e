# Terraform 0.11-era syntax (blocks written as attributes). Terraform 0.11 deploys this as an
# unguarded Allow for s3.amazonaws.com; Terraform >= 0.12 rejects it ("Unsupported argument").
data "aws_iam_policy_document" "publish_to_topic" {
  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]

    principals = {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}

resource "aws_sns_topic" "t" {
  name   = "t"
  policy = "${data.aws_iam_policy_document.publish_to_topic.json}"
}
