import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

/**
 * A policy the tool cannot read is reported, never passed over in silence: before this, a policy
 * property holding a parameter, an import, a statement list from a parameter, or policy text that
 * is not valid JSON gave "0 findings" and no warning at all.
 */
const UNGUARDED = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "route53.amazonaws.com" },
      Action: "logs:PutLogEvents",
      Resource: "*",
    },
  ],
});

function template(resources: string, parameters = ""): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Doc:
    Type: String
  Num:
    Type: Number
${parameters}
Resources:
${resources}`;
}

async function check(text: string, parameters?: Record<string, string>) {
  const r = await checkCloudFormation("t.yaml", text, parameters ? { parameters } : {});
  return {
    findings: r.findings.map((f) => `${f.ruleId} ${f.resource} ${f.line}`),
    diagnostics: r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`),
  };
}

describe("policies that cannot be read", () => {
  it("a policy property that is a parameter is reported with its provenance, and checked once the parameter is given", async () => {
    const text = template(`  P:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: !Ref Doc
`);
    const unknown = await check(text);
    expect(unknown.findings).toEqual([]);
    expect(unknown.diagnostics).toEqual([
      "PolicyUnknown 13:23 the PolicyDocument of P is not known before deployment (parameter Doc: parameter has no Default and no value was given (--parameter)); it is not analysed",
    ]);
    const given = await check(text, { Doc: UNGUARDED });
    expect(given.findings).toEqual(["CD101 P 13"]);
    expect(given.diagnostics).toEqual([]);
  });

  it("an import, a trust policy, and a nested PolicyDocument (DynamoDB ResourcePolicy) are reported too", async () => {
    const text = template(`  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !ImportValue shared-trust
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      ResourcePolicy:
        PolicyDocument: !Ref Doc
`);
    const r = await check(text);
    expect(r.diagnostics).toHaveLength(2);
    expect(r.diagnostics[0]).toMatch(
      /^PolicyUnknown 12:33 the AssumeRolePolicyDocument of Role is not known before deployment \(.*shared-trust.*\); it is not analysed$/,
    );
    expect(r.diagnostics[1]).toMatch(
      /^PolicyUnknown 19:25 the ResourcePolicy\.PolicyDocument of Table is not known before deployment \(parameter Doc: /,
    );
  });

  it("a Statement from a parameter, alone or in a list, is reported by the policy parser", async () => {
    const r = await check(
      template(`  A:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [arn:aws:sns:us-east-1:111122223333:t]
      PolicyDocument:
        Statement: !Ref Doc
  B:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - !Ref Doc
`),
    );
    expect(r.diagnostics.map((d) => d.split(" ").slice(0, 2).join(" "))).toEqual([
      "UnresolvedStatement 14:20",
      "UnresolvedStatement 22:13",
    ]);
  });

  it("policy text that is not valid JSON is reported at the string, with the JSON error", async () => {
    const broken = UNGUARDED.replace('"Resource":"*"', '"Resource":"*",');
    const r = await check(
      template(`  P:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: '${broken}'
`),
    );
    expect(r.findings).toEqual([]);
    expect(r.diagnostics).toEqual([
      `PolicyShape 13:23 the policy text of the PolicyDocument of P is not valid JSON (trailing comma is not allowed in JSON at line 1, column ${broken.indexOf('*",') + 3} of the text); it is not analysed`,
    ]);
  });

  it("a parameter written outside quotes in policy text is an unknown, not a JSON error", async () => {
    const r = await check(
      template(`  P:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: !Sub '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"}, "Action": "logs:PutLogEvents", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": \${Num}}}}]}'
`),
    );
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatch(
      /^PolicyUnknown 13:23 the policy text of the PolicyDocument of P holds a value not known before deployment outside a JSON string \(parameter Num: .*\), so its JSON is not known; it is not analysed$/,
    );
  });

  // Review of the first version: these were still passed over in silence.
  it("DynamoDB stream and replica policies, and policy text whose statements are all unknown, are reported", async () => {
    const r = await check(
      template(`  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      StreamSpecification:
        StreamViewType: NEW_IMAGE
        ResourcePolicy:
          PolicyDocument: !Ref Doc
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      Replicas:
        - Region: us-east-1
          ResourcePolicy:
            PolicyDocument: !Ref Doc
  Logs:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: !Sub '{"Version":"2012-10-17",\${Doc}}'
  Bucket:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument: "not a policy"
`),
    );
    expect(r.diagnostics.map((d) => d.replace(/ \(parameter Doc: [^)]*\)\)/, ""))).toEqual([
      "PolicyUnknown 17:27 the StreamSpecification.ResourcePolicy.PolicyDocument of Table is not known before deployment; it is not analysed",
      "PolicyUnknown 26:29 the Replicas[0].ResourcePolicy.PolicyDocument of Global is not known before deployment; it is not analysed",
      "PolicyUnknown 31:23 the policy text of the PolicyDocument of Logs has no Statement except what values not known before deployment hold; it is not analysed",
      "PolicyShape 36:23 the policy text of the PolicyDocument of Bucket is not a policy document (no Statement); it is not analysed",
    ]);
  });

  it("policy text with lone CR line ends and a number parameter outside quotes is an unknown, shown as ${Name}", async () => {
    const text = JSON.stringify({
      Parameters: { Num: { Type: "Number" } },
      Resources: {
        P: {
          Type: "AWS::Logs::ResourcePolicy",
          Properties: {
            PolicyName: "p",
            PolicyDocument: {
              "Fn::Sub":
                '{\r"Statement": [{"Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},\r"Action": "logs:PutLogEvents", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": ${Num}}}}]}',
            },
          },
        },
      },
    });
    const r = await checkCloudFormation("t.json", text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["PolicyUnknown"]);
    expect(r.diagnostics[0]?.message).toContain("outside a JSON string (parameter Num:");
  });

  it("names that other types use for something else stay quiet, and so does text that is no policy", async () => {
    const r = await check(
      template(`  Access:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: c
      PrincipalArn: arn:aws:iam::111122223333:role/r
      AccessPolicies: !Ref Doc
  Collection:
    Type: AWS::OpenSearchServerless::SecurityPolicy
    Properties:
      Name: p
      Type: encryption
      Policy: !Ref Doc
  Logs:
    Type: AWS::Logs::AccountPolicy
    Properties:
      PolicyName: dp
      PolicyType: DATA_PROTECTION_POLICY
      PolicyDocument: '{"Name":"dp","Version":"2021-06-01","Statement":[{"Sid":"audit","DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],"Operation":{"Audit":{"FindingsDestination":{}}}}]}'
  Verified:
    Type: AWS::EC2::VerifiedAccessGroup
    Properties:
      VerifiedAccessInstanceId: vai-123
      PolicyDocument: !Ref Doc
  Core:
    Type: AWS::NetworkManager::CoreNetwork
    Properties:
      GlobalNetworkId: gn-1
      PolicyDocument: !Ref Doc
  User:
    Type: AWS::Transfer::User
    Properties:
      ServerId: s-1
      UserName: u
      Role: arn:aws:iam::111122223333:role/r
      Policy: !Ref Doc
  Rule:
    Type: AWS::Config::ConfigRule
    Properties:
      Source:
        Owner: CUSTOM_POLICY
        CustomPolicyDetails:
          PolicyRuntime: guard-2.x.1
          PolicyText: |
            rule no_wildcard when resourceType == "AWS::IAM::Policy" {
              configuration.policyVersionList[*].document.Statement[*] { Effect != "Allow" }
            }
`),
    );
    expect(r).toEqual({ findings: [], diagnostics: [] });
  });

  it("an unknown inside a policy that is read is still the policy parser's business, not a whole-policy warning", async () => {
    const r = await check(
      template(`  P:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [arn:aws:sns:us-east-1:111122223333:t]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: s3.amazonaws.com }
            Action: sns:Publish
            Resource: !Ref Doc
`),
    );
    expect(r.findings).toEqual(["CD101 P 15"]);
    expect(r.diagnostics).toEqual([]);
  });
});

