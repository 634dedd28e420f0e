import type {
  Diagnostic,
  ObjectNode,
  SourceEntry,
  SourceNode,
  SourceRange,
  ValuePart,
  ValueSymbol,
} from "@deputyguard/core";
import { normalizeParts, parseJsonSource, provenanceText } from "@deputyguard/core";
import { LineMap } from "../hcl/line-map.js";
import { list, NULL, object, type StringSegment, type TfValue, toPolicyValue } from "./value.js";

const MAX_DEPTH = 128;

/** A value given to `jsonencode` as the JSON tree the policy parser reads, keeping every position. */
export function valueToNode(v: TfValue, depth = 0): SourceNode {
  const withRange = <T extends SourceNode>(n: T): T => (v.range ? { ...n, range: v.range } : n);
  if (depth > MAX_DEPTH) return withRange({ kind: "scalar", value: null });
  switch (v.kind) {
    case "string":
    case "unknown": {
      if (v.alternatives) {
        // What it stands for, and each value a deploy may pick (the site is analysed with each).
        const { alternatives, ...rest } = v;
        let base = valueToNode(rest as TfValue, depth + 1);
        // A list or statement with known parts (`concat`, `merge`) stands as one unknown value here:
        // its options say what it may be.
        if (base.kind !== "value")
          base =
            v.kind === "unknown"
              ? {
                  kind: "value",
                  value: v.range ? { parts: [v.symbol], range: v.range } : { parts: [v.symbol] },
                }
              : base;
        if (base.kind !== "value") return base;
        const options = alternatives.options.map((o) => ({
          label: o.label,
          node: valueToNode(o.value, depth + 1),
        }));
        return withRange({
          ...base,
          alternatives: { key: alternatives.key, label: alternatives.label, options },
        });
      }
      if (v.kind === "unknown" && v.knownEntries?.entries.has("Effect")) {
        // A statement merged with an unknown object: its known elements, and a Condition that may
        // be absent or replaced (the policy parser judges the statement without it, and says so).
        const { knownEntries, ...rest } = v;
        const out: SourceEntry[] = [];
        for (const [key, value] of knownEntries.entries) {
          if (key === "Condition" && knownEntries.replaceable.has(key)) continue;
          out.push({ key, value: valueToNode(value, depth + 1) });
        }
        if (!knownEntries.entries.has("Condition") || knownEntries.replaceable.has("Condition"))
          out.push({ key: "Condition", value: valueToNode(rest as TfValue, depth + 1) });
        return withRange({ kind: "object", entries: out });
      }
      if (v.kind === "unknown" && v.knownItems) {
        // The known items, and the rest as one unknown item (the policy parser warns of it), unless
        // the known ones stand for all the list may hold.
        const { knownItems, itemsComplete, ...rest } = v;
        const items = knownItems.map((i) => valueToNode(i, depth + 1));
        if (!itemsComplete) items.push(valueToNode(rest as TfValue, depth + 1));
        return withRange({ kind: "array", items });
      }
      const pv = toPolicyValue(v);
      if (pv && pv.parts.length === 1 && typeof pv.parts[0] === "string")
        return withRange({ kind: "scalar", value: pv.parts[0] });
      return withRange({ kind: "value", value: pv ?? { parts: [""] } });
    }
    case "number":
    case "bool":
      return withRange({ kind: "scalar", value: v.value });
    case "null":
      return withRange({ kind: "scalar", value: null });
    case "list":
      return withRange({ kind: "array", items: v.items.map((i) => valueToNode(i, depth + 1)) });
    case "object": {
      const node: ObjectNode = {
        kind: "object",
        entries: [...v.entries].map(([key, value]) => {
          const keyRange = v.keyRanges?.get(key);
          const e = { key, value: valueToNode(value, depth + 1) };
          return keyRange ? { ...e, keyRange } : e;
        }),
      };
      if (v.unknownKeys) node.unknownKeys = v.unknownKeys;
      return withRange(node);
    }
    case "document":
      return v.node;
    case "json": {
      // A JSON string nested in JSON: its text, as IAM would see the string.
      const segs = jsonSegments(v.value);
      const pv = toPolicyValue({ kind: "string", segments: segs });
      return withRange({ kind: "value", value: pv ?? { parts: [""] } });
    }
    case "lazy":
      return withRange({
        kind: "value",
        value: {
          parts: [
            {
              kind: "unknown",
              name: v.name,
              provenance: { source: v.name, reason: "a whole resource is not a policy value" },
            },
          ],
        },
      });
  }
}

