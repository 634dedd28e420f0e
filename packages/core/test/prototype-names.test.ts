// A policy variable named like an Object.prototype member (`${toString}`, `${constructor}`) is a
// variable like any other, not one of the escapes `${*}`, `${?}`, `${$}`: the escape table was
// indexed with the name and took Object.prototype.toString for an escape (its source text then
// stood in for the variable).
import { describe, expect, it } from "vitest";
import { parseVariables } from "../src/iam/variables.js";
import { checkPolicyText } from "../src/index.js";

describe("policy variables named like Object.prototype members", () => {
  it.each(["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"])(
    "${%s} is a variable",
    (name) => {
      expect(parseVariables(`a-\${${name}}-b`)).toEqual([
        { literal: "a-" },
        { variable: name },
        { literal: "-b" },
      ]);
    },
  );

  it("the escapes stay escapes", () => {
    expect(parseVariables("${*}${?}${$}")).toEqual([
      { variable: "", fallback: "*" },
      { variable: "", fallback: "?" },
      { variable: "", fallback: "$" },
    ]);
  });

  it("a statement using one is analysed as with any other missing key", () => {
    const policy = (v: string) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: `arn:aws:sqs:us-east-1:111122223333:q-${v}`,
            Condition: { ArnLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${v}:t` } },
          },
        ],
      });
    const rules = (v: string) => checkPolicyText(policy(v), "p.json").findings.map((f) => f.ruleId);
    expect(rules("${toString}")).toEqual(rules("${aws:NoSuchKey}"));
  });
});
