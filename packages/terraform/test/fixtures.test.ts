import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { checkSite, type PolicySite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformFormat, terraformPlanFormat } from "../src/index.js";

const ROOT = join(import.meta.dirname, "../../../test-fixtures/terraform");

interface Expected {
  options?: { accounts?: string[]; orgIds?: string[]; strict?: boolean };
  findings: Array<{ ruleId: string; line: number; column: number }>;
}

function expectedFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...expectedFiles(p));
    else if (name.endsWith(".expected.json")) out.push(p);
  }
  return out.sort();
}

async function sitesFor(input: string): Promise<{ sites: PolicySite[]; errors: string[] }> {
  if (input.endsWith(".json") && !input.endsWith(".tf.json")) {
    const r = await terraformPlanFormat.extract({ file: input, text: readFileSync(input, "utf8") }, {});
    return {
      sites: r.sites,
      errors: r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message),
    };
  }
  const r = await terraformFormat.scanDirectory?.(dirname(input), {});
  return {
    sites: r?.sites ?? [],
    errors: (r?.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message),
  };
}

describe("Terraform fixtures (HCL forms and plan JSON)", () => {
  for (const exp of expectedFiles(ROOT)) {
    const input = exp.replace(
      /\.expected\.json$/,
      exp.includes("/plan/") || exp.endsWith("plan.expected.json") || exp.endsWith(".tf.expected.json")
        ? ".json"
        : ".tf",
    );
    it(relative(ROOT, input), async () => {
      const expected = JSON.parse(readFileSync(exp, "utf8")) as Expected;
      const { sites, errors } = await sitesFor(input);
      expect(errors).toEqual([]);
      const findings = sites.flatMap((s) => checkSite(s, expected.options ?? {}).findings);
      const got = findings
        .map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column, file: f.file }))
        .sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
      const want = expected.findings.map((f) => ({
        ruleId: f.ruleId,
        line: f.line,
        column: f.column,
        file: input,
      }));
      expect(got).toEqual(want);
    });
  }
});