/** The JSON tree of a decoded document as a Terraform value (for `jsondecode`). */
export function nodeToValue(n: SourceNode, depth = 0): TfValue {
  const r = n.range;
  if (depth > MAX_DEPTH) return NULL;
  switch (n.kind) {
    case "scalar":
      if (n.value === null) return r ? { kind: "null", range: r } : NULL;
      if (typeof n.value === "string") {
        const v: TfValue = { kind: "string", segments: [{ text: n.value }] };
        return r ? { ...v, range: r } : v;
      }
      if (typeof n.value === "number")
        return r ? { kind: "number", value: n.value, range: r } : { kind: "number", value: n.value };
      return r ? { kind: "bool", value: n.value, range: r } : { kind: "bool", value: n.value };
    case "value": {
      const segments: StringSegment[] = n.value.parts.map((p) =>
        typeof p === "string" ? { text: p } : { symbol: p },
      );
      const v: TfValue = { kind: "string", segments };
      return r ? { ...v, range: r } : v;
    }
    case "array":
      return list(
        n.items.map((i) => nodeToValue(i, depth + 1)),
        r,
      );
    case "object": {
      const m = new Map<string, TfValue>();
      const keyRanges = new Map<string, SourceRange>();
      for (const e of n.entries) {
        m.set(e.key, nodeToValue(e.value, depth + 1));
        if (e.keyRange) keyRanges.set(e.key, e.keyRange);
      }
      const o = object(m, r);
      if (o.kind === "object") o.keyRanges = keyRanges;
      return o;
    }
  }
}

/** JSON text of a value as string segments (a `jsonencode` result used inside a string). */
export function jsonSegments(v: TfValue, depth = 0): StringSegment[] {
  if (depth > MAX_DEPTH) return [{ text: "null" }];
  switch (v.kind) {
    case "string": {
      const out: StringSegment[] = [{ text: '"' }];
      for (const s of v.segments) {
        if ("symbol" in s) out.push(s);
        else {
          const encoded = JSON.stringify(s.text).slice(1, -1);
          out.push(encoded === s.text && s.source ? { text: encoded, source: s.source } : { text: encoded });
        }
      }
      out.push({ text: '"' });
      return out;
    }
    case "unknown":
      return [{ text: '"' }, { symbol: v.symbol }, { text: '"' }];
    case "number":
    case "bool":
      return [{ text: String(v.value) }];
    case "null":
      return [{ text: "null" }];
    case "list": {
      const out: StringSegment[] = [{ text: "[" }];
      v.items.forEach((i, k) => {
        if (k > 0) out.push({ text: "," });
        out.push(...jsonSegments(i, depth + 1));
      });
      out.push({ text: "]" });
      return out;
    }
    case "object": {
      const out: StringSegment[] = [{ text: "{" }];
      // jsonencode sorts object keys (https://developer.hashicorp.com/terraform/language/functions/jsonencode).
      [...v.entries.keys()].sort().forEach((k, n) => {
        if (n > 0) out.push({ text: "," });
        out.push({ text: `${JSON.stringify(k)}:` });
        out.push(...jsonSegments(v.entries.get(k) as TfValue, depth + 1));
      });
      out.push({ text: "}" });
      return out;
    }
    case "json": {
      const inner = jsonSegments(v.value, depth + 1);
      return jsonSegments({ kind: "string", segments: inner }, depth + 1);
    }
    case "document":
      return jsonSegments(nodeToValue(v.node), depth + 1);
    case "lazy":
      return [
        {
          symbol: {
            kind: "unknown",
            name: v.name,
            provenance: { source: v.name, reason: "a whole resource cannot be encoded" },
          },
        },
      ];
  }
}

const OPEN = "\uE000";
/** What an unknown stands as in parsed JSON text that is not restored: an object key. */
export const SYMBOL_MARK = OPEN;
const CLOSE = "\uE001";

interface Piece {
  /** Offset in the built text. */
  at: number;
  length: number;
  source?: { map: LineMap; start: number; end: number; anchors?: Array<[number, number]> };
}

export interface ParsedJsonString {
  node?: SourceNode;
  diagnostics: Diagnostic[];
}

/**
 * Parses a string value holding JSON (a heredoc, a template, the text of `file()`) into a tree
 * whose ranges point where each piece was written. Unknown parts become symbols: inside a JSON
 * string they split it into parts; in place of a whole JSON value they stand for that value.
 */
