import type { SourceNode, SourceRange, ValueSymbol } from "@deputyguard/core";
import { parse as parseYaml } from "yaml";
import { jsonSegments, nodeToValue, parseJsonString, valueToNode } from "./json.js";
import { compileGo, type GoMatch, goMatches, goReplaceAll } from "./regex.js";
import {
  type Alternatives,
  byCodePoint,
  concatSegments,
  derivedSymbol,
  derivedUnknown,
  failure,
  firstUnknown,
  goJsonString,
  jsonEncoded,
  knownString,
  list,
  NULL,
  object,
  oneOf,
  plain,
  type StringSegment,
  str,
  type TfValue,
  toPolicyValue,
  truth,
  unknown,
  withoutAlternatives,
} from "./value.js";

/** What functions need from the evaluator: reading files of the module, and templates. */
export interface FunctionHost {
  /** `file(path)`: the text with positions, or an unknown saying why not. */
  readFile(path: string, range: SourceRange | undefined): TfValue;
  /** `templatefile(path, vars)`. */
  renderTemplateFile(path: string, vars: TfValue, range: SourceRange | undefined): TfValue;
  /** `templatestring(template, vars)`. */
  renderTemplateString(template: TfValue, vars: TfValue, range: SourceRange | undefined): TfValue;
}

/** Functions whose arguments are evaluated lazily (`try`, `can`) are handled by the evaluator. */
export const LAZY_FUNCTIONS = new Set(["try", "can"]);

type Fn = (args: TfValue[], range: SourceRange | undefined, host: FunctionHost) => TfValue;

/** The value as string segments, or undefined for lists, objects and null. */
export function segmentsOf(v: TfValue): StringSegment[] | undefined {
  switch (v.kind) {
    case "string":
      return v.segments;
    case "number":
    case "bool":
      return [{ text: String(v.value) }];
    case "unknown":
      return [{ symbol: v.symbol }];
    case "json":
      return jsonSegments(v.value);
    case "document":
      return jsonSegments(nodeToValue(v.node));
    default:
      return undefined;
  }
}

/** Functions whose result is one of their argument's values, or the argument converted. */
const SELECTIONS = new Set([
  "coalescelist",
  "compact",
  "concat",
  "distinct",
  "element",
  "flatten",
  "jsondecode",
  "lookup",
  "merge",
  "one",
  "reverse",
  "slice",
  "tolist",
  "tomap",
  "toset",
  "values",
]);

function propagate(name: string, args: TfValue[], range: SourceRange | undefined): TfValue {
  const u = args.map((a) => firstUnknown(a)).find((x) => x !== undefined);
  if (u) return derivedUnknown(u, name, range, SELECTIONS.has(name));
  return unknown(`${name}(...)`, `${name} could not be evaluated before apply`, range);
}

function asString(v: TfValue, range: SourceRange | undefined): TfValue {
  const segs = segmentsOf(v);
  if (!segs) return v.kind === "null" ? v : unknown("value", `expected a string, found ${v.kind}`, range);
  const out: TfValue = { kind: "string", segments: segs };
  if (range) out.range = range;
  return out;
}

/** The characters a symbol with a meaning is written with (a plain unknown may hold any). */
const SYMBOL_ALPHABETS: Partial<Record<ValueSymbol["kind"], string>> = {
  "self-account": "0123456789",
  "self-org": "abcdefghijklmnopqrstuvwxyz0123456789-",
  region: "abcdefghijklmnopqrstuvwxyz0123456789-",
  partition: "abcdefghijklmnopqrstuvwxyz-",
  "url-suffix": "abcdefghijklmnopqrstuvwxyz.",
};

/** A string's known text runs and symbols, adjacent text joined. */
function runsOf(segs: StringSegment[]): Array<string | ValueSymbol> {
  const out: Array<string | ValueSymbol> = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if ("symbol" in s) out.push(s.symbol);
    else if (typeof last === "string") out[out.length - 1] = last + s.text;
    else out.push(s.text);
  }
  return out;
}

function fromRuns(runs: Array<string | ValueSymbol>, range: SourceRange | undefined): TfValue {
  const out: TfValue = {
    kind: "string",
    segments: runs.map((r) => (typeof r === "string" ? { text: r } : { symbol: r })),
  };
  if (range) out.range = range;
  return out;
}

/**
 * Maps a string whose known text can be mapped run by run (`lower`, `upper`, a one-character
 * `replace`). A symbol stays only when `keeps` says the mapping cannot change it (the digits of the
 * deploying account through `lower`); otherwise it becomes a new unknown named after the function,
 * never the value it was computed from.
 */
function mapText(
  name: string,
  v: TfValue,
  f: (s: string) => string,
  keeps: (s: ValueSymbol) => boolean,
  range: SourceRange | undefined,
): TfValue {
  const segs = segmentsOf(v);
  if (!segs) return propagate(name, [v], range);
  const runs = runsOf(segs).map((r) =>
    typeof r === "string" ? f(r) : keeps(r) ? r : derivedSymbol(r, name),
  );
  return fromRuns(runs, range);
}

/** Whether a character-by-character mapping leaves every text of a symbol's alphabet as it is. */
function keptByCharacterMap(f: (s: string) => string): (s: ValueSymbol) => boolean {
  return (s) => {
    const alphabet = SYMBOL_ALPHABETS[s.kind];
    return alphabet !== undefined && f(alphabet) === alphabet;
  };
}

/**
 * A trim of a string with symbols (`trimprefix`, `trimsuffix`, `trimspace`): decided by what is at
 * its `end` when that alone settles what is removed (known text, or a symbol written without the
 * characters trimmed), else a new unknown, since the unknown part may be what is trimmed.
 */
function trimText(
  name: string,
  v: TfValue,
  end: "start" | "end",
  trim: (s: string) => string,
  settled: (edge: string | { alphabet: string }) => boolean,
  range: SourceRange | undefined,
): TfValue {
  const segs = segmentsOf(v);
  if (!segs) return propagate(name, [v], range);
  const runs = runsOf(segs);
  const i = end === "start" ? 0 : runs.length - 1;
  const edge = runs[i];
  if (typeof edge === "string" || edge === undefined) {
    const symbol = runs.find((r): r is ValueSymbol => typeof r !== "string");
    if (symbol && !settled(edge ?? "")) return derivedUnknown(symbol, name, range);
    if (edge !== undefined) runs[i] = trim(edge);
    return fromRuns(runs, range);
  }
  const alphabet = SYMBOL_ALPHABETS[edge.kind];
  return alphabet !== undefined && settled({ alphabet })
    ? fromRuns(runs, range)
    : derivedUnknown(edge, name, range);
}

function itemsOf(v: TfValue): TfValue[] | undefined {
  if (v.kind === "list") return v.items;
  if (v.kind === "object") return [...v.entries.values()];
  return undefined;
}

