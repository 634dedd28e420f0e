import { dirname, join, resolve } from "node:path";
import {
  applyPolicyJsonFixes,
  type ConditionBlock,
  contestedPlaces,
  type Finding,
  SERVICES,
} from "@deputyguard/core";
import { readdir, readFile } from "./fs-async.js";
import { LineMap } from "./hcl/line-map.js";
import { HclParser } from "./hcl/parser.js";
import type { Block, Body, Expr, ObjectExpr, TemplateExpr } from "./hcl/syntax.js";
import { alignTouched } from "./hcl-align.js";
import { FUNCTION_PERMISSION_TYPES } from "./knowledge/policy-attributes.js";
import { validateHcl } from "./load/hcl2json.js";

/**
 * `--fix` for Terraform: applies the structured fixes of findings (`fix.condition`, `fix.permission`)
 * to `.tf` / `.tofu` files, in HCL native syntax, in each file's own indentation:
 * - `jsonencode({...})` statement objects (and any HCL object a statement comes from, e.g. a module
 *   argument): the `Condition` item is replaced or added; a fix that keeps every operator and key
 *   it has and only adds others inserts them, so the lines written and their comments stay;
 * - heredoc JSON (`<<EOT` / `<<-EOT`): the statement's `"Condition"` is replaced or added, as
 *   `applyPolicyJsonFixes` does for policy JSON files;
 * - `statement` blocks of `data "aws_iam_policy_document"`: `condition` blocks on source keys are
 *   replaced by one block per (test, variable) of the fix that is a source key; other condition blocks
 *   stay as they are;
 * - `aws_lambda_permission`: `source_account` (and `source_arn` when the fix gives one) are set.
 *
 * `<SELF>`, `<REGION>`, `<PARTITION>` and `<URL_SUFFIX>` in a fix value become references to the
 * module's `aws_caller_identity`, `aws_region` and `aws_partition` data sources when it declares
 * them; otherwise the literal text stays and a note says so. Every edited file is parsed again (by
 * this package's parser and by hcl2json, i.e. Terraform's own HCL parser); an edit that breaks it is
 * dropped, with a note.
 */

/**
 * The condition keys a guard uses (`variable` of a `condition` block, case-insensitive): the source
 * keys, and the keys some service binds instead (a KMS key's `kms:EncryptionContext:aws:cloudtrail:arn`,
 * which a fix for a key statement writes).
 */
const SOURCE_KEYS = new Set([
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:sourceowner",
  ...SERVICES.flatMap((k) => k.alternativeGuardKeys.map((g) => g.key.toLowerCase())),
]);

export interface TerraformFixResult {
  /** File → new text, for the files that changed. */
  files: Map<string, string>;
  /** What could not be applied, or was applied with a placeholder left in. */
  notes: string[];
}

interface Edit {
  start: number;
  end: number;
  text: string;
  /** For notes. */
  what: string;
}

/** The symbols a fix value may hold as `<NAME>`. */
type SymbolName = "SELF" | "REGION" | "PARTITION" | "URL_SUFFIX";

/** References for the symbols a fix value may hold, from the module's data sources. */
interface SymbolRefs {
  SELF?: string;
  REGION?: string;
  PARTITION?: string;
  URL_SUFFIX?: string;
  /** A configuration file of the module could not be read: it may declare a data source. */
  unread?: boolean;
}

const TOKEN = /<(SELF|REGION|PARTITION|URL_SUFFIX)>/g;

/** Applies the fixes of `findings` to Terraform files; returns the new text of each changed file. */
export async function applyTerraformFixes(
  files: ReadonlyMap<string, string>,
  findings: readonly Finding[],
): Promise<Map<string, string>> {
  return (await applyTerraformFixesWithNotes(files, findings)).files;
}

