import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// From the session-8 verdict hunt (fixtures-hunt7; our account 246813579024, a foreign one
// 135792468013). Misses, each a foreign request that the core's own evaluator allows:
// - a KMS encryption-context ARN key (CloudTrail, CloudWatch Logs) naming a foreign account: the key
//   was solved with the account already fixed to another foreign one, so no witness was found;
// - Numeric operators on aws:SourceAccount (`NumericLessThanEquals`, a Deny's `NumericEquals`): a
//   branch with a typed constraint on the account was given up;
// - services whose pages document no ARN shape (Chime, DataZone, ELB log delivery) were taken to send
//   only ARNs without an account;
// - `${aws:PrincipalAccount, '135792468013'}`: the default of a key services never send is the value.
// False alarms: placeholder words inside resource names (`rule/sync-account-id-mapping`), AWS's
// CloudTrail key policy with kms:CallerAccount, an org id under StringEqualsIgnoreCase.
const DIR = join(import.meta.dirname, "fixtures-hunt7");
const OPTIONS = { accounts: ["246813579024"], orgIds: ["o-abcdefghij"] };
const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));

function check(name: string) {
  return checkPolicyText(readFileSync(join(DIR, name), "utf8"), name, OPTIONS);
}

describe("verdicts a hunt found wrong", () => {
  it.each(files.filter((f) => f.startsWith("miss-")))(
    "%s: a foreign account gets through (CD102)",
    (name) => {
      const r = check(name);
      expect(r.findings.map((f) => f.ruleId)).toContain("CD102");
      // The witness names the foreign account the policy admits, not just any account.
      const witnessed = r.findings.flatMap((f) => Object.values(f.witness?.context ?? {}));
      expect(witnessed.some((v) => !v.includes("246813579024") && /\d{12}/.test(v))).toBe(true);
    },
  );

  it.each(files.filter((f) => f.startsWith("clean-")))("%s: no finding, no warning", (name) => {
    const r = check(name);
    expect(r.findings).toEqual([]);
    expect(r.diagnostics).toEqual([]);
  });

  it("the encryption-context witness names the account the key policy admits", () => {
    const r = check("miss-ct_ctx_foreign.json");
    const context = r.findings[0]?.witness?.context ?? {};
    expect(context["kms:EncryptionContext:aws:cloudtrail:arn"]).toMatch(
      /^arn:aws:cloudtrail:[^:]*:135792468013:trail\//,
    );
    expect(context["aws:SourceAccount"]).toBe("135792468013");
  });

  it("a placeholder in an ARN's account slot is still CD204", () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "*",
          Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:us-east-1:account-id:rule/sync" } },
        },
      ],
    };
    const r = checkPolicyText(JSON.stringify(policy), "p.json", OPTIONS);
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD204"]);
  });
});
