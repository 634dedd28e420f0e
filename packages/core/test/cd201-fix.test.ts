import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// From a CLI hunt: the CD201 fix switched StringEquals "*" to StringLike "*", so --fix --write
// turned a guard that blocks every caller into one that admits every account (then CD102), and a
// second run changed the file again. A pattern that would admit other accounts is not kept: the fix
// pins the caller. An ARN whose account is written out keeps the operator switch.
const policy = (condition: Record<string, unknown>) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: "*",
        Condition: condition,
      },
    ],
  });

describe("the CD201 fix", () => {
  it.each([
    [{ StringEquals: { "aws:SourceAccount": "*" } }],
    [{ StringEquals: { "aws:SourceArn": "arn:aws:events:*:*:rule/*" } }],
  ])("does not widen %j into a pattern that admits other accounts", (condition) => {
    const f = checkPolicyText(policy(condition), "p.json", { accounts: ["210987654321"] }).findings;
    expect(f.map((x) => x.ruleId)).toEqual(["CD201"]);
    const fixed = policy(f[0]?.fix?.condition as Record<string, unknown>);
    expect(checkPolicyText(fixed, "p.json", { accounts: ["210987654321"] }).findings).toEqual([]);
  });

  it("switches the operator for an ARN whose account is written out", () => {
    const condition = { StringEquals: { "aws:SourceArn": "arn:aws:events:*:210987654321:rule/*" } };
    const f = checkPolicyText(policy(condition), "p.json", { accounts: ["210987654321"] }).findings;
    expect(f[0]?.fix?.condition).toEqual({
      ArnLike: { "aws:SourceArn": "arn:aws:events:*:210987654321:rule/*" },
    });
  });
});