describe("severity", () => {
  // From a hunt: policy text that cannot be read was a warning (exit 0) in CloudFormation and an
  // error (exit 2) in plain JSON and Terraform: a policy never checked passed CI.
  it("policy text that is not valid JSON is an error, as in the other inputs; an unknown is a warning", async () => {
    const r = await checkCloudFormation(
      "t.yaml",
      template(`  P:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: '{"Statement": [}'
  Q:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: q
      PolicyDocument: !Ref Doc
`),
    );
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ["PolicyShape", "error"],
      ["PolicyUnknown", "warning"],
    ]);
  });
});

describe("EventBridge bus policies", () => {
  // From a hunt: Statement is of type Json, so a JSON string is a statement too; it gave a shape
  // warning and no finding. A Statement from a parameter said only "found a value".
  it("read a Statement written as a JSON string, and report one not known before deployment", async () => {
    const r = await check(
      template(`  Bus: { Type: AWS::Events::EventBus, Properties: { Name: b } }
  AsText:
    Type: AWS::Events::EventBusPolicy
    Properties:
      EventBusName: !Ref Bus
      StatementId: s1
      Statement: '{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"events:PutEvents","Resource":"*"}'
  FromParameter:
    Type: AWS::Events::EventBusPolicy
    Properties:
      EventBusName: !Ref Bus
      StatementId: s2
      Statement: !Ref Doc
`),
    );
    expect(r.findings).toEqual(["CD101 AsText 15"]);
    expect(r.diagnostics).toEqual([
      "PolicyUnknown 21:18 the Statement of FromParameter is not known before deployment (parameter Doc: parameter has no Default and no value was given (--parameter)); it is not analysed",
    ]);
  });
});

describe("text that only mentions Statement", () => {
  it("stays quiet outside policy properties (a Lambda function's inline code, from the corpus)", async () => {
    // aws-cloudformation-templates IoT/amzn2-greengrass-cfn.json: Code.ZipFile is Python that says "Statement".
    const r = await checkCloudFormation(
      "t.yaml",
      template(`  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::111122223333:role/r
      Code:
        ZipFile: |
          import json
          policy = {"Statement": [{"Effect": "Allow"}]}
`),
    );
    expect(r.diagnostics).toEqual([]);
  });
});
