/**
 * `--fix` for CloudFormation templates: writes the Condition a finding's fix names into the
 * statement (JSON or YAML, in the template's own indentation, quoting and block or flow style), and
 * SourceAccount / SourceArn into an `AWS::Lambda::Permission`. Condition entries the fix keeps are
 * copied from the template as written, so intrinsics (`!Ref`, `!Sub`, `Fn::GetAtt`) stay as they were;
 * a fix that keeps every entry and only adds is inserted, and one that gives a key written as one
 * scalar another single value replaces just that value (checked to give the Condition the whole
 * rewrite gives), so the lines written (and their comments) are not touched.
 *
 * Not edited (the text is left as it is for those findings, and a note says why):
 * - policies written as a JSON string (e.g. `AWS::Logs::ResourcePolicy.PolicyDocument`): editing
 *   JSON inside a string (maybe built with `Fn::Sub` or `Fn::Join`) is not safe to do textually;
 * - permissions the SAM transform generates for a function's `Events` (SAM has no property for
 *   their SourceAccount), and trust policies of the roles it generates (the finding says to give
 *   the resource a Role or the event a RoleArn of your own);
 * - the legacy `AWS::Events::EventBusPolicy` form (Condition `{Type, Key, Value}`);
 * - values that name something the template cannot write back (an unknown `<NAME>` in the fix).
 * Every edit is checked by parsing the result again; an edit that would break the template is dropped.
 */
import { resolve } from "node:path";
import { contestedPlaces, type Finding, LineIndex } from "@deputyguard/core";
import { stringify } from "yaml";
import { readYamlTemplate } from "./read/yaml-template.js";
import {
  getEntryOf,
  getOf,
  type ObjectNode,
  parseJsonSource,
  type SourceEntry,
  type SourceNode,
  scalarText,
} from "./tree.js";

type ConditionBlock = NonNullable<NonNullable<Finding["fix"]>["condition"]>;

/** Pseudo parameters a fix value may name as `<NAME>`. */
const PSEUDO: Record<string, string> = {
  SELF: "AWS::AccountId",
  REGION: "AWS::Region",
  PARTITION: "AWS::Partition",
  URL_SUFFIX: "AWS::URLSuffix",
};
const TOKEN = /<([A-Za-z0-9_:.-]+)>/g;

class Unrenderable extends Error {}

interface Edit {
  start: number;
  end: number;
  text: string;
}

interface Style {
  json: boolean;
  unit: string;
  eol: string;
  singleQuote: boolean;
  /** YAML: `- ` items indented below their key (else at the key's column). */
  indentSeq: boolean;
}

/** A string value of a fix, as the template writes it. */
type Item =
  | { kind: "plain"; text: string }
  /** The template's own text of an equal scalar (its quoting kept). */
  | { kind: "verbatim"; text: string; value: string }
  | { kind: "ref"; name: string }
  | { kind: "sub"; text: string };