export function parseJsonString(
  v: TfValue & { kind: "string" },
  fallback: SourceRange | undefined,
): ParsedJsonString {
  const pieces: Piece[] = [];
  const symbols: ValuePart[] = [];
  let built = "";
  let inString = false;
  let escaped = false;
  /** Unknowns standing where JSON structure goes (outside a string): they may be any text. */
  const structural: ValueSymbol[] = [];
  for (const s of v.segments) {
    if ("symbol" in s) {
      const token = `${OPEN}${symbols.length}${CLOSE}`;
      symbols.push(s.symbol);
      if (!inString) structural.push(s.symbol);
      const text = inString ? token : `"${token}"`;
      pieces.push({ at: built.length, length: text.length });
      built += text;
      continue;
    }
    const p: Piece = { at: built.length, length: s.text.length };
    if (s.source) p.source = s.source;
    pieces.push(p);
    built += s.text;
    for (let i = 0; i < s.text.length; i++) {
      const c = s.text[i];
      if (escaped) escaped = false;
      else if (inString && c === "\\") escaped = true;
      else if (c === '"') inString = !inString;
    }
  }
  const file = fallback?.file ?? pieces.find((p) => p.source)?.source?.map.file ?? "";
  const parsed = parseJsonSource(built, file);
  const builtMap = new LineMap(file, built, { json: true });
  /** Where the character at `offset` of the built text was written. */
  const mapOffset = (offset: number): { map: LineMap; offset: number } | undefined => {
    // An empty text (`policy = ""`) has no piece: its diagnostics go to the fallback.
    if (pieces.length === 0) return undefined;
    // The piece holding the offset (the last piece starting at or before it).
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((pieces[mid] as Piece).at <= offset) lo = mid;
      else hi = mid - 1;
    }
    for (let k = lo; k >= 0; k--) {
      const p = pieces[k] as Piece;
      if (!p.source) continue;
      const srcLen = p.source.end - p.source.start;
      const within = Math.max(0, offset - p.at);
      const anchors = p.source.anchors;
      if (anchors && anchors.length > 0) {
        // Text shorter than its source (escapes, removed indentation): count from the last anchor.
        let a = 0;
        let b = anchors.length - 1;
        while (a < b) {
          const mid = (a + b + 1) >> 1;
          if ((anchors[mid] as [number, number])[0] <= within) a = mid;
          else b = mid - 1;
        }
        const best = anchors[a] as [number, number];
        return { map: p.source.map, offset: Math.min(p.source.end, best[1] + Math.max(0, within - best[0])) };
      }
      // Text from elsewhere (a function's result) may differ from its source: then its start is the best we know.
      const off = srcLen === p.length ? p.source.start + Math.min(within, srcLen) : p.source.start;
      return { map: p.source.map, offset: off };
    }
    return undefined;
  };
  const remap = (r: SourceRange | undefined): SourceRange | undefined => {
    if (!r) return fallback;
    const startOffset = builtMap.offset(r.start.line, r.start.column);
    const endOffset = builtMap.offset(r.end.line, r.end.column);
    const a = mapOffset(startOffset);
    if (!a) return fallback;
    // The end is exclusive: the node's last character is mapped, so that a node ending where another
    // piece starts (an interpolation, a directive, the next iteration of a loop) ends where it was
    // written, not where that piece was.
    const b = endOffset > startOffset ? mapOffset(endOffset - 1) : undefined;
    const end =
      b && b.map === a.map
        ? b.map.position(Math.min(b.offset + 1, b.map.text.length))
        : a.map.position(a.offset);
    return { file: a.map.file, start: a.map.position(a.offset), end };
  };
  if (!parsed.node && structural.length > 0) {
    // The text outside its strings depends on values not known before apply (a template `%{ if }`
    // on a variable, an interpolated fragment): whether it is valid JSON, and what it says, is
    // known only then. Not an error in the file.
    const why = provenanceText(structural);
    const d: Diagnostic = {
      code: "PolicyUnknown",
      severity: "warning",
      file: fallback?.file ?? file,
      message: `the policy text depends on values not known before apply outside its strings (${why}); it is not analysed`,
    };
    if (fallback) {
      d.line = fallback.start.line;
      d.column = fallback.start.column;
    }
    return { diagnostics: [d] };
  }
  const diagnostics = parsed.diagnostics.map((d) => {
    const r =
      d.line !== undefined
        ? remap({
            file,
            start: { line: d.line, column: d.column ?? 1 },
            end: { line: d.line, column: d.column ?? 1 },
          })
        : fallback;
    const out: Diagnostic = {
      ...d,
      message: `the policy is not valid JSON: ${d.message}`,
      file: r?.file ?? file,
    };
    if (r) {
      out.line = r.start.line;
      out.column = r.start.column;
    }
    return out;
  });
  if (!parsed.node) return { diagnostics };
  const restore = (n: SourceNode, depth: number): SourceNode => {
    const range = remap(n.range);
    const withRange = <T extends SourceNode>(x: T): T => (range ? { ...x, range } : x);
    if (depth > MAX_DEPTH) return n;
    switch (n.kind) {
      case "scalar": {
        if (typeof n.value !== "string" || !n.value.includes(OPEN)) return withRange({ ...n });
        const parts: ValuePart[] = [];
        let rest = n.value;
        for (;;) {
          const a = rest.indexOf(OPEN);
          const b = a < 0 ? -1 : rest.indexOf(CLOSE, a);
          if (a < 0 || b < 0) break;
          parts.push(rest.slice(0, a));
          const sym = symbols[Number(rest.slice(a + 1, b))];
          if (sym !== undefined) parts.push(sym);
          rest = rest.slice(b + 1);
        }
        parts.push(rest);
        const value = range ? { parts: normalizeParts(parts), range } : { parts: normalizeParts(parts) };
        return withRange({ kind: "value", value });
      }
      case "value":
        return withRange({ ...n });
      case "array":
        return withRange({ kind: "array", items: n.items.map((i) => restore(i, depth + 1)) });
      case "object":
        return withRange({
          kind: "object",
          entries: n.entries.map((e) => {
            const keyRange = remap(e.keyRange);
            const entry = { key: e.key, value: restore(e.value, depth + 1) };
            return keyRange ? { ...entry, keyRange } : entry;
          }),
        });
    }
  };
  return { node: restore(parsed.node, 0), diagnostics };
}
