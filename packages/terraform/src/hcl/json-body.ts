import type { Diagnostic, SourceEntry, SourceNode } from "@deputyguard/core";
import type { LineMap } from "./line-map.js";
import { HclParser, HclSyntaxError } from "./parser.js";
import type { Attribute, Block, Body, Expr, Span, TemplatePart } from "./syntax.js";

/**
 * Terraform's JSON syntax (`.tf.json`, `.tofu.json`) read into the same tree as native syntax
 * (https://developer.hashicorp.com/terraform/language/syntax/json): labels as nested objects (or
 * arrays of objects), `"//"` properties of block bodies ignored as comments, strings parsed as
 * string templates except where Terraform takes them literally, and every node's span pointing into
 * the file, inside JSON strings too.
 */

/** Labels each top-level block type takes. */
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
 * Nested block types read inside resources: JSON syntax cannot tell a block from an object argument
 * without the provider schema, and these are the ones policies live in (policy documents, and the
 * blocks of dotted paths in knowledge/policy-attributes.ts).
 */
const NESTED_BLOCKS = new Set([
  "statement",
  "principals",
  "not_principals",
  "condition",
  "dynamic",
  "content",
  "inline_policy",
  "details",
]);

/** Arguments whose strings Terraform takes literally, not as templates, by block type. */
const LITERAL_ARGUMENTS: Record<string, ReadonlySet<string> | "all"> = {
  variable: "all",
  terraform: "all",
  output: new Set(["description", "sensitive"]),
  module: new Set(["source", "version", "providers"]),
  provider: new Set(["alias", "version"]),
};

const MAX_DEPTH = 64;
/** The comment property of block bodies. */
const COMMENT = "//";

interface Context {
  map: LineMap;
  diagnostics: Diagnostic[];
}

function spanOf(n: { range?: SourceNode["range"] }, map: LineMap): Span {
  if (!n.range) return { start: 0, end: 0 };
  return {
    start: map.offset(n.range.start.line, n.range.start.column),
    end: map.offset(n.range.end.line, n.range.end.column),
  };
}

function keySpan(e: SourceEntry, fallback: Span, map: LineMap): Span {
  return e.keyRange ? spanOf({ range: e.keyRange }, map) : fallback;
}

/**
 * File offset of each UTF-16 unit of a JSON string's value, and of its closing quote (one past the
 * end); undefined when the source does not decode to `value` (then spans fall back to the string).
 */
function stringOffsets(text: string, open: number, value: string): number[] | undefined {
  const out: number[] = [];
  let i = open + 1;
  while (out.length < value.length && i < text.length) {
    if (text[i] !== "\\") {
      out.push(i);
      i++;
    } else if (text[i + 1] === "u") {
      out.push(i);
      i += 6;
    } else {
      out.push(i);
      i += 2;
    }
  }
  if (out.length !== value.length || text[i] !== '"') return undefined;
  out.push(i);
  return out;
}

/**
 * Value offset → file offset for the JSON string whose opening quote is at `open`. Without a usable
 * map (the source does not decode to the value), offsets are taken as if there were no escapes.
 */
function valueToFile(text: string, open: number, value: string): (offset: number) => number {
  const offsets = stringOffsets(text, open, value);
  if (!offsets) return (offset) => open + 1 + offset;
  return (offset) => offsets[Math.max(0, Math.min(offset, offsets.length - 1))] as number;
}

/** Moves every span of a tree parsed from a string's value to the file (`at`: value offset → file offset). */
function relocate(node: unknown, at: (offset: number) => number, depth: number): void {
  if (depth > 2 * MAX_DEPTH || node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) relocate(item, at, depth + 1);
    return;
  }
  const o = node as Record<string, unknown>;
  if (o.kind === "text" && typeof o.text === "string") relocateText(o as TextPart, at);
  for (const [k, v] of Object.entries(o)) {
    if (k === "anchors" || k === "text") continue;
    if ((k === "span" || k === "nameSpan") && v && typeof v === "object") {
      const s = v as Span;
      o[k] = { start: at(s.start), end: at(s.end) };
    } else relocate(v, at, depth + 1);
  }
}

