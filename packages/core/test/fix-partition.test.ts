/**
 * From the session-11 hunt on AWS's documentation policies: a statement whose ARNs follow the
 * deploy-time partition (`!Sub "arn:${AWS::Partition}:s3:::…"`, `data.aws_partition`) was fixed with
 * an `arn:aws:` source ARN, which never matches in aws-cn or aws-us-gov, so the fixed template shut
 * the service out there. The fix now follows the statement: `<PARTITION>`, which the adapters write
 * back as `${AWS::Partition}` or the module's `aws_partition` data source.
 */
import { describe, expect, it } from "vitest";
import {
  checkSite,
  nodeFromPlain,
  type ObjectNode,
  type PolicyValue,
  type SourceNode,
  type ValueSymbol,
} from "../src/index.js";

const PARTITION: ValueSymbol = {
  kind: "partition",
  name: "PARTITION",
  provenance: { source: "AWS::Partition", reason: "the partition follows the region chosen at deploy time" },
};
const OURS = "246813579135";

function bucketPolicy(resource: SourceNode): ObjectNode {
  const statement = nodeFromPlain({
    Effect: "Allow",
    Principal: { Service: "cloudtrail.amazonaws.com" },
    Action: "s3:PutObject",
  }) as ObjectNode;
  statement.entries.push({ key: "Resource", value: resource });
  return { kind: "object", entries: [{ key: "Statement", value: { kind: "array", items: [statement] } }] };
}

const value = (...parts: PolicyValue["parts"]): SourceNode => ({ kind: "value", value: { parts } });

function fixOfDocument(resource: SourceNode) {
  const r = checkSite(
    { file: "t.yaml", resource: "P", kind: "resource-policy", document: bucketPolicy(resource) },
    { accounts: [OURS] },
  );
  return r.findings.find((f) => f.ruleId === "CD101")?.fix;
}

