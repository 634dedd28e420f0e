// Session-14 library hunt: the README's flow (scanDirectory, then checkSite per site) reported a
// Terraform finding once per variant of its policy (each value a conditional may take), where the
// CLI reports it once; the CLI's merge was not exported. checkSites does what the CLI does.
import { describe, expect, it } from "vitest";
import { checkSite, checkSites, nodeFromPlain, type PolicySite } from "../src/index.js";

const OURS = "246813579135";
const site = (variant: string, account: string): PolicySite => ({
  file: "main.tf",
  resource: "aws_sns_topic_policy.p",
  kind: "resource-policy",
  propertyPath: "policy",
  range: { file: "main.tf", start: { line: 3, column: 1 }, end: { line: 9, column: 2 } },
  variant,
  document: nodeFromPlain({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      },
    ],
  }),
});

describe("checkSites", () => {
  it("a finding true in every variant of one policy is one finding, without a variant", () => {
    const sites = [site("var.env = prod", "210987654321"), site("var.env = dev", "210987654320")];
    expect(sites.flatMap((s) => checkSite(s, { accounts: [OURS] }).findings)).toHaveLength(2);
    const r = checkSites(sites, { accounts: [OURS] });
    expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([["CD102", undefined]]);
    expect([r.policies, r.statements]).toEqual([1, 1]);
  });

  it("one true in some variants names them", () => {
    const r = checkSites([site("var.env = prod", OURS), site("var.env = dev", "210987654320")], {
      accounts: [OURS],
    });
    expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([["CD102", "var.env = dev"]]);
  });
});
