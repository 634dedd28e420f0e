import { describe, expect, it } from "vitest";
import { applyCloudFormationFixes, checkCloudFormation } from "../src/index.js";

// Session-17 real-world hunt (the scheduled-Lambda shape of many public templates): --fix gave the
// EventBridge permission SourceAccount alone. EventBridge was reported to send no aws:SourceAccount
// to Lambda, so the fixed permission stops every invocation (awsdocs/aws-cloudformation-user-guide
// #481, terraform-provider-aws #4116), and AWS documents SourceArn (the rule's ARN) for it. The fix
// is now a SourceArn of our account in the stack's Region, which AddPermission takes.
describe("--fix on an EventBridge Lambda permission", () => {
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Role: !Sub arn:aws:iam::\${AWS::AccountId}:role/x
      Runtime: python3.12
      Code: {ZipFile: "def handler(e,c): pass"}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(5 minutes)
      Targets: [{Arn: !GetAtt Fn.Arn, Id: t}]
  PermEvents:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
`;
  const options = { accounts: ["210987654321"] };

  it("sets a SourceArn of our account in the stack's Region, and no SourceAccount", async () => {
    const r = await checkCloudFormation("template.yaml", text, options);
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.fix?.permission])).toEqual([
      ["CD101", "PermEvents", { sourceArn: "arn:<PARTITION>:events:<REGION>:210987654321:*" }],
    ]);
    expect(r.findings[0]?.fix?.description).toContain("<REGION> is the Region the function is deployed in");
    const out = applyCloudFormationFixes(text, "template.yaml", r.findings) as string;
    expect(out).toContain(
      `      Principal: events.amazonaws.com\n      SourceArn: !Sub "arn:\${AWS::Partition}:events:\${AWS::Region}:210987654321:*"\n`,
    );
    expect(out).not.toContain("SourceAccount");
    expect((await checkCloudFormation("template.yaml", out, options)).findings).toEqual([]);
  });

  it("keeps SourceAccount where the permission sets it, with our account", async () => {
    const withAccount = `${text}      SourceAccount: "999988887777"\n`;
    const r = await checkCloudFormation("template.yaml", withAccount, options);
    expect(r.findings.map((f) => [f.ruleId, f.fix?.permission])).toEqual([
      ["CD102", { sourceAccount: "210987654321" }],
    ]);
  });
});

// Session-17 hunt: AWS's own SRA GuardDuty delivery-bucket template writes `Condition:` twice in a
// statement (an empty one, then the real one) and deploys: CloudFormation keeps the last value of a
// duplicate key silently (aws-cli#2404, cfn-language-discussion#96). The warning said CloudFormation
// rejects such templates.
describe("a duplicate key", () => {
  it("is warned of as CloudFormation reads it: the last value, the earlier one ignored", async () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  B:
    Type: AWS::S3::Bucket
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Sid: OptIn
            Effect: Allow
            Action: s3:PutObject
            Condition:
            Resource: !Sub \${B.Arn}/*
            Principal: '*'
            Condition:
              StringLike:
                aws:PrincipalServiceName: guardduty.*.amazonaws.com
`;
    const r = await checkCloudFormation("template.yaml", text, {});
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      [
        "DuplicateKey",
        17,
        13,
        'duplicate key "Condition": this later value is used and the earlier one at line 14, column 13 is ignored, as CloudFormation ignores it; remove one of them',
      ],
    ]);
    // The statement is read with the later Condition.
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([["CD101", 11]]);
  });
});