type TextPart = TemplatePart & { kind: "text" };

/** Anchors of a text part from its text to the file, through the string's escapes. */
function relocateText(p: TextPart, at: (offset: number) => number): void {
  const anchors = p.anchors;
  /** Value offset of a text offset (the parser's anchors account for `$${` escapes). */
  let k = 0;
  const valueOffset = (t: number): number => {
    if (!anchors || anchors.length === 0) return p.span.start + t;
    while (k + 1 < anchors.length && (anchors[k + 1] as [number, number])[0] <= t) k++;
    const a = anchors[k] as [number, number];
    return a[1] + t - a[0];
  };
  const out: Array<[number, number]> = [[0, at(valueOffset(0))]];
  let previous = out[0]?.[1] as number;
  for (let t = 1; t <= p.text.length; t++) {
    const f = at(valueOffset(t));
    if (f !== previous + 1) out.push([t, f]);
    previous = f;
  }
  if (out.length > 1 || p.span.end - p.span.start !== p.text.length) p.anchors = out;
  else delete p.anchors;
}

/** A JSON string where Terraform expects an expression: a string template, positioned in the file. */
function template(n: SourceNode & { kind: "scalar" }, value: string, ctx: Context): Expr {
  const { map } = ctx;
  const span = spanOf(n, map);
  const at = valueToFile(map.text, span.start, value);
  let parts: TemplatePart[];
  try {
    parts = HclParser.parseTemplate(value);
  } catch (e) {
    const where = e instanceof HclSyntaxError ? at(e.offset) : span.start;
    const p = map.position(where);
    ctx.diagnostics.push({
      code: "ParseError",
      severity: "error",
      file: map.file,
      line: p.line,
      column: p.column,
      message: `template syntax error in a JSON string: ${(e as Error).message}`,
    });
    return { type: "literal", value, span };
  }
  const t: Expr = { type: "template", parts, span };
  relocate(parts, at, 0);
  return t;
}

/** A JSON string Terraform takes literally: one text part, positioned in the file. */
function literalText(n: SourceNode & { kind: "scalar" }, value: string, map: LineMap): Expr {
  const span = spanOf(n, map);
  const part: TextPart = { kind: "text", text: value, span: { start: 0, end: value.length } };
  relocate([part], valueToFile(map.text, span.start, value), 0);
  return { type: "template", parts: value === "" ? [] : [part], span };
}

/** A JSON value as an expression: strings are templates, unless `literal`. */
function expression(n: SourceNode, ctx: Context, literal: boolean, depth: number): Expr {
  const span = spanOf(n, ctx.map);
  if (depth > MAX_DEPTH) return { type: "literal", value: null, span };
  switch (n.kind) {
    case "scalar":
      if (typeof n.value !== "string") return { type: "literal", value: n.value, span };
      return literal ? literalText(n, n.value, ctx.map) : template(n, n.value, ctx);
    case "array":
      return { type: "tuple", items: n.items.map((i) => expression(i, ctx, literal, depth + 1)), span };
    case "object":
      return {
        type: "object",
        items: n.entries.map((e) => {
          const ks = keySpan(e, span, ctx.map);
          // Object keys are templates too (HCL's JSON syntax), so that keys can be computed.
          const key: Expr =
            !literal && (e.key.includes("${") || e.key.includes("%{"))
              ? template(
                  { kind: "scalar", value: e.key, ...(e.keyRange ? { range: e.keyRange } : {}) },
                  e.key,
                  ctx,
                )
              : { type: "literal", value: e.key, span: ks };
          const value = expression(e.value, ctx, literal, depth + 1);
          return { key, value, span: { start: ks.start, end: value.span.end } };
        }),
        span,
      };
    default:
      return { type: "literal", value: null, span };
  }
}

/** One nested block per object of `n` (an object, or an array of objects). */
function objectsOf(n: SourceNode): SourceNode[] {
  if (n.kind === "object") return [n];
  if (n.kind === "array") return n.items.filter((i) => i.kind === "object");
  return [];
}

