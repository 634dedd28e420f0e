# 1. two condition blocks with the same test and variable: the provider appends values (OR)
data "aws_iam_policy_document" "two_blocks" {
  statement {
    sid       = "AllowCloudTrail"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::trail-a/AWSLogs/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["246813579024"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["410987654321"]
    }
  }
}

resource "aws_s3_bucket_policy" "two_blocks" {
  bucket = "trail-a"
  policy = data.aws_iam_policy_document.two_blocks.json
}

# 2. &{...} becomes a policy variable ${...}: pinned to the bucket owner
data "aws_iam_policy_document" "amp_var" {
  statement {
    sid       = "AllowCloudTrail"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::trail-b/AWSLogs/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["&{aws:ResourceAccount}"]
    }
  }
}

resource "aws_s3_bucket_policy" "amp_var" {
  bucket = "trail-b"
  policy = data.aws_iam_policy_document.amp_var.json
}

# 3. the same in jsonencode with $${...}
resource "aws_s3_bucket_policy" "dollar_var" {
  bucket = "trail-c"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::trail-c/AWSLogs/*"
      Condition = { StringEquals = { "aws:SourceAccount" = "$${aws:ResourceAccount}" } }
    }]
  })
}

# 4. principals with two service identifiers and two principals blocks
data "aws_iam_policy_document" "two_services" {
  statement {
    actions   = ["sns:Publish"]
    resources = ["arn:aws:sns:us-east-1:246813579024:alerts"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:events:us-east-1:246813579024:rule/*"]
    }
  }
}

resource "aws_sns_topic_policy" "two_services" {
  arn    = "arn:aws:sns:us-east-1:246813579024:alerts"
  policy = data.aws_iam_policy_document.two_services.json
}