// Session-17 hunt: in a `!Sub |` JSON policy the element's column was taken in the substituted text,
// so every `${…}` earlier on the line moved it (9:111 for a principal at 9:150); in a single-quoted
// JSON string every position was the string's start.
describe("positions inside a JSON string policy", () => {
  const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  LogsPolicy:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: x
      PolicyDocument: !Sub |
        {"Version":"2012-10-17","Statement":[
          {"Sid":"a","Effect":"Allow","Resource":"arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/x/*","Principal":{"Service":"route53.amazonaws.com"},"Action":"logs:PutLogEvents"}]}
  LogsPolicySingleQuoted:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: w
      PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Sid":"d","Effect":"Allow","Resource":"*","Principal":{"Service":"route53.amazonaws.com"},"Action":"logs:PutLogEvents"}]}'
`;
  const lines = text.split("\n");
  const columnOf = (line: number, needle: string) => (lines[line - 1] as string).indexOf(needle) + 1;

  it("the statement and its principal are where the template writes them", async () => {
    const r = await checkCloudFormation("template.yaml", text, {});
    expect(r.findings.map((f) => [f.resource, f.line, f.column, f.element])).toEqual([
      ["LogsPolicy", 9, columnOf(9, '{"Sid":"a"'), { line: 9, column: columnOf(9, '"route53') }],
      [
        "LogsPolicySingleQuoted",
        14,
        columnOf(14, '{"Sid":"d"'),
        { line: 14, column: columnOf(14, '"route53') },
      ],
    ]);
  });
});

// Session-17 hunt: a policy under `Fn::ToJsonString` (AWS::LanguageExtensions) is plain YAML in the
// template, but was read from the JSON text the intrinsic makes: the finding pointed at the
// intrinsic, and --fix declined ("the statement is inside a JSON string").
describe("a policy under Fn::ToJsonString", () => {
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::LanguageExtensions
Resources:
  LogsPolicyToJson:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p1
      PolicyDocument:
        Fn::ToJsonString:
          Version: 2012-10-17
          Statement:
            Effect: Allow
            Resource:
              - !Sub arn:aws:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/app/*
            Principal:
              Service: [delivery.logs.amazonaws.com]
            Action: [logs:CreateLogStream, logs:PutLogEvents]
`;
  const options = { accounts: ["210987654321"] };

  it("is found where the template writes it, and fixed there", async () => {
    const r = await checkCloudFormation("template.yaml", text, options);
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([["CD101", 12, 13]]);
    const notes: string[] = [];
    const out = applyCloudFormationFixes(text, "template.yaml", r.findings, notes) as string;
    expect(notes).toEqual([]);
    expect(out).toContain(
      "            Condition:\n              StringEquals:\n                aws:SourceAccount:",
    );
    expect((await checkCloudFormation("template.yaml", out, options)).findings).toEqual([]);
  });
});

// Session-17 review: positions in a `!Sub |` JSON policy searched the template from its start for
// each node (a column mapping added this session): 1,500 statements at line 32,000 took 11.7 s.
describe("a large block-scalar JSON policy far down a template", () => {
  it("is read in linear time", async () => {
    const filler = Array.from(
      { length: 6000 },
      (_, i) => `  T${i}:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: t${i}\n`,
    ).join("");
    const statements = Array.from(
      { length: 1500 },
      (_, i) =>
        `          {"Sid": "S${i}", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:731234567890:q", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:731234567890:t${i}"}}}`,
    ).join(",\n");
    const open = `          {"Sid": "Open", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:\${AWS::Partition}:sqs:us-east-1:731234567890:q"}`;
    const text = `Resources:\n${filler}  P:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q]\n      PolicyDocument: !Sub |\n        {"Version": "2012-10-17", "Statement": [\n${statements},\n${open}\n        ]}\n`;
    const t = performance.now();
    const r = await checkCloudFormation("big.yaml", text, {});
    expect(performance.now() - t).toBeLessThan(6000);
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes('"Sid": "Open"')) + 1;
    expect(r.findings.map((f) => [f.ruleId, f.statement?.sid, f.line, f.element])).toEqual([
      [
        "CD101",
        "Open",
        line,
        { line, column: (lines[line - 1] as string).indexOf('"sns.amazonaws.com"') + 1 },
      ],
    ]);
  });
});
