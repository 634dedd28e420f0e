// Bad input never crashes: every template of the corpus and of test-fixtures/cloudformation, with
// random edits (characters deleted, inserted, copied; intrinsic functions and values of the wrong
// shape put anywhere), must give sites and diagnostics, never an exception. Seeds are fixed, so a
// failure names an input that can be replayed.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { extractCloudFormation } from "../src/index.js";

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(json|ya?ml|template)$/.test(n) && statSync(p).size < 200_000) out.push(p);
  }
  return out;
}

const FILES = [
  ...walk(join(import.meta.dirname, "../../../test-fixtures/cloudformation")),
  ...walk(join(import.meta.dirname, "../../../../shared/corpus/cloudformation")),
].filter((f) => !f.endsWith(".expected.json"));

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
  '"',
  ":",
  ",",
  "\n",
  "  ",
  "!Ref ",
  "!Sub ",
  "!GetAtt ",
  "!If ",
  "${",
  "${!",
  "&a ",
  "*a",
  "\\",
  "\t",
  "- ",
  "null",
  "-1",
  "1e999",
  "\u0000",
  "\ud800",
  "012345670123",
  "yes",
];
const VALUES: unknown[] = [
  null,
  true,
  0,
  "",
  "*",
  [],
  {},
  { Ref: "Missing" },
  { Ref: ["a"] },
  { "Fn::Sub": ["a", "b", "c"] },
  { "Fn::Sub": {} },
  { "Fn::GetAtt": ["Missing", "Arn"] },
  { "Fn::GetAtt": [1, 2] },
  { "Fn::Join": "x" },
  { "Fn::Select": [99, []] },
  { "Fn::Split": [",", null] },
  { "Fn::If": ["C", 1] },
  { "Fn::FindInMap": ["M", "a"] },
  { "Fn::Base64": [] },
  { "Fn::GetAZs": 3 },
  { "Fn::Cidr": [] },
  { "Fn::ImportValue": { "Fn::Sub": "x" } },
  { "Fn::ForEach::X": ["a", ["b"], {}] },
  { "Fn::Length": "x" },
  { "Fn::Equals": [1] },
  { StringEquals: { "aws:SourceAccount": [] } },
  { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" } },
];

function textMutation(text: string, r: () => number): string {
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

function shapeMutation(doc: unknown, r: () => number): unknown {
  const containers: Array<Record<string, unknown>> = [];
  const visit = (v: unknown): void => {
    if (v && typeof v === "object") {
      if (Object.keys(v).length > 0) containers.push(v as Record<string, unknown>);
      for (const x of Object.values(v)) visit(x);
    }
  };
  for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) {
    containers.length = 0;
    visit(doc);
    const c = containers[Math.floor(r() * containers.length)];
    if (!c) break;
    const keys = Object.keys(c);
    const k = keys[Math.floor(r() * keys.length)] as string;
    if (r() < 0.85) c[k] = structuredClone(VALUES[Math.floor(r() * VALUES.length)]);
    else delete c[k];
  }
  return doc;
}

async function survives(file: string, text: string): Promise<void> {
  const r = await extractCloudFormation(file, text, {});
  for (const s of r.sites) checkSite(s);
  expect(Array.isArray(r.diagnostics)).toBe(true);
}

describe("mutated templates give diagnostics, never an exception", () => {
  it("has inputs", () => expect(FILES.length).toBeGreaterThan(20));
  for (const seed of [1, 2, 3]) {
    it(`character edits, seed ${seed}`, async () => {
      const r = random(seed);
      for (let i = 0; i < 150; i++) {
        const file = FILES[Math.floor(r() * FILES.length)] as string;
        const text = textMutation(readFileSync(file, "utf8"), r);
        await expect(
          survives(file.endsWith(".json") ? "t.json" : "t.yaml", text),
          `${file} #${i}`,
        ).resolves.toBeUndefined();
      }
    });
    it(`values of the wrong shape, seed ${seed}`, async () => {
      const r = random(seed + 100);
      const json = FILES.filter((f) => f.endsWith(".json"));
      for (let i = 0; i < 150; i++) {
        const file = json[Math.floor(r() * json.length)] as string;
        let doc: unknown;
        try {
          doc = JSON.parse(readFileSync(file, "utf8"));
        } catch {
          continue;
        }
        const text = JSON.stringify(shapeMutation(doc, r), null, 1);
        await expect(survives("t.json", text), `${file} #${i}`).resolves.toBeUndefined();
      }
    });
  }
});
