import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  batched,
  checkPolicyText,
  emptyReport,
  jsonChunks,
  PackedRange,
  RULES,
  renderJson,
  renderJsonChunks,
  renderSarif,
  renderSarifChunks,
} from "../src/index.js";
import { policyFiles, scanPolicies } from "./helpers/policy-fixtures.js";

const FIXTURES = join(import.meta.dirname, "../../../test-fixtures/policy-json");

function joined(value: unknown): string | undefined {
  const pieces = [...jsonChunks(value)];
  return pieces.length === 0 ? undefined : pieces.join("");
}

describe("jsonChunks", () => {
  it("gives JSON.stringify(value, null, 2) for generated values, deep ones included", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(joined(value)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it("follows JSON.stringify on toJSON, undefined, functions, boxed values and empty containers", () => {
    const cases: unknown[] = [
      undefined,
      () => 1,
      null,
      "a\nb",
      { a: undefined, b: () => 1, c: Symbol("s"), d: [undefined, () => 1, Symbol("t")], e: {} },
      { a: undefined },
      [[], {}, [[]], [{}]],
      { r: new PackedRange("f.json", 1, 2, 3, 4), list: [new PackedRange("g.json", 5, 6, 5, 9)] },
      { gone: { toJSON: () => undefined }, kept: 1, item: [{ toJSON: () => undefined }] },
      { keyed: { toJSON: (k: string) => `key ${k}` }, list: [{ toJSON: (k: string) => `index ${k}` }] },
      { n: new Number(3), s: new String("x"), b: new Boolean(false) },
      { when: new Date(0), deep: { a: { b: { c: { d: { e: ["x\ny", { f: 1 }] } } } } } },
      { 'quote"key': 1, "new\nline": [1, 2] },
    ];
    for (const value of cases) expect(joined(value)).toBe(JSON.stringify(value, null, 2));
  });

  it("gives one piece per finding of a report rather than one string", () => {
    const report = emptyReport();
    for (const f of policyFiles(FIXTURES).slice(0, 40)) {
      const r = checkPolicyText(readFileSync(f, "utf8"), f);
      report.findings.push(...r.findings);
    }
    report.summary.findings = report.findings.length;
    expect(report.findings.length).toBeGreaterThan(20);
    const pieces = [...renderJsonChunks(report, { name: "deputyguard", version: "0.0.0" })];
    const whole = renderJson(report, { name: "deputyguard", version: "0.0.0" });
    expect(pieces.join("")).toBe(whole);
    const longest = Math.max(...pieces.map((p) => p.length));
    expect(longest).toBeLessThan(whole.length / 10);
  });
});

describe("renderJsonChunks and renderSarifChunks", () => {
  const report = scanPolicies(policyFiles(FIXTURES));
  const tool = { name: "deputyguard", version: "0.0.0" };

  it("join to the text of renderJson", () => {
    expect(report.findings.length).toBeGreaterThan(50);
    expect([...renderJsonChunks(report, tool)].join("")).toBe(renderJson(report, tool));
    const empty = emptyReport();
    expect([...renderJsonChunks(empty, tool)].join("")).toBe(renderJson(empty, tool));
  });

  it("join to the text of renderSarif", () => {
    const options = { tool, rules: RULES, helpBase: "https://example.com/rules/", root: "/work" };
    expect([...renderSarifChunks(report, options)].join("")).toBe(renderSarif(report, options));
  });
});

describe("batched", () => {
  it("joins pieces into strings of at least the size, keeping the text", () => {
    const pieces = Array.from({ length: 1000 }, (_, i) => `piece ${i};`);
    const out = [...batched(pieces, 100)];
    expect(out.join("")).toBe(pieces.join(""));
    for (const b of out.slice(0, -1)) expect(b.length).toBeGreaterThanOrEqual(100);
    expect(out.length).toBeGreaterThan(50);
    expect([...batched([], 100)]).toEqual([]);
  });
});
