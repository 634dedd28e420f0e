import { describe, expect, it } from "vitest";
import { applyCloudFormationFixes, checkCloudFormation } from "../src/index.js";

// Session-16 real-world hunt: widdix/aws-cf-templates security/kms-key.yaml uses a 26-value Service
// parameter in a kms:ViaService `!Sub`, so every value is a variant of its own; only 16 are analysed.
// A statement switched on by a Condition on the last allowed value was never analysed: 0 findings,
// exit 0, a TooManyVariants warning. The values the Conditions compare with now come right after
// the Default, so the statements they switch on are among the variants analysed.
describe("a guarded parameter with more allowed values than variants analysed", () => {
  const services = Array.from({ length: 25 }, (_, i) => `svc${String(i).padStart(2, "0")}`);
  const template = (allowed: string[]) => `Parameters:
  Service:
    Type: String
    AllowedValues: [${allowed.join(", ")}]
    Default: svc00
Conditions:
  IsOpen: !Equals [!Ref Service, OPEN]
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
        - Effect: Allow
          Principal: {AWS: !Sub 'arn:aws:iam::\${AWS::AccountId}:root'}
          Action: 'kms:*'
          Resource: '*'
        - Effect: Allow
          Principal: {AWS: '*'}
          Action: kms:Decrypt
          Resource: '*'
          Condition:
            StringEquals:
              kms:CallerAccount: !Ref AWS::AccountId
              kms:ViaService: !Sub '\${Service}.\${AWS::Region}.amazonaws.com'
        - !If
          - IsOpen
          - Effect: Allow
            Principal: {Service: cloudtrail.amazonaws.com}
            Action: kms:GenerateDataKey*
            Resource: '*'
          - !Ref AWS::NoValue
`;

  it("analyses the value a Condition compares with, wherever it is listed", async () => {
    for (const allowed of [
      [...services, "OPEN"],
      ["OPEN", ...services],
      [...services.slice(0, 20), "OPEN", ...services.slice(20)],
    ]) {
      const r = await checkCloudFormation("kms-key.yaml", template(allowed), {});
      expect(r.findings.map((f) => [f.ruleId, f.line, f.variant])).toEqual([
        ["CD101", 29, "<Service>: OPEN"],
      ]);
      // One parameter's values grow the work linearly: all 26 are analysed (up to 64).
      expect(r.diagnostics.map((d) => d.code)).toEqual([]);
    }
  });

  // From the session-16 review: past the limit, a value neither compared nor holding a wildcard (a
  // foreign account's topic) was still left out. One choice's values are now all analysed up to 64.
  it("analyses every value of one parameter up to 64, a foreign one far down the list too", async () => {
    const arn = (account: string, n: string) => `"arn:aws:sns:us-east-1:${account}:${n}"`;
    const values = Array.from({ length: 30 }, (_, i) =>
      i === 24 ? arn("135792468024", "theirs") : arn("210987654321", `t${i}`),
    );
    const text = `Parameters:
  Src:
    Type: String
    Default: ${values[0]}
    AllowedValues: [${values.join(", ")}]
Resources:
  Q:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: "*"
            Condition:
              ArnLike: { "aws:SourceArn": !Ref Src }
`;
    const r = await checkCloudFormation("many.yaml", text, { accounts: ["210987654321"] });
    expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([
      ["CD102", "<Src>: arn:aws:sns:us-east-1:135792468024:theirs"],
    ]);
    expect(r.diagnostics).toEqual([]);
  });
});