function num(v: TfValue): number | undefined {
  if (v.kind === "number") return v.value;
  const s = knownString(v);
  if (s === undefined || s.trim() === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function sameValue(a: TfValue, b: TfValue): boolean | undefined {
  if (a.kind === "document" && b.kind === "document") return sameDocument(a, b);
  const pa = plain(a);
  const pb = plain(b);
  if (pa === undefined || pb === undefined) return undefined;
  return JSON.stringify(pa) === JSON.stringify(pb);
}

/**
 * Whether two `aws_iam_policy_document` JSONs are the same text: yes for the same instance's (an
 * address with no key unknown before apply), no when they hold different numbers of statements or
 * different Sids at one place (the provider writes every statement, and its Sid as given), else
 * not known here (the provider's own ordering of the rest is not modelled).
 */
function sameDocument(
  a: TfValue & { kind: "document" },
  b: TfValue & { kind: "document" },
): boolean | undefined {
  if (a.origin === b.origin && !a.origin.includes("[?]")) return true;
  const sa = documentStatements(a.node);
  const sb = documentStatements(b.node);
  if (!sa || !sb) return undefined;
  if (sa.length !== sb.length) return false;
  for (const [i, x] of sa.entries()) {
    const y = sb[i] as SourceNode;
    const ia = statementSid(x);
    const ib = statementSid(y);
    if (ia !== undefined && ib !== undefined && ia !== ib) return false;
  }
  return undefined;
}

/** A document's statements, when each is written for sure (none a dynamic block may leave out). */
function documentStatements(n: SourceNode): SourceNode[] | undefined {
  if (n.kind !== "object") return undefined;
  const st = n.entries.find((e) => e.key === "Statement")?.value;
  if (st?.kind !== "array" || st.items.some((i) => i.kind !== "object")) return undefined;
  return st.items;
}

/** A statement's Sid as written ("" for none), or undefined when it is not known. */
function statementSid(n: SourceNode): string | undefined {
  if (n.kind !== "object") return undefined;
  const sid = n.entries.find((e) => e.key === "Sid")?.value;
  if (!sid) return "";
  return sid.kind === "scalar" && typeof sid.value === "string" ? sid.value : undefined;
}

/** The distinct items, in order of first appearance; undefined when some cannot be compared. */
function dedupe(items: TfValue[]): TfValue[] | undefined {
  const keys = items.map((i) => plain(i));
  if (keys.every((k) => k !== undefined)) {
    const seen = new Set<string>();
    return items.filter((_, i) => {
      const k = JSON.stringify(keys[i]);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  const out: TfValue[] = [];
  for (const i of items) {
    let seen = false;
    for (const o of out) {
      const same = sameValue(o, i);
      if (same === undefined) return undefined;
      if (same) {
        seen = true;
        break;
      }
    }
    if (!seen) out.push(i);
  }
  return out;
}

function flatten(v: TfValue, depth: number): TfValue[] | undefined {
  if (depth > 64) return undefined;
  const out: TfValue[] = [];
  for (const i of (v.kind === "list" ? v.items : [v]) as TfValue[]) {
    if (i.kind === "list") {
      const inner = flatten(i, depth + 1);
      if (!inner) return undefined;
      out.push(...inner);
    } else if (i.kind === "unknown") return undefined;
    else out.push(i);
  }
  return out;
}

/** The largest width or precision `format()` prints. */
const MAX_FORMAT_WIDTH = 10_000;

/** A `%` sequence of a format string: flags, width, precision, argument index and verb. */
const FORMAT_VERB = /^%([-+# 0]*)([0-9]+)?(?:\.([0-9]*))?(?:\[([0-9]+)\])?([a-zA-Z%])?/;

interface FormatVerb {
  raw: string;
  flags: string;
  width?: number;
  precision?: number;
  verb: string;
}

/**
 * `format`, as Terraform's (go-cty's `format`) prints: `%s`, `%q`, `%v`, `%t`, `%d`, `%b`, `%o`,
 * `%x`, `%X` with the flags `-`, `+`, ` `, `0`, `#`, widths, precisions and `%[n]` argument
 * indexes; widths and precisions of strings count characters (grapheme clusters). `%e`, `%f` and
 * `%g` (Go's decimal conversion of a big float) are not evaluated. An argument not known before
 * apply stays in the text where it is printed as it is, and makes the result a new unknown where
 * the verb would change it (a width, a padding, a conversion).
 */
function format(args: TfValue[], range: SourceRange | undefined): TfValue {
  const spec = knownString(args[0] ?? NULL);
  if (spec === undefined) return propagate("format", args, range);
  const values = args.slice(1);
  const out: StringSegment[][] = [];
  let next = 0;
  let used = 0;
  let verbs = 0;
  let i = 0;
  let text = "";
  while (i < spec.length) {
    const c = spec[i] as string;
    if (c !== "%") {
      text += c;
      i++;
      continue;
    }
    if (spec[i + 1] === "%") {
      text += "%";
      i += 2;
      continue;
    }
    const m = FORMAT_VERB.exec(spec.slice(i)) as RegExpExecArray;
    const [raw, flags = "", width, precision, argIndex, verb] = m;
    if (!verb || verb === "%")
      return failure("format(...)", `invalid format string starting at offset ${i + 1}`, range);
    verbs++;
    const n = argIndex !== undefined ? Number(argIndex) - 1 : next;
    next = n + 1;
    used = Math.max(used, n + 1);
    const arg = values[n];
    if (!arg)
      return failure(
        "format(...)",
        `not enough arguments for "${raw}" at ${i}: need index ${n + 1} but have ${values.length} total`,
        range,
      );
    const v: FormatVerb = { raw, flags, verb };
    if (width !== undefined) v.width = Number(width);
    if (precision !== undefined) v.precision = Number(precision || "0");
    // A width or precision no policy needs is not printed (`%999999999s` would build a string of a
    // gigabyte): the value stays unknown, said so.
    if ((v.width ?? 0) > MAX_FORMAT_WIDTH || (v.precision ?? 0) > MAX_FORMAT_WIDTH)
      return unknown(
        "format(...)",
        `the width or precision of "${raw}" is over ${MAX_FORMAT_WIDTH}; it is not evaluated`,
        range,
      );
    const printed = formatOne(v, arg, range);
    if (!Array.isArray(printed)) return printed;
    out.push([{ text }], printed);
    text = "";
    i += raw.length;
  }
  if (values.length > used)
    return failure(
      "format(...)",
      verbs === 0
        ? "too many arguments; no verbs in format string"
        : `too many arguments; only ${used} used by format string`,
      range,
    );
  out.push([{ text }]);
  const result: TfValue = { kind: "string", segments: concatSegments(out) };
  if (range) result.range = range;
  return result;
}

/** One verb's text, or the unknown (or error) the whole result is. */
function formatOne(v: FormatVerb, arg: TfValue, range: SourceRange | undefined): StringSegment[] | TfValue {
  const at = `"${v.raw}"`;
  const plainVerb = v.flags === "" && v.width === undefined && v.precision === undefined;
  if (arg.kind === "null")
    return unknown("format(...)", `format of null with ${at} is not known before apply`, range);
  const text =
    arg.kind === "string" || arg.kind === "unknown" || arg.kind === "json" || arg.kind === "document";
  const symbol = firstUnknown(arg);
  // Printed as it is, its positions and unknown parts kept: a string by %s or %v, and by %d an
  // unknown (an account id held as a number).
  if (plainVerb && (((v.verb === "s" || v.verb === "v") && text) || (v.verb === "d" && symbol && text)))
    return segmentsOf(arg) as StringSegment[];
  if (symbol) {
    // Quoted: unknown parts written only with characters JSON does not escape stay as they are.
    if (v.verb === "q" && plainVerb && (arg.kind === "string" || arg.kind === "unknown")) {
      const runs = runsOf(segmentsOf(arg) as StringSegment[]);
      const quoted: Array<string | ValueSymbol> = ['"'];
      for (const r of runs) {
        if (typeof r !== "string") {
          if (SYMBOL_ALPHABETS[r.kind] === undefined) return derivedUnknown(r, "format", range);
          quoted.push(r);
          continue;
        }
        const q = goJsonString(r);
        if (q === undefined) return derivedUnknown(symbol, "format", range);
        quoted.push(q.slice(1, -1));
      }
      quoted.push('"');
      return runsOf(toSegments(quoted)).map((r) => (typeof r === "string" ? { text: r } : { symbol: r }));
    }
    return derivedUnknown(symbol, "format", range);
  }
  const notEvaluated = (why: string) => unknown("format(...)", why, range);
  const error = (why: string) => failure("format(...)", `unsupported value for ${at}: ${why}`, range);
  switch (v.verb) {
    case "v": {
      if (!v.flags.includes("#")) {
        if (arg.kind === "string") return [{ text: padWidth(v, knownString(arg) as string) }];
        if (arg.kind === "json") {
          const json = jsonEncoded(arg.value);
          return json === undefined
            ? notEvaluated(`format cannot print this JSON text exactly with ${at}`)
            : [{ text: padWidth(v, json) }];
        }
        if (arg.kind === "number") {
          const g = shortestG(arg.value);
          return g === undefined
            ? notEvaluated(
                `format prints ${arg.value} with ${at} as Go's big float does, which is not evaluated`,
              )
            : [{ text: padWidth(v, g) }];
        }
      }
      const json = jsonEncoded(arg);
      return json === undefined
        ? notEvaluated(`format prints this value with ${at} as JSON, which is not evaluated for it`)
        : [{ text: padWidth(v, json) }];
    }
    case "t": {
      const b = arg.kind === "bool" || arg.kind === "string" ? truth(arg) : undefined;
      return b === undefined ? error("a bool is required") : [{ text: String(b) }];
    }
    case "b":
    case "d":
    case "o":
    case "x":
    case "X": {
      if (arg.kind !== "number" && arg.kind !== "string") return error("a number is required");
      const n = num(arg);
      if (n === undefined) return error("a number is required");
      if (!Number.isInteger(n)) return error("an integer is required");
      if (!Number.isSafeInteger(n))
        return notEvaluated(`${n} is past the integers a double holds exactly; format is not evaluated`);
      return [{ text: formatInteger(v, n) }];
    }
    case "s":
    case "q": {
      let s: string | undefined;
      if (arg.kind === "string" || arg.kind === "bool") s = knownString(arg);
      else if (arg.kind === "number") s = numberText(arg.value);
      else if (arg.kind === "json") s = jsonEncoded(arg.value);
      else return error("string required");
      if (s === undefined) return notEvaluated(`format cannot print this value exactly with ${at}`);
      if (v.precision !== undefined && v.precision > 0) s = graphemes(s).slice(0, v.precision).join("");
      if (v.verb === "s") return [{ text: padWidth(v, s) }];
      const q = goJsonString(s);
      return q === undefined
        ? notEvaluated(`format quotes this text as Go's JSON encoder does, which is not evaluated for it`)
        : [{ text: padWidth(v, q) }];
    }
    case "e":
    case "E":
    case "f":
    case "g":
    case "G":
      return notEvaluated(`format prints numbers with ${at} as Go's big float does, which is not evaluated`);
    default:
      return failure("format(...)", `unsupported format verb '${v.verb}' in ${at}`, range);
  }
}

function graphemes(s: string): string[] {
  return [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(s)].map((c) => c.segment);
}

/** The width of a verb, counted in characters (grapheme clusters), `0` padding with zeros. */
function padWidth(v: FormatVerb, s: string): string {
  const short = (v.width ?? 0) - graphemes(s).length;
  if (short <= 0) return s;
  const pad = (v.flags.includes("0") ? "0" : " ").repeat(short);
  return v.flags.includes("-") ? s + pad : pad + s;
}

/**
 * An integer as Go's `big.Int` formats it (go-cty hands integers to it): sign, then `#`'s base
 * prefix, then zeros to the precision (or to the width with `0` and no precision), then the digits;
 * spaces to the width, on the right with `-`.
 */
function formatInteger(v: FormatVerb, n: number): string {
  const base = { b: 2, d: 10, o: 8, x: 16, X: 16 }[v.verb as "b" | "d" | "o" | "x" | "X"];
  let digits = BigInt(Math.abs(n)).toString(base);
  if (v.verb === "X") digits = digits.toUpperCase();
  const sign = n < 0 ? "-" : v.flags.includes("+") ? "+" : v.flags.includes(" ") ? " " : "";
  const prefix = v.flags.includes("#") ? ({ b: "0b", o: "0", x: "0x", X: "0X" }[v.verb] ?? "") : "";
  let zeros = 0;
  if (v.precision !== undefined) {
    if (digits.length < v.precision) zeros = v.precision - digits.length;
    // Go prints nothing at all for 0 with precision 0, not even the width.
    else if (digits === "0" && v.precision === 0) return "";
  }
  let left = 0;
  let right = 0;
  const length = sign.length + prefix.length + zeros + digits.length;
  if (v.width !== undefined && length < v.width) {
    const d = v.width - length;
    if (v.flags.includes("-")) right = d;
    else if (v.flags.includes("0") && v.precision === undefined) zeros = d;
    else left = d;
  }
  return `${" ".repeat(left)}${sign}${prefix}${"0".repeat(zeros)}${digits}${" ".repeat(right)}`;
}

/** A number as Terraform converts it to a string (`%s`): its decimal digits, no exponent. */
function numberText(n: number): string | undefined {
  if (Object.is(n, -0)) return "0";
  if (Number.isSafeInteger(n)) return String(n);
  const s = String(n);
  return /e/i.test(s) ? undefined : s;
}

/**
 * A number as `%v` prints it (Go's big float `Text('g', -1)`): the shortest digits, with an
 * exponent from 1e+06 on or under 1e-04. Evaluated for integers a double holds exactly.
 */
function shortestG(n: number): string | undefined {
  if (!Number.isSafeInteger(n)) return undefined;
  if (n === 0) return "0";
  const sign = n < 0 ? "-" : "";
  const all = String(Math.abs(n));
  const exp = all.length - 1;
  if (exp < 6) return sign + all;
  const mant = all.replace(/0+$/, "");
  return `${sign}${mant[0]}${mant.length > 1 ? `.${mant.slice(1)}` : ""}e+${String(exp).padStart(2, "0")}`;
}

function join(args: TfValue[], range: SourceRange | undefined): TfValue {
  const sep = segmentsOf(args[0] ?? NULL);
  if (!sep) return propagate("join", args, range);
  const pieces: StringSegment[][] = [];
  const items: TfValue[] = [];
  for (const l of args.slice(1)) {
    if (l.kind !== "list") return propagate("join", [l], range);
    for (const item of l.items) {
      const segs = segmentsOf(item);
      if (!segs) return propagate("join", [item], range);
      if (pieces.length > 0) pieces.push(sep);
      pieces.push(segs);
      items.push(item);
    }
  }
  // One item joined is that item's text: `join("", data.aws_iam_policy_document.x[*].json)` of a
  // counted document (cloudposse's idiom) is the document, used by the resource as `x[0].json` is.
  const only = items.length === 1 ? items[0] : undefined;
  if (only?.kind === "document" || only?.kind === "json") return range ? { ...only, range } : only;
  const v: TfValue = { kind: "string", segments: concatSegments(pieces) };
  if (range) v.range = range;
  return v;
}

function replace(args: TfValue[], range: SourceRange | undefined): TfValue {
  const [s, search, repl] = args;
  const from = knownString(search ?? NULL);
  const to = knownString(repl ?? NULL);
  if (!s || from === undefined || to === undefined) return propagate("replace", args, range);
  // A /regex/ search: Go's regexp (linear time), the replacement's `$1` and `${name}` expanded.
  if (from.length > 1 && from.startsWith("/") && from.endsWith("/")) {
    const re = compileGo(from.slice(1, -1));
    if ("error" in re) return failure("replace(...)", re.error, range);
    const text = knownString(s);
    if (text !== undefined) return str(goReplaceAll(re, text, to), range);
    return propagate("replace", [s], range);
  }
  const f = (t: string) => (from === "" ? t : t.split(from).join(to));
  // A symbol written without any character of the search is not changed, and no match spans it.
  const untouched = (sym: ValueSymbol) => {
    const alphabet = SYMBOL_ALPHABETS[sym.kind];
    return alphabet !== undefined && ![...from].some((c) => alphabet.includes(c));
  };
  const segs = segmentsOf(s);
  const symbols = (segs ?? []).flatMap((x) => ("symbol" in x ? [x.symbol] : []));
  const touched = symbols.find((x) => !untouched(x));
  // A longer search may match across the known text and a symbol it touches.
  if (touched && [...from].length > 1) return derivedUnknown(touched, "replace", range);
  return mapText("replace", s, f, untouched, range);
}

/**
 * Whether a string with unknown parts may turn out to be `text`: its known runs in order, the first
 * and last at the ends, each unknown part standing for any text (its alphabet is not used, so the
 * answer may be yes for a text it cannot be, never no for one it can).
 */
function mayBe(runs: Array<string | ValueSymbol>, text: string): boolean {
  let pos = 0;
  for (const [i, r] of runs.entries()) {
    if (typeof r !== "string") continue;
    if (i === 0) {
      if (!text.startsWith(r)) return false;
      pos = r.length;
    } else if (i === runs.length - 1) return text.length - r.length >= pos && text.endsWith(r);
    else {
      const at = text.indexOf(r, pos);
      if (at < 0) return false;
      pos = at + r.length;
    }
  }
  return true;
}

/**
 * Whether a string not wholly known may turn out to be `text`: a string with unknown parts by its
 * known runs (see `mayBe`), a `jsonencode` result by its first and last characters (every JSON
 * text is non-empty), the JSON of an `aws_iam_policy_document` as an object's.
 */
export function mayBeText(v: TfValue, text: string): boolean {
  const around = (open: string, close: string) =>
    text.length >= 2 && text.startsWith(open) && text.endsWith(close);
  switch (v.kind) {
    case "string":
      return mayBe(runsOf(v.segments), text);
    case "document":
      return around("{", "}");
    case "json":
      if (v.value.kind === "object") return around("{", "}");
      if (v.value.kind === "list") return around("[", "]");
      if (v.value.kind === "string") return around('"', '"');
      return text !== "";
    default:
      return true;
  }
}

function lookup(args: TfValue[], range: SourceRange | undefined): TfValue {
  const [m, k, d] = args;
  const key = knownString(k ?? NULL);
  if (m?.kind === "object" && !m.unknownKeys && k?.kind === "string" && key === undefined) {
    // A key with known text around unknown parts ("${var.env}-acct"): any entry whose key it may
    // turn out to be, or the default, may be picked. (A map with keys not known before apply may
    // hold others: then the result stays unknown.)
    const runs = runsOf(k.segments);
    const symbol = runs.find((r): r is ValueSymbol => typeof r !== "string") as ValueSymbol;
    const selector = runs.map((r) => (typeof r === "string" ? r : `\${${r.name}}`)).join("");
    const names = [...m.entries.keys()].filter((n) => mayBe(runs, n)).sort();
    const options = names.map((n) => ({ label: n, value: m.entries.get(n) as TfValue }));
    if (d) options.push({ label: "(default)", value: d });
    return oneOf(
      derivedUnknown(symbol, "lookup", range),
      `index:${selector}:${options.map((o) => o.label).join(",")}`,
      selector,
      options,
    );
  }
  if (m?.kind === "object" && k?.kind === "unknown" && !k.error) {
    // A known map and a key not known before apply: any entry (or the default) may be picked,
    // as with `map[key]`; a variable's validation leaves only its allowed keys.
    const names = [...m.entries.keys()].filter((n) => !k.allowed || k.allowed.includes(n)).sort();
    const options = names.map((n) => ({ label: n, value: m.entries.get(n) as TfValue }));
    if (d && (!k.allowed || k.allowed.some((a) => !m.entries.has(a))))
      options.push({ label: "(default)", value: d });
    const u = propagate("lookup", args, range);
    return oneOf(
      u,
      `index:${k.symbol.provenance.source}:${k.symbol.name}:${options.map((o) => o.label).join(",")}`,
      k.symbol.name,
      options,
    );
  }
  if (m?.kind === "unknown" && !m.error && key !== undefined && d && !(d.kind === "unknown" && d.error)) {
    // A map not known before apply may lack the key: then the default is the value. Both are
    // analysed (`lookup(var.accounts, "events", "*")` is "*" unless the map sets "events").
    const name = m.symbol.name;
    return oneOf(propagate("lookup", args, range), `lookup:${name}:${key}`, `${name}["${key}"]`, [
      { label: "set", value: derivedUnknown(m.symbol, "lookup", range, true) },
      { label: "not set (the lookup default)", value: d },
    ]);
  }
  if (!m || key === undefined) return propagate("lookup", args, range);
  if (m.kind === "object") {
    const v = m.entries.get(key);
    if (v) return v;
    if (d) return d;
    return failure(`lookup(..., "${key}")`, `the map has no key "${key}"`, range) as TfValue;
  }
  return propagate("lookup", [m], range);
}

function merge(args: TfValue[], range: SourceRange | undefined): TfValue {
  const entries = new Map<string, TfValue>();
  let open: TfValue | undefined;
  // Keys set before an unknown argument: that argument may replace them.
  const replaceable = new Set<string>();
  for (const a of args) {
    if (a.kind === "null") continue;
    if (a.kind === "unknown" && !a.error) {
      open ??= a;
      for (const k of entries.keys()) replaceable.add(k);
      continue;
    }
    if (a.kind !== "object") return propagate("merge", [a], range);
    for (const [k, v] of a.entries) {
      entries.set(k, v);
      replaceable.delete(k);
    }
  }
  if (!open) return object(entries, range);
  // Unknown objects make the result unknown, but a policy statement built from it keeps what is known.
  const u = propagate("merge", [open], range);
  if (u.kind === "unknown" && entries.size > 0) u.knownEntries = { entries, replaceable };
  return u;
}

function concat(args: TfValue[], range: SourceRange | undefined): TfValue {
  // A list that is one of several (`var.x ? [stmt] : []`): the concatenation is one of several too.
  const i = args.findIndex((a) => a.kind === "unknown" && a.alternatives);
  const chosen = args[i];
  if (chosen?.kind === "unknown" && chosen.alternatives) {
    const { alternatives: alt, ...plainChoice } = chosen;
    const u = concat(
      args.map((a, j) => (j === i ? plainChoice : a)),
      range,
    );
    return oneOf(
      u,
      alt.key,
      alt.label,
      alt.options.map((o) => ({
        label: o.label,
        value: concat(
          args.map((a, j) => (j === i ? o.value : a)),
          range,
        ),
      })),
    );
  }
  const items: TfValue[] = [];
  let open: TfValue | undefined;
  let complete = true;
  for (const a of args) {
    if (a.kind === "list") items.push(...a.items);
    else if (a.kind === "unknown" && !a.error) {
      // The policy items an unknown list is known to hold are in the result too.
      items.push(...(a.knownItems ?? []));
      if (!(a.knownItems && a.itemsComplete)) {
        // What the result's unknown rest is named after: a list with unknown items.
        if (complete) open = a;
        complete = false;
      } else open ??= a;
    } else return propagate("concat", [a], range);
  }
  if (!open) return list(items, range);
  // Unknown lists make the result unknown, but the items of the known ones are in it for sure.
  return partialList(propagate("concat", [open], range), items, complete);
}

/**
 * `distinct`, `toset`, `tolist` or `compact` of a list not known before apply, or of one whose
 * duplicates cannot be told (items with unknown parts): unknown, but every policy item it is known
 * to hold (not null or "", for `compact`) is in the result, once or more.
 */
function keepsItems(name: string, l: TfValue, range: SourceRange | undefined): TfValue {
  const items = l.kind === "list" ? l.items : l.kind === "unknown" && !l.error ? l.knownItems : undefined;
  if (!items) return propagate(name, [l], range);
  const kept = name === "compact" ? items.filter((i) => i.kind !== "null" && knownString(i) !== "") : items;
  const complete = l.kind === "list" || (l.kind === "unknown" && l.itemsComplete === true);
  return partialList(propagate(name, [l], range), kept, complete);
}

/** An unknown list with the policy items it is known to hold (see `knownItems`). */
function partialList(u: TfValue, items: TfValue[], complete: boolean): TfValue {
  if (u.kind !== "unknown" || (items.length === 0 && !complete)) return u;
  const out: TfValue = { ...u, knownItems: items };
  if (complete) out.itemsComplete = true;
  return out;
}

/**
 * `flatten` over a list some of whose items are not known before apply: the concatenation of its
 * items flattened (an unknown item is an unknown list, its known policy items flattened too), so
 * that the known ones are analysed as in `concat`.
 */
function flattenPartial(v: TfValue, range: SourceRange | undefined, depth: number): TfValue {
  if (depth > 64) return propagate("flatten", [v], range);
  if (v.kind === "unknown") {
    if (v.error) return v;
    if (v.alternatives) {
      const alt = v.alternatives;
      return oneOf(
        flattenPartial(withoutAlternatives(v), range, depth + 1),
        alt.key,
        alt.label,
        alt.options.map((o) => ({ label: o.label, value: flattenPartial(o.value, range, depth + 1) })),
      );
    }
    if (!v.knownItems) return v;
    const { knownItems, itemsComplete, ...rest } = v;
    const known = flattenPartial(list(knownItems), range, depth + 1);
    // Nothing else in it: the rest holds no items, though how many copies is not known.
    const tail: TfValue = itemsComplete ? { ...rest, knownItems: [], itemsComplete } : rest;
    return concat([known, tail], range);
  }
  if (v.kind !== "list") return list([v], range);
  return concat(
    v.items.map((i) => flattenPartial(i, range, depth + 1)),
    range,
  );
}

/** A value as a choice's option is named: its text with unknowns as `<name>`, quoted. */
function shown(v: TfValue): string {
  const pv = toPolicyValue(v);
  if (!pv) return v.kind;
  return JSON.stringify(pv.parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join(""));
}

function coalesce(args: TfValue[], range: SourceRange | undefined): TfValue {
  for (const [i, a] of args.entries()) {
    if (a.kind === "null") continue;
    if (a.kind === "unknown" && a.alternatives) {
      // One of several values (`var.strict ? null : "x"`): coalesce picks for each, so a null one
      // takes a later argument, never stands as the value.
      const alt = a.alternatives;
      return oneOf(
        withoutAlternatives(a),
        alt.key,
        alt.label,
        alt.options.map((o) => ({ label: o.label, value: coalesce([o.value, ...args.slice(i + 1)], range) })),
      );
    }
    if (a.kind === "unknown") {
      // It may be null or empty, and then a later argument is taken: each is analysed.
      const later = args.slice(i + 1).filter((x) => x.kind !== "null" && knownString(x) !== "");
      if (later.length === 0) return a;
      const name = a.symbol.name;
      return oneOf(a, `coalesce:${name}`, `coalesce(${name}, ...)`, [
        { label: name, value: a },
        ...later.map((value) => ({ label: shown(value), value })),
      ]);
    }
    const s = knownString(a);
    if (s === "") continue;
    return a;
  }
  return unknown("coalesce(...)", "no argument of coalesce is set", range);
}

function element(args: TfValue[], range: SourceRange | undefined): TfValue {
  const [l, i] = args;
  const n = num(i ?? NULL);
  if (l?.kind !== "list" || n === undefined) return propagate("element", args, range);
  if (l.items.length === 0) return unknown("element(...)", "element of an empty list", range);
  return l.items[((Math.floor(n) % l.items.length) + l.items.length) % l.items.length] as TfValue;
}

function jsondecode(args: TfValue[], range: SourceRange | undefined): TfValue {
  const a = args[0];
  if (!a) return propagate("jsondecode", args, range);
  if (a.kind === "json") return a.value;
  if (a.kind === "document") return nodeToValue(a.node);
  if (a.kind !== "string") return propagate("jsondecode", [a], range);
  const parsed = parseJsonString(a, range);
  if (!parsed.node) return unknown("jsondecode(...)", parsed.diagnostics[0]?.message ?? "not JSON", range);
  return nodeToValue(parsed.node);
}

/**
 * `yamldecode`: YAML 1.2 (core schema, as Terraform's go-cty-yaml reads it) to the value JSON would
 * give. Text that is not YAML is an error, as in Terraform; aliases are bounded.
 */
function yamldecode(args: TfValue[], range: SourceRange | undefined): TfValue {
  const s = knownString(args[0] ?? NULL);
  if (s === undefined) return propagate("yamldecode", args, range);
  let value: unknown;
  try {
    value = parseYaml(s, { schema: "core", maxAliasCount: 100, prettyErrors: false });
  } catch (e) {
    return failure("yamldecode(...)", `not YAML: ${(e as Error).message.split("\n")[0]}`, range);
  }
  return jsondecode([str(JSON.stringify(value ?? null), range)], range);
}

/** `sort(list)`: the strings in lexicographic order (by code point); an unknown item leaves the order unknown. */
function sortStrings(args: TfValue[], range: SourceRange | undefined): TfValue {
  const l = args[0] ?? NULL;
  if (l.kind !== "list") return propagate("sort", args, range);
  const items: Array<{ text: string; value: TfValue }> = [];
  for (const i of l.items) {
    if (i.kind === "null") return failure("sort(...)", "a null string cannot be sorted", range);
    const text = knownString(i);
    if (text === undefined) return propagate("sort", args, range);
    items.push({ text, value: i.kind === "string" ? i : str(text, i.range) });
  }
  items.sort((a, b) => byCodePoint(a.text, b.text));
  return list(
    items.map((i) => i.value),
    range,
  );
}

/**
 * `setunion`, `setintersection` and `setsubtract` over sets of known strings, numbers or bools.
 * Terraform unifies the elements' types first (a string among them makes every element a string;
 * numbers and bools do not mix) and returns a set, which it lists strings lexicographically,
 * numbers by value, false before true. Sets of other values have no defined order: not evaluated.
 */
function setOperation(
  name: string,
  args: TfValue[],
  range: SourceRange | undefined,
  combine: (sets: Array<Map<string, TfValue>>) => Map<string, TfValue>,
): TfValue {
  if (args.length === 0 || (name === "setsubtract" && args.length !== 2))
    return failure(`${name}(...)`, `${name} was given ${args.length} arguments`, range);
  const lists: TfValue[][] = [];
  for (const a of args) {
    if (a.kind !== "list") return propagate(name, args, range);
    lists.push(a.items);
  }
  const kinds = new Set<string>();
  for (const i of lists.flat()) {
    if (i.kind === "null")
      return unknown(`${name}(...)`, `${name} of a set with a null element is not evaluated`, range);
    if (knownString(i) === undefined) return propagate(name, args, range);
    kinds.add(i.kind);
  }
  if (kinds.has("number") && kinds.has("bool") && !kinds.has("string"))
    return failure(`${name}(...)`, "the sets hold numbers and bools, which Terraform cannot unify", range);
  const type = kinds.has("string") ? "string" : kinds.has("number") ? "number" : "bool";
  const sets = lists.map((items) => {
    const set = new Map<string, TfValue>();
    for (const i of items) {
      const text = knownString(i) as string;
      if (!set.has(text)) set.set(text, type === "string" && i.kind !== "string" ? str(text, i.range) : i);
    }
    return set;
  });
  const result = combine(sets);
  const order =
    type === "string"
      ? byCodePoint
      : type === "number"
        ? (a: string, b: string) => Number(a) - Number(b)
        : (a: string, b: string) => (a === b ? 0 : a === "false" ? -1 : 1);
  return list(
    [...result.keys()].sort(order).map((k) => result.get(k) as TfValue),
    range,
  );
}

function union(sets: Array<Map<string, TfValue>>): Map<string, TfValue> {
  const out = new Map<string, TfValue>();
  for (const s of sets) for (const [k, v] of s) if (!out.has(k)) out.set(k, v);
  return out;
}

function intersection(sets: Array<Map<string, TfValue>>): Map<string, TfValue> {
  const [first, ...rest] = sets;
  return new Map([...(first ?? [])].filter(([k]) => rest.every((s) => s.has(k))));
}

function difference(sets: Array<Map<string, TfValue>>): Map<string, TfValue> {
  const [first, second] = sets;
  return new Map([...(first ?? [])].filter(([k]) => !second?.has(k)));
}

/**
 * `title`: Go's `strings.Title`, which upper-cases a letter after a separator (at the start, and
 * after any ASCII character but a letter, a digit or `_`). Only ASCII text is evaluated: for other
 * characters Go's tables of separators and title case would have to be matched.
 */
function title(args: TfValue[], range: SourceRange | undefined): TfValue {
  const s = knownString(args[0] ?? NULL);
  if (s === undefined) return propagate("title", args, range);
  let out = "";
  let afterSeparator = true;
  for (const c of s) {
    if ((c.codePointAt(0) ?? 0) > 0x7f)
      return unknown("title(...)", "title is evaluated on ASCII text only", range);
    out += afterSeparator ? c.toUpperCase() : c;
    afterSeparator = !/[A-Za-z0-9_]/.test(c);
  }
  return str(out, range);
}

/**
 * `trim(str, cutset)`: every character of the cutset is removed from both ends. Over a string with
 * unknown parts it is decided, end by end, as `trimspace` is: by known text with a character kept,
 * or a symbol written without any character of the cutset.
 */
function trim(args: TfValue[], range: SourceRange | undefined): TfValue {
  const cutset = knownString(args[1] ?? NULL);
  if (cutset === undefined) return propagate("trim", args, range);
  const cut = new Set(cutset);
  const start = (s: string) => {
    const cs = [...s];
    let i = 0;
    while (i < cs.length && cut.has(cs[i] as string)) i++;
    return cs.slice(i).join("");
  };
  const end = (s: string) => {
    const cs = [...s];
    let i = cs.length;
    while (i > 0 && cut.has(cs[i - 1] as string)) i--;
    return cs.slice(0, i).join("");
  };
  const settled = (e: string | { alphabet: string }) =>
    typeof e === "string" ? [...e].some((c) => !cut.has(c)) : ![...e.alphabet].some((c) => cut.has(c));
  const first = trimText("trim", args[0] ?? NULL, "start", start, settled, range);
  return first.kind === "unknown" ? first : trimText("trim", first, "end", end, settled, range);
}

/** `strrev`: the characters in reverse order, a character being a grapheme cluster (Terraform's doc). */
function strrev(args: TfValue[], range: SourceRange | undefined): TfValue {
  const s = knownString(args[0] ?? NULL);
  if (s === undefined) return propagate("strrev", args, range);
  const clusters = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(s)];
  return str(
    clusters
      .map((c) => c.segment)
      .reverse()
      .join("")
      .normalize("NFC"),
    range,
  );
}

/** Standard Base64 with padding; Go's decoder, which Terraform uses, skips line breaks. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * `base64decode`: the bytes read as UTF-8 (a byte order mark kept). Input that is not standard
 * Base64, or bytes that are not UTF-8, are an error in Terraform.
 */
function base64decode(args: TfValue[], range: SourceRange | undefined): TfValue {
  const s = knownString(args[0] ?? NULL);
  if (s === undefined) return propagate("base64decode", args, range);
  const data = s.replace(/[\r\n]/g, "");
  if (!BASE64.test(data))
    return failure("base64decode(...)", "the argument is not standard Base64 with padding", range);
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      Buffer.from(data, "base64"),
    );
    return str(text.normalize("NFC"), range);
  } catch {
    return failure("base64decode(...)", "the decoded bytes are not valid UTF-8", range);
  }
}

/** A function of one number (`abs`, `ceil`, `floor`). */
function numeric(name: string, f: (n: number) => number): Fn {
  return (a, r) => {
    const n = num(a[0] ?? NULL);
    if (n === undefined) return propagate(name, a, r);
    return r ? { kind: "number", value: f(n), range: r } : { kind: "number", value: f(n) };
  };
}

function sum(args: TfValue[], range: SourceRange | undefined): TfValue {
  const l = args[0] ?? NULL;
  if (l.kind !== "list") return propagate("sum", args, range);
  if (l.items.length === 0) return failure("sum(...)", "sum of an empty list", range);
  let value = 0;
  for (const i of l.items) {
    if (i.kind === "null") return failure("sum(...)", "sum of a list with a null element", range);
    const n = num(i);
    if (n === undefined) return propagate("sum", args, range);
    value += n;
  }
  return range ? { kind: "number", value, range } : { kind: "number", value };
}

/**
 * `chunklist(list, size)`: lists of `size` items, the last one shorter; size 0 gives the list as
 * the only chunk. Items not known before apply are carried as they are.
 */
function chunklist(args: TfValue[], range: SourceRange | undefined): TfValue {
  const l = args[0] ?? NULL;
  const size = num(args[1] ?? NULL);
  if (l.kind !== "list" || size === undefined) return propagate("chunklist", args, range);
  if (l.items.length === 0) return list([], range);
  if (!Number.isInteger(size) || size < 0)
    return failure("chunklist(...)", "the size must be a whole number, 0 or more", range);
  if (size === 0) return list([l], range);
  const chunks: TfValue[] = [];
  for (let i = 0; i < l.items.length; i += size) chunks.push(list(l.items.slice(i, i + size), range));
  return list(chunks, range);
}

/**
 * `provider::aws::arn_build(partition, service, region, account_id, resource)`: the ARN
 * "arn:partition:service:region:account_id:resource" (AWS provider's function documentation), its
 * unknown parts kept as unknowns.
 */
function arnBuild(args: TfValue[], range: SourceRange | undefined): TfValue {
  if (args.length !== 5) return unknown("provider::aws::arn_build(...)", "it takes five arguments", range);
  const pieces: StringSegment[][] = [[{ text: "arn" }]];
  for (const a of args) {
    const segs = segmentsOf(a);
    if (!segs) return propagate("provider::aws::arn_build", [a], range);
    pieces.push([{ text: ":" }], segs);
  }
  const v: TfValue = { kind: "string", segments: concatSegments(pieces) };
  if (range) v.range = range;
  return v;
}

/** At most this many elements are made by `setproduct` (as `range` has a limit of its own). */
const MAX_PRODUCT = 10_000;

/**
 * `setproduct(a, b, ...)`: every combination, one element from each argument, the first
 * argument's element varying slowest. Each argument's elements are converted to one type, as
 * Terraform unifies them (a string among them makes numbers and bools strings).
 */
function setproduct(args: TfValue[], range: SourceRange | undefined): TfValue {
  if (args.length < 2) return failure("setproduct(...)", "at least two arguments are required", range);
  const lists: TfValue[][] = [];
  for (const a of args) {
    if (a.kind !== "list") return propagate("setproduct", args, range);
    lists.push(unifyPrimitives(a.items));
  }
  if (lists.reduce((n, l) => n * l.length, 1) > MAX_PRODUCT)
    return unknown(
      "setproduct(...)",
      `setproduct makes more than ${MAX_PRODUCT} elements; not computed`,
      range,
    );
  let out: TfValue[][] = [[]];
  for (const l of lists) out = out.flatMap((prefix) => l.map((i) => [...prefix, i]));
  return list(
    out.map((items) => list(items, range)),
    range,
  );
}

/** Items of one collection converted to one primitive type: strings when any is a string. */
function unifyPrimitives(items: TfValue[]): TfValue[] {
  if (!items.some((i) => i.kind === "string")) return items;
  return items.map((i) => (i.kind === "number" || i.kind === "bool" ? str(String(i.value), i.range) : i));
}

/** `index(list, value)`: the first index of an equal element (no conversion: 1 is not "1"). */
function indexOf(args: TfValue[], range: SourceRange | undefined): TfValue {
  const [l, v] = args;
  if (!l || !v || l.kind !== "list") return propagate("index", args, range);
  if (v.kind === "null") return failure("index(...)", "the value must not be null", range);
  for (const [i, item] of l.items.entries()) {
    const same = sameValue(item, v);
    if (same === undefined) return propagate("index", args, range);
    if (same) return { kind: "number", value: i, ...(range ? { range } : {}) };
  }
  return failure("index(...)", "item not found", range);
}

/**
 * `matchkeys(values, keys, searchset)`: the values whose key (at the same index) is in the search
 * set, keys and search set converted to one primitive type.
 */
function matchkeys(args: TfValue[], range: SourceRange | undefined): TfValue {
  const [values, keys, search] = args;
  if (values?.kind !== "list" || keys?.kind !== "list" || search?.kind !== "list")
    return propagate("matchkeys", args, range);
  if (values.items.length !== keys.items.length)
    return failure("matchkeys(...)", "length of keys and values should be equal", range);
  const all = [...keys.items, ...search.items];
  if (all.some((i) => i.kind !== "string" && i.kind !== "number" && i.kind !== "bool"))
    return all.some((i) => i.kind === "unknown") || all.some((i) => i.kind === "string")
      ? propagate("matchkeys", args, range)
      : unknown("matchkeys(...)", "matchkeys is evaluated over strings, numbers and bools", range);
  const kinds = new Set(all.map((i) => i.kind));
  if (kinds.has("number") && kinds.has("bool") && !kinds.has("string"))
    return failure("matchkeys(...)", "the keys hold numbers and bools, which Terraform cannot unify", range);
  const wanted = new Set<string>();
  for (const i of search.items) {
    const t = knownString(i);
    if (t === undefined) return propagate("matchkeys", args, range);
    wanted.add(t);
  }
  const out: TfValue[] = [];
  for (const [i, k] of keys.items.entries()) {
    const t = knownString(k);
    if (t === undefined) return propagate("matchkeys", args, range);
    if (wanted.has(t)) out.push(values.items[i] as TfValue);
  }
  return list(out, range);
}

/**
 * `transpose(map)`: a map of lists of strings turned around, each value's list naming the keys it
 * was under (keys in lexical order, as Terraform walks a map).
 */
function transpose(args: TfValue[], range: SourceRange | undefined): TfValue {
  const m = args[0] ?? NULL;
  if (m.kind !== "object" || m.unknownKeys) return propagate("transpose", args, range);
  const out = new Map<string, TfValue[]>();
  for (const k of [...m.entries.keys()].sort(byCodePoint)) {
    const l = m.entries.get(k) as TfValue;
    if (l.kind !== "list") return propagate("transpose", args, range);
    for (const v of l.items) {
      if (v.kind === "null") return failure("transpose(...)", "the lists must not hold null", range);
      const t = knownString(v);
      if (t === undefined) return propagate("transpose", args, range);
      out.set(t, [...(out.get(t) ?? []), str(k)]);
    }
  }
  const entries = new Map<string, TfValue>();
  for (const k of [...out.keys()].sort(byCodePoint)) entries.set(k, list(out.get(k) as TfValue[], range));
  return object(entries, range);
}

/**
 * `alltrue` and `anytrue` over a list of bools ("true" and "false" converted; null is false). An
 * element that settles the result decides it though another is not known before apply.
 */
function allOrAny(name: "alltrue" | "anytrue", args: TfValue[], range: SourceRange | undefined): TfValue {
  const l = args[0] ?? NULL;
  if (l.kind === "null") return failure(`${name}(...)`, "the list must not be null", range);
  if (l.kind !== "list") return propagate(name, args, range);
  const settles = name === "anytrue";
  let open = false;
  for (const i of l.items) {
    if (i.kind === "null") {
      if (!settles) return { kind: "bool", value: false, ...(range ? { range } : {}) };
      continue;
    }
    const b = i.kind === "bool" || i.kind === "string" ? truth(i) : undefined;
    if (b === undefined) {
      if (i.kind === "unknown" || (i.kind === "string" && knownString(i) === undefined)) {
        open = true;
        continue;
      }
      return failure(`${name}(...)`, "a bool is required", range);
    }
    if (b === settles) return { kind: "bool", value: settles, ...(range ? { range } : {}) };
  }
  return open ? propagate(name, args, range) : { kind: "bool", value: !settles, ...(range ? { range } : {}) };
}

/** `strcontains(s, sub)`: true as soon as a known part of `s` holds `sub`. */
function strcontains(args: TfValue[], range: SourceRange | undefined): TfValue {
  const [s, sub] = args;
  const segs = s ? segmentsOf(s) : undefined;
  const needle = knownString(sub ?? NULL);
  if (!segs || needle === undefined) return propagate("strcontains", args, range);
  const runs = runsOf(segs);
  const bool = (value: boolean): TfValue => ({ kind: "bool", value, ...(range ? { range } : {}) });
  if (runs.some((r) => typeof r === "string" && r.includes(needle))) return bool(true);
  return runs.every((r) => typeof r === "string") ? bool(false) : propagate("strcontains", args, range);
}

/**
 * `regex(pattern, s)` and `regexall(pattern, s)`: with no capture group the matched text, with
 * unnamed groups the list of their texts (null for a group that did not take part), with named
 * groups an object by name. `regex` fails when nothing matches (so `can(regex(...))` tests it);
 * over a string not known before apply it is an unknown that may fail.
 */
function regex(name: "regex" | "regexall", args: TfValue[], range: SourceRange | undefined): TfValue {
  const [p, s] = args;
  const pattern = knownString(p ?? NULL);
  if (pattern === undefined || p?.kind !== "string") return propagate(name, args, range);
  const re = compileGo(pattern);
  if ("error" in re) return failure(`${name}(...)`, re.error, range);
  const named = re.groupNames.slice(1).filter((n) => n !== "").length;
  if (named > 0 && named < re.groupNames.length - 1)
    return failure(
      `${name}(...)`,
      "invalid regexp pattern: cannot mix both named and unnamed capture groups",
      range,
    );
  const text = s?.kind === "string" ? knownString(s) : undefined;
  if (text === undefined) {
    const u = propagate(name, [s ?? NULL], range);
    return name === "regex" && u.kind === "unknown" ? { ...u, mayFail: true } : u;
  }
  const shape = (m: GoMatch): TfValue => {
    if (re.groupNames.length === 1) return str(m.groups[0] as string, range);
    const groups = m.groups.slice(1).map((g) => (g === null ? NULL : str(g, range)));
    if (named === 0) return list(groups, range);
    return object(new Map(groups.map((g, i) => [re.groupNames[i + 1] as string, g])), range);
  };
  if (name === "regex") {
    const [m] = goMatches(re, text, 1);
    return m ? shape(m) : failure("regex(...)", "pattern did not match any part of the given string", range);
  }
  return list(goMatches(re, text).map(shape), range);
}

/**
 * `provider::aws::arn_parse(arn)`: its partition, service, region, account_id and resource (the
 * AWS provider's function documentation; the AWS SDK's `arn.Parse`: "arn:" then five `:`-separated
 * sections, the last holding the rest). Over an ARN with unknown parts each section is read from
 * the known text when the `:`s are in it and no unknown part may hold one.
 */
function arnParse(args: TfValue[], range: SourceRange | undefined): TfValue {
  const name = "provider::aws::arn_parse";
  if (args.length !== 1) return failure(`${name}(...)`, "it takes one argument", range);
  const a = args[0] as TfValue;
  const segs = segmentsOf(a);
  if (!segs || a.kind === "null") return propagate(name, args, range);
  const sections: Array<Array<string | ValueSymbol>> = [[]];
  const last = () => sections[sections.length - 1] as Array<string | ValueSymbol>;
  for (const r of runsOf(segs)) {
    if (typeof r !== "string") {
      // Before the last section, a part that may hold a `:` hides where the sections end.
      const alphabet = SYMBOL_ALPHABETS[r.kind];
      if (sections.length < 6 && (alphabet === undefined || alphabet.includes(":")))
        return derivedUnknown(r, name, range);
      last().push(r);
      continue;
    }
    for (const [i, t] of r.split(":").entries()) {
      if (i > 0 && sections.length < 6) sections.push([]);
      else if (i > 0) last().push(":");
      if (t !== "") last().push(t);
    }
  }
  const prefix = sections[0] ?? [];
  const symbol = prefix.find((p): p is ValueSymbol => typeof p !== "string");
  if (symbol) return derivedUnknown(symbol, name, range);
  if (sections.length < 6 || prefix.join("") !== "arn")
    return failure(`${name}(...)`, `${shown(a)} is not an ARN`, range);
  const names = ["partition", "service", "region", "account_id", "resource"];
  return object(
    new Map(names.map((n, i) => [n, fromRuns(runsOf(toSegments(sections[i + 1] ?? [])), range)])),
    range,
  );
}

function toSegments(parts: Array<string | ValueSymbol>): StringSegment[] {
  return parts.map((p) => (typeof p === "string" ? { text: p } : { symbol: p }));
}

const FUNCTIONS: Record<string, Fn> = {
  "provider::aws::arn_build": (a, r) => arnBuild(a, r),
  "provider::aws::arn_parse": (a, r) => arnParse(a, r),
  setproduct: (a, r) => setproduct(a, r),
  index: (a, r) => indexOf(a, r),
  matchkeys: (a, r) => matchkeys(a, r),
  transpose: (a, r) => transpose(a, r),
  alltrue: (a, r) => allOrAny("alltrue", a, r),
  anytrue: (a, r) => allOrAny("anytrue", a, r),
  strcontains: (a, r) => strcontains(a, r),
  regex: (a, r) => regex("regex", a, r),
  regexall: (a, r) => regex("regexall", a, r),
  format: (a, r) => format(a, r),
  join: (a, r) => join(a, r),
  concat: (a, r) => concat(a, r),
  merge: (a, r) => merge(a, r),
  lookup: (a, r) => lookup(a, r),
  coalesce: (a, r) => coalesce(a, r),
  // The first non-empty list, in argument order: an unknown before it may be that list.
  coalescelist: (a, r) => {
    for (const l of a) {
      if (l.kind === "list" && l.items.length === 0) continue;
      if (l.kind === "null") continue;
      return l.kind === "list" ? l : propagate("coalescelist", [l], r);
    }
    return list([], r);
  },
  replace: (a, r) => replace(a, r),
  lower: (a, r) => {
    const f = (s: string) => s.toLowerCase();
    return mapText("lower", a[0] ?? NULL, f, keptByCharacterMap(f), r);
  },
  upper: (a, r) => {
    const f = (s: string) => s.toUpperCase();
    return mapText("upper", a[0] ?? NULL, f, keptByCharacterMap(f), r);
  },
  trimspace: (a, r) => {
    // Settled at each end by known text that is not all white space, or by a symbol.
    const settled = (e: string | { alphabet: string }) => typeof e !== "string" || e.trim() !== "";
    const start = trimText("trimspace", a[0] ?? NULL, "start", (s) => s.trimStart(), settled, r);
    return start.kind === "unknown"
      ? start
      : trimText("trimspace", start, "end", (s) => s.trimEnd(), settled, r);
  },
  trimprefix: (a, r) => {
    const p = knownString(a[1] ?? NULL);
    if (p === undefined) return propagate("trimprefix", a, r);
    // Settled when the known start holds the prefix or is no start of it, or is a symbol that
    // cannot begin with it.
    const settled = (e: string | { alphabet: string }) =>
      p === "" ||
      (typeof e === "string"
        ? e.length >= p.length || !p.startsWith(e)
        : !e.alphabet.includes(p[0] as string));
    const trim = (s: string) => (s.startsWith(p) ? s.slice(p.length) : s);
    return trimText("trimprefix", a[0] ?? NULL, "start", trim, settled, r);
  },
  trimsuffix: (a, r) => {
    const p = knownString(a[1] ?? NULL);
    if (p === undefined) return propagate("trimsuffix", a, r);
    const settled = (e: string | { alphabet: string }) =>
      p === "" ||
      (typeof e === "string" ? e.length >= p.length || !p.endsWith(e) : !e.alphabet.includes(p.slice(-1)));
    const trim = (s: string) => (p !== "" && s.endsWith(p) ? s.slice(0, -p.length) : s);
    return trimText("trimsuffix", a[0] ?? NULL, "end", trim, settled, r);
  },
  title: (a, r) => title(a, r),
  trim: (a, r) => trim(a, r),
  strrev: (a, r) => strrev(a, r),
  base64encode: (a, r) => {
    const s = knownString(a[0] ?? NULL);
    return s === undefined
      ? propagate("base64encode", a, r)
      : str(Buffer.from(s, "utf8").toString("base64"), r);
  },
  base64decode: (a, r) => base64decode(a, r),
  // Marking a value sensitive (or not) does not change it.
  sensitive: (a) => a[0] ?? NULL,
  nonsensitive: (a) => a[0] ?? NULL,
  tostring: (a, r) => asString(a[0] ?? NULL, r),
  tonumber: (a, r) => {
    const n = num(a[0] ?? NULL);
    return n === undefined
      ? propagate("tonumber", a, r)
      : { kind: "number", value: n, ...(r ? { range: r } : {}) };
  },
  tobool: (a) => a[0] ?? NULL,
  tolist: (a, r) => {
    const l = a[0] ?? NULL;
    return l.kind === "list" ? l : keepsItems("tolist", l, r);
  },
  toset: (a, r) => {
    const l = a[0] ?? NULL;
    if (l.kind !== "list") return keepsItems("toset", l, r);
    const d = dedupe(l.items);
    return d ? list(d, l.range ?? r) : keepsItems("toset", l, r);
  },
  tomap: (a, r) => {
    const m = a[0] ?? NULL;
    return m.kind === "object" ? m : propagate("tomap", a, r);
  },
  flatten: (a, r) => {
    const f = a[0] ? flatten(a[0], 0) : undefined;
    if (f) return list(f, r);
    return a[0]?.kind === "list" || (a[0]?.kind === "unknown" && a[0].knownItems)
      ? flattenPartial(a[0], r, 0)
      : propagate("flatten", a, r);
  },
  element: (a, r) => element(a, r),
  one: (a, r) => {
    const l = a[0] ?? NULL;
    if (l.kind !== "list") return propagate("one", a, r);
    if (l.items.length === 0) return NULL;
    return l.items.length === 1
      ? (l.items[0] as TfValue)
      : unknown("one(...)", "one() of a list with several items", r);
  },
  distinct: (a, r) => {
    const l = a[0] ?? NULL;
    const d = l.kind === "list" ? dedupe(l.items) : undefined;
    return d ? list(d, r) : keepsItems("distinct", l, r);
  },
  compact: (a, r) => {
    const l = a[0] ?? NULL;
    if (l.kind !== "list") return keepsItems("compact", l, r);
    return list(
      l.items.filter((i) => i.kind !== "null" && knownString(i) !== ""),
      r,
    );
  },
  length: (a, r) => {
    const v = a[0] ?? NULL;
    const items = itemsOf(v);
    if (items) return { kind: "number", value: items.length };
    const s = knownString(v);
    return s !== undefined ? { kind: "number", value: [...s].length } : propagate("length", a, r);
  },
  keys: (a, r) => {
    const m = a[0] ?? NULL;
    return m.kind === "object"
      ? list(
          [...m.entries.keys()].sort().map((k) => str(k)),
          r,
        )
      : propagate("keys", a, r);
  },
  values: (a, r) => {
    const m = a[0] ?? NULL;
    return m.kind === "object"
      ? list(
          [...m.entries.keys()].sort().map((k) => m.entries.get(k) as TfValue),
          r,
        )
      : propagate("values", a, r);
  },
  contains: (a, r) => {
    const [l, v] = a;
    if (l?.kind !== "list" || !v) return propagate("contains", a, r);
    let unsure = false;
    for (const i of l.items) {
      const s = sameValue(i, v);
      if (s === true) return { kind: "bool", value: true };
      if (s === undefined) unsure = true;
    }
    return unsure ? propagate("contains", a, r) : { kind: "bool", value: false };
  },
  split: (a, r) => {
    const sep = knownString(a[0] ?? NULL);
    const s = knownString(a[1] ?? NULL);
    if (sep === undefined || s === undefined) return propagate("split", a, r);
    return list(
      s.split(sep).map((x) => str(x, r)),
      r,
    );
  },
  zipmap: (a, r) => {
    const [k, v] = a;
    if (!k || !v || k.kind !== "list" || v.kind !== "list") return propagate("zipmap", a, r);
    const m = new Map<string, TfValue>();
    for (let i = 0; i < k.items.length; i++) {
      const key = knownString(k.items[i] as TfValue);
      if (key === undefined) return propagate("zipmap", a, r);
      m.set(key, v.items[i] ?? NULL);
    }
    return object(m, r);
  },
  formatlist: (a, r) => {
    const lists = a.slice(1).filter((x) => x.kind === "list") as Array<TfValue & { kind: "list" }>;
    const n = lists.length > 0 ? Math.min(...lists.map((l) => l.items.length)) : 1;
    const out: TfValue[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        format(
          [a[0] ?? NULL, ...a.slice(1).map((x) => (x.kind === "list" ? (x.items[i] as TfValue) : x))],
          r,
        ),
      );
    }
    return list(out, r);
  },
  substr: (a, r) => {
    const s = knownString(a[0] ?? NULL);
    const off = num(a[1] ?? NULL);
    const len = num(a[2] ?? NULL);
    if (s === undefined || off === undefined || len === undefined) return propagate("substr", a, r);
    const chars = [...s];
    const start = off < 0 ? chars.length + off : off;
    return str(chars.slice(start, len < 0 ? undefined : start + len).join(""), r);
  },
  startswith: (a, r) => {
    const s = knownString(a[0] ?? NULL);
    const p = knownString(a[1] ?? NULL);
    return s === undefined || p === undefined
      ? propagate("startswith", a, r)
      : { kind: "bool", value: s.startsWith(p) };
  },
  endswith: (a, r) => {
    const s = knownString(a[0] ?? NULL);
    const p = knownString(a[1] ?? NULL);
    return s === undefined || p === undefined
      ? propagate("endswith", a, r)
      : { kind: "bool", value: s.endsWith(p) };
  },
  reverse: (a, r) => {
    const l = a[0] ?? NULL;
    return l.kind === "list" ? list([...l.items].reverse(), r) : propagate("reverse", a, r);
  },
  slice: (a, r) => {
    const l = a[0] ?? NULL;
    const s = num(a[1] ?? NULL);
    const e = num(a[2] ?? NULL);
    return l.kind === "list" && s !== undefined && e !== undefined
      ? list(l.items.slice(s, e), r)
      : propagate("slice", a, r);
  },
  chunklist: (a, r) => chunklist(a, r),
  sort: (a, r) => sortStrings(a, r),
  setunion: (a, r) => setOperation("setunion", a, r, union),
  setintersection: (a, r) => setOperation("setintersection", a, r, intersection),
  setsubtract: (a, r) => setOperation("setsubtract", a, r, difference),
  range: (a, r) => {
    const ns = a.map(num);
    if (ns.some((n) => n === undefined)) return propagate("range", a, r);
    const [x, y, z] = ns as number[];
    const [start, end, step] = a.length === 1 ? [0, x ?? 0, 1] : [x ?? 0, y ?? 0, z ?? 1];
    const out: TfValue[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) {
      if (out.length > 10_000 || step === 0) return unknown("range(...)", "range too large", r);
      out.push({ kind: "number", value: i });
    }
    return list(out, r);
  },
  max: (a, r) => {
    const ns = a.map(num);
    return ns.every((n) => n !== undefined)
      ? { kind: "number", value: Math.max(...(ns as number[])) }
      : propagate("max", a, r);
  },
  min: (a, r) => {
    const ns = a.map(num);
    return ns.every((n) => n !== undefined)
      ? { kind: "number", value: Math.min(...(ns as number[])) }
      : propagate("min", a, r);
  },
  abs: numeric("abs", Math.abs),
  ceil: numeric("ceil", Math.ceil),
  floor: numeric("floor", Math.floor),
  sum: (a, r) => sum(a, r),
  jsonencode: (a, r) => {
    const v = a[0] ?? NULL;
    return r ? { kind: "json", value: v, range: r } : { kind: "json", value: v };
  },
  jsondecode: (a, r) => jsondecode(a, r),
  yamldecode: (a, r) => yamldecode(a, r),
  file: (a, r, host) => {
    const p = knownString(a[0] ?? NULL);
    return p === undefined ? propagate("file", a, r) : host.readFile(p, r);
  },
  templatestring: (a, r, host) => {
    const [t, vars] = a;
    if (a.length !== 2 || !t || !vars) return failure("templatestring(...)", "it takes two arguments", r);
    if (vars.kind === "null") return failure("templatestring(...)", "the vars argument must not be null", r);
    return t.kind === "string" && knownString(t) !== undefined && vars.kind === "object"
      ? host.renderTemplateString(t, vars, r)
      : propagate("templatestring", a, r);
  },
  templatefile: (a, r, host) => {
    const p = knownString(a[0] ?? NULL);
    return p === undefined
      ? propagate("templatefile", a, r)
      : host.renderTemplateFile(p, a[1] ?? object(new Map()), r);
  },
};

export function isKnownFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name) || LAZY_FUNCTIONS.has(name);
}

/** Calls a Terraform function; functions not modelled give an unknown that names them. */
export function callFunction(
  name: string,
  args: TfValue[],
  range: SourceRange | undefined,
  host: FunctionHost,
): TfValue {
  const f = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!f) return unknown(`${name}(...)`, `the function ${name} is not evaluated by deputyguard`, range);
  if (LIFTED.has(name)) return lifted(args, (a) => f(a, range, host), 0);
  return f(args, range, host);
}

