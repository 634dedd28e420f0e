import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// From two hunts: AWS's documented KMS key policies that guard the service by its encryption
// context were CD101 high, with witnesses no service sends, and fixes that broke the key's use.
// - EventBridge event bus encryption (eb-encryption-key-policy.html): the context holds the bus ARN.
// - SES email receiving (receiving-email-permissions.html; what aws-cdk-lib's S3 receipt action
//   writes): aws:ses:source-account is the account on behalf of which SES received the email.
const OURS = "246813579135";

function findings(principal: string, condition: Record<string, unknown>) {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: principal },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: condition,
      },
    ],
  };
  return checkPolicyText(JSON.stringify(policy), "key.json", { accounts: [OURS] }).findings.map(
    (f) => `${f.ruleId} ${f.severity}`,
  );
}

describe("encryption-context keys that name the caller's account", () => {
  it("EventBridge: the event bus ARN of our account guards the key", () => {
    expect(
      findings("events.amazonaws.com", {
        StringEquals: {
          "kms:EncryptionContext:aws:events:event-bus:arn": `arn:aws:events:us-east-1:${OURS}:event-bus/orders`,
        },
      }),
    ).toEqual([]);
  });

  it("EventBridge: a bus ARN of any account does not", () => {
    expect(
      findings("events.amazonaws.com", {
        StringLike: { "kms:EncryptionContext:aws:events:event-bus:arn": "arn:aws:events:*:*:event-bus/*" },
      }),
    ).not.toEqual([]);
  });

  it("SES receiving: aws:ses:source-account of our account guards the key (AWS's and CDK's policy)", () => {
    expect(
      findings("ses.amazonaws.com", {
        Null: {
          "kms:EncryptionContext:aws:ses:rule-name": "false",
          "kms:EncryptionContext:aws:ses:message-id": "false",
        },
        StringEquals: { "kms:EncryptionContext:aws:ses:source-account": OURS },
      }),
    ).toEqual([]);
  });

  it("SES receiving: the Null checks alone do not", () => {
    expect(
      findings("ses.amazonaws.com", {
        Null: {
          "kms:EncryptionContext:aws:ses:rule-name": "false",
          "kms:EncryptionContext:aws:ses:message-id": "false",
        },
      }),
    ).toEqual(["CD101 high"]);
  });
});

// Session-16 real-world hunt (dxw/terraform-dxw-dalmatian-account-bootstrap,
// kms-key-policy-sns-topic.json.tpl): a key usable by cloudwatch.amazonaws.com only for the messages
// of one topic of ours was CD101 high. SNS encrypts a topic's messages with the topic ARN as
// encryption context (AWS's key policy for a service publishing to an encrypted topic pins it).
describe("the SNS topic ARN encryption context", () => {
  const topic = (arn: string, operator = "StringEquals") => ({
    [operator]: { "kms:EncryptionContext:aws:sns:topicArn": arn },
  });

  it("a topic of our account guards the key, for a publisher the table does not know too", () => {
    expect(findings("cloudwatch.amazonaws.com", topic(`arn:aws:sns:eu-west-2:${OURS}:alerts`))).toEqual([]);
    expect(findings("events.amazonaws.com", topic(`arn:aws:sns:eu-west-2:${OURS}:alerts`))).toEqual([]);
  });

  it("a topic of any account, or of a foreign one, does not", () => {
    expect(findings("cloudwatch.amazonaws.com", topic("arn:aws:sns:*:*:alerts", "ArnLike"))).toEqual([
      "CD102 high",
    ]);
    expect(findings("events.amazonaws.com", topic("arn:aws:sns:eu-west-2:135792468024:alerts"))).toEqual([
      "CD102 high",
    ]);
  });
});