// Session-16 review of the ordering above: values the Conditions compare with pushed a wildcard
// value past the limit, and its CD102 went (0 findings, exit 0). A value with a wildcard, the
// likeliest to let another account in, now comes first.
describe("a guarded parameter whose wildcard value is among more than 16", () => {
  it("still analyses the wildcard value", async () => {
    const arn = (n: string) => `"arn:aws:sns:us-east-1:210987654321:${n}"`;
    const topics = Array.from({ length: 16 }, (_, i) => `t${i}`);
    const text = `Parameters:
  Src:
    Type: String
    Default: ${arn("a")}
    AllowedValues: [${[arn("a"), '"*"', ...topics.map(arn)].join(", ")}]
Conditions:
${topics.map((t, i) => `  Is${i}: !Equals [!Ref Src, ${arn(t)}]`).join("\n")}
Resources:
  Q:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: "*"
            Condition:
              ArnLike: { "aws:SourceArn": !Ref Src }
${topics.map((_t, i) => `          - !If [Is${i}, {Effect: Allow, Principal: {Service: sns.amazonaws.com}, Action: sqs:SendMessage, Resource: "*", Condition: {ArnLike: {"aws:SourceArn": ${arn(`x${i}`)}}}}, !Ref AWS::NoValue]`).join("\n")}
`;
    const r = await checkCloudFormation("many.yaml", text, { accounts: ["210987654321"] });
    expect(r.findings.filter((f) => f.ruleId === "CD102").map((f) => f.variant)).toEqual(["<Src>: *"]);
  });
});

// Session-16 real-world hunt: aws-samples/serverless-patterns sns-lambda/template.yaml. --fix gave
// the permission `SourceArn: !Sub "arn:${AWS::Partition}:sns:*:<account>:*"`, which Lambda's
// AddPermission refuses (its SourceArn pattern takes a Region or none, never `*`): the fixed template
// did not deploy. Session 16 made it SourceAccount alone; since session 17 it is a SourceArn in the
// function's Region (`${AWS::Region}`), which AddPermission takes and AWS's Lambda guide advises
// (EventBridge was reported to send no SourceAccount to Lambda, so that fix could stop invocations).
describe("--fix on an SNS Lambda permission", () => {
  const text = `Resources:
  MySnsTopic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - Protocol: lambda
          Endpoint: !GetAtt TopicConsumerFunction1.Arn
  TopicConsumerFunction1Permission:
    Type: 'AWS::Lambda::Permission'
    Properties:
      Action: 'lambda:InvokeFunction'
      FunctionName: !Ref TopicConsumerFunction1
      Principal: sns.amazonaws.com
  TopicConsumerFunction1:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Role: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/consumer'
      Code:
        ZipFile: 'exports.handler = async () => {};'
`;
  // Lambda's AddPermission SourceArn pattern (the `Arn` shape of its API model).
  const LAMBDA_SOURCE_ARN =
    /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;

  it("adds a SourceArn in the function's Region, which Lambda takes", async () => {
    const options = { accounts: ["210987654321"] };
    const r = await checkCloudFormation("template.yaml", text, options);
    expect(r.findings.map((f) => [f.ruleId, f.fix?.permission])).toEqual([
      ["CD101", { sourceArn: "arn:<PARTITION>:sns:<REGION>:210987654321:*" }],
    ]);
    const out = applyCloudFormationFixes(text, "template.yaml", r.findings) as string;
    expect(out).toContain(
      `      Principal: sns.amazonaws.com\n      SourceArn: !Sub "arn:\${AWS::Partition}:sns:\${AWS::Region}:210987654321:*"\n`,
    );
    expect(out).not.toContain("SourceAccount");
    // As deployed in a Region, the ARN is within AddPermission's pattern.
    expect("arn:aws:sns:eu-west-1:210987654321:*").toMatch(LAMBDA_SOURCE_ARN);
    expect((await checkCloudFormation("template.yaml", out, options)).findings).toEqual([]);
  });

  it("keeps a SourceArn it writes within Lambda's pattern", async () => {
    const named = text.replace(
      "Principal: sns.amazonaws.com",
      "Principal: sns.amazonaws.com\n      SourceArn: arn:aws:sns:eu-west-1:*:orders",
    );
    const r = await checkCloudFormation("template.yaml", named, { accounts: ["210987654321"] });
    const arn = r.findings[0]?.fix?.permission?.sourceArn;
    expect(arn).toBe("arn:aws:sns:eu-west-1:210987654321:orders");
    expect(arn).toMatch(LAMBDA_SOURCE_ARN);
  });
});
