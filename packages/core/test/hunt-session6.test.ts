/** Regressions from the session-6 hunts (policies reduced from their reproducers). */
import { describe, expect, it } from "vitest";
import {
  checkPolicyText,
  checkSite,
  enumerateVariants,
  findService,
  nodeFromPlain,
  type ValueSymbol,
} from "../src/index.js";

const REGION: ValueSymbol = {
  kind: "region",
  name: "REGION",
  provenance: { source: "AWS::Region", reason: "r" },
};

describe("service principals written with the deploy's region or DNS suffix", () => {
  it("find their knowledge row", () => {
    const logs = findService("logs.amazonaws.com");
    expect(logs).toBeDefined();
    expect(findService("logs.<REGION>.amazonaws.com")).toBe(logs);
    expect(findService("cloudtrail.amazonaws.com")).toBeDefined();
    expect(findService("cloudtrail.<URL_SUFFIX>")).toBe(findService("cloudtrail.amazonaws.com"));
    // Since session 17 a region not known before deployment is the same service too (see
    // hunt-session17.test.ts): the prefix names the service, the region only where it runs.
    expect(findService("logs.<var.region>.amazonaws.com")).toBe(logs);
  });

  it("logs.${AWS::Region}.amazonaws.com with the encryption-context guard of AWS's KMS page: no finding", () => {
    // From a hunt: the CDK form of the key policy (Fn::Join of the region) gave CD102 high, because
    // without the knowledge row kms:EncryptionContext:aws:logs:arn was not a guard of the service.
    const r = checkSite({
      file: "t.json",
      resource: "Key",
      kind: "resource-policy",
      document: nodeFromPlain({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "logs.amazonaws.com" },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: {
              ArnLike: {
                "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:210987654321:log-group:*",
              },
            },
          },
        ],
      }),
    });
    expect(r.findings).toEqual([]);
    expect(r.statements).toBe(1);
    // The same with the principal and the ARN built from the deploy's region.
    const doc = nodeFromPlain({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "PRINCIPAL" },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "ARN" } },
        },
      ],
    });
    const replace = (node: unknown, text: string, value: unknown): void => {
      if (typeof node !== "object" || node === null) return;
      const n = node as {
        kind: string;
        entries?: Array<{ value: { kind: string; value: unknown } }>;
        items?: unknown[];
      };
      for (const e of n.entries ?? []) {
        if (e.value.kind === "scalar" && e.value.value === text)
          Object.assign(e.value, { kind: "value", value });
        else replace(e.value, text, value);
      }
      for (const i of n.items ?? []) replace(i, text, value);
    };
    replace(doc, "PRINCIPAL", { parts: ["logs.", REGION, ".amazonaws.com"] });
    replace(doc, "ARN", { parts: ["arn:aws:logs:", REGION, ":210987654321:log-group:*"] });
    const regional = checkSite({ file: "t.json", resource: "Key", kind: "resource-policy", document: doc });
    expect(regional.findings.map((f) => f.ruleId)).toEqual([]);
  });
});

describe("the CloudTrail KMS key statement of AWS's documentation", () => {
  it("StringLike on kms:EncryptionContext:aws:cloudtrail:arn keeps its wildcards inside the ARN's components", () => {
    // From a hunt: CD102 high with the witness arn:aws:cloudtrail::000000000000:210987654322:trail/,
    // where the region wildcard spanned a colon; CloudTrail sends its trail's ARN, whose region holds
    // no colon, as it does for aws:SourceArn.
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: {
            StringLike: {
              "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:210987654322:trail/*",
            },
          },
        },
      ],
    });
    expect(checkPolicyText(text, "key.json", { accounts: ["210987654322"] }).findings).toEqual([]);
    // A foreign account's trails still get through a wildcard account.
    const open = text.replace(":210987654322:", ":*:");
    expect(
      checkPolicyText(open, "key.json", { accounts: ["210987654322"] }).findings.map((f) => f.ruleId),
    ).toEqual(["CD102"]);
  });
});

