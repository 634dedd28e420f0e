// Bad input never crashes: every module file and plan of test-fixtures/terraform and the corpus,
// with random edits (characters deleted, inserted, copied, HCL and plan fragments put anywhere),
// must give sites and diagnostics, never an exception. Seeds are fixed, so a failure names an input
// that can be replayed.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformFormat, terraformPlanFormat } from "../src/index.js";
import { scan, writeTree } from "./helpers.js";

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(tf|json)$/.test(n) && statSync(p).size < 150_000) out.push(p);
  }
  return out;
}

const ALL = [
  ...walk(join(import.meta.dirname, "../../../test-fixtures/terraform")),
  ...walk(join(import.meta.dirname, "../../../../shared/corpus/terraform")),
].filter((f) => !f.endsWith(".expected.json"));
const MODULES = ALL.filter((f) => f.endsWith(".tf"));
const PLANS = ALL.filter((f) => f.endsWith(".json") && readFileSync(f, "utf8").includes('"format_version"'));

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const TOKENS = [
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  '"',
  "=",
  ",",
  "\n",
  "${",
  "%{",
  "~}",
  "<<EOF\n",
  "<<-EOF\n",
  "EOF\n",
  "\\",
  "jsonencode(",
  "for x in ",
  " : ",
  "...",
  "?",
  "count.index",
  "each.key",
  "var.",
  "local.",
  "module.",
  "data.",
  "null",
  "-1",
  "1e999",
  "\u0000",
  "\ud800",
  '"after_unknown": true',
  '"values": null',
  '"resources": {}',
  "constructor",
  "__proto__",
];

function mutate(text: string, r: () => number): string {
  let s = text;
  for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const x = r();
    if (x < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
    else if (x < 0.75) s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + s.slice(at);
    else {
      const b = Math.floor(r() * s.length);
      s = s.slice(0, at) + s.slice(b, b + Math.floor(r() * 200)) + s.slice(at);
    }
  }
  return s;
}

describe("mutated Terraform gives diagnostics, never an exception", () => {
  it("has inputs", () => {
    expect(MODULES.length).toBeGreaterThan(20);
    expect(PLANS.length).toBeGreaterThan(5);
  });
  for (const seed of [1, 2]) {
    it(`module files, seed ${seed}`, { timeout: 120_000 }, async () => {
      const r = random(seed);
      for (let i = 0; i < 60; i++) {
        const file = MODULES[Math.floor(r() * MODULES.length)] as string;
        const dir = writeTree({ "main.tf": mutate(readFileSync(file, "utf8"), r) });
        try {
          const result = await terraformFormat.scanDirectory?.(dir, {});
          for (const s of result?.sites ?? []) checkSite(s);
          expect(Array.isArray(result?.diagnostics), `${file} #${i}`).toBe(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
    it(`plans, seed ${seed}`, async () => {
      const r = random(seed + 100);
      for (let i = 0; i < 100; i++) {
        const file = PLANS[Math.floor(r() * PLANS.length)] as string;
        const text = mutate(readFileSync(file, "utf8"), r);
        const result = await terraformPlanFormat.extract({ file: "plan.json", text }, {});
        for (const s of result.sites) checkSite(s);
        expect(Array.isArray(result.diagnostics), `${file} #${i}`).toBe(true);
      }
    });
  }
});

// From a fuzz hunt: a resource block with one label (or three) was skipped in silence, so its
// policy was never checked and the run passed; Terraform rejects such blocks.
describe("blocks with the wrong number of labels", () => {
  it("are a ConfigError at the block, never passed over", async () => {
    const s = await scan({
      "main.tf": `resource "aws_sns_topic_policy" {
  arn    = "x"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish", Resource = "*" }] })
}
resource "a" "b" "c" {}
variable {}
`,
    });
    expect(s.diagnostics.map((d) => [d.code, d.severity, d.line, d.column])).toEqual([
      ["ConfigError", "error", 1, 1],
      ["ConfigError", "error", 5, 1],
      ["ConfigError", "error", 6, 1],
    ]);
  });
});

// From a fuzz hunt: 2,000 nested brackets overflowed hcl2json's stack, and the file got "HCL syntax
// error: Maximum call stack size exceeded" (Terraform accepts it); from 200 to 1,500 levels it got
// the nesting limit. Now every depth gets the nesting limit.
it("2,000 nested brackets: the nesting limit, not a stack overflow", async () => {
  const depth = 2000;
  const s = await scan({ "main.tf": `locals {\n  a = ${"[".repeat(depth)}${"]".repeat(depth)}\n}\n` });
  expect(s.diagnostics.map((d) => [d.code, d.message])).toEqual([
    [
      "UnsupportedConstruct",
      "Terraform accepts this file but deputyguard cannot read it: nesting deeper than 200 levels",
    ],
  ]);
});

// From a fuzz hunt: nested for expressions multiplied without limit (range(1000) in range(1000) in
// range(10): 46 s and 4.2 GB); range() alone had a limit. All for expressions share a budget now.
it("nested for expressions stop at the shared item budget", async () => {
  const t = performance.now();
  const s = await scan({
    "main.tf": `locals {
  n = length(flatten([for a in range(1000) : [for b in range(1000) : [for c in range(10) : c]]]))
}
resource "aws_sns_topic_policy" "p" {
  arn    = "x"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish", Resource = "*", Condition = { StringEquals = { "aws:SourceAccount" = "\${local.n}" } } }] })
}
`,
  });
  expect(performance.now() - t).toBeLessThan(10_000);
  expect(s.findings.map((f) => f.ruleId)).toEqual(["CD301"]);
});

// From a fuzz hunt: a value of the wrong type set in terraform.tfvars was reported at its line and
// column but in main.tf ("main.tf:10:25" of a 7-line file). The diagnostic names the value's file.
it("a problem with a value from terraform.tfvars is reported in terraform.tfvars", async () => {
  const s = await scan({
    "main.tf": `variable "acct" {
  type = string
}
resource "aws_sns_topic_policy" "p" {
  arn    = "x"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish", Resource = "*", Condition = { StringEquals = { "aws:SourceAccount" = var.acct } } }] })
}
`,
    "terraform.tfvars": "\n\n\n\n\n\n\n\n\nacct         =          {a = 1}\n",
  });
  const d = s.sites.flatMap((x) => checkSite(x).diagnostics).filter((x) => x.code === "PolicyShape");
  expect(d.map((x) => [x.file.endsWith("terraform.tfvars"), x.line, x.column])).toEqual([[true, 10, 25]]);
});
