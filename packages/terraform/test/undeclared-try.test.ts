import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { type Scan, scan } from "./helpers.js";

// From the corpus: terraform-aws-modules/terraform-aws-s3-bucket's main.tf (line 1103), scanned
// without its variables.tf, writes `values = [try(var.allowed_kms_key_arn, null)]`. A reference to
// a variable that is not declared is rejected by Terraform before try() runs, so try() never falls
// back from it; taking the fallback made the item null and gave a PolicyShape *error* on a module
// that Terraform accepts once the variable is declared.
const denyKms = (values: string, declare = "") => ({
  "main.tf": `${declare}data "aws_iam_policy_document" "deny" {
  statement {
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::b/*"]
    principals {
      identifiers = ["*"]
      type        = "*"
    }
    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [${values}]
    }
  }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = data.aws_iam_policy_document.deny.json
}
`,
});

/** Error codes from reading the module and from checking its policies. */
const errors = (s: Scan) =>
  [...s.diagnostics, ...s.sites.flatMap((site) => checkSite(site).diagnostics)]
    .filter((d) => d.severity === "error")
    .map((d) => d.code);

describe("try() over a reference to something not declared", () => {
  it.each([
    "try(var.allowed_kms_key_arn, null)",
    "try(local.kms_key_arn, null)",
    "try(module.keys.arn, null)",
    "try(aws_kms_key.k.arn, null)",
  ])("does not take the fallback: %s is unknown, not null", async (expr) => {
    const s = await scan(denyKms(expr));
    expect(errors(s)).toEqual([]);
  });

  it("still takes a declared variable's null default (Terraform rejects a null item)", async () => {
    const s = await scan(
      denyKms(
        "try(var.allowed_kms_key_arn, null)",
        'variable "allowed_kms_key_arn" {\n  type    = string\n  default = null\n}\n',
      ),
    );
    expect(errors(s)).toEqual(["PolicyShape"]);
  });

  it("still falls back from a key the map lacks", async () => {
    const s = await scan(denyKms('try({ a = "x" }["b"], null)'));
    expect(errors(s)).toEqual(["PolicyShape"]);
  });

  // The fallback is dead code once the variable is declared (try() only catches errors raised while
  // evaluating), so "*" must not be read as the guard: the value is the variable's, not known here.
  it("does not read a dead fallback as the guard", async () => {
    const s = await scan({
      "main.tf": `resource "aws_lambda_permission" "s3" {
  statement_id   = "s3"
  action         = "lambda:InvokeFunction"
  function_name  = "fn"
  principal      = "s3.amazonaws.com"
  source_account = try(var.account, "*")
}
`,
    });
    expect(s.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["CD301 info"]);
  });
});
