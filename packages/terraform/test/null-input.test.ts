import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// From a hunt: a module input passed as null took the variable's default, which invented a guard
// (source_account); Terraform keeps the null unless the variable says nullable = false.
const files = (nullable: string) => ({
  "main.tf": `module "perm" {
  source         = "./mod"
  source_account = null
}
`,
  "mod/main.tf": `variable "source_account" {
  type    = string
  default = "210987654321"
${nullable}
}
resource "aws_lambda_permission" "s3" {
  statement_id   = "s3"
  action         = "lambda:InvokeFunction"
  function_name  = "fn"
  principal      = "s3.amazonaws.com"
  source_account = var.source_account
}
`,
});

describe("a null module input", () => {
  it.each(["", "  nullable = true"])(
    "overrides the default (%j): the permission has no guard",
    async (nullable) => {
      const s = await scan(files(nullable), { accounts: ["210987654321"] });
      expect(s.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["CD101 high"]);
    },
  );

  it("takes the default with nullable = false", async () => {
    const s = await scan(files("  nullable = false"), { accounts: ["210987654321"] });
    expect(s.findings).toEqual([]);
  });
});
