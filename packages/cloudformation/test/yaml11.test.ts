// CloudFormation reads YAML as YAML 1.1: unquoted account ids made of octal digits become other
// numbers, yes/no/on/off are booleans. Regression for the case reported in
// aws-cloudformation/cloudformation-coverage-roadmap#745 (012345670123 → 1402433619) and
// DataDog/cloudformation-template#109 (065115117704 → 7133765572).
import { describe, expect, it } from "vitest";
import { checkCloudFormation, extractCloudFormation } from "../src/index.js";
import { yaml11Plain } from "../src/read/yaml-template.js";
import { show } from "./helpers.js";

const template = (account: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [arn:aws:sns:us-east-1:210987654321:t]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: arn:aws:sns:us-east-1:210987654321:t
            Condition:
              StringEquals:
                aws:SourceAccount: ${account}
`;

describe("YAML 1.1 plain scalars, as CloudFormation reads them", () => {
  it.each([
    ["012345670123", 1402433619],
    ["065115117704", 7133765572],
    ["-017", -15],
  ])("%s is octal (%d)", (text, n) => {
    expect(yaml11Plain(text)).toEqual({ value: n, octal: n });
  });
  it.each([
    ["yes", true],
    ["On", true],
    ["NO", false],
    ["off", false],
    ["1_000", 1000],
    ["1:30", 90],
    ["-1:00:01", -3601],
    ["0o17", "0o17"],
  ])("%s → %j", (text, value) => {
    expect(yaml11Plain(text)).toEqual({ value });
  });
  it.each([
    "0",
    "012345678901",
    "123456789012",
    "y",
    "n",
    "true",
    "none",
    "ON_DEMAND",
    "1.5",
    "0x1F",
    "Yes please",
  ])("%s reads as in the core schema", (text) => {
    expect(yaml11Plain(text)).toBeUndefined();
  });

  it("an unquoted octal-looking account id is the number CloudFormation uses: CD204 and a warning at the value", async () => {
    const r = await checkCloudFormation("t.yaml", template("012345670123"));
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD204"]);
    expect(r.findings[0]?.message).toContain('"1402433619" is not an AWS account id');
    const w = r.diagnostics.find((d) => d.code === "YamlNumber");
    expect(w).toMatchObject({ severity: "warning", line: 15, column: 36 });
    expect(w?.message).toContain("octal number 1402433619");
  });

  it("quoted, the same account id is a string and the guard holds", async () => {
    const r = await checkCloudFormation("t.yaml", template('"012345670123"'));
    expect(r.findings).toEqual([]);
    expect(r.diagnostics.filter((d) => d.code === "YamlNumber")).toEqual([]);
  });

  it("a leading zero followed by 8 or 9 is no YAML 1.1 number: the account id stays as written", async () => {
    const r = await extractCloudFormation("t.yaml", template("098765432109"));
    expect(r.diagnostics.filter((d) => d.code === "YamlNumber")).toEqual([]);
    const doc = show(r.sites[0]?.document) as {
      Statement: Array<{ Condition: Record<string, Record<string, unknown>> }>;
    };
    expect(doc.Statement[0]?.Condition.StringEquals?.["aws:SourceAccount"]).toBe("098765432109");
  });

  it("yes and on are booleans, in values only as CloudFormation's YAML 1.1 has them", async () => {
    const r = await extractCloudFormation("t.yaml", template("yes"));
    const doc = show(r.sites[0]?.document) as {
      Statement: Array<{ Condition: Record<string, Record<string, unknown>> }>;
    };
    expect(doc.Statement[0]?.Condition.StringEquals?.["aws:SourceAccount"]).toBe(true);
  });
});
