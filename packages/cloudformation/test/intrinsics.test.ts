import { describe, expect, it } from "vitest";
import { extractCloudFormation } from "../src/index.js";
import { resolveYaml, show } from "./helpers.js";

const RESOURCES = `Parameters:
  Env: { Type: String, Default: prod }
  Audit: { Type: String }
  Names: { Type: CommaDelimitedList, Default: "a,b,c" }
  Ssm: { Type: "AWS::SSM::Parameter::Value<String>", Default: /org/account }
Mappings:
  Accounts:
    prod: { Id: "210987654321" }
    dev: { Id: "246813579135" }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsAudit: !Equals [!Ref Audit, "135792468024"]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Condition IsAudit]`;

async function one(expr: string, parameters?: Record<string, string>) {
  const r = await resolveYaml(expr, RESOURCES, parameters);
  expect(r.values).toHaveLength(1);
  return r.values[0]?.value;
}

describe("Ref", () => {
  it.each([
    ["!Ref Env", "prod"],
    ["!Ref AWS::AccountId", "<SELF>"],
    ["!Ref AWS::Region", "<REGION>"],
    ["!Ref AWS::Partition", "<PARTITION>"],
    ["!Ref AWS::URLSuffix", "<URL_SUFFIX>"],
    ["!Ref AWS::StackName", "<AWS::StackName>"],
    ["!Ref AWS::StackId", "arn:<PARTITION>:cloudformation:<REGION>:<SELF>:stack/<AWS::StackName>/<STACK_ID>"],
    ["!Ref Audit", "<Audit>"],
    ["!Ref Ssm", "<Ssm>"],
    ["{ Ref: Names }", ["a", "b", "c"]],
  ])("%s → %j", async (expr, want) => {
    expect(await one(expr)).toEqual(want);
  });

  it("uses a given parameter value over the Default", async () => {
    expect(await one("!Ref Env", { Env: "dev" })).toBe("dev");
    expect(await one("!Ref Audit", { Audit: "135792468024" })).toBe("135792468024");
  });

  it("keeps provenance on unknowns: parameter without value, SSM type, import, dynamic reference", async () => {
    const r = await resolveYaml(
      `[!Ref Audit, !Ref Ssm, !ImportValue Shared-Arn, "{{resolve:ssm:/org/id}}"]`,
      RESOURCES,
    );
    expect(r.values[0]?.value).toEqual([
      "<Audit>",
      "<Ssm>",
      "<ImportValue:Shared-Arn>",
      "<{{resolve:ssm:/org/id}}>",
    ]);
  });

  it("AWS::NoValue removes a list item", async () => {
    expect(await one("[a, !Ref AWS::NoValue, b]")).toEqual(["a", "b"]);
  });
});

