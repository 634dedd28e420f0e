import { parseJsonSource, plainRange, type SourceNode, type SourceRange } from "@deputyguard/core";
import { describe, expect, it, vi } from "vitest";
import { JsonLocator } from "../src/plan/json-locator.js";

/** Every value of a position-keeping parse, with its path. */
function paths(
  node: SourceNode,
  path: Array<string | number> = [],
  out: Array<[Array<string | number>, SourceRange]> = [],
) {
  if (node.range) out.push([path, plainRange(node.range)]);
  if (node.kind === "object") for (const e of node.entries) paths(e.value, [...path, e.key], out);
  if (node.kind === "array") for (const [i, n] of node.items.entries()) paths(n, [...path, i], out);
  return out;
}

/** The locator must give exactly the ranges parseJsonSource gives, for every value of the text. */
function expectSameRanges(text: string): void {
  const parsed = parseJsonSource(text, "f.json");
  expect(parsed.node, text).toBeDefined();
  const all = paths(parsed.node as SourceNode);
  const locator = new JsonLocator(text, "f.json");
  // Asked for in reverse order, read in order: the pass itself goes front to back.
  const asked = [...all]
    .reverse()
    .map(([p]) => locator.at(p))
    .reverse();
  expect(asked).toEqual(all.map(([, r]) => r));
}

/** A small deterministic generator (mulberry32), so that a failure names its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  "",
  "a",
  'q"uote',
  "back\\slash\\",
  "tab\there",
  "line\nbreak",
  "ünï",
  "😀",
  '\\\\"',
  "]}{[",
  "policy",
];
const KEYS = ["policy", "Statement", "a", "", 'k"y', "k\\", "ü", "__proto__", "constructor"];

function value(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 4 || r < 0.35) {
    const s = next();
    if (s < 0.3) return STRINGS[Math.floor(next() * STRINGS.length)];
    if (s < 0.5) return Math.floor(next() * 2000) - 1000;
    if (s < 0.6) return 1.5e-7;
    if (s < 0.7) return null;
    return s < 0.85;
  }
  if (r < 0.65) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--)
    o[KEYS[Math.floor(next() * KEYS.length)] as string] = value(next, depth + 1);
  return o;
}

/** JSON text with random whitespace and line endings, and escapes written in different ways. */
function write(v: unknown, next: () => number): string {
  const ws = () => [" ", "", "\n  ", "\r\n", "\r", "\t"][Math.floor(next() * 6)] as string;
  const str = (s: string) => {
    const j = JSON.stringify(s);
    // Escaped forms JSON.stringify does not write: \/ and \u escapes.
    return next() < 0.3 ? j.replace(/a/g, "\\u0061").replace(/\//g, "\\/") : j;
  };
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => write(x, next)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (v !== null && typeof v === "object")
    return `{${ws()}${Object.entries(v)
      .map(([k, x]) => `${str(k)}${ws()}:${ws()}${write(x, next)}`)
      .join(`,${ws()}`)}${ws()}}`;
  return typeof v === "string" ? str(v) : JSON.stringify(v);
}

describe("plan JSON locator", () => {
  it("gives the position-keeping parse's ranges on hand-picked texts", () => {
    for (const text of [
      '{"a":1}',
      '\uFEFF{"a": "b"}',
      '{\r\n  "a": [1, 2,\r 3],\n  "b": {"c": "\\u0041\\""}\n}',
      '{"policy":"x","policy":"y"}',
      '{"p\\u006flicy": {"x": [true, false, null, -0.5e+3]}}',
      '  [ {"a": "]}"} , "\\\\" ]  ',
    ])
      expectSameRanges(text);
  });

  it("gives the position-keeping parse's ranges on generated texts (500 seeds)", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const next = random(seed);
      const text = `${next() < 0.1 ? "\uFEFF" : ""}${write(value(next, 0), next)}`;
      try {
        expectSameRanges(text);
      } catch (e) {
        throw new Error(`seed ${seed}: ${JSON.stringify(text)}\n${(e as Error).message}`);
      }
    }
  });

  it("locates the last of duplicate keys, the value JSON.parse keeps", () => {
    const text = '{"a": {"b": 1}, "a": {"b": 22}}';
    const l = new JsonLocator(text, "f");
    const b = l.at(["a", "b"]);
    l.locate();
    expect(b.start.column).toBe(text.lastIndexOf("22") + 1);
  });

  it("makes no pass until a position is read, then one pass for all", () => {
    const pass = vi.spyOn(
      JsonLocator.prototype as unknown as { descendFromStart(): void },
      "descendFromStart",
    );
    const l = new JsonLocator('{"a": [10, 20], "b": "x"}', "f");
    const a = l.at(["a", 0]);
    const b = l.at(["b"]);
    expect(pass).not.toHaveBeenCalled();
    expect(b.end.column).toBe(25);
    expect(a.start).toEqual({ line: 1, column: 8 });
    expect(pass).toHaveBeenCalledTimes(1);
    pass.mockRestore();
  });

  it("fills ranges asked for after the pass", () => {
    const l = new JsonLocator('{"a": [10, 20]}', "f");
    l.locate();
    expect(l.at(["a", 1])).toEqual({
      file: "f",
      start: { line: 1, column: 12 },
      end: { line: 1, column: 14 },
    });
  });
});
