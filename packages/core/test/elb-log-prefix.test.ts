import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// Session-16 real-world hunt (a widdix-style ALB log bucket, and AWS's own access-log bucket policy
// for Regions without an ELB account): `logdelivery.elasticloadbalancing.amazonaws.com` allowed
// s3:PutObject on `<bucket>/[prefix/]AWSLogs/<your account>/*`, with no condition, was CD101 high.
// ELB writes objects only under `[prefix/]AWSLogs/<account of the load balancer>/` and refuses a
// prefix that includes AWSLogs (ELB's "Enable access logs" page), so no other account's load balancer
// can write under that path: the Resource pins the caller.
const OURS = "246813579135";
const FOREIGN = "135792468024";

function findings(resource: string | string[], action: string | string[] = "s3:PutObject") {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
        Action: action,
        Resource: resource,
      },
    ],
  };
  return checkPolicyText(JSON.stringify(policy), "bucket.json", { accounts: [OURS] }).findings.map(
    (f) => `${f.ruleId} ${f.witness?.resource ?? ""}`,
  );
}

describe("ELB access-log delivery under AWSLogs/<account>/", () => {
  it("AWS's policy, with or without a prefix, admits no other account", () => {
    expect(findings(`arn:aws:s3:::logs/AWSLogs/${OURS}/*`)).toEqual([]);
    expect(findings(`arn:aws:s3:::logs/alb/prod/AWSLogs/${OURS}/*`)).toEqual([]);
    expect(findings(`arn:aws:s3:::logs/*/AWSLogs/${OURS}/*`)).toEqual([]);
  });

  it("the whole bucket, another account's path or any account's admits another load balancer", () => {
    for (const resource of [
      "arn:aws:s3:::logs/*",
      `arn:aws:s3:::logs/AWSLogs/${FOREIGN}/*`,
      "arn:aws:s3:::logs/AWSLogs/*",
      `arn:aws:s3:::logs/*${OURS}*`,
    ]) {
      const got = findings(resource);
      expect(got, resource).toHaveLength(1);
      // The witness writes where an ELB of another account does: AWSLogs/<that account>/.
      expect(got[0], resource).toMatch(/^CD10[12] arn:aws:s3:::logs\/.*AWSLogs\/\d{12}\//);
      expect(got[0], resource).not.toContain(`AWSLogs/${OURS}/`);
    }
  });

  it("other actions than s3:PutObject are not bound by the path", () => {
    expect(findings(`arn:aws:s3:::logs/AWSLogs/${OURS}/*`, ["s3:PutObject", "s3:GetObject"])).toHaveLength(1);
    expect(findings(`arn:aws:s3:::logs/AWSLogs/${OURS}/*`, "s3:*")).toHaveLength(1);
  });
});

// Session-16 real-world hunt: AWS's access-log bucket policy for the Regions that have one grants
// s3:PutObject to the Region's ELB log-delivery account (`arn:aws:iam::127311923021:root`), an AWS
// principal that writes the logs of every customer's load balancer. Granted the whole bucket, any
// other account's load balancer could deliver into it; the tool did not analyse AWS principals and
// said nothing. It is now analysed as the service it stands for.
describe("an ELB log-delivery account as an AWS principal", () => {
  function elbAccount(principal: unknown, resource: string) {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: principal }, Action: "s3:PutObject", Resource: resource },
      ],
    };
    return checkPolicyText(JSON.stringify(policy), "bucket.json", { accounts: [OURS] }).findings;
  }

  it("granted the whole bucket: CD101, naming the account and its Region, with a Resource fix", () => {
    for (const principal of [
      "arn:aws:iam::127311923021:root",
      "127311923021",
      ["arn:aws:iam::797873946194:root"],
    ]) {
      const f = elbAccount(principal, "arn:aws:s3:::logs/*");
      expect(f.map((x) => x.ruleId)).toEqual(["CD101"]);
      expect(f[0]?.message).toMatch(/Elastic Load Balancing log-delivery account of us-(east-1|west-2)/);
      expect(f[0]?.witness?.principal).toMatch(/^(arn:aws:iam::)?\d{12}(:root)?$/);
      expect(f[0]?.witness?.resource).toMatch(/^arn:aws:s3:::logs\/.*AWSLogs\/\d{12}\//);
      expect(f[0]?.fix?.text).toBe(`"Resource": "arn:aws:s3:::logs/<your prefix/>AWSLogs/${OURS}/*"`);
      expect(f[0]?.fix?.condition).toBeUndefined();
    }
  });

  it("granted AWSLogs/<your account>/ (AWS's policy): nothing", () => {
    expect(
      elbAccount("arn:aws:iam::127311923021:root", `arn:aws:s3:::logs/prefix/AWSLogs/${OURS}/*`),
    ).toEqual([]);
  });

  it("another account, or a malformed ARN, is not taken for ELB", () => {
    expect(elbAccount("arn:aws:iam::135792468024:root", "arn:aws:s3:::logs/*")).toEqual([]);
    expect(elbAccount("arn:aws:iam::127311923021:user/x", "arn:aws:s3:::logs/*")).toEqual([]);
  });
});