/** As `applyTerraformFixes`, and says what it left out or left with a placeholder. */
export async function applyTerraformFixesWithNotes(
  files: ReadonlyMap<string, string>,
  findings: readonly Finding[],
): Promise<TerraformFixResult> {
  const byFile = new Map<string, Finding[]>();
  const notes: string[] = [];
  // The fixes asked for at each place, per statement it stands for: one written statement may
  // stand for several (a `for` expression over services), which may each need another fix (another
  // service's aws:SourceArn). Different rules' fixes of one statement (CD102 and CD105) are no such
  // conflict.
  const at = (f: Finding) => `${f.file}:${f.line}:${f.column}`;
  // A permission's instances too (`for_each` over services): each may need another source_arn.
  const contestedAt = contestedPlaces(
    findings,
    at,
    (f) => `${f.resource}\u0000${f.variant ?? ""}\u0000${f.statement?.index ?? ""}`,
  );
  const contested = (f: Finding): boolean => contestedAt(at(f));
  const told = new Set<string>();
  for (const f of findings) {
    if (f.suppressed || (!f.fix?.condition && !f.fix?.permission)) continue;
    if (!/\.(tf|tofu)$/.test(f.file)) continue;
    if (contested(f)) {
      if (!told.has(at(f)))
        notes.push(
          `${at(f)}: ${f.ruleId}: the statements written here (a for expression, a dynamic value, a for_each) need different fixes, and one edit would give them all the same; apply the fix text shown with each finding by hand`,
        );
      told.add(at(f));
      continue;
    }
    if (f.variant !== undefined) {
      // It holds for some values a deploy may pick (a conditional, a map entry): an edit would
      // replace the expression that picks by one of them.
      notes.push(
        `${f.file}:${f.line}:${f.column}: ${f.ruleId} holds when ${f.variant}; that value is picked at apply, so the fix is not applied: apply the fix text shown with the finding to the branch it names`,
      );
      continue;
    }
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const out = new Map<string, string>();
  const refsByDir = new Map<string, SymbolRefs>();
  for (const [file, list] of byFile) {
    const text = files.get(file) ?? files.get(resolve(file));
    if (text === undefined) {
      notes.push(`${file}: not given; its fixes are not applied`);
      continue;
    }
    const dir = resolve(dirname(file));
    let refs = refsByDir.get(dir);
    if (!refs) {
      refs = await moduleSymbolRefs(dir, files);
      refsByDir.set(dir, refs);
    }
    const next = await fixFile(file, text, list, refs, notes);
    if (next !== undefined && next !== text) out.set(file, next);
  }
  return { files: out, notes };
}

/** The data sources of the module in `dir` that give the deploying account, region and partition. */
async function moduleSymbolRefs(dir: string, given: ReadonlyMap<string, string>): Promise<SymbolRefs> {
  const texts = new Map<string, string>();
  const CONFIG = /\.(tf|tofu)(\.json)?$/;
  for (const [f, t] of given) if (resolve(dirname(f)) === dir && CONFIG.test(f)) texts.set(resolve(f), t);
  try {
    for (const name of await readdir(dir)) {
      const p = join(dir, name);
      if (!CONFIG.test(name) || texts.has(p)) continue;
      try {
        texts.set(p, await readFile(p, "utf8"));
      } catch {
        // unreadable: ignored
      }
    }
  } catch {
    // no directory on disk: only the given texts
  }
  const refs: SymbolRefs = {};
  for (const [file, t] of [...texts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Data sources declared in JSON syntax (`{"data": {"aws_region": {"current": {}}}}`).
    const declared: Array<[string, string]> = [];
    if (file.endsWith(".json")) {
      try {
        const data = (JSON.parse(t) as { data?: Record<string, Record<string, unknown>> }).data ?? {};
        for (const [type, names] of Object.entries(data))
          for (const name of Object.keys(names ?? {})) declared.push([type, name]);
      } catch {
        refs.unread = true;
      }
    } else {
      try {
        for (const b of HclParser.parseBody(t).blocks)
          if (b.type === "data" && b.labels.length >= 2)
            declared.push([b.labels[0] as string, b.labels[1] as string]);
      } catch {
        // A file our parser cannot read may declare them: none is declared by the fix.
        refs.unread = true;
      }
    }
    for (const [type, name] of declared) {
      if (type === "aws_caller_identity") refs.SELF ??= `data.aws_caller_identity.${name}.account_id`;
      else if (type === "aws_region") refs.REGION ??= `data.aws_region.${name}.name`;
      else if (type === "aws_partition") {
        refs.PARTITION ??= `data.aws_partition.${name}.partition`;
        refs.URL_SUFFIX ??= `data.aws_partition.${name}.dns_suffix`;
      }
    }
  }
  return refs;
}

/** Syntax nodes that a finding may point at, by start offset. */
interface Sites {
  objects: Map<number, ObjectExpr>;
  blocks: Map<number, Block>;
  heredocs: TemplateExpr[];
}

function collect(body: Body, sites: Sites): void {
  for (const a of body.attributes.values()) collectExpr(a.expr, sites);
  for (const b of body.blocks) {
    sites.blocks.set(b.span.start, b);
    collect(b.body, sites);
  }
}

function collectExpr(e: Expr, sites: Sites): void {
  switch (e.type) {
    case "object":
      sites.objects.set(e.span.start, e);
      for (const i of e.items) {
        collectExpr(i.key, sites);
        collectExpr(i.value, sites);
      }
      return;
    case "template":
      if (e.heredoc) sites.heredocs.push(e);
      for (const p of e.parts) if (p.kind === "interpolation") collectExpr(p.expr, sites);
      return;
    case "tuple":
      for (const i of e.items) collectExpr(i, sites);
      return;
    case "call":
      for (const a of e.args) collectExpr(a, sites);
      return;
    case "conditional":
      collectExpr(e.condition, sites);
      collectExpr(e.whenTrue, sites);
      collectExpr(e.whenFalse, sites);
      return;
    case "binary":
      collectExpr(e.left, sites);
      collectExpr(e.right, sites);
      return;
    case "unary":
      collectExpr(e.operand, sites);
      return;
    case "paren":
      collectExpr(e.expr, sites);
      return;
    case "for":
      collectExpr(e.collection, sites);
      if (e.key) collectExpr(e.key, sites);
      collectExpr(e.value, sites);
      return;
    default:
      return;
  }
}

async function fixFile(
  file: string,
  text: string,
  findings: Finding[],
  refs: SymbolRefs,
  notes: string[],
): Promise<string | undefined> {
  let body: Body;
  try {
    body = HclParser.parseBody(text);
  } catch {
    notes.push(`${file}: the file does not parse; its fixes are not applied`);
    return undefined;
  }
  const sites: Sites = { objects: new Map(), blocks: new Map(), heredocs: [] };
  collect(body, sites);
  const map = new LineMap(file, text);
  // A permission's source ARN names the function's Region (`<REGION>`): a module that declares no
  // `data "aws_region"` gets one, in the file of the first permission that needs it.
  const region = "data.aws_region.current.name";
  const declareRegion =
    !refs.REGION && !refs.unread && findings.some((f) => f.fix?.permission?.sourceArn?.includes("<REGION>"));
  const ctx: Ctx = { file, text, refs: declareRegion ? { ...refs, REGION: region } : refs, notes };
  const edits: Edit[] = [];
  const done = new Set<number>();
  for (const f of findings) {
    const offset = map.offset(f.line, f.column);
    if (done.has(offset)) continue;
    const where = `${file}:${f.line}:${f.column} (${f.ruleId} ${f.resource ?? ""})`;
    const block = sites.blocks.get(offset);
    let made: Edit[] | undefined;
    if (
      f.fix?.permission &&
      block?.type === "resource" &&
      FUNCTION_PERMISSION_TYPES.has(block.labels[0] ?? "")
    )
      made = permissionEdits(ctx, block, f.fix.permission, where);
    else if (f.fix?.condition && block?.type === "statement")
      made = documentEdits(ctx, block, f.fix.condition, where, f.fix.unchanged ?? []);
    else if (f.fix?.condition && sites.objects.has(offset))
      made = objectEdits(
        ctx,
        sites.objects.get(offset) as ObjectExpr,
        f.fix.condition,
        where,
        f.fix.unchanged ?? [],
      );
    else if (f.fix?.condition) {
      const h = sites.heredocs.find(
        (t) => t.heredoc && offset >= t.heredoc.contentStart && offset < t.heredoc.contentEnd,
      );
      if (h && text[offset] === "{")
        made = heredocEdits(ctx, offset, f.fix.condition, where, f.fix.unchanged ?? []);
    }
    if (!made) {
      if (block?.type === "dynamic")
        notes.push(`${where}: a statement generated by a dynamic block is not fixed automatically`);
      else notes.push(`${where}: no fixable statement or permission at this position`);
      continue;
    }
    done.add(offset);
    edits.push(...made);
  }
  if (edits.length === 0) return undefined;
  if (declareRegion && edits.some((e) => e.text.includes(region)))
    edits.push({
      start: text.length,
      end: text.length,
      text: `${text.endsWith("\n") || text === "" ? "" : "\n"}\ndata "aws_region" "current" {}\n`,
      what: "declaring data.aws_region.current",
    });
  edits.sort((a, b) => b.start - a.start);
  // Apply the edits from the end, so earlier offsets hold. All of them are parsed once; only when
  // that fails is each one tried on its own, and one that breaks the file dropped (a parse per edit
  // would make a large module's fix quadratic).
  const apply = (check: boolean): { out: string; written: Array<[number, number]> } => {
    let out = text;
    // Where the applied edits' text stands in `out`: an edit before a range moves it.
    const written: Array<[number, number]> = [];
    for (const e of edits) {
      const next = out.slice(0, e.start) + e.text + out.slice(e.end);
      if (check) {
        try {
          HclParser.parseBody(next);
        } catch {
          notes.push(`${file}: the fix ${e.what} would not parse; it is left out`);
          continue;
        }
      }
      const shift = e.text.length - (e.end - e.start);
      for (const r of written) {
        r[0] += shift;
        r[1] += shift;
      }
      written.push([e.start, e.start + e.text.length]);
      out = next;
    }
    return { out, written };
  };
  let applied = apply(false);
  try {
    HclParser.parseBody(applied.out);
  } catch {
    applied = apply(true);
  }
  let { out } = applied;
  const { written } = applied;
  if (out === text) return undefined;
  // The lines written, aligned as `terraform fmt` aligns them (with the lines of their chains).
  const aligned = alignTouched(out, written);
  if (aligned !== out) {
    try {
      HclParser.parseBody(aligned);
      out = aligned;
    } catch {
      notes.push(`${file}: aligning the fixed lines would not parse; they are left as written`);
    }
  }
  const problem = await validateHcl(file, out);
  if (problem) {
    notes.push(
      `${file}: the fixed file is rejected by Terraform's parser (${problem.message}); its fixes are left out`,
    );
    return undefined;
  }
  // The module's other files refer to the data source declared here.
  if (declareRegion && out.includes('data "aws_region" "current" {}')) refs.REGION = region;
  return out;
}

interface Ctx {
  file: string;
  text: string;
  refs: SymbolRefs;
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Text helpers

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function indentOf(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? "";
}

/** Whether only white space precedes `offset` on its line. */
function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartOf(text, offset), offset));
}