describe("resource values (Ref, Fn::GetAtt) from ARN formats", () => {
  const template = (expr: string) => `Parameters: {}
Resources:
  Topic: { Type: AWS::SNS::Topic }
  NamedTopic: { Type: AWS::SNS::Topic, Properties: { TopicName: alerts } }
  Bucket: { Type: AWS::S3::Bucket, Properties: { BucketName: !Sub "logs-\${AWS::AccountId}" } }
  Queue: { Type: AWS::SQS::Queue }
  Logs: { Type: AWS::Logs::LogGroup, Properties: { LogGroupName: /app/logs } }
  Fn: { Type: AWS::Lambda::Function }
  Rule: { Type: AWS::Events::Rule }
  Db: { Type: AWS::DynamoDB::Table, Properties: { TableName: orders } }
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sns:Publish
            Resource: ${expr}
`;
  async function value(expr: string) {
    const r = await extractCloudFormation(
      "t.yaml",
      `AWSTemplateFormatVersion: "2010-09-09"\n${template(expr)}`,
    );
    const site = r.sites.find((s) => s.resource === "TopicPolicy");
    const doc = show(site?.document) as { Statement: Array<{ Resource: unknown }> };
    return { value: doc.Statement[0]?.Resource, diagnostics: r.diagnostics };
  }
  it.each([
    ["!Ref Topic", "arn:<PARTITION>:sns:<REGION>:<SELF>:<Topic.Name>"],
    ["!Ref NamedTopic", "arn:<PARTITION>:sns:<REGION>:<SELF>:alerts"],
    ["!GetAtt NamedTopic.TopicName", "alerts"],
    ["!Ref Bucket", "logs-<SELF>"],
    ["!GetAtt Bucket.Arn", "arn:<PARTITION>:s3:::logs-<SELF>"],
    ["!GetAtt [Bucket, Arn]", "arn:<PARTITION>:s3:::logs-<SELF>"],
    ["{ 'Fn::GetAtt': Bucket.Arn }", "arn:<PARTITION>:s3:::logs-<SELF>"],
    ["!Ref Queue", "https://sqs.<REGION>.<URL_SUFFIX>/<SELF>/<Queue.Name>"],
    ["!GetAtt Queue.Arn", "arn:<PARTITION>:sqs:<REGION>:<SELF>:<Queue.Name>"],
    ["!GetAtt Logs.Arn", "arn:<PARTITION>:logs:<REGION>:<SELF>:log-group:/app/logs:*"],
    ["!GetAtt Fn.Arn", "arn:<PARTITION>:lambda:<REGION>:<SELF>:function:<Fn.Name>"],
    ["!GetAtt Rule.Arn", "arn:<PARTITION>:events:<REGION>:<SELF>:rule/<Rule.Name>"],
    ["!GetAtt Db.Arn", "arn:<PARTITION>:dynamodb:<REGION>:<SELF>:table/orders"],
    ["!GetAtt Db.StreamArn", "<Db.StreamArn>"],
    ["!GetAtt Bucket.DomainName.Extra", "<Bucket.DomainName.Extra>"],
  ])("%s → %s", async (expr, want) => {
    const r = await value(expr);
    expect(r.value).toBe(want);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("Fn::GetAtt of a missing resource is an error with line and column", async () => {
    const r = await value("!GetAtt Missing.Arn");
    expect(r.value).toBe("<Missing.Arn>");
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ code: "UnresolvedReference", severity: "error", line: 21, column: 23 }),
    );
  });
});

describe("Fn::Sub", () => {
  it.each([
    [
      '!Sub "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t-${Env}"',
      "arn:<PARTITION>:sns:<REGION>:<SELF>:t-prod",
    ],
    ['!Sub "${!Literal}-${Env}"', "${Literal}-prod"],
    ['!Sub ["${A}/${Env}/${B}", { A: !Ref AWS::AccountId, B: x }]', "<SELF>/prod/x"],
    ['{ "Fn::Sub": ["${Env}", {}] }', "prod"],
  ])("%s → %s", async (expr, want) => {
    expect(await one(expr)).toBe(want);
  });

  it("Fn::Sub with three items is an error at the Fn::Sub", async () => {
    const r = await resolveYaml('!Sub ["a", {}, "c"]', RESOURCES);
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: "IntrinsicError",
        message: expect.stringContaining("3 items"),
        line: 26,
        column: 23,
      }),
    );
  });

  it("an unknown variable is an error", async () => {
    const r = await resolveYaml('!Sub "${Nope}"', RESOURCES);
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ code: "UnresolvedReference", severity: "error" }),
    );
  });
});

describe("list and string functions", () => {
  it.each([
    ['!Join [":", [a, !Ref Env, !Ref AWS::AccountId]]', "a:prod:<SELF>"],
    ["!Select [1, [a, b, c]]", "b"],
    ["!Select [2, !Ref Names]", "c"],
    ['!Select [1, !Split ["/", "x/y/z"]]', "y"],
    [
      '!Select [4, !Split [":", !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t"]]',
      "<SELF>",
    ],
    ['!Select [0, !Split [",", !Ref Audit]]', "<Fn::Select>"],
    ["!FindInMap [Accounts, test, Id, { DefaultValue: none }]", "none"],
    ["!Base64 abc", "YWJj"],
    ["!Select [0, !GetAZs '']", "<Fn::Select>"],
    ["!Length [a, b]", 2],
    ["!ToJsonString { a: [1, !Ref Env] }", '{"a":[1,"prod"]}'],
  ])("%s → %j", async (expr, want) => {
    expect(await one(expr)).toEqual(want);
  });

  it("Fn::Select out of range is an error", async () => {
    const r = await resolveYaml("!Select [5, [a]]", RESOURCES);
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining("out of range") }),
    );
  });
});

