// Session-15 oracle differential (iam-simulate): a Deny of requests from outside our organization,
// `StringNotEquals aws:SourceOrgID ${aws:ResourceOrgID}`, stops a foreign account only when our
// account is in an organization. In none, requests carry no aws:ResourceOrgID, the variable has no
// value, the negated comparison is false and the Deny does not apply: the oracle and `evaluate` both
// let a foreign request in. The analysis took our account to be in one and said nothing; without
// --org-id it now says the verdict rests on that (CD301, info), with the request that gets in.
import { describe, expect, it } from "vitest";
import { checkPolicyText, evaluate, nodeFromPlain, parsePolicy } from "../src/index.js";

const OURS = "246813579024";
const QUEUE = `arn:aws:sqs:us-east-1:${OURS}:q`;
const policy = (allowCondition?: Record<string, unknown>) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: QUEUE,
      ...(allowCondition ? { Condition: allowCondition } : {}),
    },
    {
      Effect: "Deny",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { StringNotEquals: { "aws:SourceOrgID": "${aws:ResourceOrgID}" } },
    },
  ],
});

describe("a Deny that compares with aws:ResourceOrgID", () => {
  it("without --org-id: CD301 says the verdict assumes an organization, with the request that gets in", () => {
    const doc = policy();
    const r = checkPolicyText(JSON.stringify(doc), "p.json", { accounts: [OURS] });
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD301", "info"]]);
    const f = r.findings[0];
    expect(f?.message).toMatch(/assumes your account is in an AWS organization/);
    const w = f?.witness;
    expect(w?.context["aws:ResourceOrgID"]).toBeUndefined();
    expect(w?.context["aws:SourceAccount"]).not.toBe(OURS);
    const parsed = parsePolicy(nodeFromPlain(doc), "p.json").policy;
    if (!parsed || !w) throw new Error("no policy or witness");
    const decision = evaluate(parsed, {
      principal: { type: "Service", id: w.principal },
      action: "sqs:SendMessage",
      resource: QUEUE,
      context: { ...w.context, "aws:ResourceAccount": OURS },
    }).decision;
    expect(decision).toBe("Allow");
  });

  it("with --org-id the account is in one: nothing", () => {
    const r = checkPolicyText(JSON.stringify(policy()), "p.json", {
      accounts: [OURS],
      orgIds: ["o-abcdefghij"],
    });
    expect(r.findings).toEqual([]);
  });

  it("an Allow pinned to our account needs no organization: nothing", () => {
    const r = checkPolicyText(
      JSON.stringify(policy({ StringEquals: { "aws:SourceAccount": OURS } })),
      "p.json",
      {
        accounts: [OURS],
      },
    );
    expect(r.findings).toEqual([]);
  });
});
