// Numeric operators and string patterns on the same account, met together. From the session-8
// differential fuzzing: `StringLike aws:SourceAccount "13*9"` with `NumericGreaterThan
// "135700000000"` admits 139999999999 (and 135700000009), but the search solved the pattern first,
// found an account the bound refuses, then tried only accounts the bound names or borders, none of
// which fits the pattern: a miss.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OUR_ACCOUNT as OURS, snsToQueue as policy, queueAccess } from "./helpers/access.js";

/** The access findings, each witness replayed with the evaluator, its account foreign. */
function access(doc: ReturnType<typeof policy>) {
  const found = queueAccess(doc).access;
  for (const f of found) {
    expect(f.witness?.context["aws:SourceAccount"] ?? "").toMatch(/^\d{12}$/);
    expect(f.witness?.context["aws:SourceAccount"]).not.toBe(OURS);
  }
  return found;
}

describe("a pattern and a Numeric bound on aws:SourceAccount", () => {
  it("finds an account that meets both (the fuzzing's case)", () => {
    const found = access(
      policy({
        StringLike: { "aws:SourceAccount": "13*9" },
        NumericGreaterThan: { "aws:SourceAccount": "135700000000" },
      }),
    );
    expect(found.map((f) => f.ruleId)).toEqual(["CD102"]);
  });

  it("and through the account of aws:SourceArn", () => {
    const found = access(
      policy({
        ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:13*9:alerts" },
        NumericGreaterThan: { "aws:SourceAccount": "135700000000" },
      }),
    );
    expect(found.map((f) => f.ruleId)).toEqual(["CD102"]);
    const w = found[0]?.witness?.context;
    expect(w?.["aws:SourceArn"]).toBe(`arn:aws:sns:us-east-1:${w?.["aws:SourceAccount"]}:alerts`);
  });

  it("reports nothing when the bound and the pattern never meet", () => {
    expect(
      access(
        policy({
          StringLike: { "aws:SourceAccount": "13*" },
          NumericLessThan: { "aws:SourceAccount": "130000000000" },
        }),
      ),
    ).toEqual([]);
    // Only our own account is in range.
    expect(
      access(
        policy({
          StringLike: { "aws:SourceAccount": "2468*" },
          NumericGreaterThanEquals: { "aws:SourceAccount": OURS },
          NumericLessThanEquals: { "aws:SourceAccount": OURS },
        }),
      ),
    ).toEqual([]);
  });

  it("finds one whenever a foreign account meets both (random accounts, patterns and bounds)", () => {
    const digit = fc.integer({ min: 0, max: 9 }).map(String);
    fc.assert(
      fc.property(
        fc.array(digit, { minLength: 12, maxLength: 12 }).map((d) => d.join("")),
        fc.array(fc.constantFrom("keep", "keep", "?", "*"), { minLength: 12, maxLength: 12 }),
        fc.constantFrom(
          "GreaterThan",
          "GreaterThanEquals",
          "LessThan",
          "LessThanEquals",
          "Equals",
          "Between",
        ),
        fc.integer({ min: 1, max: 10 ** 9 }),
        (account, masks, bound, spread) => {
          fc.pre(account !== OURS);
          // A pattern the account matches: some digits kept, others `?`, runs of `*` merged.
          let pattern = "";
          for (let i = 0; i < 12; i++) {
            const m = masks[i] as string;
            if (m === "keep") pattern += account[i];
            else if (m === "?") pattern += "?";
            else if (!pattern.endsWith("*")) pattern += "*";
          }
          const n = Number(account);
          const numeric: Record<string, string> = {};
          if (bound === "GreaterThan") numeric.NumericGreaterThan = String(n - spread);
          if (bound === "GreaterThanEquals") numeric.NumericGreaterThanEquals = String(n);
          if (bound === "LessThan") numeric.NumericLessThan = String(n + spread);
          if (bound === "LessThanEquals") numeric.NumericLessThanEquals = String(n);
          if (bound === "Equals") numeric.NumericEquals = String(n);
          const condition: Record<string, Record<string, string>> = {
            StringLike: { "aws:SourceAccount": pattern },
          };
          if (bound === "Between") {
            condition.NumericGreaterThanEquals = { "aws:SourceAccount": String(Math.max(0, n - spread)) };
            condition.NumericLessThanEquals = { "aws:SourceAccount": String(n) };
          } else {
            const [op, value] = Object.entries(numeric)[0] as [string, string];
            condition[op] = { "aws:SourceAccount": value };
          }
          // The account is foreign and meets both: some foreign account must be found.
          expect(access(policy(condition)).length, JSON.stringify(condition)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400, seed: 20_261_127 },
    );
  });
});

// Also from the fuzzing: a typed operator on a key whose value the request fixes (the service's
// name) was solved from the operator's own values only, none of which is the service's name, so a
// Deny that never applies to it hid an unguarded statement.
describe("a Deny's typed operator on aws:PrincipalServiceName", () => {
  it.each([
    ["NumericEquals", "5"],
    ["NumericLessThan", "100"],
    ["DateGreaterThan", "2020-01-01T00:00:00Z"],
  ])("%s: a service name is no number or date, the Deny does not apply", (op, value) => {
    const found = access(policy({}, { [op]: { "aws:PrincipalServiceName": value } }));
    expect(found.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(found[0]?.witness?.context["aws:PrincipalServiceName"]).toBe("sns.amazonaws.com");
  });

  it("NumericNotEquals applies to every name that is no number (as the evaluator decides): nothing gets in", () => {
    expect(access(policy({}, { NumericNotEquals: { "aws:PrincipalServiceName": "5" } }))).toEqual([]);
  });
});