describe("StringLike on an ARN key with fewer than the five colons of an ARN", () => {
  // From a hunt (a miss, 0 findings): `arn:aws:cloudtrail:*:trail/*` matches a real trail ARN only
  // where its wildcard spans the region and the account (iam-simulate: Allowed for a foreign
  // account's trail); keeping wildcards inside components made it match no ARN at all.
  const policy = (key: string, pattern: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AWSCloudTrailWrite",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::trail-logs/AWSLogs/304958671234/*",
          Condition: {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" },
            StringLike: { [key]: pattern },
          },
        },
      ],
    });
  it.each([
    ["aws:SourceArn", "arn:aws:cloudtrail:*:trail/*"],
    ["kms:EncryptionContext:aws:cloudtrail:arn", "arn:aws:cloudtrail:*:trail/*"],
  ])("%s %s admits a foreign account's trail", (key, pattern) => {
    const r = checkPolicyText(policy(key, pattern), "p.json", { accounts: ["304958671234"] });
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD102"]);
  });

  it("arn:aws:*:t spans the service, region and account: searched as written", () => {
    // A trail ARN ends in trail/<name>, but the tool does not assume resource names never hold ':'
    // (SES receipt rules do): a pattern with fewer colons than an ARN is searched as IAM matches it.
    const r = checkPolicyText(policy("aws:SourceArn", "arn:aws:*:t"), "p.json", {
      accounts: ["304958671234"],
    });
    expect(r.findings.map((f) => f.ruleId)).toContain("CD102");
  });

  it("arn:aws:sns:*:t on an SNS topic's ARN spans the region and a foreign account", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:us-east-1:304958671234:q",
          Condition: { StringLike: { "aws:SourceArn": "arn:aws:sns:*:t" } },
        },
      ],
    });
    const r = checkPolicyText(text, "p.json", { accounts: ["304958671234"] });
    expect(r.findings.map((f) => f.ruleId)).toContain("CD102");
    expect(r.findings.find((f) => f.ruleId === "CD102")?.witness?.context["aws:SourceArn"]).toMatch(
      /^arn:aws:sns:[^:]*:\d{12}:t$/,
    );
  });
  it("with all five colons and our account, wildcards stay inside their components", () => {
    const r = checkPolicyText(
      policy("aws:SourceArn", "arn:aws:cloudtrail:*:304958671234:trail/*"),
      "p.json",
      {
        accounts: ["304958671234"],
      },
    );
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD105"]);
  });
});

describe("enumerateVariants with outcomes", () => {
  // The variant limit counted every run, so runs with one outcome (values a template compares
  // elsewhere) or runs no deploy makes used it up before the run with a finding (session-6 review).
  it("counts distinct outcomes, drops null ones, and names what each outcome's runs chose", () => {
    const { results, truncated } = enumerateVariants(
      (run) => {
        const env = ["prod", "dev", "qa", "uat"][run.choose("env", "<Env>", ["prod", "dev", "qa", "uat"])];
        const strict = run.choose("strict", "<Strict>", ["yes", "no"]) === 0;
        return env === "uat" ? null : env === "dev" ? `open${strict ? "" : "!"}` : "closed";
      },
      3,
      undefined,
      { outcome: (v) => v },
    );
    expect(truncated).toBe(false);
    expect(results.map((r) => [r.value, r.variant])).toEqual(
      [
        ["closed", "<Env>: prod or qa"],
        ["open", "<Env>: dev, <Strict>: yes"],
        ["open!", "<Env>: dev, <Strict>: no"],
      ].slice(0, 3),
    );
  });
});

