import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Finding } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { applyCloudFormationFixes, checkCloudFormation, parseTemplate } from "../src/index.js";

const ROOT = join(import.meta.dirname, "../../../test-fixtures/cloudformation");
const OPTIONS = { accounts: ["210987654321"] };

/** Template files of the fixtures (CFN JSON and YAML, SAM, the CDK assemblies' templates). */
function templates(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...templates(p));
    else if (/\.(json|yaml)$/.test(name) && !name.endsWith(".expected.json") && name !== "manifest.json")
      out.push(p);
  }
  return out.sort();
}

const fixable = (f: Finding) => !!(f.fix?.condition || f.fix?.permission);
const identity = (f: Finding) => `${f.ruleId}|${f.resource}|${f.statement?.index ?? "-"}`;

async function fixAndRescan(file: string, text: string) {
  const before = await checkCloudFormation(file, text, OPTIONS);
  const fixed = before.findings.filter(fixable);
  const out = applyCloudFormationFixes(text, file, before.findings);
  const after = out === undefined ? undefined : await checkCloudFormation(file, out, OPTIONS);
  return { before, fixed, out, after };
}

describe("applyCloudFormationFixes on every fixture with a fix", () => {
  const files = templates(ROOT);
  let withFix = 0;
  for (const file of files) {
    const name = relative(ROOT, file);
    const text = readFileSync(file, "utf8");
    it(name, async () => {
      const { fixed, out, after } = await fixAndRescan(file, text);
      if (fixed.length === 0) {
        expect(applyCloudFormationFixes(text, file, [])).toBeUndefined();
        return;
      }
      withFix++;
      expect(out, "a fix applies").toBeDefined();
      expect(parseTemplate(out as string, file).root).toBeDefined();
      if (file.endsWith(".json")) expect(() => JSON.parse(out as string)).not.toThrow();
      const gone = new Set(fixed.map(identity));
      const remaining = (after?.findings ?? []).filter((f) => gone.has(identity(f)));
      expect(remaining.map((f) => `${identity(f)} ${f.message}`)).toEqual([]);
      expect(after?.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    });
  }
  it("covered fixtures with fixes", () => {
    expect(withFix).toBeGreaterThanOrEqual(28);
  });
});

const YAML_HEAD = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
`;

describe("YAML style", () => {
  it("adds a block Condition at the statement's indentation (4-space template)", async () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
    Policy:
        Type: AWS::SQS::QueuePolicy
        Properties:
            Queues: [https://sqs.us-east-1.amazonaws.com/210987654321/q]
            PolicyDocument:
                Statement:
                    -   Effect: Allow
                        Principal:
                            Service: sns.amazonaws.com
                        Action: sqs:SendMessage
                        Resource: '*'   # any queue
`;
    const { out, fixed, after } = await fixAndRescan("t.yaml", text);
    expect(fixed.length).toBeGreaterThan(0);
    expect(out).toContain(`                        Resource: '*'   # any queue
                        Condition:
                            StringEquals:
                                aws:SourceAccount: '210987654321'
                            ArnLike:
                                aws:SourceArn: !Sub "arn:\${AWS::Partition}:sns:*:210987654321:*"
`);
    expect(after?.findings.filter(fixable)).toEqual([]);
  });

  it("writes flow style into a flow statement", async () => {
    const text = `${YAML_HEAD}  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: sns.amazonaws.com }, Action: sqs:SendMessage, Resource: "*" }
`;
    const { out, after } = await fixAndRescan("t.yaml", text);
    expect(out).toContain(
      `Resource: "*", Condition: { StringEquals: { aws:SourceAccount: "210987654321" }, ArnLike: { aws:SourceArn: !Sub "arn:\${AWS::Partition}:sns:*:210987654321:*" } } }`,
    );
    expect(after?.findings.filter(fixable)).toEqual([]);
  });

  it("replaces a Condition and keeps untouched entries as written, intrinsics included", async () => {
    const text = `${YAML_HEAD}  Topic:
    Type: AWS::SNS::Topic
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Service: sns.amazonaws.com
            Action: sqs:SendMessage
            Resource: "*"
            Condition:
              StringLike:
                aws:SourceAccount: "*"
              StringEquals:
                aws:RequestedRegion: !Sub "\${AWS::Region}"
            Sid: Last
`;
    const { out, after, fixed } = await fixAndRescan("t.yaml", text);
    expect(fixed.length).toBeGreaterThan(0);
    expect(out).toContain(`            Condition:
              StringEquals:
                aws:RequestedRegion: !Sub "\${AWS::Region}"
                aws:SourceAccount: "210987654321"
              ArnLike:
                aws:SourceArn: !Sub "arn:\${AWS::Partition}:sns:*:210987654321:*"
            Sid: Last
`);
    expect(out).not.toContain(`aws:SourceAccount: "*"`);
    expect(out).toContain("            Sid: Last\n");
    expect(after?.findings.filter(fixable)).toEqual([]);
  });

  it("writes <SELF>, <REGION> and <PARTITION> as !Ref / !Sub, and keeps CRLF line ends", async () => {
    const { applyCloudFormationFixes: apply } = await import("../src/index.js");
    const text =
      `${YAML_HEAD}  Policy:\r\n    Type: AWS::SQS::QueuePolicy\r\n    Properties:\r\n      PolicyDocument:\r\n        Statement:\r\n          - Effect: Allow\r\n            Action: sqs:SendMessage\r\n`.replace(
        /(?<!\r)\n/g,
        "\r\n",
      );
    const finding = {
      line: 8,
      column: 13,
      statement: { index: 0 },
      resource: "Policy",
      fix: {
        description: "",
        text: "",
        condition: {
          StringEquals: { "aws:SourceAccount": "<SELF>" },
          ArnLike: { "aws:SourceArn": ["arn:<PARTITION>:sns:<REGION>:<SELF>:*", "arn:aws:sns:*:1:${x}"] },
        },
      },
    } as unknown as Finding;
    // A finding of another file (a nested stack's template) is not applied here.
    expect(apply(text, "t.yaml", [{ ...finding, file: "nested.yaml" }])).toBeUndefined();
    const out = apply(text, "t.yaml", [finding]) as string;
    expect(out).toContain(
      '            Condition:\r\n              StringEquals:\r\n                aws:SourceAccount: !Ref AWS::AccountId\r\n              ArnLike:\r\n                aws:SourceArn:\r\n                  - !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*"\r\n                  - arn:aws:sns:*:1:${x}\r\n',
    );
    expect(out.replace(/\r\n/g, "")).not.toContain("\n");
    // An unknown symbol cannot be written back: no edit.
    const unknown = {
      ...finding,
      fix: { description: "", text: "", condition: { StringEquals: { "aws:SourceAccount": "<Param>" } } },
    } as unknown as Finding;
    expect(apply(text, "t.yaml", [unknown])).toBeUndefined();
  });
});

