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

// Session-14 hunt of nested stacks and Fn::ForEach: resources no deploy creates were reported.
describe("resources a deploy never creates, through a parent stack or Fn::ForEach", () => {
  const child = `Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Policy:
    Type: AWS::SNS::TopicPolicy
    Condition: IsProd
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: !Ref Topic
`;
  async function nested(parent: string) {
    const dir = mkdtempSync(join(tmpdir(), "nested-cond-"));
    writeFileSync(join(dir, "child.yaml"), child);
    const file = join(dir, "parent.yaml");
    writeFileSync(file, parent);
    return checkCloudFormation(file, parent, {});
  }
  const stack = (extra: string, env: string) => `Resources:
  Child:
    Type: AWS::CloudFormation::Stack
${extra}    Properties:
      TemplateURL: ./child.yaml
      Parameters:
        Env: ${env}
`;

  it("the parent passes a parameter whose AllowedValues never meet the child's Condition: nothing", async () => {
    const parent = `Parameters:
  Env: { Type: String, AllowedValues: [dev, test], Default: dev }
${stack("", "!Ref Env")}`;
    expect((await nested(parent)).findings).toEqual([]);
  });

  it("a nested stack whose own Condition never holds is not followed", async () => {
    const parent = `Conditions:
  Never: !Equals [a, b]
${stack("    Condition: Never\n", "prod")}`;
    expect((await nested(parent)).findings).toEqual([]);
  });

  it("a nested stack created only under a Condition: its findings say so", async () => {
    const parent = `Parameters:
  Deploy: { Type: String, AllowedValues: ["yes", "no"], Default: "no" }
Conditions:
  DoDeploy: !Equals [!Ref Deploy, "yes"]
${stack("    Condition: DoDeploy\n", "prod")}`;
    const r = await nested(parent);
    expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([
      [
        "CD101",
        "only if condition DoDeploy holds (false with the parameter defaults) in parent.yaml (nested stack Child)",
      ],
    ]);
  });

  it('Fn::ForEach: a copy\'s Condition: !Sub "Is${Name}" is the named condition', async () => {
    const text = `Transform: AWS::LanguageExtensions
Parameters:
  Env: { Type: String, AllowedValues: [dev, prod], Default: dev }
Conditions:
  IsA: !Equals [!Ref Env, prod]
  IsB: !Equals ["x", "y"]
Resources:
  Fn::ForEach::Topics:
    - Name
    - [A, B]
    - Policy\${Name}:
        Type: AWS::SNS::TopicPolicy
        Condition: !Sub "Is\${Name}"
        Properties:
          Topics: ["t"]
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: { Service: events.amazonaws.com }
                Action: sns:Publish
                Resource: "*"
`;
    const r = await checkCloudFormation("fe.yaml", text, {});
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.variant])).toEqual([
      ["CD101", "PolicyA", "only if condition IsA holds (false with the parameter defaults)"],
    ]);
  });
});

// Session-14 library hunt: checkCloudFormation kept a finding once per message and labelled one
// true in both branches of an Fn::If with the first branch, where the CLI reports it once without a
// label (it now merges variants with core's checkSites, as the CLI does).
describe("checkCloudFormation and Fn::If branches", () => {
  const template = (other: string, first = "111111111111") => `Parameters:
  Strict: { Type: String, AllowedValues: ["yes", "no"] }
Conditions:
  IsStrict: !Equals [!Ref Strict, "yes"]
Resources:
  P:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: ["t"]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: "*"
            Condition: !If [IsStrict, { StringEquals: { "aws:SourceAccount": "${first}" } }, ${other}]
`;
  it("a finding in every branch is reported once, without a branch", async () => {
    const r = await checkCloudFormation(
      "t.yaml",
      template('{ StringEquals: { "aws:SourceAccount": "234567890123" } }', "234567890124"),
      {
        accounts: ["111111111111"],
      },
    );
    expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([["CD102", undefined]]);
  });

  it("a finding in one branch names it", async () => {
    const r = await checkCloudFormation("t.yaml", template("!Ref AWS::NoValue"), {
      accounts: ["111111111111"],
    });
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(r.findings[0]?.variant).toBe("<Strict>: no");
    expect(r.findings[0]?.message).toMatch(/ \(<Strict>: no\)$/);
  });
});

