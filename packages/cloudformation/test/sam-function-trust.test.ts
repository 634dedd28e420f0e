import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// From a differential test against aws-sam-translator 1.110.0 (run by hand, not a dependency): a
// SAM function's AssumeRolePolicyDocument is the trust policy of the role SAM generates,
// `<Function>Role`; Globals.Function.AssumeRolePolicyDocument is merged into it (global statements
// first); with a Role, SAM generates no role and ignores the document.
const HEADER = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: index.handler
    CodeUri: s3://bkt/code.zip
`;

async function findings(template: string) {
  const r = await checkCloudFormation("sam.yaml", template, { accounts: ["210987654321"] });
  return r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource} ${f.line}:${f.column}`);
}

describe("the trust policy of the role SAM generates for a function", () => {
  it("takes Globals.Function.AssumeRolePolicyDocument (was never read: a missed weakness)", async () => {
    const t = `${HEADER}    AssumeRolePolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: [lambda.amazonaws.com, events.amazonaws.com]}
          Action: sts:AssumeRole
Resources:
  Fn:
    Type: AWS::Serverless::Function
  Fn2:
    Type: AWS::Serverless::Function
    Properties:
      Role: arn:aws:iam::210987654321:role/x
`;
    // The translator's output: FnRole trusts lambda and events with no condition; Fn2 has no role.
    expect(await findings(t)).toEqual(["CD101 medium FnRole 10:11"]);
  });

  it("joins the global statements and the function's own", async () => {
    const t = `${HEADER}    AssumeRolePolicyDocument:
      Statement:
        - Effect: Allow
          Principal: {Service: sns.amazonaws.com}
          Action: sts:AssumeRole
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sts:AssumeRole
            Condition: {StringEquals: {aws:SourceAccount: "210987654321"}}
`;
    expect(await findings(t)).toEqual(["CD101 medium FnRole 9:11"]);
  });

  it("is ignored with a Role (SAM generates no role): no false alarm", async () => {
    const t = `${HEADER}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Role: arn:aws:iam::210987654321:role/x
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sts:AssumeRole
`;
    expect(await findings(t)).toEqual([]);
  });

  it("names the generated role", async () => {
    const t = `${HEADER}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sts:AssumeRole
`;
    expect(await findings(t)).toEqual(["CD101 medium FnRole 13:13"]);
  });
});

// Same differential test: the translated template's `<Function>Role` (default trust,
// lambda.amazonaws.com) is CD101 low under --strict, where the SAM form reported nothing.
describe("the default execution role SAM generates", () => {
  const t = `${HEADER}Resources:
  Fn:
    Type: AWS::Serverless::Function
  Given:
    Type: AWS::Serverless::Function
    Properties:
      Role: arn:aws:iam::210987654321:role/x
`;
  it("is reported only with --strict, at low, as the written trust would be", async () => {
    expect(await findings(t)).toEqual([]);
    const r = await checkCloudFormation("sam.yaml", t, { accounts: ["210987654321"], strict: true });
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource}`)).toEqual(["CD101 low FnRole"]);
  });
});
