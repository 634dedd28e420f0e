/**
 * From a session-10 hunt: `--account 111122223333` with `aws:SourceAccount: "111122223333"` was
 * CD204 high, "an example account id from the AWS documentation … never matches the real source",
 * though the user had just declared that account as theirs. A declared account is not a placeholder.
 */
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

const policy = (account: string, arn = false) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: `arn:aws:sns:us-east-1:${account}:t`,
        Condition: arn
          ? { ArnLike: { "aws:SourceArn": `arn:aws:events:us-east-1:${account}:rule/r` } }
          : { StringEquals: { "aws:SourceAccount": account } },
      },
    ],
  });

describe("an account declared with --account", () => {
  it("is not a documentation placeholder, as a SourceAccount or in a SourceArn", () => {
    for (const arn of [false, true]) {
      const text = policy("111122223333", arn);
      expect(checkPolicyText(text, "p.json", { accounts: ["111122223333"] }).findings).toEqual([]);
      // Undeclared, the documentation's example account is still reported.
      const rules = checkPolicyText(text, "p.json", {}).findings.map((f) => f.ruleId);
      expect(rules).toContain("CD204");
    }
  });
});