function itemOf(value: string): Item {
  const tokens = [...value.matchAll(TOKEN)];
  if (tokens.length === 0) return { kind: "plain", text: value };
  for (const t of tokens) if (!PSEUDO[t[1] as string]) throw new Unrenderable(value);
  const whole = /^<([A-Z_]+)>$/.exec(value);
  if (whole) return { kind: "ref", name: PSEUDO[whole[1] as string] as string };
  const text = value
    .replace(/\$\{/g, "${!")
    .replace(TOKEN, (_m, name: string) => `\${${PSEUDO[name] as string}}`);
  return { kind: "sub", text };
}

function yamlScalar(text: string, style: Style, flow: boolean): string {
  let out = stringify(text, { lineWidth: 0, singleQuote: style.singleQuote }).replace(/\n$/, "");
  const quoted = out.startsWith('"') || out.startsWith("'");
  if (out.includes("\n") || (flow && !quoted && /[,[\]{}#]|: /.test(out))) out = JSON.stringify(text);
  return out;
}

function renderItem(item: Item, style: Style, flow: boolean): string {
  if (item.kind === "verbatim") {
    if (!flow || /^["']/.test(item.text)) return item.text;
    return renderItem({ kind: "plain", text: item.value }, style, flow);
  }
  if (style.json) {
    if (item.kind === "plain") return JSON.stringify(item.text);
    if (item.kind === "ref") return `{"Ref": ${JSON.stringify(item.name)}}`;
    return `{"Fn::Sub": ${JSON.stringify(item.text)}}`;
  }
  if (item.kind === "plain") return yamlScalar(item.text, style, flow);
  if (item.kind === "ref") return `!Ref ${item.name}`;
  return `!Sub ${yamlScalar(item.text, style, true)}`;
}

function renderKey(key: string, style: Style, flow: boolean): string {
  return style.json ? JSON.stringify(key) : yamlScalar(key, style, flow);
}

/** An entry of the new Condition: rendered from the fix, or copied from the template. */
type NewValue = { kind: "items"; items: Item[]; list: boolean } | { kind: "raw"; text: string };

interface Ctx {
  text: string;
  lines: LineIndex;
  style: Style;
}

function offsetOf(ctx: Ctx, line: number, column: number): number {
  return ctx.lines.offset(line, column);
}

function lineIndentAt(ctx: Ctx, line: number): string {
  const start = ctx.lines.lineStart(line);
  return /^[ \t]*/.exec(ctx.text.slice(start, start + 200))?.[0] ?? "";
}

/** End offset of a node, without trailing blanks and line breaks (YAML block values end after them). */
function endOf(ctx: Ctx, node: SourceNode): number | undefined {
  const r = node.range;
  if (!r) return undefined;
  let end = offsetOf(ctx, r.end.line, r.end.column);
  while (end > 0 && /[ \t\r\n]/.test(ctx.text[end - 1] as string)) end--;
  return end;
}

function startOfEntry(ctx: Ctx, e: SourceEntry): number | undefined {
  return e.keyRange ? offsetOf(ctx, e.keyRange.start.line, e.keyRange.start.column) : undefined;
}

/** Text from the entry's key to the end of its value, its later lines moved to a new indentation. */
function entrySlice(ctx: Ctx, e: SourceEntry, indent: string): string | undefined {
  const start = startOfEntry(ctx, e);
  const end = endOf(ctx, e.value);
  if (start === undefined || end === undefined || end < start || !e.keyRange) return undefined;
  const slice = ctx.text.slice(start, end);
  const from = e.keyRange.start.column - 1;
  const delta = indent.length - from;
  if (delta === 0 || !slice.includes("\n")) return slice;
  return slice.replace(/(\r?\n)([ \t]*)/g, (_m, nl: string, ws: string) => {
    const n = ws.length + delta;
    return nl + (n > 0 ? " ".repeat(n) : "");
  });
}

function isIntrinsic(node: SourceNode): boolean {
  return (
    node.kind === "object" &&
    node.entries.length === 1 &&
    /^(Ref|Condition|Fn::)/.test(node.entries[0]?.key ?? "")
  );
}

/** True when the template's value is what the fix keeps (intrinsics show as `<NAME>` in the fix). */
function sameValue(source: SourceNode, values: readonly string[]): boolean {
  const items = source.kind === "array" ? source.items : [source];
  if (items.length !== values.length) return false;
  return items.every((s, i) => {
    const v = values[i] as string;
    if (s.kind === "scalar") return s.value !== null && String(s.value) === v;
    if (s.kind === "value" || isIntrinsic(s)) return v.includes("<");
    return false;
  });
}

interface NewOp {
  op: string;
  keys: Array<{ key: string; value: NewValue; source?: SourceEntry }>;
}

/** The template's text of a scalar with this value under the same key of another operator (`StringLike` → `ArnLike`). */
function writtenAs(ctx: Ctx, current: SourceNode | undefined, key: string, value: string): Item | undefined {
  if (current?.kind !== "object") return undefined;
  for (const op of current.entries) {
    const v = op.value.kind === "object" ? getOf(op.value, key) : undefined;
    if (v?.kind !== "scalar" || v.value === null || String(v.value) !== value || !v.range) continue;
    const start = offsetOf(ctx, v.range.start.line, v.range.start.column);
    const end = endOf(ctx, v);
    if (end === undefined || end <= start) continue;
    const text = ctx.text.slice(start, end);
    if (!/[\r\n]/.test(text) && !text.startsWith("&") && !text.startsWith("*"))
      return { kind: "verbatim", text, value };
  }
  return undefined;
}

/** Entries of a fix's Condition it copies from the statement as they are (see `Fix.unchanged`). */
type Unchanged = ReadonlyArray<{ operator: string; key: string }>;

function plan(
  ctx: Ctx,
  block: ConditionBlock,
  current: SourceNode | undefined,
  unchanged: Unchanged,
): NewOp[] {
  const ops: NewOp[] = [];
  for (const [op, keys] of Object.entries(block)) {
    const srcOp = current?.kind === "object" ? getOf(current, op) : undefined;
    const out: NewOp = { op, keys: [] };
    for (const [key, raw] of Object.entries(keys)) {
      const values = Array.isArray(raw) ? raw : [raw];
      const src = srcOp?.kind === "object" ? getEntryOf(srcOp, key) : undefined;
      // An entry the fix keeps is copied as written, even where its value resolved to text (a
      // parameter's Default) that no longer shows it came from an intrinsic.
      const kept = unchanged.some((u) => u.operator === op && u.key === key);
      if (src && (kept || sameValue(src.value, values))) {
        out.keys.push({ key, value: { kind: "raw", text: "" }, source: src });
      } else {
        const items = values.map((v) => writtenAs(ctx, current, key, v) ?? itemOf(v));
        out.keys.push({ key, value: { kind: "items", items, list: Array.isArray(raw) } });
      }
    }
    ops.push(out);
  }
  return ops;
}

type NewKey = NewOp["keys"][number];

/** A new key's value, for the key written at `at` (the separator after the key follows from it). */
function renderValue(ctx: Ctx, k: NewKey, at: string, flow: boolean): string {
  const { style } = ctx;
  const u = style.unit;
  const v = k.value as Extract<NewValue, { kind: "items" }>;
  const items = v.items.map((i) => renderItem(i, style, flow));
  if (!v.list) return items[0] as string;
  if (flow) return `[${items.join(", ")}]`;
  if (style.json) return `[\n${items.map((i) => `${at}${u}${i}`).join(`,\n`)}\n${at}]`;
  const seq = style.indentSeq ? `${at}${u}` : at;
  return `\n${items.map((i) => `${seq}- ${i}`).join("\n")}`;
}

/** One key and its value: copied from the template when the fix keeps it, else rendered. */
function renderKeyValue(ctx: Ctx, k: NewKey, at: string, flow: boolean): string {
  if (k.source) {
    const slice = entrySlice(ctx, k.source, at);
    if (slice === undefined) throw new Unrenderable(k.key);
    return slice;
  }
  const value = renderValue(ctx, k, at, flow);
  return `${renderKey(k.key, ctx.style, flow)}${value.startsWith("\n") ? ":" : ": "}${value}`;
}

/** An operator's object of keys, as the value of a key written at `indent` (or inline). */
function renderKeys(ctx: Ctx, keys: NewKey[], indent: string, flow: boolean, pad?: string): string {
  const { style } = ctx;
  const at = indent + style.unit;
  if (flow) {
    const sep = pad ?? (style.json ? "" : " ");
    return `{${sep}${keys.map((k) => renderKeyValue(ctx, k, "", true)).join(", ")}${sep}}`;
  }
  if (style.json)
    return `{\n${keys.map((k) => `${at}${renderKeyValue(ctx, k, at, false)}`).join(",\n")}\n${indent}}`;
  return keys.map((k) => `\n${at}${renderKeyValue(ctx, k, at, false)}`).join("");
}

/** The Condition value, for a key written at `indent` (block style) or inline (flow / one-line JSON). */
function renderCondition(ctx: Ctx, ops: NewOp[], indent: string, flow: boolean): string {
  const { style } = ctx;
  const u = style.unit;
  const key = (k: string) => renderKey(k, style, flow);
  const kv = (k: NewKey, at: string): string => renderKeyValue(ctx, k, at, flow);
  if (flow) {
    const sep = style.json ? "" : " ";
    const body = ops
      .map((o) => `${key(o.op)}: {${sep}${o.keys.map((k) => kv(k, "")).join(", ")}${sep}}`)
      .join(", ");
    return `{${sep}${body}${sep}}`;
  }
  const i1 = indent + u;
  const i2 = i1 + u;
  if (style.json) {
    const body = ops
      .map((o) => `${i1}${key(o.op)}: {\n${o.keys.map((k) => `${i2}${kv(k, i2)}`).join(",\n")}\n${i1}}`)
      .join(",\n");
    return `{\n${body}\n${indent}}`;
  }
  return ops.map((o) => `\n${i1}${key(o.op)}:${o.keys.map((k) => `\n${i2}${kv(k, i2)}`).join("")}`).join("");
}

function isFlow(ctx: Ctx, node: SourceNode): boolean {
  if (ctx.style.json || !node.range) return false;
  const c = ctx.text[offsetOf(ctx, node.range.start.line, node.range.start.column)];
  return c === "{" || c === "[";
}

function oneLine(node: SourceNode): boolean {
  return !!node.range && node.range.start.line === node.range.end.line;
}

/** The indentation of the object's keys (JSON: the line's; YAML block: the first key's column). */
function keyIndent(ctx: Ctx, obj: ObjectNode): string {
  const first = obj.entries[0]?.keyRange ?? obj.range;
  if (!first) return "";
  if (ctx.style.json) return lineIndentAt(ctx, first.start.line);
  return " ".repeat(first.start.column - 1);
}

/** Sets `key` of an object to a value rendered for the key's indentation (or flow), replacing or adding it. */
function setEntry(
  ctx: Ctx,
  obj: ObjectNode,
  key: string,
  render: (indent: string, flow: boolean) => string,
  flowValue?: (current: SourceNode) => boolean,
): Edit | undefined {
  const flowObj = isFlow(ctx, obj) || (ctx.style.json && oneLine(obj));
  const indent = flowObj ? "" : keyIndent(ctx, obj);
  const existing = getEntryOf(obj, key);
  const { style } = ctx;
  const eol = (t: string) => t.replace(/\r?\n/g, style.eol);
  const kText = (e?: SourceEntry) => {
    if (e?.keyRange) {
      const s = offsetOf(ctx, e.keyRange.start.line, e.keyRange.start.column);
      const en = offsetOf(ctx, e.keyRange.end.line, e.keyRange.end.column);
      if (en > s) return ctx.text.slice(s, en);
    }
    return renderKey(key, style, flowObj);
  };
  if (existing) {
    const start = startOfEntry(ctx, existing);
    const end = endOf(ctx, existing.value);
    if (start === undefined || end === undefined) return undefined;
    const flow = flowObj || (flowValue?.(existing.value) ?? false);
    const value = render(flowObj ? "" : indent, flow);
    const sep = value.startsWith("\n") ? ":" : ": ";
    return { start, end, text: eol(`${kText(existing)}${sep}${value}`) };
  }
  const last = obj.entries[obj.entries.length - 1];
  if (!last || !obj.range) return undefined;
  let at = endOf(ctx, last.value);
  if (at === undefined) return undefined;
  const value = render(indent, flowObj);
  const sep = value.startsWith("\n") ? ":" : ": ";
  // A YAML key is written in the quotes its neighbours are written in (`{"sns:Protocol": …}`).
  const lastKey = kText(last);
  const keyText = (!style.json && quotedAs(lastKey[0], key)) || renderKey(key, style, flowObj);
  const entry = `${keyText}${sep}${value}`;
  if (flowObj) return { start: at, end: at, text: eol(`, ${entry}`) };
  if (style.json) return { start: at, end: at, text: eol(`,\n${indent}${entry}`) };
  // YAML block: after the rest of the last value's line (a trailing comment stays where it is).
  while (at < ctx.text.length && ctx.text[at] !== "\n" && ctx.text[at] !== "\r") at++;
  return { start: at, end: at, text: eol(`\n${indent}${entry}`) };
}

function conditionEdit(
  ctx: Ctx,
  statement: ObjectNode,
  block: ConditionBlock,
  unchanged: Unchanged,
  file: string,
): Edit | Edit[] | undefined {
  const current = getOf(statement, "Condition");
  const ops = plan(ctx, block, current, unchanged);
  const entry = getEntryOf(statement, "Condition");
  const whole = () =>
    setEntry(
      ctx,
      statement,
      "Condition",
      (indent, flow) => renderCondition(ctx, ops, indent, flow),
      (cur) => isFlow(ctx, cur),
    );
  const added = additions(ctx, current, ops, entry ? startOfEntry(ctx, entry) : undefined);
  if (!added) return whole();
  // Insertions only: nothing written is changed. Values replaced in place must give the Condition
  // the whole rewrite gives (key order aside); else the Condition is written anew.
  if (added.every((e) => e.end === e.start)) return added;
  const rewrite = whole();
  if (!rewrite) return undefined;
  const a = conditionAfter(ctx, entry, added, file);
  const b = conditionAfter(ctx, entry, [rewrite], file);
  if (!a || !b || plainOf(a) !== plainOf(b)) return rewrite;
  return added;
}

/**
 * The Condition as `edits` (all within its entry) would leave it: only the entry's text is parsed
 * again, so that checking each statement's fix costs its Condition's size, not the template's.
 */
function conditionAfter(
  ctx: Ctx,
  entry: SourceEntry | undefined,
  edits: Edit[],
  file: string,
): SourceNode | undefined {
  const start = entry ? startOfEntry(ctx, entry) : undefined;
  const end = entry ? endOf(ctx, entry.value) : undefined;
  if (start === undefined || end === undefined) return undefined;
  let fragment = ctx.text.slice(start, end);
  for (const e of [...edits].sort((x, y) => y.start - x.start)) {
    if (e.start < start || e.end > end) return undefined;
    fragment = fragment.slice(0, e.start - start) + e.text + fragment.slice(e.end - start);
  }
  // The entry alone: `"Condition": {...}` in braces for JSON, `Condition: ...` as a YAML mapping.
  const node = parse(ctx.style.json ? `{${fragment}}` : fragment, file, ctx.style.json);
  return getOf(node, "Condition");
}

/** A template value as text, positions left out and keys sorted: equal texts, equal values. */
function plainOf(node: SourceNode | undefined, depth = 0): string {
  if (!node || depth > 64) return "?";
  if (node.kind === "scalar") return JSON.stringify(node.value === null ? null : String(node.value));
  if (node.kind === "array") return `[${node.items.map((i) => plainOf(i, depth + 1)).join(",")}]`;
  if (node.kind === "object") {
    const entries = node.entries.map((e) => `${JSON.stringify(e.key)}:${plainOf(e.value, depth + 1)}`);
    return `{${entries.sort().join(",")}}`;
  }
  return JSON.stringify(node);
}

/**
 * When the fix keeps every operator and key the Condition has, and only adds others or gives a key
 * written with one value on one line another single value, the edits that insert just those and
 * replace just those values: the lines written stay as they are, comments included. Undefined
 * otherwise (the whole Condition is written anew).
 */
function additions(
  ctx: Ctx,
  current: SourceNode | undefined,
  ops: NewOp[],
  keyStart: number | undefined,
): Edit[] | undefined {
  if (current?.kind !== "object" || current.entries.length === 0 || keyStart === undefined) return undefined;
  // A YAML anchor or alias in or around the Condition: its text may be shared with other statements
  // (an insertion would reach through the alias into them); the Condition is written anew instead.
  if (!ctx.style.json && sharesYaml(ctx, current, keyStart)) return undefined;
  const edits: Edit[] = [];
  const replaced = new Set<NewKey>();
  for (const e of current.entries) {
    const op = ops.find((o) => o.op === e.key);
    if (!op || e.value.kind !== "object" || e.value.entries.length === 0) return undefined;
    const flow = isFlow(ctx, e.value) || (ctx.style.json && oneLine(e.value));
    for (const k of e.value.entries) {
      if (op.keys.some((x) => x.source === k)) continue;
      const x = op.keys.find((y) => y.key === k.key && !y.source);
      const edit = x && valueEdit(ctx, k, x, flow);
      if (!x || !edit) return undefined;
      replaced.add(x);
      edits.push(edit);
    }
  }
  for (const o of ops) {
    const fresh = o.keys.filter((k) => !k.source && !replaced.has(k));
    if (fresh.length === 0) continue;
    const written = getOf(current, o.op);
    if (written === undefined) {
      // Inline, spaced inside its braces as the Condition is (`{ "a": 1 }` or `{a: 1}`).
      const start = current.range ? offsetOf(ctx, current.range.start.line, current.range.start.column) : -1;
      const pad =
        start >= 0 && ctx.text[start] === "{" ? (ctx.text[start + 1] === " " ? " " : "") : undefined;
      const e = setEntry(ctx, current, o.op, (indent, flow) => renderKeys(ctx, fresh, indent, flow, pad));
      if (!e) return undefined;
      edits.push(e);
      continue;
    }
    if (written.kind !== "object") return undefined;
    for (const k of fresh) {
      const e = setEntry(ctx, written, k.key, (indent, flow) => renderValue(ctx, k, indent, flow));
      if (!e) return undefined;
      edits.push(e);
    }
  }
  if (edits.length === 0) return undefined;
  // Insertions at one place, in the fix's order (applyEdits would put later ones first).
  const merged: Edit[] = [];
  for (const e of edits) {
    const same = merged.find((m) => m.start === e.start && m.end === e.end && m.start === m.end);
    if (same && e.start === e.end) same.text += e.text;
    else merged.push({ ...e });
  }
  return merged;
}

/**
 * The edit that gives an entry written as one scalar on one line (`aws:SourceArn: arn:...`) the
 * fix's single value, in place: the key, the entry's comments and its neighbours stay as written.
 */
function valueEdit(ctx: Ctx, entry: SourceEntry, k: NewKey, flow: boolean): Edit | undefined {
  const v = k.value;
  if (v.kind !== "items" || v.list || v.items.length !== 1) return undefined;
  const node = entry.value;
  if ((node.kind !== "scalar" && node.kind !== "value") || !node.range || !oneLine(node)) return undefined;
  const start = offsetOf(ctx, node.range.start.line, node.range.start.column);
  const end = endOf(ctx, node);
  if (end === undefined || end <= start) return undefined;
  // A YAML value written in quotes stays in the same quotes.
  const item = v.items[0];
  const quoted = !ctx.style.json && item?.kind === "plain" ? quotedAs(ctx.text[start], item.text) : undefined;
  return { start, end, text: quoted ?? renderValue(ctx, k, "", flow) };
}

/** `text` as a YAML scalar in the quotes `quote` opens (`"` or `'`); undefined for any other. */
function quotedAs(quote: string | undefined, text: string): string | undefined {
  if (quote === '"') return JSON.stringify(text);
  if (quote === "'") return `'${text.replaceAll("'", "''")}'`;
  return undefined;
}

/**
 * Whether the text from the Condition key to the end of its value holds a YAML anchor (`&a`) or
 * alias (`*a`), or the value's entries lie outside it (an alias's).
 */
function sharesYaml(ctx: Ctx, node: ObjectNode, keyStart: number): boolean {
  const r = node.range;
  if (!r) return true;
  const start = offsetOf(ctx, r.start.line, r.start.column);
  const end = endOf(ctx, node);
  if (end === undefined) return true;
  for (const e of node.entries) {
    const k = startOfEntry(ctx, e);
    if (k === undefined || k < start || k > end) return true;
  }
  // `&` and `*` start an anchor or alias only where a token starts: not inside a plain scalar such
  // as `arn:aws:events:*:*:rule/*` (a `:` or `-` indicator needs a space after it). A quoted flow
  // key may be followed by `:` and the value at once (`{"a":*b}`).
  return /(^|[\s[{,]|["']:)[&*][^\s,[\]{}]/.test(ctx.text.slice(Math.min(keyStart, start), end));
}

function scalarEdit(ctx: Ctx, props: ObjectNode, key: string, value: string): Edit | undefined {
  const item = itemOf(value);
  return setEntry(ctx, props, key, (_indent, flow) => renderItem(item, ctx.style, flow));
}

function detectStyle(text: string, json: boolean, root: ObjectNode): Style {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const resources = getOf(root, "Resources");
  let unit = "  ";
  if (resources?.kind === "object") {
    const first = resources.entries[0]?.keyRange;
    const outer = getEntryOf(root, "Resources")?.keyRange;
    if (first && outer) {
      const lineIndent = (line: number) =>
        /^[ \t]*/.exec(text.split(/\r?\n/, line)[line - 1] ?? "")?.[0] ?? "";
      const step = json
        ? lineIndent(first.start.line).length - lineIndent(outer.start.line).length
        : first.start.column - outer.start.column;
      if (step > 0 && step <= 8)
        unit = (lineIndent(first.start.line).startsWith("\t") ? "\t" : " ").repeat(step);
      if (unit.startsWith("\t")) unit = "\t";
    }
  }
  const singles = (text.match(/:[ \t]+'/g) ?? []).length;
  const doubles = (text.match(/:[ \t]+"/g) ?? []).length;
  // Sequences at the key's column (`Key:\n- a`) or indented below it.
  let flush = 0;
  let indented = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^( *)[^\s#-].*:[ \t]*$/.exec(lines[i] as string);
    const n = /^( *)- /.exec(lines[i + 1] as string);
    if (!m || !n) continue;
    if ((n[1] as string).length === (m[1] as string).length) flush++;
    else if ((n[1] as string).length > (m[1] as string).length) indented++;
  }
  return { json, unit, eol, singleQuote: singles > doubles, indentSeq: indented >= flush };
}

function parse(text: string, file: string, json: boolean): SourceNode | undefined {
  if (json) return parseJsonSource(text, file).node;
  const r = readYamlTemplate(text, file);
  return r.diagnostics.some((d) => d.severity === "error") ? undefined : r.node;
}

function firstChar(text: string): string {
  return /^\uFEFF?\s*(\S)/.exec(text)?.[1] ?? "";
}

/** Statement objects (with Effect) by where they begin, `line:column`. */
function statementIndex(node: SourceNode, out: Map<string, ObjectNode>, depth = 0): void {
  if (depth > 200) return;
  if (node.kind === "object") {
    if (node.range && getEntryOf(node, "Effect"))
      out.set(`${node.range.start.line}:${node.range.start.column}`, node);
    for (const e of node.entries) statementIndex(e.value, out, depth + 1);
  } else if (node.kind === "array") {
    for (const i of node.items) statementIndex(i, out, depth + 1);
  }
}

/**
 * Applies the fixes of findings (`fix.condition`, `fix.permission`) to a CloudFormation template
 * (JSON or YAML). Returns the new text, or undefined when no fix applies. Findings the function
 * cannot fix in place (policies in JSON strings, SAM event permissions) are left as they are.
 */
export function applyCloudFormationFixes(
  text: string,
  file: string,
  findings: readonly Finding[],
  notes: string[] = [],
): string | undefined {
  const plan = planFixes(text, file, findings, notes);
  if (!plan) return undefined;
  const { json, groups } = plan;
  const edits: Edit[] = [];
  // All the edits, parsed once. Only when that fails is each statement's edit tried on its own, and
  // one that would not parse dropped (a parse per statement would make a large template's fix
  // quadratic: 800 statements took a minute).
  let out = applyEdits(text, groups.flat());
  if (parse(out, file, json) === undefined) {
    for (const group of groups)
      if (parse(applyEdits(text, group), file, json) !== undefined) edits.push(...group);
    if (edits.length === 0) return undefined;
    out = applyEdits(text, edits);
    if (parse(out, file, json) === undefined) return undefined;
  }
  return out === text ? undefined : out;
}

/**
 * Each finding's fix on its own: the template with only that finding's edits, for findings that
 * have one (what `--format json` and SARIF show beside each finding). The template is read once for
 * all of them, and the texts are parsed again one by one only when all the edits together do not
 * parse (one fixer run per finding made a 280 KB CDK template's JSON report 6 times slower).
 */
export function cloudFormationFixPerFinding(
  text: string,
  file: string,
  findings: readonly Finding[],
): Map<Finding, string> {
  const out = new Map<Finding, string>();
  const plan = planFixes(text, file, findings, []);
  if (!plan) return out;
  const together = parse(applyEdits(text, plan.groups.flat()), file, plan.json) !== undefined;
  for (const f of findings) {
    const group = plan.groupOf(f);
    if (!group) continue;
    if (group === "other") {
      // Its own fix, worked out alone (rare: two rules with different fixes on one statement).
      const alone = applyCloudFormationFixes(text, file, [f]);
      if (alone !== undefined) out.set(f, alone);
      continue;
    }
    const after = applyEdits(text, group);
    if (after === text || (!together && parse(after, file, plan.json) === undefined)) continue;
    out.set(f, after);
  }
  return out;
}

interface FixPlan {
  json: boolean;
  /** Each statement's or permission's edits, kept or dropped together. */
  groups: Edit[][];
  /**
   * The edits that fix a finding (shared by the findings of one statement); "other" when they are
   * another finding's fix of the same statement (CD102 written, CD105 asked).
   */
  groupOf(f: Finding): Edit[] | "other" | undefined;
}

function planFixes(
  text: string,
  file: string,
  findings: readonly Finding[],
  notes: string[],
): FixPlan | undefined {
  let json = firstChar(text) === "{";
  let root = parse(text, file, json);
  if (!root && json) {
    // JSON with YAML features (comments, trailing commas) is read as YAML, like the scanner does.
    json = false;
    root = parse(text, file, false);
  }
  if (root?.kind !== "object") return undefined;
  const ctx: Ctx = { text, lines: new LineIndex(text), style: detectStyle(text, json, root) };
  const statements = new Map<string, ObjectNode>();
  statementIndex(root, statements);
  const resources = getOf(root, "Resources");

  const groups: Edit[][] = [];
  const groupAt = new Map<string, Edit[]>();
  const keyOf = new Map<Finding, string>();
  const ownerAt = new Map<string, Finding>();
  const done = new Set<string>();
  // The variants of one statement (a principal picked by Fn::If or a parameter) may need different
  // fixes (another service's aws:SourceArn), and one edit serves them all; different rules' fixes
  // in one variant (CD102 and CD105 on one statement) are no such conflict: the first is written.
  const contested = contestedPlaces(
    findings,
    (f) => {
      if (f.file && f.file !== file && resolve(f.file) !== resolve(file)) return undefined;
      // A permission's variants too (a Principal from a parameter or Fn::If): each may need another SourceArn.
      return f.fix?.condition && f.statement
        ? `${f.line}:${f.column}`
        : f.fix?.permission && f.resource
          ? `permission:${f.resource}`
          : undefined;
    },
    (f) => f.variant ?? "",
  );
  for (const f of findings) {
    if (f.suppressed || !f.fix) continue;
    // Findings of a nested stack's template belong to that file.
    if (f.file && f.file !== file && resolve(f.file) !== resolve(file)) continue;
    let edit: Edit | Edit[] | undefined;
    let at: string | undefined;
    try {
      if (f.fix.condition && f.statement) {
        // Found by position, so a statement inside a JSON string (Logs ResourcePolicy) is never
        // matched: it is skipped on purpose (see the module comment).
        const key = `${f.line}:${f.column}`;
        const st = statements.get(key);
        if (!st) {
          // Said once per place, so that `--fix` does not leave such a finding without a word.
          if (!done.has(key)) {
            done.add(key);
            const res = getOf(resources, f.resource ?? "");
            const legacy =
              scalarText(getOf(res, "Type")) === "AWS::Events::EventBusPolicy" &&
              getOf(getOf(res, "Properties"), "Statement") === undefined;
            const where = `${file}:${f.line}:${f.column}: not edited:`;
            notes.push(
              res === undefined
                ? `${where} ${f.resource} is generated (by SAM or Fn::ForEach), not written in Resources; set the fix where it is generated`
                : legacy
                  ? `${where} ${f.resource} uses the legacy EventBusPolicy form (Principal, Action and a Condition of Type, Key and Value), which takes no such Condition; write it with Statement and the fix text shown with the finding`
                  : `${where} the statement is inside a JSON string (${f.resource}), which is not edited as text; apply the fix text shown with the finding by hand`,
            );
          }
          continue;
        }
        keyOf.set(f, key);
        if (done.has(key)) continue;
        done.add(key);
        at = key;
        // A fix is worked out for one branch of an Fn::If: written over the intrinsic, it would drop
        // the other branch.
        const cond = getOf(st, "Condition");
        if (cond && hasIntrinsicIf(cond, 0)) {
          notes.push(
            `${file}:${f.line}:${f.column}: not edited: the statement's Condition holds Fn::If, and the fix is for one branch only; edit each branch by hand`,
          );
          continue;
        }
        if (contested(key)) {
          const variants = findings
            .filter((g) => `${g.line}:${g.column}` === key && g.fix?.condition && g.variant)
            .map((g) => g.variant);
          notes.push(
            `${file}:${f.line}:${f.column}: not edited: the statement needs a different fix in each variant (${[...new Set(variants)].join("; ")}), and one edit would give every variant the same; edit each branch by hand`,
          );
          continue;
        }
        edit = conditionEdit(ctx, st, f.fix.condition, f.fix.unchanged ?? [], file);
      } else if (f.fix.permission && f.resource) {
        const res = getOf(resources, f.resource);
        // SAM event permissions and Fn::ForEach copies have a logical id that is not in Resources.
        if (scalarText(getOf(res, "Type")) !== "AWS::Lambda::Permission") {
          notes.push(
            `${file}:${f.line}:${f.column}: not edited: ${f.resource} is generated (by SAM or Fn::ForEach), not written in Resources; set the fix where it is generated`,
          );
          continue;
        }
        const props = getOf(res, "Properties");
        const key = `permission:${f.resource}`;
        keyOf.set(f, key);
        if (props?.kind !== "object" || done.has(key)) continue;
        done.add(key);
        at = key;
        if (contested(key)) {
          const variants = findings
            .filter((g) => g.resource === f.resource && g.fix?.permission && g.variant)
            .map((g) => g.variant);
          notes.push(
            `${file}:${f.line}:${f.column}: not edited: the permission needs a different fix in each variant (${[...new Set(variants)].join("; ")}), and one edit would give every variant the same; edit each branch by hand`,
          );
          continue;
        }
        if (["SourceAccount", "SourceArn"].some((k) => hasIntrinsicIf(getOf(props, k), 0))) {
          notes.push(
            `${file}:${f.line}:${f.column}: not edited: the permission's SourceAccount or SourceArn holds Fn::If, and the fix is for one branch only; edit each branch by hand`,
          );
          continue;
        }
        const list: Edit[] = [];
        const a =
          f.fix.permission.sourceAccount === undefined
            ? undefined
            : scalarEdit(ctx, props, "SourceAccount", f.fix.permission.sourceAccount);
        if (a) list.push(a);
        if (f.fix.permission.sourceArn !== undefined) {
          const b = scalarEdit(ctx, props, "SourceArn", f.fix.permission.sourceArn);
          // Both added after the same last entry: one insertion, in order.
          if (b && a && b.start === a.start && b.end === a.end && a.start === a.end) a.text += b.text;
          else if (b) list.push(b);
        }
        edit = list;
      }
    } catch (e) {
      if (e instanceof Unrenderable) continue;
      throw e;
    }
    const list = edit === undefined ? [] : Array.isArray(edit) ? edit : [edit];
    const group = list.filter((x) => x.text !== text.slice(x.start, x.end));
    if (group.length > 0) {
      groups.push(group);
      if (at !== undefined) {
        groupAt.set(at, group);
        ownerAt.set(at, f);
      }
    }
  }
  if (groups.length === 0) return undefined;
  return {
    json,
    groups,
    groupOf: (f) => {
      const key = keyOf.get(f);
      const group = key === undefined ? undefined : groupAt.get(key);
      const owner = key === undefined ? undefined : ownerAt.get(key);
      const fixOf = (g: Finding) => JSON.stringify(g.fix?.condition ?? g.fix?.permission);
      return group && owner && owner !== f && fixOf(owner) !== fixOf(f) ? "other" : group;
    },
  };
}

/** Whether a template value holds `Fn::If` (`!If`) anywhere. */
function hasIntrinsicIf(node: SourceNode | undefined, depth: number): boolean {
  if (!node || depth > 64) return false;
  if (node.kind === "array") return node.items.some((i) => hasIntrinsicIf(i, depth + 1));
  if (node.kind !== "object") return false;
  return node.entries.some((e) => e.key === "Fn::If" || hasIntrinsicIf(e.value, depth + 1));
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Number.POSITIVE_INFINITY;
  for (const e of sorted) {
    if (e.end > limit) continue; // overlapping: the later one wins, this one is dropped
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}