describe("Fn::If with undecidable conditions: both branches, each named", () => {
  it("analyses both branches of a condition on a parameter without value", async () => {
    const r = await resolveYaml("!If [IsAudit, audit-arn, other-arn]", RESOURCES);
    expect(r.values).toEqual([
      { value: "audit-arn", variant: "<Audit>: 135792468024" },
      { value: "other-arn", variant: "<Audit>: not 135792468024" },
    ]);
  });

  it("keeps related conditions consistent (one choice per comparison)", async () => {
    // Both = IsProd and IsAudit: never B with C. (IsProd follows Env's Default first, then the other way.)
    const r = await resolveYaml("!Join ['', [!If [IsAudit, A, B], !If [Both, C, D]]]", RESOURCES);
    expect(r.values.map((v) => v.value)).toEqual(["AC", "BD", "AD"]);
  });

  // From a hunt: a guard kept only by Env's Default hid the unguarded branch of a deploy that gives
  // another Env; the statement got no finding and no warning.
  it("analyses both branches of a condition that only a parameter Default decides, the default's first", async () => {
    const r = await resolveYaml("!If [IsProd, yes-prod, no-prod]", RESOURCES);
    expect(r.values).toEqual([
      { value: "yes-prod", variant: "<Env>: prod (the default)" },
      { value: "no-prod", variant: "<Env>: not prod" },
    ]);
    const not = await resolveYaml("!If [NotProd, a, b]", RESOURCES);
    expect(not.values.map((v) => v.value)).toEqual(["b", "a"]);
    const given = await resolveYaml("!If [IsProd, yes-prod, no-prod]", RESOURCES, { Env: "dev" });
    expect(given.values).toEqual([{ value: "no-prod", variant: undefined }]);
  });

  it("decides the condition once the parameter is given", async () => {
    const r = await resolveYaml("!If [IsAudit, audit-arn, other-arn]", RESOURCES, { Audit: "135792468024" });
    expect(r.values).toEqual([{ value: "audit-arn", variant: undefined }]);
  });

  it("a Fn::FindInMap key unknown before deploy gives one variant per map entry", async () => {
    const r = await resolveYaml("!FindInMap [Accounts, !Ref Audit, Id]", RESOURCES);
    expect(r.values.map((v) => v.value)).toEqual(["210987654321", "246813579135"]);
    expect(r.values[1]?.variant).toContain("dev");
  });
});

describe("circular references", () => {
  it("reports a cycle between resource names with a line and column, and stops", async () => {
    const out = await extractCloudFormation(
      "c.yaml",
      `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  A: { Type: AWS::S3::Bucket, Properties: { BucketName: !Sub "\${B}-a" } }
  B: { Type: AWS::S3::Bucket, Properties: { BucketName: !Sub "\${A}-b" } }
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref A
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: logging.s3.amazonaws.com }
            Action: s3:PutObject
            Resource: !Sub "arn:aws:s3:::\${A}/*"
`,
    );
    expect(out.diagnostics).toContainEqual(
      expect.objectContaining({ code: "CircularReference", message: expect.stringContaining("A → B → A") }),
    );
  });

  it("reports a circular condition", async () => {
    const r = await resolveYaml(
      "!If [C1, a, b]",
      "Conditions:\n  C1: !Condition C2\n  C2: !Not [!Condition C1]",
    );
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: "CircularReference" }));
  });
});