// Session-15 review: the outer of two nested loops collapsed `!Sub "Is${A}&{B}"` to the text
// `IsA&{B}`, which the inner loop (it substitutes only in Fn::Sub) then left as it was: a Condition
// naming no condition, and a false CD101 on resources never created.
it("nested Fn::ForEach: a Condition naming both loops' identifiers is resolved by both", async () => {
  const text = `Transform: AWS::LanguageExtensions
Conditions:
  IsAx: !Equals ["a", "b"]
  IsAy: !Equals ["a", "b"]
Resources:
  Fn::ForEach::Outer:
    - A
    - [A]
    - Fn::ForEach::Inner:
        - B
        - [x, y]
        - "P\${A}&{B}":
            Type: AWS::SQS::QueuePolicy
            Condition: !Sub "Is\${A}&{B}"
            Properties:
              Queues: ["u"]
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: { Service: sns.amazonaws.com }
                    Action: sqs:SendMessage
                    Resource: "*"
`;
  const r = await checkCloudFormation("fe.yaml", text, {});
  expect(r.findings).toEqual([]);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
});

// Session-15 review: naming a cloud assembly's templates one by one read and parsed its manifest
// (which names every stack) once per template: 2,000 stacks took 10.7 s. It is read once.
it("templates of a large cloud assembly named one by one read its manifest once", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "cdk-many-")), "cdk.out");
  mkdirSync(out);
  const artifacts: Record<string, unknown> = {};
  const template = JSON.stringify({
    Resources: {
      P: {
        Type: "AWS::SNS::TopicPolicy",
        Properties: {
          Topics: ["t"],
          PolicyDocument: {
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sns:Publish",
                Resource: "*",
              },
            ],
          },
        },
      },
    },
  });
  for (let i = 0; i < 2000; i++) {
    artifacts[`S${i}`] = {
      type: "aws:cloudformation:stack",
      environment: `aws://2109876${String(i).padStart(5, "0")}/eu-west-1`,
      properties: { templateFile: `S${i}.template.json` },
    };
    writeFileSync(join(out, `S${i}.template.json`), template);
  }
  writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "36.0.0", artifacts }));
  const t = performance.now();
  const accounts: Array<string | undefined> = [];
  for (let i = 0; i < 2000; i++) {
    const r = await cloudFormationFormat.extract(
      { file: join(out, `S${i}.template.json`), text: template },
      {},
    );
    accounts.push(r.sites[0]?.ownAccount);
  }
  expect(accounts[0]).toBe("210987600000");
  expect(accounts[1999]).toBe("210987601999");
  // About 0.15 s here; reading the manifest per template took 2.8 s.
  expect(performance.now() - t).toBeLessThan(1200);
});