describe("an aws:SourceArn with an empty account for a service whose ARNs always carry one", () => {
  // From a hunt (a false CD103 medium): arn:aws:cloudtrail:us-east-1::trail/t matches no ARN CloudTrail
  // sends, so no request, foreign or ours, gets through; CD103 is for services whose ARNs have no
  // account (an S3 bucket).
  it("admits nobody: no CD103", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::b/*",
          Condition: { ArnLike: { "aws:SourceArn": "arn:aws:cloudtrail:us-east-1::trail/t" } },
        },
      ],
    });
    expect(checkPolicyText(text, "p.json").findings).toEqual([]);
    const s3 = text
      .replace("cloudtrail.amazonaws.com", "s3.amazonaws.com")
      .replace("arn:aws:cloudtrail:us-east-1::trail/t", "arn:aws:s3:::source-bucket");
    expect(checkPolicyText(s3, "p.json").findings.map((f) => f.ruleId)).toEqual(["CD103"]);
  });
});

describe("fixes keep the statement's partition and the resources it named", () => {
  // From a hunt: the fix of a GovCloud statement wrote arn:aws:sns:..., which no GovCloud topic
  // matches (our own legitimate request was then denied, iam-simulate: ImplicitlyDenied), and it
  // replaced arn:...:sns:*:*:t by every topic of the account.
  it("arn:aws-us-gov:sns:*:*:t becomes arn:aws-us-gov:sns:*:<ours>:t", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "arn:aws-us-gov:sqs:us-gov-west-1:304958671234:q",
          Condition: { ArnLike: { "aws:SourceArn": "arn:aws-us-gov:sns:*:*:t" } },
        },
      ],
    });
    const r = checkPolicyText(text, "p.json", { accounts: ["304958671234"] });
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.findings[0]?.fix?.condition).toEqual({
      StringEquals: { "aws:SourceAccount": "304958671234" },
      ArnLike: { "aws:SourceArn": "arn:aws-us-gov:sns:*:304958671234:t" },
    });
  });

  it("an unguarded GovCloud statement gets a GovCloud source ARN", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "arn:aws-us-gov:sqs:us-gov-west-1:304958671234:q",
        },
      ],
    });
    const r = checkPolicyText(text, "p.json", { accounts: ["304958671234"] });
    expect(r.findings[0]?.fix?.condition?.ArnLike).toEqual({
      "aws:SourceArn": "arn:aws-us-gov:sns:*:304958671234:*",
    });
  });
});

describe('"Service": "*"', () => {
  // From a hunt: it was skipped without a word; AWS rejects it or matches no service with it.
  it("is a PolicyShape warning, not silence", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "*" }, Action: "sqs:SendMessage", Resource: "*" }],
    });
    const r = checkPolicyText(text, "p.json");
    expect(r.findings).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([["PolicyShape", "warning"]]);
  });
});

describe("an empty aws:SourceArn value list next to a SourceAccount pin", () => {
  // From the Terraform hunt (a false CD202 high, "names account :"): `aws_s3_bucket.b[*].arn` with
  // count = 0 writes an empty list; it names no account, and the statement matches nothing.
  it("is no account mismatch", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sns:Publish",
          Resource: "*",
          Condition: {
            StringEquals: { "aws:SourceAccount": "210987654321" },
            ArnLike: { "aws:SourceArn": [] },
          },
        },
      ],
    });
    expect(checkPolicyText(text, "p.json").findings).toEqual([]);
  });
});

describe("an unguarded Allow beside a Deny that does not cover it", () => {
  // From a hunt: the finding was CD102 naming the unrelated Deny's operator ("StringNotEquals on
  // aws:SourceAccount admits ..."), pointing the user at the wrong statement.
  it.each([
    ['"Principal":{"Service":"events.amazonaws.com"},"Resource":"*"', "another service"],
    ['"Principal":"*","NotResource":"arn:aws:sqs:us-east-1:210987654321:q"', "another resource"],
  ])("%s (%s): CD101", (deny) => {
    const text = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:210987654321:q"},
 {"Effect":"Deny",${deny},"Action":"sqs:SendMessage","Condition":{"StringNotEquals":{"aws:SourceAccount":"210987654321"}}}]}`;
    expect(checkPolicyText(text, "p.json").findings.map((f) => f.ruleId)).toEqual(["CD101"]);
  });
});