/**
 * Functions that build a string or a list from their arguments: one of them that is one of several known
 * values (`var.strict ? "210987654321" : "*"`, an argument or an item of a list argument) makes the
 * result one of several too, each computed from one of them, instead of an unknown that a guard
 * would take for ours.
 *
 * `distinct` is not: over `concat` of known items and a variable, its options would each be named
 * after the variable, without the known items, where the whole is named after the local it is
 * computed in. Nor `chunklist`: an index into one of several lists keeps the lists, so
 * `chunklist(...)[0]` would be lists of chunks, which a guard does not read.
 */
const LIFTED = new Set([
  "abs",
  "base64decode",
  "base64encode",
  "ceil",
  "chomp",
  "element",
  "flatten",
  "floor",
  "format",
  "formatlist",
  "join",
  "lookup",
  "lower",
  "one",
  "replace",
  "reverse",
  "setintersection",
  "setsubtract",
  "setunion",
  "slice",
  "sort",
  "split",
  "strrev",
  "substr",
  "sum",
  "title",
  "tolist",
  "toset",
  "tostring",
  "trim",
  "trimprefix",
  "trimspace",
  "trimsuffix",
  "upper",
]);

/** At most this many arguments with alternatives are split in one call (as for template `%{if}`s). */
const MAX_LIFTED = 4;

