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
