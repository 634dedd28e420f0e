import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// Regressions from the session-6 hunt of the CloudFormation adapter (templates reduced from its
// reproducers).
async function findings(text: string, file = "t.yaml") {
  const r = await checkCloudFormation(file, text, {});
  return {
    findings: r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource}`),
    errors: r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message),
  };
}

describe("Lambda permissions for the deploying account", () => {
  it("Principal: !Ref AWS::AccountId is the account, not a possible service", async () => {
    const text = `Resources:
  P1:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: fn, Action: lambda:InvokeFunction, Principal: !Ref AWS::AccountId }
  LP:
    Type: AWS::Lambda::LayerVersionPermission
    Properties: { LayerVersionArn: arn:aws:lambda:us-east-1:210987654321:layer:l:1, Action: lambda:GetLayerVersion, Principal: !Ref AWS::AccountId }
`;
    expect(await findings(text)).toEqual({ findings: [], errors: [] });
  });
});

describe("the CDK form of AWS's CloudWatch Logs KMS key statement", () => {
  it("logs.${AWS::Region}.amazonaws.com pinned by kms:EncryptionContext:aws:logs:arn: no finding", async () => {
    const text = JSON.stringify({
      Resources: {
        Key: {
          Type: "AWS::KMS::Key",
          Properties: {
            KeyPolicy: {
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Principal: {
                    Service: { "Fn::Join": ["", ["logs.", { Ref: "AWS::Region" }, ".amazonaws.com"]] },
                  },
                  Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
                  Resource: "*",
                  Condition: {
                    ArnLike: {
                      "kms:EncryptionContext:aws:logs:arn": {
                        "Fn::Join": [
                          "",
                          [
                            "arn:",
                            { Ref: "AWS::Partition" },
                            ":logs:",
                            { Ref: "AWS::Region" },
                            ":",
                            { Ref: "AWS::AccountId" },
                            ":log-group:*",
                          ],
                        ],
                      },
                    },
                  },
                },
              ],
            },
          },
        },
      },
    });
    expect(await findings(text, "lg.json")).toEqual({ findings: [], errors: [] });
    const cloudtrail = `Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: !Sub "cloudtrail.\${AWS::URLSuffix}" }
            Action: kms:GenerateDataKey*
            Resource: "*"
            Condition:
              StringLike:
                kms:EncryptionContext:aws:cloudtrail:arn: !Sub "arn:aws:cloudtrail:*:\${AWS::AccountId}:trail/*"
`;
    expect(await findings(cloudtrail)).toEqual({ findings: [], errors: [] });
  });
});

describe("Fn::Split of values CloudFormation assigns at deploy time", () => {
  // From a hunt: a stack name was taken to hold no delimiter, so splitting it at "-" gave one item
  // and Fn::Select [1, ...] an IntrinsicError (exit 2) on a valid template; a nested stack's output
  // (an ARN) was cut around the same way.
  const queuePolicy = (condition: string, extra = "") => `Resources:
${extra}  Queue:
    Type: AWS::SQS::Queue
  QP:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition:
${condition}`;

  it("a stack name may hold '-': its pieces are not known, and no error", async () => {
    const text = queuePolicy(`              ArnLike:
                aws:SourceArn: !Sub
                  - "arn:aws:sns:*:\${AWS::AccountId}:\${Env}-*"
                  - Env: !Select [1, !Split ["-", !Ref AWS::StackName]]
`);
    expect(await findings(text)).toEqual({ findings: [], errors: [] });
  });

  it("a stack name holds no ':': splitting an ARN built from it still cuts around it", async () => {
    const text = queuePolicy(`              StringEquals:
                aws:SourceAccount: !Select [4, !Split [":", !Ref AWS::StackId]]
`);
    expect(await findings(text)).toEqual({ findings: [], errors: [] });
  });

  it("a nested stack's output may hold anything: not cut, an unknown (CD301), no error", async () => {
    const text = queuePolicy(
      `              StringEquals:
                aws:SourceAccount: !Select [4, !Split [":", !GetAtt Child.Outputs.TopicArn]]
