// `Principal: "*"` narrowed by aws:PrincipalServiceName. From the session-8 differential fuzzing:
// `StringEquals aws:PrincipalServiceName "*.amazonaws.com"` (a literal `*`, no wildcard there)
// matches no service's name, yet the witness named the service "*.amazonaws.com": a false alarm.
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

const OURS = "246813579024";

function access(condition: Record<string, Record<string, string>>) {
  const doc = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: "*",
        Action: "sqs:SendMessage",
        Resource: `arn:aws:sqs:us-east-1:${OURS}:q`,
        Condition: condition,
      },
    ],
  };
  return checkPolicyText(JSON.stringify(doc), "p.json", { accounts: [OURS] }).findings.filter((f) =>
    ["CD101", "CD102", "CD103", "CD104"].includes(f.ruleId),
  );
}

describe("a service name the policy writes", () => {
  it("with a literal * under StringEquals names no service: nothing gets in", () => {
    expect(access({ StringEquals: { "aws:PrincipalServiceName": "*.amazonaws.com" } })).toEqual([]);
    expect(access({ StringEquals: { "aws:PrincipalServiceName": "sns.amazonaws.com?" } })).toEqual([]);
  });

  it("under StringLike, * is a wildcard: a real-looking service gets in", () => {
    const found = access({ StringLike: { "aws:PrincipalServiceName": "*.amazonaws.com" } });
    expect(found.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(found[0]?.witness?.principal).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/);
  });

  it("in another case under StringEqualsIgnoreCase: the witness names it in lower case", () => {
    const found = access({ StringEqualsIgnoreCase: { "aws:PrincipalServiceName": "SNS.amazonaws.com" } });
    expect(found.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(found[0]?.witness?.principal).toBe("sns.amazonaws.com");
  });
});
