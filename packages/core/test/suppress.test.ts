import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  applyBaseline,
  applySuppressions,
  checkPolicyText,
  createBaseline,
  parseBaseline,
  type Suppression,
} from "../src/index.js";

const FILE = join(
  import.meta.dirname,
  "../../../test-fixtures/policy-json/rules/CD101/invalid-05-sqs-queue-service-list-no-condition.json",
);
const findings = () => checkPolicyText(readFileSync(FILE, "utf8"), "queue.json").findings;

const sup = (over: Partial<Suppression>): Suppression => ({
  rule: "CD101",
  reason: "accepted: queue only receives our own topics",
  kind: "external",
  origin: { file: "deputyguard.config.json", line: 3 },
  scope: { file: (f) => f === "queue.json" },
  ...over,
});

describe("suppressions", () => {
  it("marks covered findings and keeps them", () => {
    const fs = findings();
    expect(fs.length).toBeGreaterThan(0);
    const r = applySuppressions(fs, [sup({})], "2026-11-27");
    expect(r.findings).toHaveLength(fs.length);
    expect(r.findings.every((f) => f.ruleId !== "CD101" || f.suppressed?.kind === "external")).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.unused).toEqual([]);
  });
  it("accepts the slug for the id", () => {
    const r = applySuppressions(
      findings(),
      [sup({ rule: "service-principal-without-source-guard" })],
      "2026-11-27",
    );
    expect(r.findings.some((f) => f.suppressed)).toBe(true);
  });
  it("warns about a missing reason but still suppresses", () => {
    const r = applySuppressions(findings(), [sup({ reason: "" })], "2026-11-27");
    expect(r.warnings.map((w) => w.code)).toEqual(["SuppressionWithoutReason"]);
    expect(r.findings.some((f) => f.suppressed)).toBe(true);
  });
  it("asks a configuration-file suppression for a reason key, not the comment syntax", () => {
    // From a CLI hunt: {"suppressions":[{"path":"nothere.json","rule":"CD101"}]} was told to write after "--".
    const external = applySuppressions(findings(), [sup({ reason: undefined })], "2026-11-27");
    expect(external.warnings[0]?.message).toBe('suppression of CD101 gives no reason; add a "reason" to it');
    const inSource = applySuppressions(
      findings(),
      [sup({ reason: undefined, kind: "inSource" })],
      "2026-11-27",
    );
    expect(inSource.warnings[0]?.message).toBe('suppression of CD101 gives no reason; write one after "--"');
  });
  it("an expired suppression stops suppressing", () => {
    const r = applySuppressions(findings(), [sup({ until: "2026-06-30" })], "2026-11-27");
    expect(r.warnings.map((w) => w.code)).toEqual(["SuppressionExpired"]);
    expect(r.findings.some((f) => f.suppressed)).toBe(false);
    const live = applySuppressions(findings(), [sup({ until: "2027-06-30" })], "2026-11-27");
    expect(live.findings.some((f) => f.suppressed)).toBe(true);
  });
  it("a day the calendar does not have is no date: the suppression is ignored", () => {
    for (const until of ["2099-13-45", "2027-02-29", "2027-04-31", "2027-00-10"]) {
      const r = applySuppressions(findings(), [sup({ until })], "2026-11-27");
      expect(
        r.warnings.map((w) => w.code),
        until,
      ).toEqual(["SuppressionBadDate"]);
      expect(
        r.findings.some((f) => f.suppressed),
        until,
      ).toBe(false);
    }
    const leap = applySuppressions(findings(), [sup({ until: "2028-02-29" })], "2026-11-27");
    expect(leap.findings.some((f) => f.suppressed)).toBe(true);
  });
  it("reports a suppression that covers nothing as unused", () => {
    const s = sup({ rule: "CD203" });
    expect(applySuppressions(findings(), [s], "2026-11-27").unused).toEqual([s]);
  });
});

describe("baseline", () => {
  it("round trip survives moved lines and counts stale entries", () => {
    const text = readFileSync(FILE, "utf8");
    const before = checkPolicyText(text, "queue.json").findings;
    const baseline = parseBaseline(JSON.parse(JSON.stringify(createBaseline(before))));
    const moved = checkPolicyText(`\n\n${text}`, "queue.json").findings;
    expect(moved[0]?.line).toBe((before[0]?.line ?? 0) + 2);
    expect(applyBaseline(moved, baseline)).toEqual({ findings: [], matched: before.length, stale: 0 });
    const fixed = applyBaseline([], baseline);
    expect(fixed.stale).toBe(new Set(baseline.entries.map((e) => e.fingerprint)).size);
    expect(() => parseBaseline({ version: 2 })).toThrow(/not a deputyguard baseline/);
  });
});

describe("a suppression naming no rule", () => {
  it("says which rule a slip of the name meant, and nothing when none is near", () => {
    const r = applySuppressions(findings(), [sup({ rule: "CD10l" }), sup({ rule: "CD999" })], "2026-01-01");
    expect(r.warnings.filter((w) => w.code === "SuppressionUnknownRule").map((w) => w.message)).toEqual([
      'suppression names "CD10l", which is not a rule (did you mean "CD101"?)',
      'suppression names "CD999", which is not a rule',
    ]);
  });
});
