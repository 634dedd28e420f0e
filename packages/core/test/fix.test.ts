import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { applyPolicyJsonFixes, checkPolicyText, unifiedDiff } from "../src/index.js";

const ROOT = join(import.meta.dirname, "../../../test-fixtures/policy-json");
const OURS = "246813579135";

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith(".json") && !name.endsWith(".expected.json")) out.push(p);
  }
  return out.sort();
}

const options = { accounts: [OURS] };
const key = (f: { ruleId: string; statement: { index: number } | null }) =>
  `${f.ruleId}@${f.statement?.index}`;

describe("fixes: apply, then scan again", () => {
  let fixable = 0;
  for (const file of files(ROOT)) {
    const text = readFileSync(file, "utf8");
    const before = checkPolicyText(text, file, options).findings.filter((f) => f.fix?.condition);
    if (before.length === 0) continue;
    fixable++;
    it(`clears what it fixes in ${relative(ROOT, file)}`, () => {
      const after = applyPolicyJsonFixes(text, file, before);
      expect(after).toBeDefined();
      const rescan = checkPolicyText(after as string, file, options);
      expect(rescan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const still = new Set(rescan.findings.map(key));
      for (const f of before) expect(still.has(key(f)), `${key(f)} after the fix:\n${after}`).toBe(false);
    });
  }
  it("covers many fixtures", () => expect(fixable).toBeGreaterThan(30));
});

describe("fix rendering", () => {
  it("adds a Condition in the file's own indentation and prints a unified diff", () => {
    const text = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": { "Service": "sns.amazonaws.com" },
            "Action": "sqs:SendMessage",
            "Resource": "arn:aws:sqs:us-east-1:${OURS}:q"
        }
    ]
}
`;
    const findings = checkPolicyText(text, "q.json", options).findings;
    const after = applyPolicyJsonFixes(text, "q.json", findings) as string;
    expect(after).toContain(
      `"Resource": "arn:aws:sqs:us-east-1:${OURS}:q",\n            "Condition": {\n                "StringEquals": {\n                    "aws:SourceAccount": "${OURS}"`,
    );
    expect(JSON.parse(after)).toBeTruthy();
    const diff = unifiedDiff("q.json", text, after);
    expect(diff).toContain("--- a/q.json");
    expect(diff).toContain(`+            "Condition": {`);
  });
});

describe("fix positions", () => {
  // Found while sharing the line index: offsets on line 1 ignored a leading byte order mark, which the
  // JSON parser skips, so a one-line policy with a BOM was edited one character too far left.
  it("edit a one-line policy with a byte order mark in the right place", () => {
    const text = `\uFEFF{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}]}`;
    const findings = checkPolicyText(text, "q.json", options).findings;
    expect(findings.map((f) => f.ruleId)).toEqual(["CD101"]);
    const after = applyPolicyJsonFixes(text, "q.json", findings) as string;
    expect(JSON.parse(after.slice(1)).Statement[0].Condition.StringEquals).toEqual({
      "aws:SourceAccount": OURS,
    });
    expect(checkPolicyText(after, "q.json", options).findings).toEqual([]);
  });
});

describe("fix description for a statement shared with a PassRole-bound principal", () => {
  it("says to split the statement before guarding it", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: ["lambda.amazonaws.com", "scheduler.amazonaws.com"] },
          Action: "sts:AssumeRole",
        },
      ],
    });
    const f = checkPolicyText(text, "trust.json").findings.find((x) => x.ruleId === "CD101");
    expect(f?.message).toContain(
      "lambda.amazonaws.com is passed with iam:PassRole and may not send source keys, so the guard could lock it out: first move scheduler.amazonaws.com into a statement of its own",
    );
  });
});

// From a session-10 hunt: the fix for CD104 on `ArnLikeIfExists aws:SourceArn` dropped a source ARN
// that already named one rule of ours and wrote `aws:SourceAccount: ACCOUNT_ID` (a placeholder that
// CD204 then reported) and a wider `arn:aws:events:*:ACCOUNT_ID:rule/*`. The guard is now kept,
// without IfExists, and aws:SourceAccount is the account its ARN names.
describe("the fix for an IfExists source ARN that names our account", () => {
  const policy = (arn: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:us-east-1:271828182845:jobs",
          Condition: { ArnLikeIfExists: { "aws:SourceArn": arn } },
        },
      ],
    });
  it("keeps the ARN under ArnLike and pins the account it names", () => {
    const text = policy("arn:aws:events:us-east-1:271828182845:rule/jobs");
    for (const accounts of [[], ["271828182845"]]) {
      const [f] = checkPolicyText(text, "p.json", { accounts }).findings;
      expect(f?.ruleId).toBe("CD104");
      expect(f?.fix?.condition).toEqual({
        ArnLike: { "aws:SourceArn": "arn:aws:events:us-east-1:271828182845:rule/jobs" },
        StringEquals: { "aws:SourceAccount": "271828182845" },
      });
      const after = applyPolicyJsonFixes(text, "p.json", f ? [f] : []);
      expect(checkPolicyText(after as string, "p.json", { accounts }).findings).toEqual([]);
    }
  });
  it("a foreign account in the ARN is still replaced", () => {
    const [f] = checkPolicyText(policy("arn:aws:events:us-east-1:999988887777:rule/jobs"), "p.json", {
      accounts: [OURS],
    }).findings;
    expect(f?.fix?.condition).toEqual({
      StringEquals: { "aws:SourceAccount": OURS },
      ArnLike: { "aws:SourceArn": `arn:aws:events:us-east-1:${OURS}:rule/jobs` },
    });
  });
});
