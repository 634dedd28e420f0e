/**
 * Witnesses name an action a request really carries. With `Action: "*"` or a `NotAction`, the
 * search's shortest action is the empty string (the CLI printed `witness: sns.amazonaws.com  with …`).
 */
import { describe, expect, it } from "vitest";
import { checkPolicyText, checkSite, nodeFromPlain } from "../src/index.js";

function witnessActions(statements: unknown[]): string[] {
  const r = checkPolicyText(JSON.stringify({ Version: "2012-10-17", Statement: statements }), "p.json", {
    accounts: ["314159265358"],
  });
  return r.findings.map((f) => `${f.ruleId} ${f.witness?.action}`);
}

describe("witness actions", () => {
  it('names an action of the Resource\'s service for Action "*"', () => {
    const topic = "arn:aws:sns:us-east-1:314159265358:t";
    expect(
      witnessActions([
        { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "*", Resource: topic },
      ]),
    ).toEqual(["CD101 sns:Publish"]);
  });

  it("names an action the NotAction leaves, and no action a Deny takes away", () => {
    const bucket = "arn:aws:s3:::b/*";
    expect(
      witnessActions([
        {
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          NotAction: "s3:PutObject",
          Resource: bucket,
        },
        { Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: "*" },
      ]),
    ).toEqual(["CD101 sqs:SendMessage"]);
  });

  it("names sts:AssumeRole in a trust policy with Action *", () => {
    expect(
      witnessActions([{ Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "*" }]),
    ).toEqual(["CD101 sts:AssumeRole"]);
  });

  it("keeps the action the search found when it is not empty", () => {
    expect(
      witnessActions([
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "*",
        },
      ]),
    ).toEqual(["CD101 sqs:SendMessage"]);
  });
});

// From the session-8 fuzzing: the witness kept the case the search happened to find
// (`STS:assumerole` became `STS:aSSumerole`); it now names the action as AWS spells it.
describe("witness actions written in another case", () => {
  it.each([
    ["STS:assumerole", undefined, "sts:AssumeRole"],
    ["sts:ASSUMEROLE", undefined, "sts:AssumeRole"],
    ["SQS:sendmessage", "arn:aws:sqs:us-east-1:210987654321:q", "sqs:SendMessage"],
  ])("%s: %s", (action, resource, expected) => {
    const statement = {
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: action,
      ...(resource ? { Resource: resource } : {}),
    };
    const f = checkPolicyText(
      JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
      "p.json",
    ).findings;
    expect(f.map((x) => `${x.ruleId} ${x.witness?.action}`)).toEqual([`CD101 ${expected}`]);
  });
});

