import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// A value computed from a computed value named every step in its reason (`expression(length(var.x)):
// computed from length(var.x) (computed from var.x (...)))` in the corpus' terraform-aws-s3-bucket
// warnings); the reason now names the first value only.
describe("the provenance of a value computed from another", () => {
  it("names the first value of the chain once", async () => {
    const r = await scan({
      "main.tf": `variable "orgs" { type = list(string) }
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    dynamic "condition" {
      for_each = length(var.orgs) > 0 ? [true] : []
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = ["210987654321"]
      }
    }
  }
}
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = data.aws_iam_policy_document.d.json
}
`,
    });
    const all = [...r.diagnostics, ...r.sites.flatMap((s) => checkSite(s).diagnostics)];
    const message = all.find((d) => d.code === "UnresolvedCondition")?.message ?? "";
    expect(message).toContain("computed from var.orgs (");
    expect(message.match(/computed from/g)).toHaveLength(1);
  });
});