`,
      `  Child:
    Type: AWS::CloudFormation::Stack
    Properties: { TemplateURL: https://example.com/child.yaml }
`,
    );
    expect(await findings(text)).toEqual({ findings: ["CD301 info QP"], errors: [] });
  });
});

describe("a nested stack's parameter the parent passes by its own Default or conditions", () => {
  // From a hunt (a miss): such a value was not passed, so the child read its own Default (a pinned
  // account), which CloudFormation never uses when the parent passes the parameter.
  const child = (definition: string) => `Parameters:
  SourceAcct: { Type: String${definition} }
Resources:
  Queue:
    Type: AWS::SQS::Queue
  QP:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition:
              StringLike:
                aws:SourceAccount: !Ref SourceAcct
`;
  const run = async (parent: string, childDefinition: string, parameters?: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "nested-"));
    writeFileSync(join(dir, "child.yaml"), child(childDefinition));
    const file = join(dir, "parent.yaml");
    writeFileSync(file, parent);
    const r = await checkCloudFormation(file, readFileSync(file, "utf8"), {
      accounts: ["210987654322"],
      ...(parameters ? { parameters } : {}),
    });
    return r.findings.map((f) => `${f.ruleId} ${f.severity}${f.variant ? ` when ${f.variant}` : ""}`);
  };
  const parent = (parameters: string, value: string) => `Parameters:
${parameters}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: child.yaml
      Parameters:
        SourceAcct: ${value}
`;

  it("the parent's Default is passed, not the child's", async () => {
    const text = parent(
      '  Env: { Type: String, Default: dev }\n  Pattern: { Type: String, Default: "*" }',
      "!Ref Pattern",
    );
    expect(await run(text, ', Default: "210987654322"')).toEqual(["CD102 high"]);
    expect(await run(text, ', Default: "210987654322"', { Pattern: "210987654322" })).toEqual([]);
  });

  it("values chosen by the parent's conditions are each analysed, with or without a child Default", async () => {
    const text = parent(
      "  Env: { Type: String, AllowedValues: [dev, prod] }",
      '!If [IsProd, "210987654322", "*"]',
    );
    expect(await run(text, ', Default: "210987654322"')).toEqual(["CD102 high when <SourceAcct>: *"]);
    expect(await run(text, "")).toEqual(["CD102 high when <SourceAcct>: *"]);
    expect(await run(text, "", { Env: "prod" })).toEqual([]);
  });
});

describe("roles the SAM transform generates", () => {
  // From a hunt (a miss): SAM's role for a state machine's Api event (trusting API Gateway) and its
  // CodeDeployServiceRole (trusting CodeDeploy) have no condition, and were not checked; the same
  // roles written by hand were. Logical ids checked once with aws-sam-translator 1.110.0.
  it("a state machine's Api event role and the CodeDeploy service role, the latter once per template", async () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  MyApi: { Type: AWS::Serverless::Api, Properties: { StageName: prod } }
  SM:
    Type: AWS::Serverless::StateMachine
    Properties:
      Role: arn:aws:iam::210987654321:role/sm
      Definition: { StartAt: A, States: { A: { Type: Pass, End: true } } }
      Events:
        Web: { Type: Api, Properties: { RestApiId: !Ref MyApi, Path: /start, Method: post } }
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Runtime: python3.12, Handler: i.h, InlineCode: x, AutoPublishAlias: live, DeploymentPreference: { Type: AllAtOnce } }
  Fn2:
    Type: AWS::Serverless::Function
    Properties: { Runtime: python3.12, Handler: i.h, InlineCode: x, AutoPublishAlias: live, DeploymentPreference: { Type: AllAtOnce } }
`;
    expect((await findings(text)).findings).toEqual([
      "CD101 medium SMWebRole",
      "CD101 medium CodeDeployServiceRole",
    ]);
    const withRoles = text
      .replaceAll("{ Type: AllAtOnce }", "{ Type: AllAtOnce, Role: arn:aws:iam::210987654321:role/cd }")
      .replace(
        "Web: { Type: Api, Properties: { RestApiId: !Ref MyApi, Path: /start, Method: post } }",
        "W: { Type: Schedule, Properties: { Schedule: rate(1 hour), RoleArn: arn:aws:iam::210987654321:role/e } }",
      );
    expect((await findings(withRoles)).findings).toEqual([]);
  });
});

describe("SAM Globals.Function.DeploymentPreference", () => {
  // From the session-6 review: SAM merges Globals into each function, so a DeploymentPreference
  // there makes CodeDeployServiceRole too; it was read only on the function.
  it("makes the CodeDeploy service role, reported once at the first function", async () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    AutoPublishAlias: live
    DeploymentPreference: { Type: AllAtOnce }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Runtime: python3.12, Handler: i.h, InlineCode: x }
  Fn2:
    Type: AWS::Serverless::Function
    Properties: { Runtime: python3.12, Handler: i.h, InlineCode: x }
`;
    expect((await findings(text)).findings).toEqual(["CD101 medium CodeDeployServiceRole"]);
    const own = text.replace(
      "Properties: { Runtime: python3.12, Handler: i.h, InlineCode: x }\n  Fn2",
      "Properties: { Runtime: python3.12, Handler: i.h, InlineCode: x, DeploymentPreference: { Type: AllAtOnce, Role: arn:aws:iam::210987654321:role/cd } }\n  Fn2",
    );
    expect(own).not.toBe(text);
    // Fn has its own (with a Role); Fn2 still takes the Globals one, without a Role.
    expect((await findings(own)).findings).toEqual(["CD101 medium CodeDeployServiceRole"]);
    const allRoles = text.replace(
      "{ Type: AllAtOnce }",
      "{ Type: AllAtOnce, Role: arn:aws:iam::210987654321:role/cd }",
    );
    expect((await findings(allRoles)).findings).toEqual([]);
  });
});
