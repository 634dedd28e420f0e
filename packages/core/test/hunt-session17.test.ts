import { describe, expect, it } from "vitest";
import { checkPolicyText, findService } from "../src/index.js";

const trust = (condition: Record<string, Record<string, string>>) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: condition,
      },
    ],
  });
const access = (text: string) =>
  checkPolicyText(text, "trust.json", {})
    .findings.filter((f) => f.ruleId.startsWith("CD1"))
    .map((f) => [f.ruleId, f.witness?.context["aws:MultiFactorAuthPresent"] ?? "absent"]);

// Session-17 Terraform hunt: terraform-aws-modules/iam iam-assumable-role renders, with its default
// role_requires_mfa = true, a service trust policy requiring aws:MultiFactorAuthPresent true and an
// aws:MultiFactorAuthAge: CD101 with a witness in which events.amazonaws.com had signed in with MFA.
// A service acting for an account never authenticates with MFA: the key is absent or false in its
// request, and the age absent (IAM's global condition keys page: present only when MFA was used).
describe("MFA keys in a service principal's request", () => {
  it("MultiFactorAuthPresent true (and an age) shuts the service out: no finding", () => {
    expect(
      access(
        trust({
          Bool: { "aws:MultiFactorAuthPresent": "true" },
          NumericLessThan: { "aws:MultiFactorAuthAge": "86400" },
        }),
      ),
    ).toEqual([]);
    expect(access(trust({ NumericLessThan: { "aws:MultiFactorAuthAge": "86400" } }))).toEqual([]);
  });

  it("a condition the key's absence or false satisfies still lets another account in", () => {
    expect(access(trust({ Bool: { "aws:MultiFactorAuthPresent": "false" } }))).toEqual([["CD101", "false"]]);
    expect(access(trust({ BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } }))).toEqual([
      ["CD101", "absent"],
    ]);
    expect(access(trust({ Null: { "aws:MultiFactorAuthAge": "true" } }))).toEqual([["CD101", "absent"]]);
  });
});

// Session-17 Terraform hunt: the regional Step Functions principal the Serverless Framework's
// serverless-step-functions plugin writes (`states.${AWS::Region}.amazonaws.com`) was "not in the
// service knowledge table": generic rules, and a fix without aws:SourceArn.
describe("the regional Step Functions principal", () => {
  it("is Step Functions: its fix pins state machines of the account", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "states.us-east-1.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    const [f] = checkPolicyText(text, "trust.json", { accounts: ["210987654321"] }).findings;
    expect(f?.ruleId).toBe("CD101");
    expect(findService("states.us-east-1.amazonaws.com")?.service).toBe("states");
    expect(f?.fix?.condition?.ArnLike).toEqual({ "aws:SourceArn": "arn:aws:states:*:210987654321:*" });
  });
});

// Session-17 CloudFormation hunt (cfn-lint's good/resources/iam/resource_policy.yaml,
// WebsiteBucketPolicy): `s3:GetObject` granted on the bucket ARN was CD101 high with a witness no
// request can be (GetObject on `arn:aws:s3:::bucket`): an object action's resource is an object.
describe("S3 object actions on a bucket ARN", () => {
  const policy = (resource: string, action = "s3:GetObject") =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: action, Resource: resource }],
    });
  const rules = (text: string) => checkPolicyText(text, "bucket.json", {}).findings.map((f) => f.ruleId);

  it("match no request when the bucket ARN is written out: nothing is reported", () => {
    expect(rules(policy("arn:aws:s3:::b"))).toEqual([]);
    expect(rules(policy("arn:aws-us-gov:s3:::b", "s3:PutObject"))).toEqual([]);
  });

  it("on objects, through an access point, or with a bucket action, are still reported", () => {
    expect(rules(policy("arn:aws:s3:::b/*"))).toEqual(["CD101"]);
    expect(rules(policy("arn:aws:s3:::b*"))).toEqual(["CD101"]);
    expect(rules(policy("arn:aws:s3:us-east-1:210987654321:accesspoint/ap/object/*"))).toEqual(["CD101"]);
    expect(rules(policy("arn:aws:s3:::b", "s3:ListBucket"))).toEqual(["CD101"]);
    expect(rules(policy("arn:aws:s3:::b", "s3:Get*"))).toEqual(["CD101"]);
  });
});

// Session-17 Terraform hunt (cattle-ops/terraform-aws-gitlab-runner's KMS policy template):
// `logs.${aws_region}.amazonaws.com` with the region a variable was "not in the service knowledge
// table": generic rules, and a fix on aws:SourceAccount where AWS scopes key policies for CloudWatch
// Logs with kms:EncryptionContext:aws:logs:arn.
describe("a regional principal whose region is not known before deployment", () => {
  it("is the service its name says", () => {
    expect(findService("logs.<var.aws_region>.amazonaws.com")?.service).toBe("logs");
    expect(findService("states.<AWS::Region>.amazonaws.com")?.service).toBe("states");
    // Only the region's place: a symbol standing for the service name is no known service.
    expect(findService("<var.service>.amazonaws.com")).toBeUndefined();
    expect(findService("logs.<a>.<b>.amazonaws.com")).toBeUndefined();
  });
});
