import type { Diagnostic, SourceNode } from "@deputyguard/core";
import type { LineMap } from "./line-map.js";
import { HclParser } from "./parser.js";
import type { Attribute, Block, Body, Expr, Span } from "./syntax.js";

/** Labels each top-level block type takes in JSON syntax. */
const LABELS: Record<string, number> = {
  resource: 2,
  data: 2,
  module: 1,
  variable: 1,
  output: 1,
  provider: 1,
  locals: 0,
  terraform: 0,
};

/**
 * Nested block types we read inside resources (JSON syntax cannot tell a block from an object
 * attribute without the provider schema; these are the ones policies live in).
 */
const NESTED_BLOCKS = new Set([
  "statement",
  "principals",
  "not_principals",
  "condition",
  "dynamic",
  "content",
  "inline_policy",
]);

const MAX_DEPTH = 64;

function spanOf(n: SourceNode, map: LineMap): Span {
  if (!n.range) return { start: 0, end: 0 };
  return {
    start: map.offset(n.range.start.line, n.range.start.column),
    end: map.offset(n.range.end.line, n.range.end.column),
  };
}

/** Every node of an expression parsed from a JSON string points at that string in the file. */
function respan(e: unknown, span: Span, depth = 0): void {
  if (depth > MAX_DEPTH || e === null || typeof e !== "object") return;
  for (const [k, v] of Object.entries(e as Record<string, unknown>)) {
    if (k === "span" || k === "nameSpan") (e as Record<string, unknown>)[k] = span;
    else respan(v, span, depth + 1);
  }
}

/** A JSON value as an HCL expression: strings are templates (`${...}` works in .tf.json). */
function expression(n: SourceNode, map: LineMap, depth: number): Expr {
  const span = spanOf(n, map);
  if (depth > MAX_DEPTH) return { type: "literal", value: null, span };
  switch (n.kind) {
    case "scalar": {
      if (typeof n.value !== "string") return { type: "literal", value: n.value, span };
      let parts: ReturnType<typeof HclParser.parseTemplate>;
      try {
        parts = HclParser.parseTemplate(n.value);
      } catch {
        return { type: "literal", value: n.value, span };
      }
      const t: Expr = { type: "template", parts, span };
      respan(t, span);
      return t;
    }
    case "array":
      return { type: "tuple", items: n.items.map((i) => expression(i, map, depth + 1)), span };
    case "object":
      return {
        type: "object",
        items: n.entries.map((e) => ({
          key: {
            type: "literal",
            value: e.key,
            span: e.keyRange ? spanOf({ kind: "scalar", value: null, range: e.keyRange }, map) : span,
          },
          value: expression(e.value, map, depth + 1),
          span,
        })),
        span,
      };
    default:
      return { type: "literal", value: null, span };
  }
}

function body(n: SourceNode, map: LineMap, depth: number): Body {
  const attributes = new Map<string, Attribute>();
  const blocks: Block[] = [];
  const span = spanOf(n, map);
  if (n.kind !== "object" || depth > MAX_DEPTH) return { attributes, blocks, span };
  for (const e of n.entries) {
    const nameSpan = e.keyRange ? spanOf({ kind: "scalar", value: null, range: e.keyRange }, map) : span;
    const isBlock =
      NESTED_BLOCKS.has(e.key) &&
      (e.value.kind === "object" ||
        (e.value.kind === "array" && e.value.items.every((i) => i.kind === "object")));
    if (!isBlock) {
      attributes.set(e.key, {
        name: e.key,
        nameSpan,
        expr: expression(e.value, map, depth + 1),
        span: { start: nameSpan.start, end: spanOf(e.value, map).end },
      });
      continue;
    }
    const labelled = e.key === "dynamic";
    const items = e.value.kind === "array" ? e.value.items : [e.value];
    for (const item of items) {
      if (labelled && item.kind === "object") {
        for (const le of item.entries)
          for (const inner of le.value.kind === "array" ? le.value.items : [le.value])
            blocks.push({
              type: e.key,
              labels: [le.key],
              labelSpans: [nameSpan],
              body: body(inner, map, depth + 1),
              span: spanOf(inner, map),
            });
      } else
        blocks.push({
          type: e.key,
          labels: [],
          labelSpans: [],
          body: body(item, map, depth + 1),
          span: spanOf(item, map),
        });
    }
  }
  return { attributes, blocks, span };
}

/** Reads a `.tf.json` file (Terraform's JSON syntax) into the same tree as native syntax. */
export function bodyFromJson(root: SourceNode, map: LineMap, diagnostics: Diagnostic[]): Body {
  const blocks: Block[] = [];
  const span = spanOf(root, map);
  if (root.kind !== "object") {
    diagnostics.push({
      code: "ParseError",
      severity: "error",
      file: map.file,
      line: 1,
      column: 1,
      message: "a .tf.json file must hold an object",
    });
    return { attributes: new Map(), blocks, span };
  }
  for (const top of root.entries) {
    const labels = LABELS[top.key];
    if (labels === undefined) continue;
    const walk = (n: SourceNode, got: string[], depth: number): void => {
      if (depth > 4) return;
      if (got.length === labels) {
        for (const item of n.kind === "array" ? n.items : [n])
          blocks.push({
            type: top.key,
            labels: got,
            labelSpans: got.map(() => spanOf(item, map)),
            body: body(item, map, 0),
            span: spanOf(item, map),
          });
        return;
      }
      if (n.kind !== "object") return;
      for (const e of n.entries) walk(e.value, [...got, e.key], depth + 1);
    };
    for (const item of top.value.kind === "array" ? top.value.items : [top.value]) walk(item, [], 0);
  }
  return { attributes: new Map(), blocks, span };
}