/**
 * Where a block is written: from its name (the property, as `name {` in native syntax) when it is
 * the property's only block, from its own `{` when it is one of an array.
 */
function blockSpan(value: SourceNode, item: SourceNode, name: Span, map: LineMap): Span {
  const own = spanOf(item, map);
  return value.kind === "array" ? own : { start: name.start, end: own.end };
}

function body(n: SourceNode, blockType: string, ctx: Context, depth: number): Body {
  const attributes = new Map<string, Attribute>();
  const blocks: Block[] = [];
  const span = spanOf(n, ctx.map);
  if (depth > MAX_DEPTH) return { attributes, blocks, span };
  const literal = Object.hasOwn(LITERAL_ARGUMENTS, blockType) ? LITERAL_ARGUMENTS[blockType] : undefined;
  // A body may be an array of objects whose properties are merged (HCL's JSON syntax).
  for (const part of objectsOf(n)) {
    if (part.kind !== "object") continue;
    for (const e of part.entries) {
      if (e.key === COMMENT) continue;
      const nameSpan = keySpan(e, span, ctx.map);
      const isBlock =
        NESTED_BLOCKS.has(e.key) &&
        (e.value.kind === "object" ||
          (e.value.kind === "array" &&
            e.value.items.length > 0 &&
            e.value.items.every((i) => i.kind === "object")));
      if (!isBlock) {
        const asLiteral = literal === "all" || (literal?.has(e.key) ?? false);
        const expr = expression(e.value, ctx, asLiteral, depth + 1);
        attributes.set(e.key, {
          name: e.key,
          nameSpan,
          expr,
          span: { start: nameSpan.start, end: expr.span.end },
        });
        continue;
      }
      if (e.key === "dynamic") {
        // `"dynamic": { "statement": { "for_each": ..., "content": {...} } }`, or arrays of such objects.
        for (const labels of objectsOf(e.value)) {
          if (labels.kind !== "object") continue;
          for (const le of labels.entries) {
            const labelSpan = keySpan(le, nameSpan, ctx.map);
            for (const inner of objectsOf(le.value))
              blocks.push({
                type: e.key,
                labels: [le.key],
                labelSpans: [labelSpan],
                body: body(inner, e.key, ctx, depth + 1),
                span: blockSpan(le.value, inner, labelSpan, ctx.map),
              });
          }
        }
        continue;
      }
      for (const item of objectsOf(e.value))
        blocks.push({
          type: e.key,
          labels: [],
          labelSpans: [],
          body: body(item, e.key, ctx, depth + 1),
          span: blockSpan(e.value, item, nameSpan, ctx.map),
        });
    }
  }
  return { attributes, blocks, span };
}

/** Reads a `.tf.json` file (Terraform's JSON syntax) into the same tree as native syntax. */
export function bodyFromJson(root: SourceNode, map: LineMap, diagnostics: Diagnostic[]): Body {
  const ctx: Context = { map, diagnostics };
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
    const labels = Object.hasOwn(LABELS, top.key) ? LABELS[top.key] : undefined;
    if (labels === undefined) continue;
    const typeSpan = keySpan(top, span, map);
    /** Label levels are objects whose property names are the labels, or arrays of such objects. */
    const walk = (n: SourceNode, got: string[], spans: Span[], depth: number): void => {
      if (depth > labels + 1) return;
      if (got.length === labels) {
        const name = spans[spans.length - 1] ?? typeSpan;
        for (const item of objectsOf(n))
          blocks.push({
            type: top.key,
            labels: got,
            labelSpans: spans,
            body: body(item, top.key, ctx, 0),
            span: blockSpan(n, item, name, map),
          });
        return;
      }
      for (const level of objectsOf(n)) {
        if (level.kind !== "object") continue;
        for (const e of level.entries)
          walk(e.value, [...got, e.key], [...spans, keySpan(e, span, map)], depth + 1);
      }
    };
    walk(top.value, [], [], 0);
  }
  return { attributes: new Map(), blocks, span };
}
