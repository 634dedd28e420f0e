import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

const ROOT = join(import.meta.dirname, "../../../test-fixtures/policy-json");
const EXAMPLES = join(import.meta.dirname, "../../../examples");

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

function inputFor(expectedPath: string): string {
  const rel = relative(ROOT, expectedPath);
  if (rel.startsWith("examples/"))
    return join(EXAMPLES, rel.slice("examples/".length).replace(/\.expected\.json$/, ".json"));
  return expectedPath.replace(/\.expected\.json$/, ".json");
}

describe("policy JSON fixtures", () => {
  for (const exp of expectedFiles(ROOT)) {
    const input = inputFor(exp);
    it(relative(ROOT, exp).replace(/\.expected\.json$/, ""), () => {
      const expected = JSON.parse(readFileSync(exp, "utf8")) as Expected;
      const result = checkPolicyText(readFileSync(input, "utf8"), input, expected.options ?? {});
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const got = result.findings.map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column }));
      const want = expected.findings.map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column }));
      expect(got).toEqual(want);
      for (const f of result.findings) {
        if (["CD101", "CD102", "CD104"].includes(f.ruleId))
          expect(f.witness, `${f.ruleId} has a witness`).toBeDefined();
      }
    });
  }
});
