import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 hunt: aws_cloudwatch_event_permission, which writes PutPermission's statement on an
// event bus, was not analysed at all: `principal = "*"` (any account may put events) gave nothing,
// while the same statement in an aws_cloudwatch_event_bus_policy is CD101, as CloudFormation's
// AWS::Events::EventBusPolicy in its Principal form is.
const permission = (args: string) => ({
  "main.tf": `resource "aws_cloudwatch_event_bus" "central" {
  name = "central"
}

resource "aws_cloudwatch_event_permission" "p" {
  event_bus_name = aws_cloudwatch_event_bus.central.name
  statement_id   = "Put"
${args}
}
`,
});

describe("aws_cloudwatch_event_permission", () => {
  it('principal "*" without a condition is public: CD101 at the resource', async () => {
    const s = await scan(permission('  principal      = "*"'));
    expect(s.findings.map((f) => [f.ruleId, f.severity, f.resource, f.line])).toEqual([
      ["CD101", "high", "aws_cloudwatch_event_permission.p", 5],
    ]);
  });

  it('principal "*" with the organization condition, or an account, is not reported', async () => {
    for (const args of [
      `  principal      = "*"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-abcdefghij"
  }`,
      '  principal      = "210987654321"',
    ]) {
      const s = await scan(permission(args));
      expect(s.sites).toHaveLength(1);
      expect(s.findings).toEqual([]);
      // The resource's condition block takes key, type and value (not a policy document's test,
      // variable and values): no ConfigError (review).
      expect(s.diagnostics).toEqual([]);
    }
  });

  it("a condition whose key is not known before apply is not counted on", async () => {
    const files = permission(`  principal      = "*"
  condition {
    key   = var.key
    type  = "StringEquals"
    value = "o-abcdefghij"
  }`);
    const s = await scan({ "main.tf": `variable "key" { type = string }\n${files["main.tf"]}` });
    expect(s.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "medium"]]);
  });
});