describe("JSON style", () => {
  it("adds a Condition to a one-line statement and keeps Ref values of other entries", async () => {
    const text = `{
  "Resources": {
    "Policy": {
      "Type": "AWS::SQS::QueuePolicy",
      "Properties": {
        "Queues": ["q"],
        "PolicyDocument": {
          "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*"}
          ]
        }
      }
    }
  }
}
`;
    const { out, after } = await fixAndRescan("t.json", text);
    expect(out).toContain(
      `"Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "210987654321"}, "ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:\${AWS::Partition}:sns:*:210987654321:*"}}}}`,
    );
    expect(after?.findings.filter(fixable)).toEqual([]);
  });

  it("writes <SELF> as {Ref: AWS::AccountId} and keeps intrinsic entries as written", () => {
    const text = `{
\t"Resources": {
\t\t"Policy": {
\t\t\t"Type": "AWS::SQS::QueuePolicy",
\t\t\t"Properties": {
\t\t\t\t"PolicyDocument": {
\t\t\t\t\t"Statement": [
\t\t\t\t\t\t{
\t\t\t\t\t\t\t"Effect": "Allow",
\t\t\t\t\t\t\t"Condition": {
\t\t\t\t\t\t\t\t"StringEquals": {
\t\t\t\t\t\t\t\t\t"aws:PrincipalTag/x": {"Fn::Sub": "\${AWS::StackName}"},
\t\t\t\t\t\t\t\t\t"aws:SourceAccount": "*"
\t\t\t\t\t\t\t\t}
\t\t\t\t\t\t\t}
\t\t\t\t\t\t}
\t\t\t\t\t]
\t\t\t\t}
\t\t\t}
\t\t}
\t}
}`;
    const finding = {
      line: 8,
      column: 7,
      statement: { index: 0 },
      resource: "Policy",
      fix: {
        description: "",
        text: "",
        condition: {
          StringEquals: { "aws:PrincipalTag/x": "<AWS::StackName>", "aws:SourceAccount": "<SELF>" },
        },
      },
    } as unknown as Finding;
    const out = applyCloudFormationFixes(text, "t.json", [finding]) as string;
    expect(JSON.parse(out).Resources.Policy.Properties.PolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: {
        "aws:PrincipalTag/x": { "Fn::Sub": "${AWS::StackName}" },
        "aws:SourceAccount": { Ref: "AWS::AccountId" },
      },
    });
    expect(out).toContain(
      `\t\t\t\t\t\t\t"Condition": {\n\t\t\t\t\t\t\t\t"StringEquals": {\n\t\t\t\t\t\t\t\t\t"aws:PrincipalTag/x": {"Fn::Sub": "\${AWS::StackName}"},\n`,
    );
  });
});

