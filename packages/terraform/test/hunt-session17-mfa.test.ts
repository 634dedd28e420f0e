import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 hunt: what terraform-aws-modules/iam iam-assumable-role renders with its default
// role_requires_mfa = true for trusted_role_services: CD101 medium, with a witness in which
// events.amazonaws.com had signed in with MFA. No service request carries MultiFactorAuthPresent true.
describe("a service trust policy that requires MFA", () => {
  it("is not reported: the service can never assume the role", async () => {
    const s = await scan({
      "main.tf": `data "aws_iam_policy_document" "assume_role_with_mfa" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
    condition {
      test     = "NumericLessThan"
      variable = "aws:MultiFactorAuthAge"
      values   = ["86400"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "events-invoke"
  assume_role_policy = data.aws_iam_policy_document.assume_role_with_mfa.json
}
`,
    });
    expect(s.sites).toHaveLength(1);
    expect(s.findings).toEqual([]);
    expect(s.diagnostics).toEqual([]);
  });
});