describe("the partition of a fix's source ARN", () => {
  it("follows a statement whose ARN is in the deploy-time partition", () => {
    const fix = fixOfDocument(value("arn:", PARTITION, ":s3:::logs/*"));
    expect(fix?.condition).toEqual({
      StringEquals: { "aws:SourceAccount": OURS },
      ArnLike: { "aws:SourceArn": `arn:<PARTITION>:cloudtrail:*:${OURS}:*` },
    });
    expect(fix?.description).toContain("<PARTITION> is the partition that the ARNs written here are in");
  });

  it.each([
    ["arn:aws-us-gov:s3:::logs/*", "aws-us-gov"],
    ["arn:aws-cn:s3:::logs/*", "aws-cn"],
    ["arn:aws:s3:::logs/*", "aws"],
  ])("keeps a partition written literally (%s)", (arn, partition) => {
    const fix = fixOfDocument(value(arn));
    expect(fix?.condition?.ArnLike).toEqual({ "aws:SourceArn": `arn:${partition}:cloudtrail:*:${OURS}:*` });
    expect(fix?.description).not.toContain("<PARTITION>");
  });

  // Session-16 real-world hunt (aws-samples/serverless-patterns sns-lambda): the fix added
  // `SourceArn: arn:<PARTITION>:sns:*:<account>:*`, which Lambda's AddPermission refuses (its SourceArn
  // pattern takes a Region or none, never `*`), so the fixed template did not deploy. Session 16 made
  // it SourceAccount alone; the session-17 hunt found that EventBridge was reported to send no
  // aws:SourceAccount to Lambda (the fixed permission stopped every invocation) and that AWS's Lambda
  // guide pins such services with SourceArn. The source ARN is now in the function's Region.
  it.each([
    [
      "its function's ARN",
      { parts: ["arn:", PARTITION, `:lambda:us-east-1:${OURS}:function:f`] },
      `arn:<PARTITION>:sns:us-east-1:${OURS}:*`,
    ],
    ["a plain function name", { parts: ["f"] }, `arn:aws:sns:<REGION>:${OURS}:*`],
  ] as Array<[string, PolicyValue, string]>)(
    "a Lambda permission named by %s gets a SourceArn in the function's Region, no SourceAccount",
    (_, functionName, sourceArn) => {
      const r = checkSite(
        {
          file: "t.yaml",
          resource: "Perm",
          kind: "lambda-permission",
          permission: { principal: { parts: ["sns.amazonaws.com"] }, functionName },
        },
        { accounts: [OURS] },
      );
      const fix = r.findings.find((f) => f.ruleId === "CD101")?.fix;
      expect(fix?.permission).toEqual({ sourceArn });
      // <REGION> is explained where the function's ARN does not name its Region.
      expect(fix?.description.includes("<REGION> is the Region the function is deployed in")).toBe(
        sourceArn.includes("<REGION>"),
      );
    },
  );

  it("a Lambda permission's own SourceArn is rewritten with our account, in its partition", () => {
    const r = checkSite(
      {
        file: "t.yaml",
        resource: "Perm",
        kind: "lambda-permission",
        permission: {
          principal: { parts: ["sns.amazonaws.com"] },
          functionName: { parts: ["f"] },
          sourceArn: { parts: ["arn:", PARTITION, ":sns:eu-west-1:*:orders"] },
        },
      },
      { accounts: [OURS] },
    );
    const fix = r.findings.find((f) => f.fix?.permission)?.fix?.permission;
    // The ARN names our account: no SourceAccount beside it (the permission set none).
    expect(fix).toEqual({ sourceArn: `arn:<PARTITION>:sns:eu-west-1:${OURS}:orders` });
  });

  it.each([
    [
      "s3.amazonaws.com, whose bucket ARNs name no account",
      "s3.amazonaws.com",
      undefined,
      { sourceAccount: OURS },
    ],
    [
      "a permission that sets SourceAccount already",
      "events.amazonaws.com",
      "999988887777",
      { sourceAccount: OURS },
    ],
    ["a service the table does not know", "example.amazonaws.com", undefined, { sourceAccount: OURS }],
  ] as Array<[string, string, string | undefined, object]>)(
    "a Lambda permission for %s gets SourceAccount",
    (_, principal, sourceAccount, expected) => {
      const r = checkSite(
        {
          file: "t.yaml",
          resource: "Perm",
          kind: "lambda-permission",
          permission: {
            principal: { parts: [principal] },
            functionName: { parts: ["f"] },
            ...(sourceAccount ? { sourceAccount: { parts: [sourceAccount] } } : {}),
          },
        },
        { accounts: [OURS] },
      );
      expect(r.findings.find((f) => f.fix?.permission)?.fix?.permission).toEqual(expected);
    },
  );
});

// Session-14 fix round-trip hunt: a statement that names no ARN (a key policy's `Resource: "*"`, a
// role's trust policy) was fixed with a literal `arn:aws:`, though the template's other fixes used
// `${AWS::Partition}`; in aws-cn or aws-us-gov the fixed stack shut the service out.
describe("a statement that names no ARN", () => {
  const keyPolicy = (admin: string) => ({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: admin }, Action: "kms:*", Resource: "*" },
      {
        Effect: "Allow",
        Principal: { Service: "logs.amazonaws.com" },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
        Resource: "*",
      },
    ],
  });
  const fixOf = (doc: unknown, deployPartition?: boolean) =>
    checkSite(
      {
        file: "k.json",
        resource: "Key",
        kind: "resource-policy",
        document: nodeFromPlain(doc),
        ...(deployPartition ? { deployPartition } : {}),
      },
      { accounts: [OURS] },
    ).findings[0]?.fix?.text;

  it("takes the partition of the policy's first ARN", () => {
    expect(fixOf(keyPolicy(`arn:aws-cn:iam::${OURS}:root`))).toContain(`"arn:aws-cn:logs:*:${OURS}:*"`);
  });

  it("where the site can name the deploy-time partition and the policy names none: <PARTITION>", () => {
    expect(fixOf(keyPolicy(OURS), true)).toContain(`"arn:<PARTITION>:logs:*:${OURS}:*"`);
  });

  it("elsewhere: aws", () => {
    expect(fixOf(keyPolicy(OURS))).toContain(`"arn:aws:logs:*:${OURS}:*"`);
  });
});