describe("Lambda permissions", () => {
  const yaml = `${YAML_HEAD}  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Role: arn:aws:iam::210987654321:role/r
      Code: { ZipFile: "x" }
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: s3.amazonaws.com
`;
  it("adds SourceAccount (YAML) and clears the finding", async () => {
    const { out, fixed, after } = await fixAndRescan("t.yaml", yaml);
    expect(fixed.some((f) => f.fix?.permission)).toBe(true);
    expect(out).toContain(`      Principal: s3.amazonaws.com\n      SourceAccount: "210987654321"\n`);
    expect(after?.findings.filter(fixable)).toEqual([]);
  });
  it("replaces SourceAccount / SourceArn in JSON", () => {
    const text = `{"Resources": {"Perm": {"Type": "AWS::Lambda::Permission", "Properties": {
  "Action": "lambda:InvokeFunction",
  "Principal": "sns.amazonaws.com",
  "SourceAccount": "111111111111"
}}}}`;
    const finding = {
      line: 1,
      column: 16,
      statement: null,
      resource: "Perm",
      fix: {
        description: "",
        text: "",
        permission: { sourceAccount: "<SELF>", sourceArn: "arn:aws:sns:*:210987654321:*" },
      },
    } as unknown as Finding;
    const out = applyCloudFormationFixes(text, "t.json", [finding]) as string;
    expect(JSON.parse(out).Resources.Perm.Properties).toEqual({
      Action: "lambda:InvokeFunction",
      Principal: "sns.amazonaws.com",
      SourceAccount: { Ref: "AWS::AccountId" },
      SourceArn: "arn:aws:sns:*:210987654321:*",
    });
  });
});

describe("skipped on purpose", () => {
  it("leaves a policy written as a JSON string (Logs ResourcePolicy) unchanged", async () => {
    const text = `${YAML_HEAD}  LogsPolicy:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: '{"Statement":[{"Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}'
`;
    const before = await checkCloudFormation("t.yaml", text, OPTIONS);
    expect(applyCloudFormationFixes(text, "t.yaml", before.findings)).toBeUndefined();
  });

  // From a hunt: the fix of one Fn::If branch was written over the intrinsic, so the other branch's
  // value (a dev bucket) was silently replaced by the prod one.
  it("leaves a Condition or permission argument holding Fn::If unchanged, with a note", async () => {
    const text = `Parameters:
  Env: { Type: String, AllowedValues: [prod, dev] }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  TP:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: s3.amazonaws.com }
            Action: sns:Publish
            Resource: "*"
            Condition:
              ArnLike:
                aws:SourceArn: !If [IsProd, "arn:aws:s3:::prod-bucket", "arn:aws:s3:::dev-bucket"]
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceArn: !If [IsProd, "arn:aws:s3:::prod-bucket", "arn:aws:s3:::dev-bucket"]
`;
    const before = await checkCloudFormation("t.yaml", text, OPTIONS);
    expect(before.findings.filter(fixable).length).toBeGreaterThan(0);
    const notes: string[] = [];
    expect(applyCloudFormationFixes(text, "t.yaml", before.findings, notes)).toBeUndefined();
    expect(notes.some((n) => n.includes("the statement's Condition holds Fn::If"))).toBe(true);
    expect(notes.some((n) => n.includes("the permission's SourceAccount or SourceArn holds Fn::If"))).toBe(
      true,
    );
  });
});
