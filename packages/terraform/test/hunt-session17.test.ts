import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 real-world Terraform hunt: false alarms and findings reported twice.

const diagnostics = (r: Awaited<ReturnType<typeof scan>>) =>
  r.diagnostics.map((d) => [d.code, d.line, d.column, d.message]);

// nozaq/terraform-aws-secure-baseline: `override_json = var.custom_policy_json` with a default of
// "". The provider merges override_json (and source_json) only when set (`d.GetOk`), and "" is not
// set; it was warned about as a document "not known before apply (it is string)".
describe("override_json and source_json set to an empty string", () => {
  const bucket = (argument: string) => ({
    "main.tf": `variable "custom_policy_json" {
  type    = string
  default = ""
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "audit_log" {
  ${argument}

  statement {
    sid       = "ConfigWrite"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::acme-audit/*"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_s3_bucket_policy" "audit_log" {
  bucket = "acme-audit"
  policy = data.aws_iam_policy_document.audit_log.json
}

variable "unset" {
  type = string
}
`,
  });

  it.each([
    "override_json = var.custom_policy_json",
    "source_json = var.custom_policy_json",
    'override_json = ""',
  ])("are no document (%s)", async (argument) => {
    const r = await scan(bucket(argument));
    expect(r.diagnostics).toEqual([]);
    expect(r.findings).toEqual([]);
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_s3_bucket_policy.audit_log"]);
  });

  it("a value not known before apply is still warned about", async () => {
    const r = await scan(bucket("override_json = var.unset"));
    expect(diagnostics(r)).toEqual([
      [
        "PolicyUnknown",
        9,
        19,
        "a document in override_policy_documents of data.aws_iam_policy_document.audit_log is not known before apply (var.unset: the variable has no default and no value was given (--var, --var-file, terraform.tfvars)); its statements are not analysed, and it may replace a statement below that has the same Sid",
      ],
    ]);
  });
});
