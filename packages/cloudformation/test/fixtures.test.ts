import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { extractCloudFormation, scanCloudAssembly } from "../src/index.js";

const ROOT = join(import.meta.dirname, "../../../test-fixtures/cloudformation");

interface Expected {
  options?: { accounts?: string[]; orgIds?: string[]; strict?: boolean };
  findings: Array<{ ruleId: string; line: number; column: number; resource?: string }>;
}

function expectedFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory() && !name.endsWith(".cdk.out")) out.push(...expectedFiles(p));
    else if (name.endsWith(".expected.json")) out.push(p);
  }
  return out.sort();
}

/** The input of `X.<form>.expected.json`: `X.<form>.json` or `.yaml`; for `X.cdk.out.expected.json`, the directory. */
function inputOf(expected: string): string {
  const base = expected.replace(/\.expected\.json$/, "");
  if (base.endsWith(".cdk.out")) return base;
  for (const ext of [".json", ".yaml"]) {
    try {
      statSync(base + ext);
      return base + ext;
    } catch {
      // try the next extension
    }
  }
  throw new Error(`no input for ${expected}`);
}

describe("CloudFormation rule fixtures (CFN JSON, CFN YAML, SAM, CDK)", () => {
  const files = expectedFiles(ROOT);
  it("has the four forms of every rule", () => {
    const rules = new Set(files.map((f) => relative(ROOT, f).split("/")[1]));
    expect([...rules].sort()).toEqual([
      "CD101",
      "CD102",
      "CD103",
      "CD104",
      "CD105",
      "CD201",
      "CD202",
      "CD203",
      "CD204",
      "CD205",
      "CD301",
    ]);
    for (const form of [".cfn-json.json", ".cfn-yaml.yaml", ".sam.yaml", ".cdk.out"]) {
      expect(files.filter((f) => inputOf(f).endsWith(form)).length, form).toBeGreaterThanOrEqual(11);
    }
  });
  for (const exp of files) {
    const input = inputOf(exp);
    it(relative(ROOT, input), async () => {
      const expected = JSON.parse(readFileSync(exp, "utf8")) as Expected;
      const options = expected.options ?? {};
      let sites: Awaited<ReturnType<typeof extractCloudFormation>>["sites"];
      let diagnostics: Array<{ severity: string }>;
      let templateFile = input;
      if (input.endsWith(".cdk.out")) {
        const r = await scanCloudAssembly(input, options);
        expect(r).toBeDefined();
        sites = (r?.sites ?? []) as typeof sites;
        diagnostics = r?.diagnostics ?? [];
        templateFile = join(input, "FixtureStack.template.json");
        for (const s of sites) expect(s.constructPath).toMatch(/^FixtureStack\//);
      } else {
        const r = await extractCloudFormation(input, readFileSync(input, "utf8"), options);
        sites = r.sites;
        diagnostics = r.diagnostics;
      }
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const findings = sites.flatMap((s) => checkSite(s, options).findings);
      const got = findings
        .map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column, resource: f.resource }))
        .sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
      const want = expected.findings.map((f) => ({
        ruleId: f.ruleId,
        line: f.line,
        column: f.column,
        resource: f.resource ?? null,
      }));
      expect(got).toEqual(want);
      // Each position is where the statement begins: `{` in JSON, the first key of a `- ` item in YAML;
      // for a Lambda permission, which has no statement, where the resource begins (its logical id).
      const lines = readFileSync(templateFile, "utf8").split(/\r?\n/);
      for (const f of findings) {
        const line = lines[f.line - 1] ?? "";
        const at = line.slice(f.column - 1);
        const ok =
          line[f.column - 1] === "{" ||
          (f.resource !== null && (at.startsWith(`${f.resource}:`) || at.startsWith(`"${f.resource}"`))) ||
          line
            .slice(0, f.column - 1)
            .trimEnd()
            .endsWith("-");
        expect(ok, `${f.ruleId} at ${f.line}:${f.column}: "${line}"`).toBe(true);
      }
    });
  }
});