/**
 * Where to insert a new line after an item that ends at `end`: the end of its line when the rest of
 * it is only a comma, white space or a comment; else `end` itself.
 */
function afterItem(text: string, end: number): number {
  let eol = text.indexOf("\n", end);
  if (eol < 0) eol = text.length;
  const rest = text.slice(end, eol);
  if (/^[ \t]*,?[ \t]*((#|\/\/).*)?\r?$/.test(rest)) return text[eol - 1] === "\r" ? eol - 1 : eol;
  return end;
}

/** The indentation step used inside a construct (two spaces when it cannot be told). */
function unitOf(outer: string, inner: string): string {
  if (inner.startsWith("\t")) return "\t";
  const step = inner.length - outer.length;
  return " ".repeat(step > 0 && step <= 8 ? step : 2);
}

/** Escapes a literal for an HCL template (quoted string or heredoc): `${` and `%{` are sequences. */
function escapeTemplate(s: string): string {
  // (A function, not a replacement string: there `$$` means one `$`.)
  return s.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** An HCL quoted string of a literal. */
function hclQuoted(s: string): string {
  const body = s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
  return `"${escapeTemplate(body)}"`;
}

/** Notes the tokens a value holds that the module has no data source for. */
function noteTokens(ctx: Ctx, value: string, where: string): void {
  for (const m of value.matchAll(TOKEN)) {
    const name = m[1] as SymbolName;
    if (!ctx.refs[name]) {
      const source =
        name === "SELF" ? "aws_caller_identity" : name === "REGION" ? "aws_region" : "aws_partition";
      ctx.notes.push(
        `${where}: the fix holds <${name}>; declare data "${source}" in the module, or replace it by hand`,
      );
    }
  }
}

/**
 * A fix's `<PARTITION>` (the statement's ARNs are in the provider's partition) as `aws` when the
 * module declares no `aws_partition` data source to refer to: the partition Terraform modules write
 * literally, and what the fix wrote before it followed the statement's partition.
 */
function defaultPartition(ctx: Ctx, value: string): string {
  return ctx.refs.PARTITION ? value : value.replace(/<PARTITION>/g, "aws");
}

/** A fix value as an HCL expression: a bare reference for a lone symbol, else a quoted template. */
function hclValue(ctx: Ctx, given: string, where: string): string {
  const value = defaultPartition(ctx, given);
  noteTokens(ctx, value, where);
  const whole = /^<(SELF|REGION|PARTITION|URL_SUFFIX)>$/.exec(value);
  const ref = whole ? ctx.refs[whole[1] as SymbolName] : undefined;
  if (ref) return ref;
  const quoted = hclQuoted(value);
  return quoted.replace(TOKEN, (m, name: SymbolName) => {
    const r = ctx.refs[name];
    return r ? `\${${r}}` : m;
  });
}

/** A fix value inside heredoc JSON (already JSON-escaped): template sequences escaped, symbols interpolated. */
function heredocValue(ctx: Ctx, given: string, where: string): string {
  const value = defaultPartition(ctx, given);
  noteTokens(ctx, value, where);
  return escapeTemplate(value).replace(TOKEN, (m, name: SymbolName) => {
    const r = ctx.refs[name];
    return r ? `\${${r}}` : m;
  });
}

function valuesOf(v: string | string[]): string[] {
  return Array.isArray(v) ? v : [v];
}

// ---------------------------------------------------------------------------------------------
// jsonencode / HCL objects

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function hclKey(k: string): string {
  return BARE_KEY.test(k) ? k : hclQuoted(k);
}

function hclList(ctx: Ctx, v: string | string[], where: string): string {
  if (!Array.isArray(v)) return hclValue(ctx, v, where);
  return `[${v.map((x) => hclValue(ctx, x, where)).join(", ")}]`;
}

/** `{ ... }` of the Condition block in HCL object syntax; `indent` is the line's indentation. */
function hclConditionObject(
  ctx: Ctx,
  block: ConditionBlock,
  indent: string,
  unit: string,
  multiline: boolean,
  where: string,
  written: (op: string, key: string) => string | undefined = () => undefined,
): string {
  const ops = Object.entries(block);
  const value = (op: string, k: string, v: string | string[]) => written(op, k) ?? hclList(ctx, v, where);
  if (!multiline) {
    const inner = ops.map(([op, keys]) => {
      const items = Object.entries(keys).map(([k, v]) => `${hclKey(k)} = ${value(op, k, v)}`);
      return `${hclKey(op)} = { ${items.join(", ")} }`;
    });
    return inner.length === 0 ? "{}" : `{ ${inner.join(", ")} }`;
  }
  if (ops.length === 0) return "{}";
  const i1 = indent + unit;
  const i2 = i1 + unit;
  const opWidth = Math.max(...ops.map(([op]) => hclKey(op).length));
  const lines = ["{"];
  for (const [op, keys] of ops) {
    const entries = Object.entries(keys);
    const keyWidth = Math.max(0, ...entries.map(([k]) => hclKey(k).length));
    lines.push(`${i1}${hclKey(op).padEnd(opWidth)} = {`);
    for (const [k, v] of entries) lines.push(`${i2}${hclKey(k).padEnd(keyWidth)} = ${value(op, k, v)}`);
    lines.push(`${i1}}`);
  }
  lines.push(`${indent}}`);
  return lines.join("\n");
}

/** The item of an object expression whose key is `name`. */
function itemOf(obj: ObjectExpr, name: string): ObjectExpr["items"][number] | undefined {
  return obj.items.find((i) => keyName(i.key) === name);
}

function keyName(e: Expr): string | undefined {
  if (e.type === "literal" && typeof e.value === "string") return e.value;
  if (e.type === "variable") return e.name;
  if (e.type === "template" && !e.heredoc && e.parts.length === 1 && e.parts[0]?.kind === "text")
    return e.parts[0].text;
  if (e.type === "paren") return keyName(e.expr);
  return undefined;
}

function objectEdits(
  ctx: Ctx,
  obj: ObjectExpr,
  block: ConditionBlock,
  where: string,
  unchanged: Unchanged,
): Edit[] | undefined {
  const { text } = ctx;
  const first = obj.items[0];
  const multiline = text.slice(obj.span.start, obj.span.end).includes("\n");
  const openIndent = indentOf(text, obj.span.start);
  const itemIndent =
    first && startsLine(text, first.span.start) ? indentOf(text, first.span.start) : `${openIndent}  `;
  const unit = unitOf(openIndent, itemIndent);
  const what = `at ${where}`;
  const existing = obj.items.find((i) => keyName(i.key) === "Condition");
  if (existing) {
    const added =
      existing.value.type === "object" ? additions(ctx, existing.value, block, unchanged, where) : undefined;
    if (added) return [{ ...added, what }];
    const valueIndent = indentOf(text, existing.span.start);
    const multi = multiline || text.slice(existing.value.span.start, existing.value.span.end).includes("\n");
    // Entries the fix keeps are copied as written (references, interpolations, the file's quoting).
    const written = (op: string, key: string): string | undefined => {
      if (!unchanged.some((u) => u.operator === op && u.key === key)) return undefined;
      const opValue = existing.value.type === "object" ? itemOf(existing.value, op)?.value : undefined;
      const value = opValue?.type === "object" ? itemOf(opValue, key)?.value : undefined;
      return value ? text.slice(value.span.start, value.span.end) : undefined;
    };
    return [
      {
        start: existing.value.span.start,
        end: existing.value.span.end,
        text: hclConditionObject(ctx, block, valueIndent, unit, multi, where, written),
        what,
      },
    ];
  }
  // The separator the object uses between key and value.
  const sep = first
    ? /^\s*:/.test(text.slice(first.key.span.end, first.value.span.start))
      ? ":"
      : "="
    : "=";
  const last = obj.items[obj.items.length - 1];
  if (!multiline) {
    const at = last ? last.value.span.end : obj.span.start + 1;
    const lead = last ? ", " : " ";
    const trail = last ? "" : " ";
    return [
      {
        start: at,
        end: at,
        text: `${lead}Condition ${sep} ${hclConditionObject(ctx, block, "", "", false, where)}${trail}`,
        what,
      },
    ];
  }
  const at = last ? afterItem(text, last.value.span.end) : obj.span.start + 1;
  return [
    {
      start: at,
      end: at,
      text: `\n${itemIndent}Condition ${sep} ${hclConditionObject(ctx, block, itemIndent, unit, true, where)}`,
      what,
    },
  ];
}

/**
 * When the fix keeps every operator and key a Condition object has and only adds others: one edit
 * that inserts them (from the first insertion to the last, the text between copied as written), so
 * the lines written and their comments stay as they are. Undefined otherwise.
 */
function additions(
  ctx: Ctx,
  cond: ObjectExpr,
  block: ConditionBlock,
  unchanged: Unchanged,
  where: string,
): { start: number; end: number; text: string } | undefined {
  const { text } = ctx;
  if (cond.items.length === 0) return undefined;
  for (const op of cond.items) {
    const name = keyName(op.key);
    if (
      name === undefined ||
      !Object.hasOwn(block, name) ||
      op.value.type !== "object" ||
      op.value.items.length === 0
    )
      return undefined;
    for (const k of op.value.items) {
      const key = keyName(k.key);
      if (key === undefined || !unchanged.some((u) => u.operator === name && u.key === key)) return undefined;
    }
  }
  const multiline = text.slice(cond.span.start, cond.span.end).includes("\n");
  const opIndent = indentOf(text, (cond.items[0] as ObjectExpr["items"][number]).span.start);
  const unit = unitOf(indentOf(text, cond.span.start), opIndent);
  const inserts: Array<{ at: number; text: string }> = [];
  const line = (items: Array<[string, string]>, indent: string) =>
    items.map(([k, v]) => `\n${indent}${k} = ${v}`).join("");
  for (const [op, keys] of Object.entries(block)) {
    const written = itemOf(cond, op);
    const fresh = Object.entries(keys).filter(
      ([k]) => !(written?.value.type === "object" && itemOf(written.value, k)),
    );
    if (fresh.length === 0) continue;
    const rendered = fresh.map(([k, v]): [string, string] => [hclKey(k), hclList(ctx, v, where)]);
    if (written) {
      const obj = written.value as ObjectExpr;
      const last = obj.items[obj.items.length - 1] as ObjectExpr["items"][number];
      if (text.slice(obj.span.start, obj.span.end).includes("\n")) {
        const keyIndent = indentOf(text, last.span.start);
        inserts.push({ at: afterItem(text, last.value.span.end), text: line(rendered, keyIndent) });
      } else {
        inserts.push({ at: last.value.span.end, text: rendered.map(([k, v]) => `, ${k} = ${v}`).join("") });
      }
      continue;
    }
    const last = cond.items[cond.items.length - 1] as ObjectExpr["items"][number];
    if (multiline) {
      const body = `${hclKey(op)} = {${line(rendered, opIndent + unit)}\n${opIndent}}`;
      inserts.push({ at: afterItem(text, last.value.span.end), text: `\n${opIndent}${body}` });
    } else {
      const body = `${hclKey(op)} = { ${rendered.map(([k, v]) => `${k} = ${v}`).join(", ")} }`;
      inserts.push({ at: last.value.span.end, text: `, ${body}` });
    }
  }
  if (inserts.length === 0) return undefined;
  inserts.sort((a, b) => a.at - b.at);
  const start = (inserts[0] as { at: number }).at;
  const end = (inserts[inserts.length - 1] as { at: number }).at;
  let out = "";
  let from = start;
  for (const i of inserts) {
    out += text.slice(from, i.at) + i.text;
    from = i.at;
  }
  return { start, end, text: out };
}

// ---------------------------------------------------------------------------------------------
// heredoc JSON

/** The end (exclusive) of the JSON object that opens at `start`, or undefined. */
function jsonObjectEnd(text: string, start: number, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < limit; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return c === "}" ? i + 1 : undefined;
    }
  }
  return undefined;
}

function mapBlock(block: ConditionBlock, f: (s: string) => string): ConditionBlock {
  const out: ConditionBlock = {};
  for (const [op, keys] of Object.entries(block)) {
    const k2: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(keys)) k2[f(k)] = Array.isArray(v) ? v.map(f) : f(v);
    out[f(op)] = k2;
  }
  return out;
}

function heredocEdits(
  ctx: Ctx,
  offset: number,
  block: ConditionBlock,
  where: string,
  unchanged: Unchanged,
): Edit[] | undefined {
  const { text } = ctx;
  const end = jsonObjectEnd(text, offset, text.length);
  if (end === undefined) return undefined;
  // The statement alone, with its line's prefix blanked so that columns (and indentation) stay.
  const prefix = text.slice(lineStartOf(text, offset), offset).replace(/[^\t]/g, " ");
  const source = prefix + text.slice(offset, end);
  // Values are written through JSON.stringify, then escaped for the template; placeholders first, so
  // that escaping cannot touch the interpolations we add.
  const marks: string[] = [];
  const marked = mapBlock(block, (s) =>
    s.replace(TOKEN, (m) => {
      marks.push(m);
      return `\uE000${marks.length - 1}\uE001`;
    }),
  );
  const statement = {
    ruleId: "fix",
    file: "statement.json",
    line: 1,
    column: 1,
    statement: { index: 0 },
    fix: { description: "", text: "", condition: marked, unchanged },
  } as unknown as Finding;
  const fixed = applyPolicyJsonFixes(source, "statement.json", [statement]);
  if (fixed === undefined) return undefined;
  let replaced = fixed.slice(prefix.length);
  // Escape only what the fix added: the original text of the statement is already template text.
  const original = text.slice(offset, end);
  replaced = escapeAdded(original, replaced);
  replaced = replaced.replace(/\uE000(\d+)\uE001/g, (_m, i: string) =>
    heredocValue(ctx, marks[Number(i)] as string, where),
  );
  return [{ start: offset, end, text: replaced, what: `at ${where}` }];
}

/**
 * Escapes `${` / `%{` in the part of `after` that differs from `before` (the edit is one contiguous
 * change: the common prefix and suffix are kept as they were).
 */
function escapeAdded(before: string, after: string): string {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (
    s < before.length - p &&
    s < after.length - p &&
    before[before.length - 1 - s] === after[after.length - 1 - s]
  )
    s++;
  // Do not cut a `${` in two at the boundaries.
  while (p > 0 && (after[p - 1] === "$" || after[p - 1] === "%")) p--;
  // An interpolation (or an escaped one) that the original has is text the fix kept (an entry it
  // copies as written, `${aws_s3_bucket.b.arn}`): it stays as it is.
  const middle = after.slice(p, after.length - s);
  let out = "";
  let last = 0;
  for (const m of middle.matchAll(/\$?\$\{[^}]*\}/g)) {
    if (!before.includes(m[0])) continue;
    out += escapeTemplate(middle.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  out += escapeTemplate(middle.slice(last));
  return after.slice(0, p) + out + after.slice(after.length - s);
}

// ---------------------------------------------------------------------------------------------
// aws_iam_policy_document statement blocks

function literalString(e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.type === "template" && e.parts.every((p) => p.kind === "text"))
    return e.parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
  if (e.type === "literal" && typeof e.value === "string") return e.value;
  return undefined;
}

/** From the start of the block's line through its line end (when the block has its lines to itself). */
function wholeLines(text: string, start: number, end: number): { start: number; end: number } {
  let s = start;
  if (startsLine(text, start)) s = lineStartOf(text, start);
  let e = end;
  const eol = text.indexOf("\n", end);
  if (/^[ \t]*\r?$/.test(text.slice(end, eol < 0 ? text.length : eol))) e = eol < 0 ? text.length : eol + 1;
  return { start: s, end: e };
}

/** Entries of a fix's Condition it copies from the statement as they are (see `Fix.unchanged`). */
type Unchanged = ReadonlyArray<{ operator: string; key: string }>;

function documentEdits(
  ctx: Ctx,
  statement: Block,
  block: ConditionBlock,
  where: string,
  unchanged: Unchanged,
): Edit[] | undefined {
  const { text } = ctx;
  const close = statement.span.end - 1;
  if (text[close] !== "}" || !startsLine(text, close)) return undefined;
  const stIndent = indentOf(text, statement.span.start);
  const children = [...statement.body.attributes.values(), ...statement.body.blocks].sort(
    (a, b) => a.span.start - b.span.start,
  );
  const firstChild = children[0];
  const childIndent = firstChild ? indentOf(text, firstChild.span.start) : `${stIndent}  `;
  const unit = unitOf(stIndent, childIndent);
  // Condition blocks the fix keeps stay as they are written (a variable or reference in `values`).
  const keeps = (test: string | undefined, variable: string | undefined) =>
    unchanged.some((u) => u.operator === test && u.key === variable);
  const source = statement.body.blocks.filter((b) => {
    if (b.type !== "condition") return false;
    const v = literalString(b.body.attributes.get("variable")?.expr);
    const test = literalString(b.body.attributes.get("test")?.expr);
    return v !== undefined && SOURCE_KEYS.has(v.toLowerCase()) && !keeps(test, v);
  });
  for (const b of statement.body.blocks)
    if (b.type === "dynamic" && b.labels[0] === "condition")
      ctx.notes.push(`${where}: a dynamic "condition" block is kept as it is; check it by hand`);
  const lines: string[] = [];
  for (const [op, keys] of Object.entries(block))
    for (const [key, v] of Object.entries(keys)) {
      if (!SOURCE_KEYS.has(key.toLowerCase()) || keeps(op, key)) continue;
      const values = valuesOf(v).map((x) => hclValue(ctx, x, where));
      lines.push(
        `${childIndent}condition {`,
        `${childIndent}${unit}test     = ${hclQuoted(op)}`,
        `${childIndent}${unit}variable = ${hclQuoted(key)}`,
        `${childIndent}${unit}values   = [${values.join(", ")}]`,
        `${childIndent}}`,
      );
    }
  const insert = lines.length > 0 ? `${lines.join("\n")}\n` : "";
  const what = `at ${where}`;
  const edits: Edit[] = [];
  const removable = source.filter((b) => startsLine(text, b.span.start));
  if (removable.length !== source.length) return undefined;
  if (removable.length > 0) {
    removable.forEach((b, i) => {
      const r = wholeLines(text, b.span.start, b.span.end);
      edits.push({ ...r, text: i === 0 ? insert : "", what });
    });
  } else {
    if (insert === "") return undefined;
    const at = lineStartOf(text, close);
    edits.push({ start: at, end: at, text: insert, what });
  }
  return edits;
}

// ---------------------------------------------------------------------------------------------
// aws_lambda_permission

function permissionEdits(
  ctx: Ctx,
  resource: Block,
  permission: { sourceAccount?: string; sourceArn?: string },
  where: string,
): Edit[] | undefined {
  const { text } = ctx;
  const attrs = [...resource.body.attributes.values()].sort((a, b) => a.span.start - b.span.start);
  const last = attrs[attrs.length - 1];
  if (!last || !startsLine(text, last.span.start)) return undefined;
  const indent = indentOf(text, last.span.start);
  const what = `at ${where}`;
  const edits: Edit[] = [];
  const added: string[] = [];
  const set = (name: string, value: string): void => {
    const expr = hclValue(ctx, value, where);
    const a = resource.body.attributes.get(name);
    if (a) edits.push({ start: a.expr.span.start, end: a.expr.span.end, text: expr, what });
    else added.push(`${name} = ${expr}`);
  };
  if (permission.sourceAccount !== undefined) set("source_account", permission.sourceAccount);
  if (permission.sourceArn !== undefined) set("source_arn", permission.sourceArn);
  if (added.length > 0) {
    const at = afterItem(text, last.span.end);
    edits.push({ start: at, end: at, text: added.map((l) => `\n${indent}${l}`).join(""), what });
  }
  return edits;
}
