import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkIac, cleanup, FIXTURES, parseReport, tempDir } from "./helpers/cli.js";

// From a review: the CLI's dedupe of findings ignored the statement, so of two statements reported
// at one position (a plan's policy attribute, a policy written as a one-line JSON string) only the
// first was reported; and the same finding in both branches of an Fn::If kept one branch's label.
const tmp = tempDir();
afterAll(() => cleanup(tmp));

describe("findings the CLI keeps apart", () => {
  it("two statements of a plan's policy attribute are two findings", async () => {
    const plan = join(tmp, "plan.json");
    copyFileSync(
      join(
        FIXTURES,
        "../terraform/rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition/plan/plan.json",
      ),
      plan,
    );
    const r = parseReport((await checkIac(["--format", "json", plan])).stdout);
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column, f.statement?.index])).toEqual([
      ["CD101", 37, 21, 0],
      ["CD101", 37, 21, 1],
    ]);
  });

  it("a finding in both branches of one Fn::If names no branch", async () => {
    const file = join(tmp, "both.yaml");
    const template = (resource: string) => `Parameters:
  C: { Type: String }
Conditions:
  R: !Equals [!Ref AWS::Region, us-east-1]
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
            Principal: { Service: events.amazonaws.com }
            Action: sqs:SendMessage
            Resource: ${resource}
            Condition: !If [R, {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}, !Ref C]
`;
    writeFileSync(file, template('!If [R, !GetAtt Q.Arn, "arn:aws:sqs:eu-west-1:210987654321:x"]'));
    const r = parseReport((await checkIac(["--format", "json", file])).stdout);
    // The guarded branch has no finding; the other holds in one variant and says which.
    expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([["CD101", "<REGION> = us-east-1: false"]]);
    writeFileSync(
      file,
      template("!If [R, !GetAtt Q.Arn, !GetAtt Q.Arn]").replace(
        "!If [R, {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}, !Ref C]",
        "!Ref C",
      ),
    );
    const both = parseReport((await checkIac(["--format", "json", file])).stdout);
    expect(both.findings.map((f) => [f.ruleId, f.variant ?? null])).toEqual([["CD101", null]]);
  });
});

describe("Terraform choices a deploy makes", () => {
  const topic = (value: string) => `variable "acct" {}
variable "bucket" {}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish",
    Resource = "arn:aws:sns:us-east-1:210987654321:t",
    Condition = { ${value} } }] })
}
`;

  it("a finding in one value of coalesce names it; one in every value names none", async () => {
    const dir = join(tmp, "tf-choices");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "main.tf"),
      topic('StringLike = { "aws:SourceAccount" = coalesce(var.acct, "*") }'),
    );
    const one = parseReport((await checkIac(["--format", "json", "--account", "210987654321", dir])).stdout);
    expect(one.findings.map((f) => [f.ruleId, f.variant ?? null])).toEqual([
      ["CD102", 'coalesce(var.acct, ...): "*"'],
      ["CD301", "coalesce(var.acct, ...): var.acct"],
    ]);
    writeFileSync(
      join(dir, "main.tf"),
      topic('ArnLike = { "aws:SourceArn" = coalesce(var.acct, "arn:aws:s3:::${var.bucket}") }'),
    );
    const every = parseReport(
      (await checkIac(["--format", "json", "--account", "210987654321", dir])).stdout,
    );
    expect(every.findings.filter((f) => f.ruleId === "CD103").map((f) => f.variant ?? null)).toEqual([null]);
  });
});