// Session 9: a role's trust policy is reached only by sts:AssumeRole. Its statements were searched
// like any policy's, so `NotAction: sts:AssumeRole` was reported with a witness naming s3:PutObject,
// and `Action: [sts:TagSession, sns:Publish]` with one naming sts:TagSession: no request of either
// lets another account in. The site's kind now tells the search (test-fixtures/cloudformation/
// rules/CD101/*-02-trust-policy-*).
describe("a role's trust policy (site kind trust-policy)", () => {
  const trust = (statements: unknown[], kind: "trust-policy" | "policy" = "trust-policy") =>
    checkSite(
      {
        file: "t.json",
        resource: "Role",
        kind,
        document: nodeFromPlain({ Version: "2012-10-17", Statement: statements }),
      },
      { accounts: ["314159265358"] },
    ).findings.map((f) => `${f.ruleId} ${f.witness?.action}`);
  const events = { Service: "events.amazonaws.com" };

  it("is not open to a statement that does not allow sts:AssumeRole", () => {
    expect(trust([{ Effect: "Allow", Principal: events, NotAction: "sts:AssumeRole" }])).toEqual([]);
    expect(
      trust([{ Effect: "Allow", Principal: events, Action: ["sts:TagSession", "sns:Publish"] }]),
    ).toEqual([]);
    expect(trust([{ Effect: "Allow", Principal: events, Action: "sns:Publish" }])).toEqual([]);
    // The same statements in a policy file of unknown kind are still searched as before.
    expect(trust([{ Effect: "Allow", Principal: events, NotAction: "sts:AssumeRole" }], "policy")).toEqual([
      "CD101 s3:PutObject",
    ]);
  });

  it("names sts:AssumeRole for NotAction and wildcards that allow it", () => {
    expect(trust([{ Effect: "Allow", Principal: events, NotAction: "sts:TagSession" }])).toEqual([
      "CD101 sts:AssumeRole",
    ]);
    expect(trust([{ Effect: "Allow", Principal: events, Action: "sts:*" }])).toEqual([
      "CD101 sts:AssumeRole",
    ]);
    expect(trust([{ Effect: "Allow", Principal: events, Action: ["sns:Publish", "*"] }])).toEqual([
      "CD101 sts:AssumeRole",
    ]);
  });

  // From the session-9 review: a service that only a PassRole in the role's own account directs
  // (lambda, ec2, ...) is reported only with --strict, at low, whichever way the trust statement
  // allows sts:AssumeRole (`Action: "*"`, a NotAction), as for `Action: sts:AssumeRole`.
  it("treats a PassRole-bound service alike however the statement allows sts:AssumeRole", () => {
    const lambda = { Service: "lambda.amazonaws.com" };
    const run = (statement: Record<string, unknown>, strict: boolean) =>
      checkSite(
        {
          file: "t.json",
          resource: "Role",
          kind: "trust-policy",
          document: nodeFromPlain({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: lambda, ...statement }],
          }),
        },
        { accounts: ["314159265358"], strict },
      ).findings.map((f) => `${f.ruleId} ${f.severity} ${f.witness?.action}`);
    for (const statement of [
      { Action: "sts:AssumeRole" },
      { Action: "*" },
      { NotAction: "sts:TagSession" },
    ]) {
      expect(run(statement, false), JSON.stringify(statement)).toEqual([]);
      expect(run(statement, true), JSON.stringify(statement)).toEqual(["CD101 low sts:AssumeRole"]);
    }
  });

  // From the session-9 fuzzing of trust-policy sites: with a Resource or NotResource (which IAM
  // refuses in a trust policy) the verdict depended on a resource the search does not know (the
  // role's ARN), silently. Such a statement now gets a warning that says so.
  it("warns of a Resource or NotResource, which IAM refuses in a trust policy", () => {
    const diagnostics = checkSite(
      {
        file: "t.json",
        resource: "Role",
        kind: "trust-policy",
        document: nodeFromPlain({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: events, Action: "sts:AssumeRole" },
            { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", NotResource: "*" },
            { Effect: "Allow", Principal: events, Action: "sts:AssumeRole", Resource: "arn:aws:s3:::b" },
          ],
        }),
      },
      { accounts: ["314159265358"] },
    ).diagnostics.filter((d) => d.code === "PolicyShape");
    expect(diagnostics.map((d) => d.message.slice(0, 60))).toEqual([
      "statement 1 of a role's trust policy has NotResource, which ",
      "statement 2 of a role's trust policy has Resource: IAM rejec",
    ]);
    expect(diagnostics.every((d) => d.severity === "warning")).toBe(true);
    // A resource policy with a Resource is nothing to warn of.
    expect(
      checkSite(
        {
          file: "t.json",
          resource: "Topic",
          kind: "resource-policy",
          document: nodeFromPlain({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: events, Action: "sns:Publish", Resource: "*" }],
          }),
        },
        { accounts: ["314159265358"] },
      ).diagnostics,
    ).toEqual([]);
  });

  it("is closed when a Deny takes sts:AssumeRole away from other accounts", () => {
    expect(
      trust([
        { Effect: "Allow", Principal: events, NotAction: "sts:TagSession" },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "sts:AssumeRole",
          Condition: { StringNotEquals: { "aws:SourceAccount": "314159265358" } },
        },
      ]),
    ).toEqual([]);
  });
});
