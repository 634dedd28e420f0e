// A value that must repeat another key of the same request through a policy variable. From the
// session-8 differential fuzzing: `ArnLike aws:SourceArn "arn:aws:sns:us-east-1:*:alerts-${aws:SourceAccount}"`
// admits any account's topic named after that account, but the search widened the variable to `*`,
// found `alerts-x` in account 000000000000, which the evaluator refused, and said AnalysisIncomplete
// instead of CD102. A second search now binds each variable to the value its key had.
import { describe, expect, it } from "vitest";
import { type Condition, OUR_ACCOUNT as OURS, queueAccess, snsToQueue } from "./helpers/access.js";

const check = (condition: Condition) => queueAccess(snsToQueue(condition));

describe("a value that repeats the source account through a variable", () => {
  it("ArnLike with the account in the name: CD102, with a witness the evaluator allows", () => {
    const r = check({ ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:*:alerts-${aws:SourceAccount}" } });
    expect(r.access.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.diagnostics).not.toContain("AnalysisIncomplete");
    const w = r.access[0]?.witness?.context ?? {};
    expect(w["aws:SourceArn"]).toBe(
      `arn:aws:sns:us-east-1:${w["aws:SourceAccount"]}:alerts-${w["aws:SourceAccount"]}`,
    );
    expect(w["aws:SourceAccount"]).not.toBe(OURS);
  });

  it("StringLike with the account in its own field: still CD102 (any account's own topics)", () => {
    const r = check({ StringLike: { "aws:SourceArn": "arn:aws:sns:*:${aws:SourceAccount}:alerts" } });
    expect(r.access.map((f) => f.ruleId)).toEqual(["CD102"]);
  });

  it("our account's topics only: nothing gets in", () => {
    const r = check({
      ArnLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${OURS}:alerts-\${aws:SourceAccount}` },
    });
    expect(r.access).toEqual([]);
  });
});

// Session-14 oracle hunt: a value naming another source key the request may lack. With the key
// absent the value matches nothing (AWS), but widening gave the variable `*`, so the first witness
// lacked aws:SourceOrgID, the evaluator refused it, nothing was bound, and the statement got only
// an AnalysisIncomplete warning (exit 0) though iam-simulate allows a foreign request
// (SourceOrgID o-foreign999, SourceOrgPaths o-foreign999/r-ab12/ou-ab12-11111111/).
describe("a value that names another source key through a variable", () => {
  it("ForAnyValue:StringLike aws:SourceOrgPaths ${aws:SourceOrgID}/*: CD102, the paths under the witness's organization", () => {
    const r = check({ "ForAnyValue:StringLike": { "aws:SourceOrgPaths": "${aws:SourceOrgID}/*" } });
    expect(r.access.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.diagnostics).not.toContain("AnalysisIncomplete");
    const w = r.access[0]?.witness?.context ?? {};
    expect(String(w["aws:SourceOrgPaths"]).startsWith(`${w["aws:SourceOrgID"]}/`)).toBe(true);
  });

  it("ArnLike aws:SourceArn with ${aws:SourceOrgID} in the name: CD102", () => {
    const r = check({ ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:alerts-${aws:SourceOrgID}-*" } });
    expect(r.access.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.diagnostics).not.toContain("AnalysisIncomplete");
    const w = r.access[0]?.witness?.context ?? {};
    expect(w["aws:SourceArn"]).toContain(`:alerts-${w["aws:SourceOrgID"]}-`);
  });

  it("ForAnyValue:StringNotLike aws:SourceAccount ${aws:SourceOrgID}: CD102", () => {
    const r = check({ "ForAnyValue:StringNotLike": { "aws:SourceAccount": "${aws:SourceOrgID}" } });
    expect(r.access.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.diagnostics).not.toContain("AnalysisIncomplete");
  });

  it("still pinned by our account beside it: nothing gets in", () => {
    const r = check({
      StringEquals: { "aws:SourceAccount": OURS },
      "ForAnyValue:StringLike": { "aws:SourceOrgPaths": "${aws:SourceOrgID}/*" },
    });
    expect(r.access).toEqual([]);
    expect(r.diagnostics).not.toContain("AnalysisIncomplete");
  });
});

// Session-15 oracle differential (iam-simulate): a request gets through only where a variable's key
// is absent, so that its default is compared (`'*'`, text under StringNotEquals) or the value naming
// it matches nothing; binding every variable to a value its key held found no such request, and
// the statement got only AnalysisIncomplete. Each variable's key is now also taken absent.
describe("a request that gets through only without a variable's key", () => {
  it("two negated set conditions, one with a default: CD102, the witness without aws:SourceOwner", () => {
    const r = check({
      "ForAnyValue:StringNotEquals": { "aws:SourceAccount": "${aws:SourceOwner, '*'}" },
      "ForAllValues:StringNotLike": { "aws:ResourceOrgID": ["${aws:SourceOrgID}"] },
    });
    expect(r.access.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.diagnostics).not.toContain("AnalysisIncomplete");
    expect(r.access[0]?.witness?.context["aws:SourceOwner"]).toBeUndefined();
  });

  it("aws:ResourceAccount compared with ${aws:SourceAccount, ours}: a request without aws:SourceAccount (CD101)", () => {
    const r = check({ StringEquals: { "aws:ResourceAccount": `\${aws:SourceAccount, '${OURS}'}` } });
    expect(r.access.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(r.diagnostics).not.toContain("AnalysisIncomplete");
    expect(r.access[0]?.witness?.context["aws:SourceAccount"]).toBeUndefined();
  });
});
