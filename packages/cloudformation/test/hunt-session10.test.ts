import { describe, expect, it } from "vitest";
import { applyCloudFormationFixes, checkCloudFormation } from "../src/index.js";

// Regressions from the session-10 hunt of the CloudFormation adapter (templates reduced from its
// reproducers in fix1.yaml and lp.yaml).
async function findings(text: string) {
  const r = await checkCloudFormation("t.yaml", text, {});
  return r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource}`);
}

describe("permissions through which no service can be made a deputy", () => {
  it("a Lambda layer shared with every account: no CD101 (and no fix naming SourceAccount, which the type lacks)", async () => {
    const text = `Resources:
  Layer:
    Type: AWS::Lambda::LayerVersionPermission
    Properties:
      Action: lambda:GetLayerVersion
      LayerVersionArn: arn:aws:lambda:us-east-1:271828182845:layer:x:1
      Principal: "*"
  LayerOrg:
    Type: AWS::Lambda::LayerVersionPermission
    Properties:
      Action: lambda:GetLayerVersion
      LayerVersionArn: arn:aws:lambda:us-east-1:271828182845:layer:x:1
      Principal: "*"
      OrganizationId: o-abcdefghij
  Public:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: fn
      Principal: "*"
`;
    // The function's public permission is still reported: only the layer's are not.
    expect(await findings(text)).toEqual(["CD101 high Public"]);
  });

  it("InvokeFunction with FunctionUrlAuthType NONE for Principal *: no CD101", async () => {
    const text = `Resources:
  P7:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: fn
      Principal: "*"
      FunctionUrlAuthType: NONE
`;
    expect(await findings(text)).toEqual([]);
  });
});

describe("--fix says why it leaves a statement it cannot edit", () => {
  it("a legacy EventBusPolicy and a statement inside a JSON string each get a note", async () => {
    const text = `Resources:
  LegacyOpen:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: s2
      Action: events:PutEvents
      Principal: "*"
  LogPol:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"}, "Action": "logs:PutLogEvents", "Resource": "*"}]}'
`;
    const r = await checkCloudFormation("t.yaml", text, {});
    expect(r.findings.map((f) => `${f.ruleId} ${f.resource}`)).toEqual(["CD101 LegacyOpen", "CD101 LogPol"]);
    const notes: string[] = [];
    expect(applyCloudFormationFixes(text, "t.yaml", r.findings, notes)).toBeUndefined();
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^t\.yaml:\d+:\d+: not edited: LegacyOpen uses the legacy EventBusPolicy form/);
    expect(notes[1]).toMatch(
      /^t\.yaml:\d+:\d+: not edited: the statement is inside a JSON string \(LogPol\)/,
    );
  });

  // From the session-10 review: a trust policy SAM generates was said to be "inside a JSON string".
  it("a statement SAM generates is said to be generated", async () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
      Events: {E: {Type: Schedule, Properties: {Schedule: rate(1 minute)}}}
`;
    const r = await checkCloudFormation("sam.yaml", text, { accounts: ["210987654321"] });
    expect(r.findings.map((f) => f.resource)).toEqual(["SMRole", "SMERole"]);
    const notes: string[] = [];
    expect(applyCloudFormationFixes(text, "sam.yaml", r.findings, notes)).toBeUndefined();
    expect(notes).toEqual([
      "sam.yaml:3:3: not edited: SMRole is generated (by SAM or Fn::ForEach), not written in Resources; set the fix where it is generated",
      "sam.yaml:7:16: not edited: SMERole is generated (by SAM or Fn::ForEach), not written in Resources; set the fix where it is generated",
    ]);
  });
});

// From the session-10 hunt: in a policy written as an escaped JSON string on one line (a JSON
// template's `"PolicyDocument": "{\"Statement\": …}"`), every finding pointed at the string's start.
// The escapes are now walked, so a finding points at its statement inside the string.
describe("positions inside a policy written as one escaped string", () => {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "caf\u00e9",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: "logs:PutLogEvents",
        Resource: "*",
      },
    ],
  };
  it.each([
    [
      "JSON template",
      JSON.stringify(
        {
          Resources: {
            P: {
              Type: "AWS::Logs::ResourcePolicy",
              Properties: {
                PolicyName: "p",
                PolicyDocument: JSON.stringify(policy).replace("\u00e9", "\\u00e9"),
              },
            },
          },
        },
        null,
        2,
      ),
      "t.json",
    ],
    [
      "YAML double-quoted",
      `Resources:\n  P:\n    Type: AWS::Logs::ResourcePolicy\n    Properties:\n      PolicyName: p\n      PolicyDocument: ${JSON.stringify(JSON.stringify(policy))}\n`,
      "t.yaml",
    ],
  ])("%s: the finding points at the statement's `{`", async (_name, text, file) => {
    const r = await checkCloudFormation(file, text, {});
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
    const f = r.findings[0] as (typeof r.findings)[number];
    const line = text.split("\n")[f.line - 1] ?? "";
    expect(line.slice(f.column - 1).startsWith('{\\"Sid\\"')).toBe(true);
  });
});

