import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyText, evaluate, nodeFromPlain, parsePolicy } from "../src/index.js";

// From the session-8 differential fuzzing of the core (fixtures-fuzz8: each a policy and, for a
// miss, a foreign request the evaluator allows; iam-simulate agreed). Our account 246813579024,
// our organization o-abcdefghij.
// Misses: a key only `Null: false` requires got no value in the witness (R1, R1b); a Like pattern
// with a policy variable had its `*` narrowed to one character (R4a); a CD201/CD204 value stopped
// the search though an IfExists, another value of the list or a negated operator let a foreign
// account in (R7a–c).
// False alarms: aws:ResourceAccount taken as the deploying account's token beside --account (R2a,
// R2b); a Deny's StringNotLike on aws:SourceArn not narrowed as an Allow's StringLike is, so the
// witness was an ARN no service sends (R3); our bare organization id as a foreign aws:SourceOrgPaths
// (R9).
const DIR = join(import.meta.dirname, "fixtures-fuzz8");
const OPTIONS = { accounts: ["246813579024"], orgIds: ["o-abcdefghij"] };
const ACCESS = ["CD101", "CD102", "CD103", "CD104"];

function load(name: string): {
  policy: { Statement: Array<{ Resource?: unknown }> };
  principal: string;
  request: Record<string, string> | null;
} {
  return JSON.parse(readFileSync(join(DIR, name), "utf8"));
}

function check(name: string) {
  return checkPolicyText(JSON.stringify(load(name).policy), name, OPTIONS);
}

describe("verdicts the fuzzing found wrong", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));

  it.each(files.filter((f) => load(f).request))(
    "%s: the foreign request it found gets in, and is reported",
    (name) => {
      const { policy, principal, request } = load(name);
      const parsed = parsePolicy(nodeFromPlain(policy), name).policy;
      if (!parsed || !request) throw new Error("fixture without a policy or a request");
      const trust = policy.Statement.every((st) => st.Resource === undefined);
      const decision = evaluate(parsed, {
        principal: { type: "Service", id: principal },
        action: trust ? "sts:AssumeRole" : "s3:PutObject",
        ...(trust ? {} : { resource: "arn:aws:s3:::mybucket/obj" }),
        context: {
          "aws:PrincipalServiceName": principal,
          "aws:PrincipalIsAWSService": "true",
          "aws:ResourceAccount": "246813579024",
          "aws:ResourceOrgID": "o-abcdefghij",
          ...request,
        },
      }).decision;
      expect(decision).toBe("Allow");
      expect(
        check(name)
          .findings.map((f) => f.ruleId)
          .filter((r) => ACCESS.includes(r)).length,
      ).toBeGreaterThan(0);
    },
  );

  it.each(files.filter((f) => !load(f).request))("%s: no foreign access is reported", (name) => {
    expect(check(name).findings.filter((f) => ACCESS.includes(f.ruleId))).toEqual([]);
  });
});
