import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSite, type PolicySite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { checkCloudFormation, cloudFormationFormat } from "../src/index.js";

// Session-14 hunt of nested stacks: a list passed to a child's CommaDelimitedList parameter as text
// (the knowledge-center pattern `!Join [",", !Ref List]`) reached the child as one string, so the
// guard compared the whole "a,b" and the foreign account in it was never seen (a CD204 at best).
describe("a list parameter of a nested stack given text by the parent", () => {
  const child = `Parameters:
  Accounts: { Type: CommaDelimitedList }
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Policy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: !Ref Topic
            Condition:
              StringEquals:
                aws:SourceAccount: !Ref Accounts
`;
  async function scan(passed: string, defaults = "111111111111,234567890123") {
    const dir = mkdtempSync(join(tmpdir(), "nested-list-"));
    writeFileSync(join(dir, "child.yaml"), child);
    const parent = `Parameters:
  SourceAccounts: { Type: CommaDelimitedList, Default: "${defaults}" }
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./child.yaml
      Parameters:
        Accounts: ${passed}
`;
    const file = join(dir, "parent.yaml");
    writeFileSync(file, parent);
    return checkCloudFormation(file, parent, { accounts: ["111111111111"] });
  }
  const rules = (r: Awaited<ReturnType<typeof scan>>) => r.findings.map((f) => f.ruleId);

  it('!Join [",", !Ref List] of the parent\'s Default: the foreign member is found (CD102)', async () => {
    const r = await scan('!Join [",", !Ref SourceAccounts]');
    expect(rules(r)).toEqual(["CD102"]);
    expect(r.findings[0]?.witness?.context["aws:SourceAccount"]).toBe("234567890123");
  });

  it("a Join with a deploy-time part beside a foreign account: CD102", async () => {
    const r = await scan('!Join [",", [!Ref AWS::AccountId, "234567890123"]]');
    expect(rules(r)).toEqual(["CD102"]);
  });

  it("our own accounts only, spaces around them trimmed: nothing", async () => {
    expect(rules(await scan('!Join [",", !Ref SourceAccounts]', "111111111111, 111111111111"))).toEqual([]);
    expect(rules(await scan('!Join [",", [!Ref AWS::AccountId, " 111111111111"]]'))).toEqual([]);
  });

  it("an imported member that may hold commas is unknown (CD301), not a guess", async () => {
    const r = await scan('!Join [",", [!ImportValue Other, !Ref AWS::AccountId]]');
    expect(rules(r)).toEqual(["CD301"]);
  });
});

// Session-14 CDK hunt: a stack synthesized for an account (`env: { account }`, manifest
// `"environment": "aws://210987654321/eu-west-1"`) holds that account as literal text. With
// `--account` naming another of the user's accounts, the stack's own account counted as foreign
// (a false CD102 at high) and `--fix` rewrote it to the other account.
describe("the account of a CDK stack's environment", () => {
  const template = JSON.stringify({
    Resources: {
      T: { Type: "AWS::SNS::Topic" },
      P: {
        Type: "AWS::SNS::TopicPolicy",
        Properties: {
          Topics: [{ Ref: "T" }],
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sns:Publish",
                Resource: { Ref: "T" },
                Condition: { StringEquals: { "aws:SourceAccount": "210987654321" } },
              },
              {
                Effect: "Allow",
                Principal: { Service: "s3.amazonaws.com" },
                Action: "sns:Publish",
                Resource: "*",
              },
            ],
          },
        },
      },
    },
  });
  function assembly(environment: string): string {
    const out = join(mkdtempSync(join(tmpdir(), "cdk-env-")), "cdk.out");
    mkdirSync(out);
    const artifacts = {
      Prod: {
        type: "aws:cloudformation:stack",
        environment,
        properties: { templateFile: "Prod.template.json" },
      },
    };
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "36.0.0", artifacts }));
    writeFileSync(join(out, "Prod.template.json"), template);
    return out;
  }
  const OPTIONS = { accounts: ["111111111111"] };
  const check = (sites: readonly PolicySite[]) =>
    sites
      .flatMap((s) => checkSite(s, OPTIONS).findings)
      .map((f) => [f.ruleId, f.statement?.index, f.fix?.text ?? ""]);

  it("is ours: no CD102 on it, and the fix of the unguarded statement names it", async () => {
    const out = assembly("aws://210987654321/eu-west-1");
    const r = await cloudFormationFormat.scanDirectory?.(out, OPTIONS);
    const findings = check(r?.sites ?? []);
    expect(findings.map(([rule, index]) => [rule, index])).toEqual([["CD101", 1]]);
    expect(String(findings[0]?.[2])).toContain('"aws:SourceAccount": "210987654321"');
    expect(String(findings[0]?.[2])).not.toContain("111111111111");
  });

  it("the template named by itself reads the manifest beside it", async () => {
    const out = assembly("aws://210987654321/eu-west-1");
    const file = join(out, "Prod.template.json");
    const r = await cloudFormationFormat.extract({ file, text: template }, OPTIONS);
    expect(check(r.sites).map(([rule, index]) => [rule, index])).toEqual([["CD101", 1]]);
  });

  it("an environment-agnostic stack has no account of its own: the other account is foreign", async () => {
    const out = assembly("aws://unknown-account/unknown-region");
    const r = await cloudFormationFormat.scanDirectory?.(out, OPTIONS);
    expect(check(r?.sites ?? []).map(([rule, index]) => [rule, index])).toEqual([
      ["CD102", 0],
      ["CD101", 1],
    ]);
  });
});