// From a session-10 review: `--fix` parsed the whole template again for every statement it edited
// (and the in-place check added two more parses each): 800 such statements took about a minute
// (230 s with the check). All edits are now parsed once; only if that fails is each one tried alone.
describe("--fix on a template with many statements to edit", () => {
  it("takes time in proportion to the template, and every statement is fixed", async () => {
    let text =
      "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n  TP:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [!Ref Topic]\n      PolicyDocument:\n        Statement:\n";
    for (let i = 0; i < 400; i++)
      text += `          - Effect: Allow\n            Principal: {Service: events.amazonaws.com}\n            Action: sns:Publish\n            Resource: !Ref Topic\n            Condition:\n              ArnLike:\n                aws:SourceArn: arn:aws:events:*:*:rule/r${i}  # c\n              StringEquals:\n                sns:Protocol: https\n`;
    const options = { accounts: ["210987654321"] };
    const before = await checkCloudFormation("big.yaml", text, options);
    expect(before.findings).toHaveLength(400);
    const t = performance.now();
    const out = applyCloudFormationFixes(text, "big.yaml", before.findings);
    // About 1 s here; the version that parsed per statement took 47 s for these 400.
    expect(performance.now() - t).toBeLessThan(8000);
    expect(out).toContain("aws:SourceArn: arn:aws:events:*:210987654321:rule/r399  # c");
    expect((await checkCloudFormation("big.yaml", out as string, options)).findings).toEqual([]);
  }, 60_000);
});

// From the session-10 review (its Terraform twin was a for_each): a permission whose Principal a
// parameter picks got the first variant's SourceArn (sns) for every variant, which shut out s3.
describe("--fix on a permission whose variants need different fixes", () => {
  it("a statement is not edited, and a note names the variants", async () => {
    const text = `Parameters:
  Source:
    Type: String
    AllowedValues: [sns.amazonaws.com, cloudtrail.amazonaws.com]
    Default: sns.amazonaws.com
Resources:
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Service: !Ref Source
            Action: sqs:SendMessage
            Resource: "*"
`;
    const r = await checkCloudFormation("v.yaml", text, { accounts: ["210987654321"] });
    expect(new Set(r.findings.map((f) => JSON.stringify(f.fix?.condition))).size).toBe(2);
    const notes: string[] = [];
    expect(applyCloudFormationFixes(text, "v.yaml", r.findings, notes)).toBeUndefined();
    expect(notes).toEqual([
      "v.yaml:13:13: not edited: the statement needs a different fix in each variant (<Source>: sns.amazonaws.com (the default); <Source>: cloudtrail.amazonaws.com), and one edit would give every variant the same; edit each branch by hand",
    ]);
  });

  // Session 16 made every permission's fix SourceAccount alone, the same in each variant. Since
  // session 17 a service whose ARNs name the account (SNS) gets a SourceArn and S3 SourceAccount, as
  // AWS's Lambda guide has them: the variants need different fixes again, and the note says so.
  it("a permission whose variants need SourceArn and SourceAccount is not edited, with a note", async () => {
    const text = `Parameters:
  Source:
    Type: String
    AllowedValues: [sns.amazonaws.com, s3.amazonaws.com]
    Default: sns.amazonaws.com
Resources:
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: fn
      Principal: !Ref Source
`;
    const r = await checkCloudFormation("v.yaml", text, { accounts: ["210987654321"] });
    expect(new Set(r.findings.map((f) => JSON.stringify(f.fix?.permission)))).toEqual(
      new Set([
        JSON.stringify({ sourceArn: "arn:<PARTITION>:sns:<REGION>:210987654321:*" }),
        JSON.stringify({ sourceAccount: "210987654321" }),
      ]),
    );
    const notes: string[] = [];
    expect(applyCloudFormationFixes(text, "v.yaml", r.findings, notes)).toBeUndefined();
    expect(notes).toEqual([
      "v.yaml:7:3: not edited: the permission needs a different fix in each variant (<Source>: sns.amazonaws.com (the default); <Source>: s3.amazonaws.com), and one edit would give every variant the same; edit each branch by hand",
    ]);
  });

  it("a permission whose variants all take SourceAccount is edited once", async () => {
    const text = `Parameters:
  Source:
    Type: String
    AllowedValues: [s3.amazonaws.com, logging.s3.amazonaws.com]
    Default: s3.amazonaws.com
Resources:
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: fn
      Principal: !Ref Source
`;
    const r = await checkCloudFormation("v.yaml", text, { accounts: ["210987654321"] });
    expect(new Set(r.findings.map((f) => JSON.stringify(f.fix?.permission)))).toEqual(
      new Set([JSON.stringify({ sourceAccount: "210987654321" })]),
    );
    const notes: string[] = [];
    const out = applyCloudFormationFixes(text, "v.yaml", r.findings, notes);
    expect(notes).toEqual([]);
    expect(out).toContain('SourceAccount: "210987654321"');
    expect(
      (await checkCloudFormation("v.yaml", out as string, { accounts: ["210987654321"] })).findings,
    ).toEqual([]);
  });
});
