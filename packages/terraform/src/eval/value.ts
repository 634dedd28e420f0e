import type { PolicyValue, SourceNode, SourceRange, ValuePart, ValueSymbol } from "@deputyguard/core";
import { normalizeParts } from "@deputyguard/core";
import type { LineMap } from "../hcl/line-map.js";

/**
 * A piece of a string value. Text remembers where it was written (so that JSON inside a heredoc or
 * a `file()` keeps its positions); a symbol stands for a value unknown before apply.
 */
export type StringSegment =
  | { text: string; source?: { map: LineMap; start: number; end: number; anchors?: Array<[number, number]> } }
  | { symbol: ValueSymbol };

/**
 * A Terraform value as far as it is known before apply. `unknown` is never null: it carries
 * where it comes from and why it is unknown. `json` is a string produced by `jsonencode`, kept
 * structured so that a policy written in `jsonencode({...})` keeps the positions of its elements;
 * `document` is the JSON of an `aws_iam_policy_document`.
 */
export type TfValue =
  | {
      kind: "string";
      segments: StringSegment[];
      range?: SourceRange;
      /** The strings it is one of, when a `%{if}` whose condition is not known picks (see the unknown's). */
      alternatives?: Alternatives;
    }
  | { kind: "number"; value: number; range?: SourceRange }
  | { kind: "bool"; value: boolean; range?: SourceRange }
  | { kind: "null"; range?: SourceRange }
  | { kind: "list"; items: TfValue[]; range?: SourceRange }
  | {
      kind: "object";
      entries: Map<string, TfValue>;
      keyRanges?: Map<string, SourceRange>;
      range?: SourceRange;
      /** Entries left out because their keys are not known before apply: what the keys depend on. */
      unknownKeys?: ValueSymbol[];
    }
  | {
      kind: "unknown";
      symbol: ValueSymbol;
      range?: SourceRange;
      error?: boolean;
      /**
       * The error is a reference to something not declared (a variable, resource, data source or
       * module of a file not scanned): Terraform rejects that before evaluating, so `try` does not
       * fall back from it, and the value stays unknown.
       */
      undeclared?: boolean;
      /** It may turn out null (a conditional or `try` with a null alternative): an optional argument may be absent. */
      mayBeNull?: boolean;
      /** Evaluating it may fail when known (a map key it may lack): `try` and `can` then decide. */
      mayFail?: boolean;
      /** The only values it may take (a variable's `validation` with `contains([...], var.x)`). */
      allowed?: string[];
      /**
       * The choice a condition on it makes, when it is a test (`var.env == "prod"`, `!var.on`):
       * conditionals on the same test, however written, are one choice (`negated`: branches swapped).
       */
      choice?: { key: string; negated: boolean; label?: string };
      /**
       * Items the list is known to hold (`concat` of known lists and unknown ones), and those it may
       * hold that only widen a policy (an Allow a `for` expression makes for an item not known
       * before apply). Only turning the value into a policy JSON node uses them: everything else
       * sees an unknown list.
       */
      knownItems?: TfValue[];
      /**
       * With `knownItems`: they stand for everything the list may hold (a `for` expression over a
       * collection not known before apply makes its element once, for an unknown item; the list
       * may also be empty, which grants nothing), so no unknown item is left to warn of.
       */
      itemsComplete?: boolean;
      /**
       * Entries the object is known to hold (`merge` of known objects and unknown ones), and those an
       * unknown argument after them may replace. Only turning a policy statement into a JSON node
       * uses them: everything else sees an unknown object.
       */
      knownEntries?: { entries: Map<string, TfValue>; replaceable: Set<string> };
      /**
       * The known values it is one of, when a selector not known before apply picks among them (a
       * conditional, an index into a known map, `coalesce`): a policy built from it is analysed
       * for each (`key` names the choice, `label` what chooses).
       */
      alternatives?: Alternatives;
      /**
       * The elements a `for` expression over a known collection makes when its `if` is not known
       * for some: only a `dynamic` block uses them (a block per element, those with `when` only if
       * their condition holds); everything else sees an unknown collection.
       */
      candidates?: ForCandidate[];
    }
  | { kind: "json"; value: TfValue; range?: SourceRange }
  | { kind: "document"; node: SourceNode; origin: string; sources?: string[]; range?: SourceRange }
  | {
      kind: "lazy";
      name: string;
      get: (attribute: string, range: SourceRange | undefined) => TfValue;
      range?: SourceRange;
    };