// Session-14 CDK hunt: `Fn::GetAtt [NestedStack, Outputs.X]` between sibling nested stacks, how CDK
// wires every cross-nested-stack reference, was an unknown (CD301 noise), though both templates
// are local. The sibling's Outputs are now read, as it resolves them.
describe("a nested stack's Outputs passed to its sibling", () => {
  const b = `Parameters:
  TopicArn: { Type: String }
Resources:
  Q: { Type: AWS::SQS::Queue }
  P:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Q]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Q.Arn
            Condition:
              ArnEquals:
                aws:SourceArn: !Ref TopicArn
`;
  async function scan(outputValue: string, passed = "!GetAtt StackA.Outputs.TopicArn") {
    const dir = mkdtempSync(join(tmpdir(), "nested-outputs-"));
    writeFileSync(join(dir, "b.yaml"), b);
    writeFileSync(
      join(dir, "a.yaml"),
      `Resources:\n  Topic: { Type: AWS::SNS::Topic }\nOutputs:\n  TopicArn:\n    Value: ${outputValue}\n`,
    );
    // B comes first in the template: it is followed after A, whose Outputs it reads.
    const parent = `Resources:
  StackB:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./b.yaml
      Parameters:
        TopicArn: ${passed}
  StackA:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./a.yaml
`;
    const file = join(dir, "parent.yaml");
    writeFileSync(file, parent);
    return checkCloudFormation(file, parent, { accounts: ["111111111111"] });
  }
  const rules = (r: Awaited<ReturnType<typeof scan>>) => r.findings.map((f) => f.ruleId);

  it("the sibling's own topic: nothing (it was a CD301)", async () => {
    expect(rules(await scan("!Ref Topic"))).toEqual([]);
    expect(rules(await scan("!Ref Topic", '!Sub "${StackA.Outputs.TopicArn}"'))).toEqual([]);
  });

  it("a foreign topic the sibling outputs: CD102", async () => {
    const r = await scan("arn:aws:sns:us-east-1:234567890123:evil");
    expect(rules(r)).toEqual(["CD102"]);
    expect(r.findings[0]?.witness?.context["aws:SourceArn"]).toBe("arn:aws:sns:us-east-1:234567890123:evil");
  });

  // Session-15 hunt: an Output that depends on a choice of the child (`!If [IsProd, …, …]`) was left
  // out (a CD301 info, exit 0) though every branch names a foreign account. Each value is now one
  // the parent chooses among.
  it("an output with a value per branch of the child: each is analysed (CD102)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nested-outputs-if-"));
    writeFileSync(join(dir, "b.yaml"), b);
    writeFileSync(
      join(dir, "a.yaml"),
      `Parameters:
  Env: { Type: String, Default: prod }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Topic: { Type: AWS::SNS::Topic }
Outputs:
  TopicArn:
    Value: !If [IsProd, "arn:aws:sns:us-east-1:234567890123:p", !Ref Topic]
`,
    );
    const parent = `Resources:
  StackB:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./b.yaml
      Parameters:
        TopicArn: !GetAtt StackA.Outputs.TopicArn
  StackA:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./a.yaml
`;
    const file = join(dir, "parent.yaml");
    writeFileSync(file, parent);
    const r = await checkCloudFormation(file, parent, { accounts: ["111111111111"] });
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.findings[0]?.witness?.context["aws:SourceArn"]).toBe("arn:aws:sns:us-east-1:234567890123:p");
  });

  // Session-15 hunt: each stack passing `${Prev.Outputs.Out}${Prev.Outputs.Out}` on doubled the value:
  // 27 stacks took 8 s and 29 ended in "Invalid string length". An Output longer than CloudFormation
  // takes as a parameter (4,096 characters) is left an unknown.
  it("Outputs that double along a chain of stacks stay bounded", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nested-outputs-double-"));
    writeFileSync(
      join(dir, "a.yaml"),
      `Parameters:\n  In: { Type: String, Default: "x" }\nResources:\n  Topic: { Type: AWS::SNS::Topic }\nOutputs:\n  Out:\n    Value: !Sub "\${In}-a"\n`,
    );
    let parent =
      "Resources:\n  S0:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./a.yaml\n";
    for (let i = 1; i <= 30; i++)
      parent += `  S${i}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./a.yaml\n      Parameters:\n        In: !Sub "\${S${i - 1}.Outputs.Out}\${S${i - 1}.Outputs.Out}"\n`;
    const file = join(dir, "parent.yaml");
    writeFileSync(file, parent);
    const t = performance.now();
    const r = await checkCloudFormation(file, parent, {});
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(performance.now() - t).toBeLessThan(3000);
  });

  // Session-15 hunt: an Output the followed child does not have was only a CD301; CloudFormation
  // rejects such a template. It is an UnresolvedReference error at the GetAtt (and stays unknown).
  it("Outputs a Fn::ForEach makes are not known by name here: no error, an unknown (CD301)", async () => {
    const r = await scan(
      '"x"\n  Fn::ForEach::Outs:\n    - N\n    - [One]\n    - "Out${N}":\n        Value: !Ref Topic',
      "!GetAtt StackA.Outputs.OutOne",
    );
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(rules(r)).toEqual(["CD301"]);
  });

  it("an output the sibling does not have is an UnresolvedReference error, and stays unknown (CD301)", async () => {
    const r = await scan("!Ref Topic", "!GetAtt StackA.Outputs.Other");
    expect(rules(r)).toEqual(["CD301"]);
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.message])).toEqual([
      [
        "UnresolvedReference",
        "Fn::GetAtt StackA.Outputs.Other: the template of nested stack StackA has no Output Other",
      ],
    ]);
  });
});

// Session-15 miss hunt: a guard no request can meet (`StringLike aws:SourceAccount ${aws:SourceArn}`:
// an account id never equals an ARN) was a CD102 in a template, because the queue's ARN there is a
// value known at deploy time and any such statement kept its refused witness as a finding; in a
// policy file it is, rightly, only "not proven safe". The resource's unknown name no longer decides that.
it("a guard no request meets is not proven safe (a warning), not a CD102, though the Resource is known only at deploy", async () => {
  const text = `Resources:
  Q: { Type: AWS::SQS::Queue }
  P:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Q]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Q.Arn
            Condition:
              StringLike:
                aws:SourceAccount: "\${aws:SourceArn}"
`;
  const r = await checkCloudFormation("q.yaml", text, { accounts: ["111111111111"] });
  expect(r.findings).toEqual([]);
  expect(r.diagnostics.map((d) => d.code)).toContain("AnalysisIncomplete");
  // The same statement with a guard a foreign request meets is still found, its witness confirmed.
  const open = await checkCloudFormation("q.yaml", text.replace('"${aws:SourceArn}"', '"2345*"'), {
    accounts: ["111111111111"],
  });
  expect(open.findings.map((f) => f.ruleId)).toEqual(["CD102"]);
});
