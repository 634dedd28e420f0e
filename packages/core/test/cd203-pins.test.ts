// From the session-7 note: CD203's fix wrote the operator as meant (`ArnEqual` → `ArnEquals`), and a
// second run then found CD102, because the guard, valid at last, named an account that is not ours
// under --account (examples/dms-vpc-role-trust.json, examples/connect-customer-profiles-kms.json).
// The fix now also pins the caller when the corrected statement would admit another account.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyPolicyJsonFixes, checkPolicyText } from "../src/index.js";

const EXAMPLES = join(import.meta.dirname, "../../../examples");
const OURS = { accounts: ["246813579135"] };

describe("CD203 with a guard that, written as meant, admits another account", () => {
  it.each(["dms-vpc-role-trust.json", "connect-customer-profiles-kms.json"])(
    "%s: one --fix pass leaves nothing to report",
    (name) => {
      const text = readFileSync(join(EXAMPLES, name), "utf8");
      const before = checkPolicyText(text, name, OURS).findings;
      const cd203 = before.find((f) => f.ruleId === "CD203");
      expect(cd203?.message).toContain("Written as meant, the guard would still admit another account");
      expect(JSON.stringify(cd203?.fix?.condition)).toContain('"aws:SourceAccount":"246813579135"');
      const fixed = applyPolicyJsonFixes(text, name, before);
      if (fixed === undefined) throw new Error("no fix applied");
      expect(checkPolicyText(fixed, name, OURS).findings).toEqual([]);
    },
  );

  it("without --account the account it names counts as ours: the operator-only fix stays", () => {
    const name = "dms-vpc-role-trust.json";
    const f = checkPolicyText(readFileSync(join(EXAMPLES, name), "utf8"), name).findings.find(
      (x) => x.ruleId === "CD203",
    );
    expect(f?.fix?.description).toBe('Write "ArnEquals".');
  });

  it("an invalid operator on another key is written as meant inside the pinning fix", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::trail/*",
          Condition: {
            StringEqual: { "s3:x-amz-acl": "bucket-owner-full-control" },
            StringEquals: { "aws:SourceAccount": "111122223333" },
          },
        },
      ],
    });
    const before = checkPolicyText(text, "p.json", OURS).findings;
    const fix = before.find((f) => f.ruleId === "CD203")?.fix?.condition;
    expect(fix?.StringEquals).toEqual({
      "s3:x-amz-acl": "bucket-owner-full-control",
      "aws:SourceAccount": "246813579135",
    });
    expect(fix?.StringEqual).toBeUndefined();
    const fixed = applyPolicyJsonFixes(text, "p.json", before);
    if (fixed === undefined) throw new Error("no fix applied");
    expect(checkPolicyText(fixed, "p.json", OURS).findings).toEqual([]);
  });
});