export function str(text: string, range?: SourceRange): TfValue {
  return range ? { kind: "string", segments: [{ text }], range } : { kind: "string", segments: [{ text }] };
}

export function unknown(source: string, reason: string, range?: SourceRange): TfValue {
  const v: TfValue = {
    kind: "unknown",
    symbol: { kind: "unknown", name: source, provenance: { source, reason } },
  };
  if (range) v.range = range;
  return v;
}

/**
 * An element a `for` expression makes (see `candidates`): its key (the index in a list, unknown
 * after an element that may be dropped) and value, and with `when` the undecided `if` that keeps it
 * (`key` names the choice as a conditional on the same test would, `label` says what it tests,
 * `negated`: kept when the test is false).
 */
export interface ForCandidate {
  key: TfValue;
  value: TfValue;
  when?: { key: string; label: string; negated: boolean; reason: string };
}

/** The values a value is one of, for a selector not known before apply: `key` names the choice. */
export interface Alternatives {
  key: string;
  label: string;
  options: Array<{ label: string; value: TfValue }>;
}

/**
 * An unknown that is one of `options` (see `alternatives`), for a selector not known before apply.
 * Options that are all the same plain value give that value.
 */
export function oneOf(
  u: TfValue,
  key: string,
  label: string,
  options: Array<{ label: string; value: TfValue }>,
): TfValue {
  if (u.kind !== "unknown" || options.length === 0) return u;
  if (options.length === 1) {
    const only = (options[0] as { value: TfValue }).value;
    return u.range ? { ...only, range: u.range } : only;
  }
  const first = options[0] as { value: TfValue };
  const p = plain(first.value);
  if (p !== undefined && options.every((o) => JSON.stringify(plain(o.value)) === JSON.stringify(p)))
    return u.range ? { ...first.value, range: u.range } : first.value;
  return { ...u, alternatives: { key, label, options } };
}

/** The value without its alternatives (what it stands for, not which values a deploy may pick). */
export function withoutAlternatives(v: TfValue): TfValue {
  if ((v.kind === "unknown" || v.kind === "string") && v.alternatives) {
    const { alternatives: _alternatives, ...rest } = v;
    return rest as TfValue;
  }
  return v;
}

export function symbolic(symbol: ValueSymbol, range?: SourceRange): TfValue {
  return range ? { kind: "unknown", symbol, range } : { kind: "unknown", symbol };
}

export const NULL: TfValue = { kind: "null" };

export function list(items: TfValue[], range?: SourceRange): TfValue {
  return range ? { kind: "list", items, range } : { kind: "list", items };
}

export function object(entries: Map<string, TfValue>, range?: SourceRange): TfValue {
  return range ? { kind: "object", entries, range } : { kind: "object", entries };
}

/** The same value reported at another place (a reference is reported where it is used). */
export function at(v: TfValue, range: SourceRange | undefined): TfValue {
  if (!range) return v;
  const out = { ...v, range } as TfValue;
  const pick = failingPicks.get(v);
  if (pick) failingPicks.set(out, pick);
  return out;
}

/**
 * Values picked by a key not known before apply from a collection with one entry: the key may be
 * one the collection lacks, so `try` and `can` decide (kept through `at`).
 */
export const failingPicks = new WeakMap<TfValue, Alternatives>();

/** The text of a string, number or bool whose every part is known. */
export function knownString(v: TfValue): string | undefined {
  if (v.kind === "string") {
    let out = "";
    for (const s of v.segments) {
      if ("symbol" in s) return undefined;
      out += s.text;
    }
    return out;
  }
  if (v.kind === "number") return String(v.value);
  if (v.kind === "bool") return v.value ? "true" : "false";
  return undefined;
}

/**
 * The unknown a computation over `symbol` gives. A selection from a plain unknown (`lookup`,
 * `element`, `concat`, a type conversion) is one of its values: the symbol carries over, and its
 * provenance names what the result depends on. Any other computation makes a new value, named after
 * it: `substr(var.acct, 0, 4)` is not var.acct, nor `substr(account_id, 0, 4)` the deploying
 * account, and keeping the symbol made a `StringLike` guard on the first digits count as the value
 * it was computed from.
 */
