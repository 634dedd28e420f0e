# SNS topic policy that grants sns:Publish to Principal "*" with no condition (policy document; generated from test-fixtures/policy-json/rules/CD101/invalid-02-sns-topic-principal-star-public.json)
data "aws_iam_policy_document" "this" {
  version = "2012-10-17"
  statement {
    sid    = "AllowPublish"
    effect = "Allow"
    actions = ["sns:Publish"]
    resources = ["arn:aws:sns:us-east-1:210987654321:order-events"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "fixture-bucket"
  policy = data.aws_iam_policy_document.this.json
}
