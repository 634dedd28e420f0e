/**
 * Verdicts a hunt through IAM semantics found wrong (each input from /tmp/iamhunt, reduced): our
 * account is 314159265358, a foreign one 271828182845.
 */
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

const OURS = "314159265358";
const TOPIC = `arn:aws:sns:us-east-1:${OURS}:t`;

function check(statements: unknown[], options: { orgIds?: string[] } = {}) {
  const r = checkPolicyText(JSON.stringify({ Version: "2012-10-17", Statement: statements }), "p.json", {
    accounts: [OURS],
    ...options,
  });
  return {
    findings: r.findings.map((f) => `${f.ruleId} ${f.severity}${f.witness ? ` ${f.witness.principal}` : ""}`),
    warnings: r.diagnostics.map((d) => d.code),
  };
}

const allow = (principal: unknown, condition?: unknown) => ({
  Effect: "Allow",
  ...(principal === undefined ? {} : { Principal: principal }),
  Action: "sns:Publish",
  Resource: TOPIC,
  ...(condition ? { Condition: condition } : {}),
});

describe("semantics found wrong by a hunt", () => {
  it("an Allow with NotPrincipal lets every other principal in, services included (it gave nothing)", () => {
    const notSns = { ...allow(undefined), NotPrincipal: { Service: "sns.amazonaws.com" } };
    const r = check([notSns]);
    expect(r.findings).toEqual(["CD101 high events.amazonaws.com"]);
    const notAccount = { ...allow(undefined), NotPrincipal: { AWS: "arn:aws:iam::271828182845:root" } };
    expect(check([notAccount]).findings).toEqual(["CD101 high sns.amazonaws.com"]);
  });

  it("a service's request carries its name in lower case: a Deny on that exact name closes the gap", () => {
    const deny = {
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: TOPIC,
      Condition: {
        StringNotEquals: { "aws:SourceAccount": OURS },
        StringEquals: { "aws:PrincipalServiceName": "events.amazonaws.com" },
      },
    };
    expect(check([allow({ Service: "events.amazonaws.com" }), deny]).findings).toEqual([]);
    // No real request carries an upper-case name.
    expect(
      check([allow("*", { StringEquals: { "aws:PrincipalServiceName": "EVENTS.AMAZONAWS.COM" } })]).findings,
    ).toEqual([]);
  });

  it("a service principal never calls through your VPC endpoint: aws:SourceVpce / aws:SourceVpc close a public statement", () => {
    expect(check([allow("*", { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } })]).findings).toEqual([]);
    expect(check([allow("*", { StringEquals: { "aws:SourceVpc": "vpc-1a2b3c4d" } })]).findings).toEqual([]);
  });

  it("a StringLike aws:SourceArn pattern that can match an ARN is not 'not an ARN' (CD204); under ArnLike it needs six components", () => {
    const stringLike = check([
      allow({ Service: "events.amazonaws.com" }, { StringLike: { "aws:SourceArn": `*:${OURS}:rule/x` } }),
    ]);
    // Its wildcard spans components, so it may cover another account's ARN whose resource ends in
    // `:<ours>:rule/x`: searched as written since session 6 (a pattern with fewer colons than an ARN
    // matches real ARNs only that way; keeping wildcards inside components missed
    // `arn:aws:cloudtrail:*:trail/*`). Never "not an ARN".
    expect(stringLike.findings.filter((f) => f.startsWith("CD204"))).toEqual([]);
    const arnLike = check([
      allow({ Service: "events.amazonaws.com" }, { ArnLike: { "aws:SourceArn": `*:${OURS}:rule/x` } }),
    ]);
    expect(arnLike.findings.map((f) => f.split(" ")[0])).toEqual(["CD204"]);
  });

  it("an S3 aws:SourceArn with a wildcard in the bucket name admits another account's own bucket (CD102, not CD103)", () => {
    const s3 = (arn: string) =>
      check([allow({ Service: "s3.amazonaws.com" }, { ArnLike: { "aws:SourceArn": arn } })]);
    expect(s3("arn:aws:s3:::*").findings).toEqual(["CD102 high s3.amazonaws.com"]);
    expect(s3("arn:aws:s3:::mybucket*").findings).toEqual(["CD102 high s3.amazonaws.com"]);
    // A name written out in full is open to a takeover of the name only; S3 sends no account field,
    // so a pattern with one matches only the real, account-less ARN.
    expect(s3("arn:aws:s3:::mybucket").findings).toEqual(["CD103 medium s3.amazonaws.com"]);
    expect(s3("arn:aws:s3:*:*:mybucket").findings).toEqual(["CD103 medium s3.amazonaws.com"]);
  });

  it("a request only the widening of policy variables finds, which evaluate rejects, is a warning, not a finding", () => {
    const escaped = check([
      allow({ Service: "events.amazonaws.com" }, { StringLike: { "aws:SourceAccount": "${*}" } }),
    ]);
    expect(escaped).toEqual({ findings: [], warnings: ["AnalysisIncomplete"] });
    // ${aws:ResourceOrgID} used to be such a variable; it is our organization now (resource-account.test.ts).
    const org = check(
      [
        allow(
          { Service: "events.amazonaws.com" },
          { StringEquals: { "aws:SourceOrgID": "${aws:ResourceOrgID}" } },
        ),
      ],
      { orgIds: ["o-abcdefghij"] },
    );
    expect(org).toEqual({ findings: [], warnings: [] });
  });
});

// From the session-13 hunt on IAM conditions (checked against iam-simulate): an Allow on
// `Resource: "*"` closed by a Deny on `Resource: "?*"` for every foreign source account was CD101
// high, with a witness whose resource was the empty string, which no request has.
describe("a request's resource is never empty", () => {
  it("a Deny on every resource (`?*`) closes an Allow on `*`", () => {
    const open = { ...allow({ Service: "sns.amazonaws.com" }), Resource: "*" };
    const deny = (resource: string) => ({
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: resource,
      Condition: { StringNotEquals: { "aws:SourceAccount": OURS } },
    });
    expect(check([open, deny("?*")]).findings).toEqual([]);
    // A Deny on a part of the resources still leaves the rest open.
    expect(check([open, deny("?*:*")]).findings).toEqual(["CD101 high sns.amazonaws.com"]);
  });
});
