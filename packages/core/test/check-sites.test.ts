// Session-14 library hunt: the README's flow (scanDirectory, then checkSite per site) reported a
// Terraform finding once per variant of its policy (each value a conditional may take), where the
// CLI reports it once; the CLI's merge was not exported. checkSites does what the CLI does.
import { describe, expect, it } from "vitest";
import {
  checkSite,
  checkSites,
  type Finding,
  mergeVariantFindings,
  nodeFromPlain,
  type PolicySite,
} from "../src/index.js";

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

// Session-15 review: a policy written as one JSON string (a template's `Fn::Join`) reports all its
// statements at one position, and each finding was compared with every finding kept there before:
// checkCloudFormation on 20,000 such statements took 28 s (the CLI, with the same merge, 42 s).
describe("mergeVariantFindings", () => {
  it("keeps 20,000 findings of one position, one per statement, in linear time", () => {
    const findings: Finding[] = [];
    for (let i = 0; i < 20_000; i++)
      findings.push({
        ruleId: "CD101",
        rule: "service-principal-without-source-guard",
        severity: "high",
        message: `statement ${i} is open`,
        file: "t.json",
        line: 7,
        column: 9,
        endLine: 7,
        endColumn: 9,
        resource: "P",
        statement: { index: i },
        principals: ["events.amazonaws.com"],
      });
    const t = performance.now();
    const out = mergeVariantFindings(() => undefined, findings);
    expect(out).toHaveLength(20_000);
    expect(out.map((f) => f.statement?.index)).toEqual(findings.map((f) => f.statement?.index));
    // About 50 ms here; the search of every kept finding took seconds.
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
