import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// From the review of session 8's changes (fixtures-review8; our account 246813579024). Misses:
// a Numeric bound with leading zeros (`NumericGreaterThan "010000000000"`) gave no 12-digit account
// to try, and `"0"` was CD204 only (it is a bound, not an account id); a CD204 placeholder in a list
// of values hid the CD102 of another value when the search happened to pick the placeholder.
const DIR = join(import.meta.dirname, "fixtures-review8");

function rules(name: string): string[] {
  const text = readFileSync(join(DIR, name), "utf8");
  return checkPolicyText(text, name, { accounts: ["246813579024"] })
    .findings.map((f) => f.ruleId)
    .sort();
}

describe("verdicts the review found wrong", () => {
  it.each(["u1.json", "u2.json", "t1.json"])(
    "%s: a Numeric bound on the account admits foreign accounts",
    (name) => {
      expect(rules(name)).toEqual(["CD102"]);
    },
  );

  it.each(["c6.json", "c9.json", "c10.json"])(
    "%s: a placeholder beside an open value hides nothing",
    (name) => {
      expect(rules(name)).toEqual(["CD102", "CD204"]);
    },
  );

  it("a request that gets in only by carrying the placeholder is CD204's alone", () => {
    expect(rules("c3.json")).toEqual(["CD204"]);
  });
});

// A `--fix --write` of examples/ with --account needed two passes: the CD201 fix only switched
// StringEquals to ArnLike, which opened the guard to the account the ARN names, foreign under
// --account; the second pass then reported CD102.
describe("CD201's fix when the Like form would admit a foreign account", () => {
  const policy = readFileSync(
    join(import.meta.dirname, "../../../examples/cloudtrail-bucket-policy.json"),
    "utf8",
  );
  const cd201 = (accounts: string[]) =>
    checkPolicyText(policy, "p.json", { accounts }).findings.find((f) => f.ruleId === "CD201");

  it("pins the caller to our account when the ARN names another", () => {
    const f = cd201(["731234567890"]);
    expect(f?.fix?.condition?.StringEquals?.["aws:SourceAccount"]).toBe("731234567890");
    expect(f?.fix?.condition?.ArnLike?.["aws:SourceArn"]).toBe("arn:aws:cloudtrail:*:731234567890:trail/*");
  });

  it("only switches the operator when the ARN names ours", () => {
    const f = cd201(["210987654321"]);
    expect(f?.message).toContain("Use ArnLike.");
    expect(f?.fix?.condition?.ArnLike?.["aws:SourceArn"]).toBe("arn:aws:cloudtrail:*:210987654321:trail/*");
  });
});
