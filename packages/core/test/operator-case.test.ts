// Condition operator names are case-sensitive: IAM refuses `stringEquals` ("MalformedPolicyDocument:
// Invalid Condition type : stringEquals", ministryofjustice/modernisation-platform-environments#8893)
// and cfn-lint reports E3512. They had been matched case-insensitively (a session-8 review found
// --fix adding a second `StringEquals` beside a written `stringEquals`).
import { describe, expect, it } from "vitest";
import { checkPolicyText, parseConditionOperator } from "../src/index.js";

describe("condition operator names", () => {
  it.each([
    ["stringEquals", "StringEquals"],
    ["arnlike", "ArnLike"],
    ["StringequalsIfExists", "StringEqualsIfExists"],
    ["foranyvalue:StringLike", "ForAnyValue:StringLike"],
    ["ForAnyValue:stringlike", "ForAnyValue:StringLike"],
  ])("%s is no operator; CD203 names %s", (text, meant) => {
    const op = parseConditionOperator(text);
    expect(op.base).toBeNull();
    expect(op.suggestion).toBe(meant);
  });

  it("as IAM spells them they are", () => {
    for (const text of ["StringEquals", "ArnLikeIfExists", "ForAllValues:StringNotLike", "Null"])
      expect(parseConditionOperator(text).base, text).not.toBeNull();
  });

  it("a policy guarded with a lower-case operator gets CD203, and its fix writes the name as IAM does", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:GetBucketAcl",
          Resource: "arn:aws:s3:::trail",
          Condition: { stringEquals: { "aws:SourceAccount": "210987654321" } },
        },
      ],
    });
    const f = checkPolicyText(text, "p.json", { accounts: ["210987654321"] }).findings;
    expect(f.map((x) => x.ruleId)).toEqual(["CD203"]);
    expect(f[0]?.fix?.condition).toEqual({ StringEquals: { "aws:SourceAccount": "210987654321" } });
  });
});
