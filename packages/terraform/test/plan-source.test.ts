import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformPlanFormat } from "../src/index.js";

const CASE = join(
  import.meta.dirname,
  "../../../test-fixtures/terraform/rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition",
);

async function findingsOf(plan: string) {
  const r = await terraformPlanFormat.extract({ file: plan, text: readFileSync(plan, "utf8") }, {});
  return r.sites.flatMap((s) => checkSite(s).findings);
}

describe("plan findings and their .tf source", () => {
  it("point at the resource in the plan, and also at its source when the plan sits beside the module", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-plan-src-"));
    cpSync(join(CASE, "plan/plan.json"), join(dir, "plan.json"));
    cpSync(join(CASE, "jsonencode/main.tf"), join(dir, "main.tf"));
    const findings = await findingsOf(join(dir, "plan.json"));
    expect(findings.length).toBeGreaterThan(0);
    const tf = readFileSync(join(dir, "main.tf"), "utf8").split("\n");
    for (const f of findings) {
      expect(f.file).toBe(join(dir, "plan.json"));
      const related = f.related?.[0];
      expect(related?.file, `${f.ruleId} ${f.resource}`).toBe(join(dir, "main.tf"));
      const header = tf[(related?.line ?? 0) - 1] ?? "";
      expect(header).toMatch(/^\s*(resource|data) "/);
      expect(f.resource?.replace(/\[[^\]]*\]$/, "")).toContain(header.split('"')[3] ?? "?");
    }
  });

  it("have no source location when no .tf file is beside the plan", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-plan-alone-"));
    cpSync(join(CASE, "plan/plan.json"), join(dir, "plan.json"));
    const findings = await findingsOf(join(dir, "plan.json"));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.related === undefined)).toBe(true);
  });
});
