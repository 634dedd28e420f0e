import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 regression check against the hunt inputs: the rule that object actions on bucket ARNs
// match no request first took a bucket ARN not known before apply (a module's output) for a bucket,
// and an unguarded CloudFront GetObject on `${module.assets[0].s3_bucket_arn}/*` went unreported.
describe("an S3 object action on a resource not known before apply", () => {
  it("is analysed as it may be: CD101", async () => {
    const s = await scan({
      "main.tf": `module "assets" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git"
  bucket = "assets"
}
data "aws_iam_policy_document" "s3_policy" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["\${module.assets.s3_bucket_arn}/*", module.assets.s3_bucket_arn]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
  }
}
resource "aws_s3_bucket_policy" "bucket_policy" {
  bucket = module.assets.s3_bucket_id
  policy = data.aws_iam_policy_document.s3_policy.json
}
`,
    });
    expect(s.findings.map((f) => [f.ruleId, f.severity, f.resource])).toEqual([
      ["CD101", "high", "aws_s3_bucket_policy.bucket_policy"],
    ]);
  });
});
