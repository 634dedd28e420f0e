/**
 * From a session-10 hunt: with --strict, a lambda trust policy whose aws:SourceAccount names another
 * account was CD102 high, while the same statement with no guard at all was CD101 low (the role must
 * be passed with iam:PassRole by someone in the account). A weak guard that only PassRole-bound
 * services get through is now graded as CD101 grades no guard there.
 */
import { describe, expect, it } from "vitest";
import { checkSite, nodeFromPlain } from "../src/index.js";

const trust = (services: string[], condition?: object) =>
  checkSite(
    {
      file: "t.json",
      resource: "Role",
      kind: "trust-policy",
      document: nodeFromPlain({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: services },
            Action: "sts:AssumeRole",
            ...(condition ? { Condition: condition } : {}),
          },
        ],
      }),
    },
    { strict: true, accounts: ["246813579135"] },
  ).findings.map((f) => [f.ruleId, f.severity]);

describe("a weak guard in a PassRole-bound trust policy (--strict)", () => {
  const foreign = { StringEquals: { "aws:SourceAccount": "999988887777" } };
  it("is low, like no guard at all", () => {
    expect(trust(["lambda.amazonaws.com"], foreign)).toEqual([["CD102", "low"]]);
    expect(trust(["lambda.amazonaws.com"])).toEqual([["CD101", "low"]]);
  });
  it("stays high when a service that assumes roles itself gets through too", () => {
    expect(trust(["lambda.amazonaws.com", "events.amazonaws.com"], foreign)).toEqual([["CD102", "high"]]);
  });
});
