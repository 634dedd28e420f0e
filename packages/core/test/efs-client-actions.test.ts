import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// From a hunt on real aws-cdk-lib 2.276.0 output: every `new efs.FileSystem()` of a `cdk init` app
// (flag @aws-cdk/aws-efs:denyAnonymousAccess) gets this file system policy, the EFS console's
// "prevent anonymous access" one. It was CD101 high, with the witness
// "sns.amazonaws.com elasticfilesystem:ClientRootAccess" and an aws:SourceAccount fix that EFS does
// not enforce for NFS clients. NFS client actions are authorized for the client's IAM identity, never
// for a service principal acting for a customer.
function findings(actions: string[]) {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      {
        Action: actions,
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
        Effect: "Allow",
        Principal: { AWS: "*" },
      },
    ],
  };
  return checkPolicyText(JSON.stringify(policy), "fs.json").findings.map((f) => `${f.ruleId} ${f.severity}`);
}

describe("EFS NFS client actions", () => {
  it("CDK's default file system policy: no service acts through it", () => {
    expect(findings(["elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite"])).toEqual([]);
    expect(findings(["elasticfilesystem:Client*"])).toEqual([]);
  });

  it("another action beside them is still analysed", () => {
    expect(findings(["elasticfilesystem:ClientWrite", "elasticfilesystem:DescribeFileSystems"])).toEqual([
      "CD101 high",
    ]);
    expect(findings(["elasticfilesystem:*"])).toEqual(["CD101 high"]);
  });
});