export function derivedUnknown(
  symbol: ValueSymbol,
  computation: string,
  range?: SourceRange,
  selects = false,
): TfValue {
  if (selects && symbol.kind === "unknown") return symbolic(symbol, range);
  return symbolic(derivedSymbol(symbol, computation), range);
}

/**
 * A new unknown for what a computation makes of `symbol`. Its reason names the first value of the
 * chain (`length(var.x) > 0` is computed from var.x), not every step.
 */
export function derivedSymbol(symbol: ValueSymbol, computation: string): ValueSymbol {
  const reason = symbol.provenance.reason.startsWith(COMPUTED_FROM)
    ? symbol.provenance.reason
    : `${COMPUTED_FROM}${symbol.provenance.source} (${symbol.provenance.reason})`;
  return {
    kind: "unknown",
    name: `${computation}(${symbol.name})`,
    provenance: { source: `${computation}(${symbol.name})`, reason },
  };
}

const COMPUTED_FROM = "computed from ";

/** The first unknown symbol inside a value, if any (for provenance of derived unknowns). */
export function firstUnknown(v: TfValue, depth = 0): ValueSymbol | undefined {
  if (depth > 64) return undefined;
  switch (v.kind) {
    case "unknown":
      return v.symbol;
    case "string":
      for (const s of v.segments) if ("symbol" in s && s.symbol.kind === "unknown") return s.symbol;
      return undefined;
    case "list":
      for (const i of v.items) {
        const u = firstUnknown(i, depth + 1);
        if (u) return u;
      }
      return undefined;
    case "object":
      for (const i of v.entries.values()) {
        const u = firstUnknown(i, depth + 1);
        if (u) return u;
      }
      return undefined;
    case "json":
      return firstUnknown(v.value, depth + 1);
    default:
      return undefined;
  }
}

/** A string value as a policy value (symbols stay symbols). */
export function toPolicyValue(v: TfValue): PolicyValue | undefined {
  let parts: ValuePart[];
  if (v.kind === "string") parts = v.segments.map((s) => ("symbol" in s ? s.symbol : s.text));
  else if (v.kind === "unknown") parts = [v.symbol];
  else if (v.kind === "number" || v.kind === "bool") parts = [knownString(v) as string];
  else return undefined;
  const normal = normalizeParts(parts);
  const out: PolicyValue = { parts: normal.length > 0 ? normal : [""] };
  if (v.range) out.range = v.range;
  return out;
}

/** A string made of segments, merging adjacent text. */
export function concatSegments(list: readonly StringSegment[][]): StringSegment[] {
  const out: StringSegment[] = [];
  for (const segs of list) for (const s of segs) if (!("text" in s) || s.text !== "") out.push(s);
  return out;
}

/** Truthiness for conditionals: undefined when the condition is not known. */
export function truth(v: TfValue): boolean | undefined {
  if (v.kind === "bool") return v.value;
  const s = knownString(v);
  if (s === "true") return true;
  if (s === "false") return false;
  return undefined;
}

/** Plain JavaScript value of a fully known value (for equality tests and keys); undefined when not known. */
export function plain(v: TfValue, depth = 0): unknown {
  if (depth > 64) return undefined;
  switch (v.kind) {
    case "string":
    case "number":
    case "bool":
      return v.kind === "string" ? knownString(v) : v.value;
    case "null":
      return null;
    case "list": {
      const out: unknown[] = [];
      for (const i of v.items) {
        const p = plain(i, depth + 1);
        if (p === undefined) return undefined;
        out.push(p);
      }
      return out;
    }
    case "object": {
      const out: Record<string, unknown> = Object.create(null);
      for (const [k, i] of v.entries) {
        const p = plain(i, depth + 1);
        if (p === undefined) return undefined;
        out[k] = p;
      }
      return out;
    }
    case "json":
      // A `jsonencode` result is a string: its text, where it is known exactly.
      return jsonEncoded(v.value, depth + 1);
    default:
      return undefined;
  }
}

