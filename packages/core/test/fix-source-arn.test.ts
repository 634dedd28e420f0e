import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// From two hunts (AWS documentation policies; real aws-cdk-lib 2.276.0 output): the fix's
// aws:SourceArn named one resource type of the service, or a fixed number of path segments, and so
// shut out the service's other callers of the same account once applied: `trail/*` for a CloudTrail
// Lake event data store, `training-job/*` for a SageMaker execution role used by notebooks,
// `mailmanager-ingress-point/*` for SES receipt rules, `<api>/*/*/*` for WebSocket and `$default`
// routes. And in a statement granting several services (CDK merges grants), only the services
// with a pattern got one, which shut out the others (S3, CloudWatch alarms).
const OURS = "246813579135";

function fixOf(principals: string[], action: string, resource: string): Record<string, unknown> | undefined {
  const policy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: principals }, Action: action, Resource: resource }],
  };
  const r = checkPolicyText(JSON.stringify(policy), "p.json", { accounts: [OURS] });
  return r.findings.find((f) => f.ruleId === "CD101")?.fix?.condition as Record<string, unknown> | undefined;
}

describe("the source ARN a fix writes", () => {
  it.each([
    ["cloudtrail.amazonaws.com", "s3:PutObject", `arn:aws:cloudtrail:*:${OURS}:*`],
    ["sagemaker.amazonaws.com", "sts:AssumeRole", `arn:aws:sagemaker:*:${OURS}:*`],
    ["ses.amazonaws.com", "s3:PutObject", `arn:aws:ses:*:${OURS}:*`],
    ["events.amazonaws.com", "sns:Publish", `arn:aws:events:*:${OURS}:*`],
    ["apigateway.amazonaws.com", "lambda:InvokeFunction", `arn:aws:execute-api:*:${OURS}:*`],
    // A format with no Region keeps it empty.
    ["cloudfront.amazonaws.com", "s3:GetObject", `arn:aws:cloudfront::${OURS}:*`],
  ])("%s: every resource of the service in the account", (service, action, arn) => {
    const resource = action === "sts:AssumeRole" ? "*" : "arn:aws:s3:::b/*";
    expect(fixOf([service], action, resource)).toEqual({
      StringEquals: { "aws:SourceAccount": OURS },
      ArnLike: { "aws:SourceArn": arn },
    });
  });

  it("one pattern per service when every service of the statement has one", () => {
    expect(fixOf(["budgets.amazonaws.com", "events.amazonaws.com"], "sns:Publish", "*")).toEqual({
      StringEquals: { "aws:SourceAccount": OURS },
      ArnLike: { "aws:SourceArn": [`arn:aws:budgets::${OURS}:*`, `arn:aws:events:*:${OURS}:*`] },
    });
  });

  it.each([
    [["budgets.amazonaws.com", "s3.amazonaws.com"]],
    [["budgets.amazonaws.com", "cloudwatch.amazonaws.com"]],
    [["rds.amazonaws.com", "monitoring.rds.amazonaws.com"]],
  ])("none when a service of the statement has none (%j): SourceAccount only", (principals) => {
    expect(fixOf(principals, "sns:Publish", "*")).toEqual({ StringEquals: { "aws:SourceAccount": OURS } });
  });
});

// From the CDK hunt: `key.grantEncryptDecrypt(new ServicePrincipal("logs.amazonaws.com"))` got a fix
// demanding aws:SourceAccount and aws:SourceArn, which CloudWatch Logs is not documented to send to
// KMS; AWS's key policy scopes it with the encryption context, which the analysis accepts.
describe("the fix of a KMS key statement for a service that names its resource in the encryption context", () => {
  it.each([
    ["logs.amazonaws.com", "kms:EncryptionContext:aws:logs:arn", `arn:aws:logs:*:${OURS}:*`],
    [
      "cloudtrail.amazonaws.com",
      "kms:EncryptionContext:aws:cloudtrail:arn",
      `arn:aws:cloudtrail:*:${OURS}:*`,
    ],
    ["events.amazonaws.com", "kms:EncryptionContext:aws:events:event-bus:arn", `arn:aws:events:*:${OURS}:*`],
  ])("%s: that key with our account, and the fix clears the finding", (service, key, arn) => {
    const fix = fixOf([service], "kms:GenerateDataKey*", "*");
    expect(fix).toEqual({ ArnLike: { [key]: arn } });
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: service },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: fix,
        },
      ],
    };
    expect(checkPolicyText(JSON.stringify(policy), "k.json", { accounts: [OURS] }).findings).toEqual([]);
  });

  it("not for other actions, nor a service without such a key", () => {
    expect(fixOf(["logs.amazonaws.com"], "s3:PutObject", "*")).toHaveProperty("StringEquals");
    expect(fixOf(["sns.amazonaws.com"], "kms:Decrypt", "*")).toHaveProperty("StringEquals");
  });
});
