import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// From a hunt (never miss): a Deny's parts not known before deployment were taken as if the Deny
// applied to every request, which hid an open Allow; and a "safe" verdict that rested on a Deny's
// unknown guard value gave no CD301.
const template = (deny: string) => `Parameters:
  Acct: { Type: String }
  Cond: { Type: String }
Conditions:
  Strict: !Equals [!Ref Cond, "yes"]
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Pol:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - { Effect: Allow, Principal: { Service: s3.amazonaws.com }, Action: sns:Publish, Resource: !Ref Topic }
          - Effect: Deny
            Principal: "*"
            Action: sns:Publish
            Resource: !Ref Topic
${deny}
`;

async function check(deny: string, parameters?: Record<string, string>) {
  const r = await checkCloudFormation("t.yaml", template(deny), {
    accounts: ["210987654321"],
    ...(parameters ? { parameters } : {}),
  });
  return r.findings.map((f) => `${f.ruleId} ${f.severity}${f.variant ? ` (${f.variant})` : ""}`);
}

describe("a Deny with parts not known before deployment", () => {
  it("a guard value from a parameter is trusted, and CD301 says the verdict rests on it", async () => {
    const deny = "            Condition: { StringNotEquals: { aws:SourceAccount: !Ref Acct } }";
    expect(await check(deny)).toEqual(["CD301 info"]);
    expect(await check(deny, { Acct: "310987654321" })).toEqual(["CD102 high"]);
  });

  it("a Condition from a parameter may not apply: the Allow is reported, one level lower", async () => {
    const found = await checkCloudFormation(
      "t.yaml",
      template("            Condition: { StringEquals: !Ref Acct }"),
      { accounts: ["210987654321"] },
    );
    expect(found.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["CD101 medium"]);
    expect(found.findings[0]?.message).toContain(
      "A Deny of the policy that would stop this request depends on <Acct>",
    );
    expect(found.diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringContaining("the Deny may then apply to no request, so it is not counted on"),
    );
  });

  it("a Deny without unknowns still stops the request", async () => {
    expect(
      await check("            Condition: { StringNotEquals: { aws:SourceAccount: '210987654321' } }"),
    ).toEqual([]);
  });
});