/**
 * The text `jsonencode` gives for a fully known value, as Terraform writes it (Go's encoder: object
 * keys in code point order, `<`, `>`, `&`, U+2028 and U+2029 escaped). Undefined where it is not
 * known exactly: an unknown part, a number that is not an integer a double holds exactly, a control
 * character other than a line feed, carriage return or tab.
 */
export function jsonEncoded(v: TfValue, depth = 0): string | undefined {
  if (depth > 64) return undefined;
  switch (v.kind) {
    case "string": {
      const s = knownString(v);
      return s === undefined ? undefined : goJsonString(s);
    }
    case "number":
      if (Object.is(v.value, -0)) return "-0";
      return Number.isSafeInteger(v.value) ? String(v.value) : undefined;
    case "bool":
      return String(v.value);
    case "null":
      return "null";
    case "list": {
      const items: string[] = [];
      for (const i of v.items) {
        const t = jsonEncoded(i, depth + 1);
        if (t === undefined) return undefined;
        items.push(t);
      }
      return `[${items.join(",")}]`;
    }
    case "object": {
      if (v.unknownKeys) return undefined;
      const entries: string[] = [];
      for (const k of [...v.entries.keys()].sort(byCodePoint)) {
        const key = goJsonString(k);
        const t = jsonEncoded(v.entries.get(k) as TfValue, depth + 1);
        if (key === undefined || t === undefined) return undefined;
        entries.push(`${key}:${t}`);
      }
      return `{${entries.join(",")}}`;
    }
    case "json": {
      const inner = jsonEncoded(v.value, depth + 1);
      return inner === undefined ? undefined : goJsonString(inner);
    }
    default:
      return undefined;
  }
}

const JSON_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** A string as Go's JSON encoder quotes it; undefined for a control character it may write either way. */
export function goJsonString(s: string): string | undefined {
  let out = '"';
  for (const c of s) {
    const e = JSON_ESCAPES[c];
    if (e !== undefined) out += e;
    else if (c < " ") return undefined;
    else out += c;
  }
  return `${out}"`;
}

/** Orders strings by Unicode code point, as Go compares strings (byte by byte in UTF-8). */
export function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = ((x[i] as string).codePointAt(0) ?? 0) - ((y[i] as string).codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** A value from plain JSON data (tfvars given on the command line, plan values). */
export function fromPlain(x: unknown, range?: SourceRange, depth = 0): TfValue {
  if (depth > 64) return unknown("value", "nested too deeply", range);
  if (x === null || x === undefined) return range ? { kind: "null", range } : NULL;
  if (typeof x === "string") return str(x, range);
  if (typeof x === "number")
    return range ? { kind: "number", value: x, range } : { kind: "number", value: x };
  if (typeof x === "boolean") return range ? { kind: "bool", value: x, range } : { kind: "bool", value: x };
  if (Array.isArray(x))
    return list(
      x.map((i) => fromPlain(i, range, depth + 1)),
      range,
    );
  if (typeof x === "object") {
    const m = new Map<string, TfValue>();
    for (const [k, i] of Object.entries(x as Record<string, unknown>))
      m.set(k, fromPlain(i, range, depth + 1));
    return object(m, range);
  }
  return str(String(x), range);
}

export function describeKind(v: TfValue): string {
  switch (v.kind) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "bool":
      return "a bool";
    case "null":
      return "null";
    case "list":
      return "a list";
    case "object":
      return "an object";
    case "unknown":
      return "an unknown value";
    case "json":
    case "document":
      return "a JSON string";
    case "lazy":
      return "an object";
  }
}

/** A reference to something not declared (see `undeclared` on the unknown value). */
export function undeclared(source: string, reason: string, range?: SourceRange): TfValue {
  return failure(source, reason, range, true);
}

/** An evaluation error (a missing attribute, a bad index): unknown, and skipped by `try`. */
export function failure(source: string, reason: string, range?: SourceRange, undeclared = false): TfValue {
  const v: TfValue = {
    kind: "unknown",
    symbol: { kind: "unknown", name: source, provenance: { source, reason } },
    error: true,
  };
  if (undeclared) v.undeclared = true;
  if (range) v.range = range;
  return v;
}
