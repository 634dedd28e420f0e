// aws:ResourceAccount in the requests the analysis decides: the resource is the deploying account's,
// so the key is present and holds that account, and `${aws:ResourceAccount}` reads as it. The
// scalable guard AWS's data-perimeter examples use, aws:SourceAccount = ${aws:ResourceAccount}, was
// reported as CD102 (the variable was widened to any value). A variable of a key a service
// principal never carries (`${aws:PrincipalAccount}`) matches nothing, as `evaluate` has it.
import { describe, expect, it } from "vitest";
import { checkPolicyText, evaluate, nodeFromPlain, parsePolicy } from "../src/index.js";

const ACCOUNT = "111122223333";
const statement = (extra: Record<string, unknown>) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
        ...extra,
      },
    ],
  });
const rules = (text: string, account = true) =>
  checkPolicyText(text, "p.json", account ? { accounts: [ACCOUNT] } : {})
    .findings.map((f) => f.ruleId)
    .filter((r) => r.startsWith("CD1"));

describe("aws:ResourceAccount is the deploying account", () => {
  it.each([true, false])(
    "aws:SourceAccount = ${aws:ResourceAccount} closes the statement (--account: %s)",
    (account) => {
      expect(
        rules(
          statement({ Condition: { StringEquals: { "aws:SourceAccount": "${aws:ResourceAccount}" } } }),
          account,
        ),
      ).toEqual([]);
    },
  );

  it("so does an ARN pattern with the resource account in its account field", () => {
    const c = { Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:${aws:ResourceAccount}:*" } } };
    expect(rules(statement(c))).toEqual([]);
  });

  it("a guard that names the resource account of another account never applies: nothing gets in", () => {
    const c = { Condition: { StringEquals: { "aws:ResourceAccount": "999999999999" } } };
    expect(rules(statement(c))).toEqual([]);
  });

  it.each([true, false])(
    "a condition naming the resource's account does not guard anything (--account: %s)",
    (account) => {
      // Without --account the account the statement names as the resource's owner counts as ours;
      // pinning the key to the deploying account's placeholder alone had hidden this CD101.
      const c = { Condition: { StringEquals: { "aws:ResourceAccount": ACCOUNT } } };
      expect(rules(statement(c), account)).toEqual(["CD101"]);
    },
  );

  it("a condition that the resource account is ours does not guard anything", () => {
    const c = { Condition: { StringEquals: { "aws:ResourceAccount": ACCOUNT } } };
    const found = checkPolicyText(statement(c), "p.json", { accounts: [ACCOUNT] }).findings;
    expect(found.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(found[0]?.witness?.context["aws:ResourceAccount"]).toBe(ACCOUNT);
  });

  it("the data-perimeter Deny stops a foreign source account; a request without one still gets in", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        JSON.parse(statement({})).Statement[0],
        {
          Effect: "Deny",
          Principal: "*",
          Action: "*",
          Resource: "*",
          Condition: {
            StringNotEqualsIfExists: { "aws:SourceAccount": "${aws:ResourceAccount}" },
            Null: { "aws:SourceAccount": "false" },
          },
        },
      ],
    });
    const f = checkPolicyText(text, "p.json", { accounts: [ACCOUNT] }).findings.filter((x) =>
      x.ruleId.startsWith("CD1"),
    );
    expect(f).toHaveLength(1);
    expect(f[0]?.witness?.context["aws:SourceAccount"]).toBeUndefined();
  });
});

describe("variables of keys a service principal's request never carries", () => {
  it("${aws:PrincipalAccount} matches nothing: the guard admits no one", () => {
    expect(
      rules(statement({ Condition: { StringEquals: { "aws:SourceAccount": "${aws:PrincipalAccount}" } } })),
    ).toEqual([]);
  });

  it("under a negated operator it excludes nothing: the guard admits everyone", () => {
    expect(
      rules(
        statement({ Condition: { StringNotEquals: { "aws:SourceAccount": "${aws:PrincipalAccount}" } } }),
      ),
    ).not.toEqual([]);
  });
});

// aws:ResourceOrgID is our organization when the account is in one and absent when it is in none
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
// AWS's data-perimeter guard aws:SourceOrgID = ${aws:ResourceOrgID} was left unproven (an
// AnalysisIncomplete warning): the variable was widened to any value and then had none.
describe("${aws:ResourceOrgID} is our organization", () => {
  const orgGuard = (operator: string) =>
    statement({ Condition: { [operator]: { "aws:SourceOrgID": "${aws:ResourceOrgID}" } } });

  it.each([[[]], [["o-abcdefghij"]]])(
    "aws:SourceOrgID = ${aws:ResourceOrgID} closes the statement (--org-id %j)",
    (orgIds) => {
      const result = checkPolicyText(orgGuard("StringEquals"), "p.json", { orgIds });
      expect(result.findings).toEqual([]);
      expect(result.diagnostics).toEqual([]);
    },
  );

  it("a negated operator admits every foreign organization", () => {
    const found = checkPolicyText(orgGuard("StringNotEquals"), "p.json").findings;
    expect(found.map((f) => f.ruleId)).toEqual(["CD102"]);
  });

  it("the data-perimeter Deny stops a foreign organization; a request without one still gets in", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        JSON.parse(statement({})).Statement[0],
        {
          Effect: "Deny",
          Principal: "*",
          Action: "*",
          Resource: "*",
          Condition: {
            StringNotEqualsIfExists: { "aws:SourceOrgID": "${aws:ResourceOrgID}" },
            Null: { "aws:SourceOrgID": "false" },
          },
        },
      ],
    });
    const result = checkPolicyText(text, "p.json");
    const f = result.findings.filter((x) => x.ruleId.startsWith("CD1"));
    expect(f).toHaveLength(1);
    expect(f[0]?.witness?.context["aws:SourceOrgID"]).toBeUndefined();
    expect(result.diagnostics).toEqual([]);
  });
});

// From the session-9 fuzzing of trust policies: a witness confirmed with aws:ResourceAccount in its
// request did not name it, so replaying the witness as printed was an implicit deny (7,098 of them).
describe("a witness names the resource's account when the decision reads it", () => {
  it("replays as printed", () => {
    const text = statement({
      Condition: { StringNotEquals: { "aws:SourceAccount": "${aws:ResourceAccount}" } },
    });
    const found = checkPolicyText(text, "p.json", { accounts: [ACCOUNT] }).findings;
    expect(found.map((f) => f.ruleId)).toEqual(["CD102"]);
    const w = found[0]?.witness;
    if (!w) throw new Error("no witness");
    expect(w.context["aws:ResourceAccount"]).toBe(ACCOUNT);
    const policy = parsePolicy(nodeFromPlain(JSON.parse(text)), "p.json").policy;
    if (!policy) throw new Error("no policy");
    const request = {
      principal: { type: "Service" as const, id: w.principal },
      action: w.action ?? "",
      context: w.context,
      ...(w.resource !== undefined ? { resource: w.resource } : {}),
    };
    expect(evaluate(policy, request).decision).toBe("Allow");
  });

  it("and only then", () => {
    const w = checkPolicyText(statement({}), "p.json", { accounts: [ACCOUNT] }).findings[0]?.witness;
    expect(w && Object.keys(w.context)).not.toContain("aws:ResourceAccount");
  });
});