// From a review: `--fix --quiet` printed the diff and nothing else, so an unreadable file's error
// (exit 2) and the findings were never shown. The diff stays alone on standard output.
describe("--fix --quiet", () => {
  it("keeps the diff alone on standard output and reports findings and errors on standard error", async () => {
    const dir = join(tmp, "fix-quiet");
    mkdirSync(dir, { recursive: true });
    copyFileSync(
      join(FIXTURES, "rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition.json"),
      join(dir, "q1.json"),
    );
    writeFileSync(join(dir, "broken.json"), '{"Statement": [');
    const r = await checkIac(["--fix", "--quiet", join(dir, "q1.json"), join(dir, "broken.json")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("+++ b/");
    expect(r.stdout).not.toContain("CD101");
    expect(r.stderr).toContain("CD101");
    expect(r.stderr).toContain("broken.json");
  });
});

// From a review: --fix skipped an Alexa permission's fix (set EventSourceToken to your skill's ID)
// in silence: it has no edit the tool can make, and nothing said so.
describe("--fix and a fix with no automatic edit", () => {
  it("says so with a FixNote at the finding", async () => {
    const file = join(tmp, "alexa.yaml");
    writeFileSync(
      file,
      `Resources:
  P:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: fn
      Action: lambda:InvokeFunction
      Principal: alexa-appkit.amazon.com
`,
    );
    const r = parseReport((await checkIac(["--fix", "--format", "json", file])).stdout);
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([["FixNote", 2]]);
  });
});

// From a review: --fix on a finding that holds for one value of a conditional replaced the whole
// conditional by that value (with --write, the other branch was gone and "<var.bucket>" written).
describe("--fix and a finding that holds in one variant", () => {
  it("edits nothing and says why", async () => {
    const dir = join(tmp, "tf-fix-variant");
    mkdirSync(dir, { recursive: true });
    const text = `variable "use_topic" { type = bool }
variable "bucket" {}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish",
    Resource = "arn:aws:sns:us-east-1:210987654321:t",
    Condition = { ArnLike = { "aws:SourceArn" = var.use_topic ? "arn:aws:sns:us-east-1:210987654321:t" : "arn:aws:s3:::\${var.bucket}" } } }] })
}
`;
    writeFileSync(join(dir, "main.tf"), text);
    const r = await checkIac(["--fix", "--write", "--format", "json", "--account", "210987654321", dir]);
    const report = parseReport(r.stdout);
    expect(readFileSync(join(dir, "main.tf"), "utf8")).toBe(text);
    expect(report.warnings.filter((w) => w.code === "FixNote").map((w) => w.message)).toEqual([
      "CD103 holds when var.use_topic: false; that value is picked at apply, so the fix is not applied: apply the fix text shown with the finding to the branch it names",
    ]);
  });
});

// From a review: a finding whose element comes from a map entry (another line in each variant)
// was reported once per variant instead of once, unlabelled, as it holds in all of them.
it("a finding in every entry of a map index is one finding", async () => {
  // The EKS template of the corpus: the principal comes from a partition map, each entry on its own
  // line, all the same service.
  const file = join(tmp, "eks.yaml");
  writeFileSync(
    file,
    `Mappings:
  Principal:
    aws:
      Eks: eks.amazonaws.com
    aws-cn:
      Eks: eks.amazonaws.com
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: !FindInMap [Principal, !Ref AWS::Partition, Eks] }
            Action: sts:AssumeRole
`,
  );
  const r = parseReport((await checkIac(["--format", "json", file])).stdout);
  expect(r.findings.map((f) => [f.ruleId, f.variant ?? null])).toEqual([["CD101", null]]);
});

// From a second review: findings of two variants were merged although they name other principals,
// so the second principal (events.amazonaws.com) was mentioned nowhere.
it("findings of two variants that name other principals stay two", async () => {
  const dir = join(tmp, "tf-principals");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "main.tf"),
    `variable "a" { type = bool }
variable "b" { type = bool }
resource "aws_lambda_permission" "d" {
  statement_id   = "sns"
  action         = "lambda:InvokeFunction"
  function_name  = "fn"
  principal      = var.a ? "sns.amazonaws.com" : (var.b ? "s3.amazonaws.com" : "events.amazonaws.com")
  source_account = var.b ? "210987654321" : null
}
`,
  );
  const r = parseReport((await checkIac(["--format", "json", "--account", "210987654321", dir])).stdout);
  expect(r.findings.map((f) => [f.ruleId, f.principals.join(","), f.variant])).toEqual([
    ["CD101", "sns.amazonaws.com", "var.a: true, var.b: false"],
    ["CD101", "events.amazonaws.com", "var.a: false, var.b: false"],
  ]);
});

// From a CloudFormation hunt: a finding in both branches of an Fn::If in a resource with its own
// Condition lost the whole label, the resource's condition included.
it("a finding in every variant keeps what they all say (the resource's condition)", async () => {
  const file = join(tmp, "cond.yaml");
  writeFileSync(
    file,
    `Parameters:
  Create: { Type: String }
  Retain: { Type: String }
Conditions:
  CreateTrail: !Equals [!Ref Create, "yes"]
  RetainLogs: !Equals [!Ref Retain, "yes"]
Resources:
  Topic: { Type: AWS::SNS::Topic }
  P:
    Type: AWS::SNS::TopicPolicy
    Condition: CreateTrail
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: !If [RetainLogs, !Ref Topic, "*"]
`,
  );
  const r = parseReport((await checkIac(["--format", "json", file])).stdout);
  expect(r.findings.map((f) => [f.ruleId, f.variant ?? null])).toEqual([
    ["CD101", "if condition CreateTrail holds"],
  ]);
});

// From a CloudFormation hunt: an Fn::If that removes an earlier statement shifts the statement's
// index between variants, and the same finding was reported twice (statement 1, statement 0).
it("a statement whose index shifts between variants is one finding", async () => {
  const file = join(tmp, "shift.yaml");
  writeFileSync(
    file,
    `Parameters:
  AllowAdmin: { Type: String, Default: "true" }
Conditions:
  HasAdmin: !Equals [!Ref AllowAdmin, "true"]
Resources:
  Topic: { Type: AWS::SNS::Topic }
  P:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - !If
            - HasAdmin
            - { Effect: Allow, Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: sns:Publish, Resource: "*" }
            - !Ref AWS::NoValue
          - { Effect: Allow, Principal: { Service: events.amazonaws.com }, Action: sns:Publish, Resource: "*" }
`,
  );
  const r = parseReport((await checkIac(["--format", "json", file])).stdout);
  expect(r.findings.map((f) => [f.ruleId, f.variant ?? null])).toEqual([["CD101", null]]);
});

// From a CLI hunt: --fix showed a fix but made no edit and said nothing for a policy written as an
// Fn::Sub JSON string (and for .tf.json files).
it("--fix says so when a file's fixes cannot be edited in", async () => {
  const file = join(tmp, "subfix.yaml");
  writeFileSync(
    file,
    `Resources:
  P:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: p
      PolicyDocument: !Sub |
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"arn:aws:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:x:*"}]}
`,
  );
  const r = parseReport((await checkIac(["--fix", "--format", "json", file])).stdout);
  expect(r.warnings.map((w) => [w.code, w.line])).toEqual([["FixNote", 7]]);
});