function lifted(args: TfValue[], f: (args: TfValue[]) => TfValue, depth: number): TfValue {
  const plainResult = (): TfValue => f(args);
  if (depth >= MAX_LIFTED) return plainResult();
  // The first argument, or list item of an argument, that is one of several values.
  let at: { arg: number; item?: number; alternatives: Alternatives } | undefined;
  for (let i = 0; i < args.length && !at; i++) {
    const a = args[i] as TfValue;
    if ((a.kind === "unknown" || a.kind === "string") && a.alternatives)
      at = { arg: i, alternatives: a.alternatives };
    else if (a.kind === "list")
      for (let j = 0; j < a.items.length && !at; j++) {
        const item = a.items[j] as TfValue;
        if ((item.kind === "unknown" || item.kind === "string") && item.alternatives)
          at = { arg: i, item: j, alternatives: item.alternatives };
      }
  }
  if (!at) return plainResult();
  const found = at;
  const replace = (value: TfValue | undefined): TfValue[] =>
    args.map((a, i) => {
      if (i !== found.arg) return a;
      if (found.item === undefined) return value ?? withoutAlternatives(a);
      const list = a as TfValue & { kind: "list" };
      return {
        ...list,
        items: list.items.map((item, j) => (j === found.item ? (value ?? withoutAlternatives(item)) : item)),
      };
    });
  const base = lifted(replace(undefined), f, depth + 1);
  const options = found.alternatives.options.map((o) => ({
    label: o.label,
    value: lifted(replace(o.value), f, depth + 1),
  }));
  if (base.kind === "string")
    return {
      ...base,
      alternatives: { key: found.alternatives.key, label: found.alternatives.label, options },
    };
  // A list (or anything else) built from a placeholder: one of the options' results.
  const u =
    base.kind === "unknown"
      ? base
      : unknown(found.alternatives.label, "one of several values, picked before apply", base.range);
  return oneOf(u, found.alternatives.key, found.alternatives.label, options);
}

export { valueToNode };
