import { relative, resolve } from "node:path";
import type { Diagnostic, SourceNode, SourceRange, ValueSymbol } from "@deputyguard/core";
import type { ConfigBlock, ModuleConfig, SourceFile } from "../config/module-config.js";
import type { LineMap } from "../hcl/line-map.js";
import type { Attribute, Block, Expr, SplatStep, TemplatePart } from "../hcl/syntax.js";
import { RESOURCE_ATTRIBUTES } from "../knowledge/resource-arns.js";
import { callFunction, type FunctionHost, mayBeText, segmentsOf } from "./functions.js";
import { parseJsonString, SYMBOL_MARK } from "./json.js";
import { PARTITION, REGION, SELF_ACCOUNT, URL_SUFFIX } from "./symbols.js";
import {
  type Alternatives,
  at,
  concatSegments,
  derivedUnknown,
  type ForCandidate,
  failingPicks,
  failure,
  firstUnknown,
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
  undeclared,
  unknown,
  withoutAlternatives,
} from "./value.js";

/** How deep evaluation may nest (locals referring to locals, modules calling modules, ...). */
const MAX_EVAL_DEPTH = 150;

/** What module instances share: the analysis of one root module and everything it calls. */
export interface AnalysisHost {
  diagnostics: Diagnostic[];
  /** The child module a call refers to, analysed in the caller's context; undefined when not analysed. */
  childModule(
    parent: ModuleInstance,
    call: ConfigBlock,
    name: string,
    key: TfValue | undefined,
  ): ModuleInstance | undefined;
  /** Builds the document of an `aws_iam_policy_document` data source instance. */
  policyDocument(instance: ResourceInstance): TfValue;
  readFile(module: ModuleInstance, path: string, range: SourceRange | undefined): TfValue;
  /** A configuration file of any module of the analysis, by path (for suppression comments). */
  sourceFile?(path: string): SourceFile | undefined;
  renderTemplateFile(
    module: ModuleInstance,
    path: string,
    vars: TfValue,
    range: SourceRange | undefined,
  ): TfValue;
  /** `templatestring(template, vars)`, the template a string value. */
  renderTemplateString(
    module: ModuleInstance,
    template: TfValue,
    vars: TfValue,
    range: SourceRange | undefined,
  ): TfValue;
}

/** Names bound in an expression's scope: `count`, `each`, `for` variables, dynamic block iterators. */
export interface Scope {
  module: ModuleInstance;
  map: LineMap;
  bindings?: Map<string, TfValue>;
}

/** Resource instances beyond this many are not analysed (a generated count of thousands). */
const MAX_INSTANCES = 1000;

/** The instances of a block: one (`single`), by index, by key, or one standing for all when the count is unknown. */
export interface InstanceSet {
  instances: ResourceInstance[];
  shape: "single" | "list" | "map" | "unknown";
}

/** One instance of a resource or data block (`count` / `for_each` expanded). */
export interface ResourceInstance {
  module: ModuleInstance;
  config: ConfigBlock;
  mode: "managed" | "data";
  type: string;
  name: string;
  /** `aws_x.y`, `aws_x.y[0]`, `aws_x.y["k"]`, with the module prefix. */
  address: string;
  bindings: Map<string, TfValue>;
}

function key(v: TfValue): string {
  const s = knownString(v);
  return s === undefined ? "?" : v.kind === "number" ? s : JSON.stringify(s);
}

/**
 * An expression's text on one line, cut at 80 characters: enough to recognise it in a message (the
 * names of unknowns made from expressions, and the reasons that quote them).
 */
/** Items all the `for` expressions of one analysis may make (see `forExpr`). */
const MAX_FOR_ITEMS = 200_000;
const forBudgets = new WeakMap<object, { left: number }>();

/** The most `%{if}` directives with unknown conditions one template is built both ways for (2^4 strings). */
const MAX_TEMPLATE_CHOICES = 4;

/** Whether a template rendered a `%{for}` over a collection not known before apply once (see `template`). */
interface LoopsOnce {
  rendered: boolean;
  /** `%{if}` directives left undecided so far (a text is built for each way, and checked then). */
  undecided: number;
}

/** The first part of a template whose value is not decided: a `%{if}`, or an interpolation of one of several values. */
interface Undecided {
  part?: TemplatePart & { kind: "if" };
  interpolation?: { part: TemplatePart; alternatives: Alternatives };
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ");
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}

/** Null, or an unknown that may turn out null. */
/** Orders a map's entries as Terraform iterates them: by key, lexically. */
export function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Symbols whose value exists in every deploy: a reference that gives one does not fail. */
const ALWAYS_THERE: ReadonlySet<string> = new Set([
  SELF_ACCOUNT.kind,
  REGION.kind,
  PARTITION.kind,
  URL_SUFFIX.kind,
]);

function mayBeNull(v: TfValue): boolean {
  return v.kind === "null" || (v.kind === "unknown" && v.mayBeNull === true);
}

/**
 * A local whose whole value is unknown because of an expression inside it (a condition, a function
 * argument) is named after the local: `<local.trusted_entities_services>` says more at the use
 * site than `<var.lambda_at_edge ? 2 : 1>`. The reason keeps the inner name. Unknowns named after a
 * plain reference (`var.x`, `data.t.n.attr`) keep that name: it already says what to set.
 */
function namedAfterLocal(v: TfValue, name: string): TfValue {
  if (v.kind !== "unknown" || v.symbol.kind !== "unknown") return v;
  const inner = v.symbol;
  if (/^[A-Za-z_][\w-]*(\.[\w-]+|\[[^\]\s]*\])*$/.test(inner.name)) return v;
  const symbol: ValueSymbol = {
    ...inner,
    name: `local.${name}`,
    provenance: {
      ...inner.provenance,
      source: `local.${name}`,
      reason: `it depends on ${oneLine(inner.name)}: ${inner.provenance.reason}`,
    },
  };
  // Everything else it carries (what it may be: alternatives, known items) stays.
  return { ...v, symbol };
}

/** One instance of a module: the root, or a module call (with its count / for_each key). */
export class ModuleInstance {
  private readonly localCache = new Map<string, TfValue>();
  private readonly inProgress = new Set<string>();
  private readonly instanceCache = new Map<string, InstanceSet | TfValue>();
  depth = 0;

  constructor(
    readonly host: AnalysisHost,
    readonly config: ModuleConfig,
    /** `""` for the root, `module.a.` or `module.a["k"].module.b.` for children. */
    readonly prefix: string,
    /** Values given to the module's variables (by the caller, or `--var` / tfvars at the root). */
    readonly inputs: Map<string, () => TfValue>,
    /** Where the module comes from, for messages: "root module", `module.logs`. */
    readonly label: string,
    /** Module directories from the root to here, to detect cycles. */
    readonly chain: readonly string[],
    readonly rootDir: string,
  ) {}

  get isRoot(): boolean {
    return this.prefix === "";
  }

  scope(file: SourceFile, bindings?: Map<string, TfValue>): Scope {
    return bindings ? { module: this, map: file.map, bindings } : { module: this, map: file.map };
  }

  fileOf(node: Attribute | Block): SourceFile | undefined {
    return this.config.fileOf.get(node);
  }

  variable(name: string, range: SourceRange | undefined): TfValue {
    const input = this.inputs.get(name);
    const decl = this.config.variables.get(name);
    const type = decl?.block.body.attributes.get("type")?.expr;
    if (input) {
      let v = this.guard(`var.${name}`, input);
      if (decl && type) v = this.typed(v, type, this.scope(decl.file), 0);
      // A null input overrides the default unless the variable says `nullable = false`
      // (https://developer.hashicorp.com/terraform/language/values/variables#disallowing-null-input-values).
      if (v.kind !== "null" || !decl || !this.nonNullable(decl))
        return range && (isScalar(v) || v.kind === "unknown") ? at(v, range) : v;
    }
    if (!decl) return undeclared(`var.${name}`, "the variable is not declared", range);
    const def = decl.block.body.attributes.get("default");
    if (def) {
      let v = this.evaluate(def.expr, this.scope(decl.file));
      if (type) v = this.typed(v, type, this.scope(decl.file), 0);
      return range && isScalar(v) ? at(v, range) : v;
    }
    const reason = this.isRoot
      ? "the variable has no default and no value was given (--var, --var-file, terraform.tfvars)"
      : `${this.label} does not pass it and it has no default`;
    const u = unknown(`var.${name}`, reason, range);
    const allowed = this.allowedValues(decl, name);
    if (allowed && u.kind === "unknown") u.allowed = allowed;
    return u;
  }

  /**
   * The values a variable's `validation { condition = contains([...], var.x) }` allows, when they
   * are literal: a deploy can give no other (Terraform rejects it), so a choice indexed by the
   * variable takes only these.
   */
  private allowedValues(decl: ConfigBlock, name: string): string[] | undefined {
    for (const b of decl.block.body.blocks) {
      if (b.type !== "validation") continue;
      const c = b.body.attributes.get("condition")?.expr;
      if (c?.type !== "call" || c.name !== "contains" || c.args.length !== 2) continue;
      const [list, subject] = c.args as [Expr, Expr];
      if (sliceText(decl.file.map, subject.span) !== `var.${name}`) continue;
      const v = this.evaluate(list, this.scope(decl.file));
      if (v.kind !== "list") continue;
      const out: string[] = [];
      for (const item of v.items) {
        const t = knownString(item);
        if (t === undefined) return undefined;
        out.push(t);
      }
      return out;
    }
    return undefined;
  }

  /** Whether a variable declares `nullable = false` (its default replaces a null input). */
  private nonNullable(decl: ConfigBlock): boolean {
    const n = decl.block.body.attributes.get("nullable");
    return n !== undefined && truth(this.evaluate(n.expr, this.scope(decl.file))) === false;
  }

  /**
   * A value converted to a variable's type constraint as Terraform converts it, as far as policies
   * depend on it: an object attribute declared `optional(T, default)` that is missing or null takes
   * its default (null without one), through `map(...)`, `list(...)`, `set(...)` and nested objects.
   */
  private typed(v: TfValue, type: Expr, scope: Scope, depth: number): TfValue {
    if (depth > 16 || type.type !== "call") return v;
    const arg = type.args[0];
    if (!arg) return v;
    switch (type.name) {
      case "object": {
        if (v.kind !== "object" || arg.type !== "object") return v;
        let entries: Map<string, TfValue> | undefined;
        for (const item of arg.items) {
          const name = typeAttributeName(item.key);
          if (name === undefined) continue;
          let attrType = item.value;
          const current = (entries ?? v.entries).get(name);
          if (attrType.type === "call" && attrType.name === "optional") {
            const inner = attrType.args[0];
            if (current === undefined || current.kind === "null") {
              const given = attrType.args[1];
              const value = given ? this.evaluate(given, scope) : NULL;
              entries ??= new Map(v.entries);
              entries.set(name, inner ? this.typed(value, inner, scope, depth + 1) : value);
              continue;
            }
            if (!inner) continue;
            attrType = inner;
          }
          if (current === undefined) continue;
          const converted = this.typed(current, attrType, scope, depth + 1);
          if (converted !== current) {
            entries ??= new Map(v.entries);
            entries.set(name, converted);
          }
        }
        return entries ? { ...v, entries } : v;
      }
      case "map": {
        if (v.kind !== "object") return v;
        const entries = new Map<string, TfValue>();
        let changed = false;
        for (const [k, item] of v.entries) {
          const converted = this.typed(item, arg, scope, depth + 1);
          changed ||= converted !== item;
          entries.set(k, converted);
        }
        return changed ? { ...v, entries } : v;
      }
      case "list":
      case "set": {
        if (v.kind !== "list") return v;
        const items = v.items.map((item) => this.typed(item, arg, scope, depth + 1));
        return items.some((item, i) => item !== v.items[i]) ? { ...v, items } : v;
      }
      default:
        return v;
    }
  }

  local(name: string, range: SourceRange | undefined): TfValue {
    const cached = this.localCache.get(name);
    if (cached) return at(cached, range && isScalar(cached) ? range : cached.range);
    const def = this.config.locals.get(name);
    if (!def) return undeclared(`local.${name}`, "the local value is not defined", range);
    let v = this.guard(`local.${name}`, () => this.evaluate(def.attr.expr, this.scope(def.file)));
    v = namedAfterLocal(v, name);
    this.localCache.set(name, v);
    return at(v, range && isScalar(v) ? range : v.range);
  }

  /** Evaluates once, turning a cycle or runaway nesting into an unknown instead of a crash. */
  guard(what: string, f: () => TfValue): TfValue {
    if (this.inProgress.has(what)) return unknown(what, "it refers to itself (a cycle)");
    if (this.depth > MAX_EVAL_DEPTH) return unknown(what, "references nest too deeply");
    this.inProgress.add(what);
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
      this.inProgress.delete(what);
    }
  }

  /** The instances of a resource or data block: `count` and `for_each` expanded when known. */
  instances(mode: "managed" | "data", type: string, name: string): InstanceSet | TfValue {
    const k = `${mode}.${type}.${name}`;
    const cached = this.instanceCache.get(k);
    if (cached) return cached;
    const cb = (mode === "managed" ? this.config.resources : this.config.data).get(`${type}.${name}`);
    const base = `${this.prefix}${mode === "data" ? "data." : ""}${type}.${name}`;
    if (!cb) {
      const what = mode === "data" ? "data source" : "resource";
      const v: TfValue = undeclared(base, `${what} is not declared in ${this.label}`);
      this.instanceCache.set(k, v);
      return v;
    }
    const make = (address: string, bindings: Map<string, TfValue>): ResourceInstance => ({
      module: this,
      config: cb,
      mode,
      type,
      name,
      address,
      bindings,
    });
    const set = (instances: ResourceInstance[], shape: InstanceSet["shape"]): InstanceSet => ({
      instances,
      shape,
    });
    const scope = this.scope(cb.file);
    const count = cb.block.body.attributes.get("count");
    const forEach = cb.block.body.attributes.get("for_each");
    let result: InstanceSet;
    if (count) {
      const n = this.guard(`${base}.count`, () => this.evaluate(count.expr, scope));
      if (n.kind === "number") {
        const out: ResourceInstance[] = [];
        if (n.value > MAX_INSTANCES) this.tooManyInstances(base, n.value, scope, count.expr.span.start);
        for (let i = 0; i < Math.min(n.value, MAX_INSTANCES); i++)
          out.push(
            make(
              `${base}[${i}]`,
              new Map([["count", object(new Map([["index", { kind: "number", value: i }]]))]]),
            ),
          );
        result = set(out, "list");
      } else {
        const idx = unknown(`${base} count.index`, `count is not known before apply (${describeUnknown(n)})`);
        result = set([make(base, new Map([["count", object(new Map([["index", idx]]))]]))], "unknown");
      }
    } else if (forEach) {
      const c = this.guard(`${base}.for_each`, () => this.evaluate(forEach.expr, scope));
      const entries: Array<[TfValue, TfValue]> = [];
      let known = c.kind === "object" || c.kind === "list";
      if (c.kind === "object") for (const [kk, vv] of c.entries) entries.push([str(kk), vv]);
      else if (c.kind === "list") {
        for (const item of c.items) {
          if (knownString(item) === undefined) known = false;
          entries.push([item, item]);
        }
      }
      if (known) {
        if (entries.length > MAX_INSTANCES)
          this.tooManyInstances(base, entries.length, scope, forEach.expr.span.start);
        result = set(
          entries.slice(0, MAX_INSTANCES).map(([kk, vv]) =>
            make(
              `${base}[${key(kk)}]`,
              new Map([
                [
                  "each",
                  object(
                    new Map([
                      ["key", kk],
                      ["value", vv],
                    ]),
                  ),
                ],
              ]),
            ),
          ),
          "map",
        );
      } else {
        const why = `for_each is not known before apply (${describeUnknown(c)})`;
        const each = object(
          new Map([
            ["key", unknown(`${base} each.key`, why)],
            ["value", unknown(`${base} each.value`, why)],
          ]),
        );
        result = set([make(base, new Map([["each", each]]))], "unknown");
      }
    } else {
      // OpenTofu's `lifecycle { enabled = false }` (1.11): the resource is not created, and a
      // reference to it is null. Unknown, the instance is analysed as if it exists.
      const enabled = cb.block.body.blocks
        .find((b) => b.type === "lifecycle")
        ?.body.attributes.get("enabled");
      const on = enabled && this.guard(`${base}.lifecycle.enabled`, () => this.evaluate(enabled.expr, scope));
      result = set(on?.kind === "bool" && !on.value ? [] : [make(base, new Map())], "single");
    }
    this.instanceCache.set(k, result);
    return result;
  }

  /** The value an instance's attribute has before apply. */
  attribute(inst: ResourceInstance, attr: string, range: SourceRange | undefined): TfValue {
    const source = `${inst.address}.${attr}`;
    if (inst.mode === "data") {
      const d = dataAttribute(inst, attr, range);
      if (d) return d;
    }
    const a = inst.config.block.body.attributes.get(attr);
    if (a) {
      const file = this.fileOf(a) ?? inst.config.file;
      const v = this.guard(source, () => this.evaluate(a.expr, this.scope(file, inst.bindings)));
      return at(v, range && isScalar(v) ? range : v.range);
    }
    if (inst.mode === "managed") {
      const t = Object.hasOwn(RESOURCE_ATTRIBUTES, inst.type) ? RESOURCE_ATTRIBUTES[inst.type] : undefined;
      const template = t?.attributes[attr];
      if (template) return this.fromTemplate(inst, template, t?.defaults ?? {}, range);
      if (attr === "name" || attr === "bucket" || attr === "function_name")
        return unknown(source, "the name is generated when the resource is created", range);
    }
    return unknown(
      source,
      inst.mode === "data" ? "the data source is read when Terraform runs" : "known only after apply",
      range,
    );
  }

  private fromTemplate(
    inst: ResourceInstance,
    template: string,
    defaults: Record<string, string>,
    range: SourceRange | undefined,
  ): TfValue {
    const segs: StringSegment[][] = [];
    let i = 0;
    while (i < template.length) {
      const a = template.indexOf("{", i);
      if (a < 0) {
        segs.push([{ text: template.slice(i) }]);
        break;
      }
      segs.push([{ text: template.slice(i, a) }]);
      const b = template.indexOf("}", a);
      const name = template.slice(a + 1, b);
      i = b + 1;
      if (name === "partition") segs.push([{ symbol: PARTITION }]);
      else if (name === "region") segs.push([{ symbol: REGION }]);
      else if (name === "account") segs.push([{ symbol: SELF_ACCOUNT }]);
      else if (name === "urlsuffix") segs.push([{ symbol: URL_SUFFIX }]);
      else if (name.startsWith("?")) {
        const u = unknown(
          `${inst.address}.${name.slice(1)}`,
          "assigned by AWS when this configuration creates the resource",
        );
        segs.push([{ symbol: (u as { symbol: ValueSymbol }).symbol }]);
      } else if (name === "event_bus_path") {
        const bus = inst.config.block.body.attributes.get("event_bus_name");
        if (bus) {
          const v = this.attribute(inst, "event_bus_name", undefined);
          const t = knownString(v);
          if (t !== "default") segs.push([...(segmentsOf(v) ?? []), { text: "/" }]);
        }
      } else if (name === "slash_name") {
        const v = this.attribute(inst, "name", undefined);
        const s = segmentsOf(v) ?? [];
        const first = s[0];
        if (!(first && "text" in first && first.text.startsWith("/"))) segs.push([{ text: "/" }]);
        segs.push(s);
      } else {
        const has = inst.config.block.body.attributes.has(name);
        const v = has
          ? this.attribute(inst, name, undefined)
          : defaults[name] !== undefined
            ? str(defaults[name] as string)
            : unknown(`${inst.address}.${name}`, "the name is generated when the resource is created");
        const s = segmentsOf(v);
        if (!s) return unknown(`${inst.address}`, `${name} is not a string`, range);
        segs.push(s);
      }
    }
    const out: TfValue = { kind: "string", segments: concatSegments(segs) };
    if (range) out.range = range;
    return out;
  }

  /** A resource or data source as a value: one lazy object, or a list / map of them. */
  resourceValue(
    mode: "managed" | "data",
    type: string,
    name: string,
    range: SourceRange | undefined,
  ): TfValue {
    const set = this.instances(mode, type, name);
    if (!("instances" in set)) return set;
    const lazy = (inst: ResourceInstance): TfValue => ({
      kind: "lazy",
      name: inst.address,
      get: (attr, r) => this.attribute(inst, attr, r),
      ...(range ? { range } : {}),
    });
    const first = set.instances[0];
    if (set.shape === "single") return first ? lazy(first) : NULL;
    if (set.shape === "unknown" && first) {
      // Indexing gives the one instance analysed with an unknown key.
      const one = lazy(first);
      return {
        kind: "lazy",
        name: `${type}.${name}`,
        get: () => one,
        anyInstance: true,
        ...(range ? { range } : {}),
      } as TfValue;
    }
    if (set.shape === "map") {
      const m = new Map<string, TfValue>();
      for (const inst of set.instances) {
        const each = inst.bindings.get("each");
        const k = each?.kind === "object" ? knownString(each.entries.get("key") ?? NULL) : undefined;
        if (k !== undefined) m.set(k, lazy(inst));
      }
      return object(m, range);
    }
    return list(set.instances.map(lazy), range);
  }

  evaluate(expr: Expr, scope: Scope): TfValue {
    if (this.depth > MAX_EVAL_DEPTH)
      return unknown("expression", "the expression nests too deeply", scope.map.range(expr.span));
    this.depth++;
    try {
      return this.evaluateInner(expr, scope);
    } finally {
      this.depth--;
    }
  }

  private evaluateInner(expr: Expr, scope: Scope): TfValue {
    const range = scope.map.range(expr.span);
    switch (expr.type) {
      case "literal":
        if (expr.value === null) return { kind: "null", range };
        if (typeof expr.value === "string") return str(expr.value, range);
        if (typeof expr.value === "number") return { kind: "number", value: expr.value, range };
        return { kind: "bool", value: expr.value, range };
      case "paren":
        return this.evaluate(expr.expr, scope);
      case "template":
        return this.template(expr.parts, scope, range);
      case "tuple":
        return list(
          expr.items.map((i) => this.evaluate(i, scope)),
          range,
        );
      case "object": {
        const entries = new Map<string, TfValue>();
        const keyRanges = new Map<string, SourceRange>();
        const unknownKeys: ValueSymbol[] = [];
        for (const item of expr.items) {
          const kv =
            item.key.type === "variable"
              ? str(item.key.name)
              : item.key.type === "literal"
                ? str(String(item.key.value))
                : this.evaluate(item.key, scope);
          const k = knownString(kv);
          if (k === undefined) {
            this.host.diagnostics.push(
              diag(
                scope.map,
                item.key.span.start,
                "UnsupportedConstruct",
                "an object key is not known before apply; the entry is left out",
              ),
            );
            // What the key depends on goes with the object: a policy parser must not count on the
            // entry (a Deny's condition on it may not apply).
            for (const part of toPolicyValue(kv)?.parts ?? [])
              if (typeof part !== "string" && !unknownKeys.includes(part)) unknownKeys.push(part);
            if (unknownKeys.length === 0) {
              const text = sliceText(scope.map, item.key.span);
              unknownKeys.push({
                kind: "unknown",
                name: text,
                provenance: { source: text, reason: "an object key not known before apply" },
              });
            }
            continue;
          }
          entries.set(k, this.evaluate(item.value, scope));
          keyRanges.set(k, scope.map.range(item.key.span));
        }
        return unknownKeys.length > 0
          ? { kind: "object", entries, keyRanges, range, unknownKeys }
          : { kind: "object", entries, keyRanges, range };
      }
      case "variable":
      case "getattr":
      case "index":
        return this.traversal(expr, scope, range);
      case "splat": {
        const src = this.evaluate(expr.source, scope);
        const apply = (item: TfValue): TfValue => this.steps(item, expr.steps, scope, range);
        if (src.kind === "list") return list(src.items.map(apply), range);
        if (src.kind === "null") return list([], range);
        if (src.kind === "unknown") return at(src, range);
        if (src.kind === "lazy" && (src as { anyInstance?: boolean }).anyInstance)
          return list([apply(src.get("", range))], range);
        return list([apply(src)], range);
      }
      case "call":
        return this.call(expr, scope, range);
      case "conditional": {
        const c = this.evaluate(expr.condition, scope);
        const t = truth(c);
        if (t === true) return this.evaluate(expr.whenTrue, scope);
        if (t === false) return this.evaluate(expr.whenFalse, scope);
        const a = this.evaluate(expr.whenTrue, scope);
        const b = this.evaluate(expr.whenFalse, scope);
        const pa = plain(a);
        if (pa !== undefined && JSON.stringify(pa) === JSON.stringify(plain(b))) return a;
        const text = scope.map.text.slice(expr.span.start, Math.min(expr.span.end, expr.span.start + 80));
        const u = unknown(text, `the condition is not known before apply (${describeUnknown(c)})`, range);
        if (u.kind === "unknown" && (mayBeNull(a) || mayBeNull(b))) u.mayBeNull = true;
        // Either branch may be taken: a policy built from it is analysed with each. The choice is the
        // condition's value: what it tests (a variable, `var.env == "prod"`) names the choice, through
        // locals and module inputs too, and `!c`, `a != b` are that choice with the branches swapped,
        // so related conditionals stay consistent. The written text names it for the reader.
        // A condition that is not an unknown value (a string with an unknown part) is named by its
        // text, `!` and `!=` taken out: then the text's negation swaps the branches.
        const { text: cond, negated } = choiceCondition(expr.condition, scope.map);
        const choice =
          c.kind === "unknown" ? (c.choice ?? { key: symbolKey(c.symbol), negated: false }) : undefined;
        const [yes, no] = (choice ? choice.negated : negated) ? [b, a] : [a, b];
        return oneOf(u, `cond:${choice?.key ?? `${this.prefix}:${cond}`}`, choice?.label ?? cond, [
          { label: "true", value: yes },
          { label: "false", value: no },
        ]);
      }
      case "binary": {
        const l = this.evaluate(expr.left, scope);
        const r = this.evaluate(expr.right, scope);
        const v = this.binary(expr.operator, l, r, range);
        // `x == "lit"` and `x != "lit"` on an unknown x: one choice (the second negated), whatever
        // name x goes by (a local, a module input).
        if (v.kind === "unknown" && (expr.operator === "==" || expr.operator === "!=")) {
          const [u, lit] =
            l.kind === "unknown" ? [l, knownString(r)] : r.kind === "unknown" ? [r, knownString(l)] : [];
          if (u?.kind === "unknown" && lit !== undefined) {
            const label = `${u.symbol.name} == ${JSON.stringify(lit)}`;
            return {
              ...v,
              choice: {
                key: `eq:${symbolKey(u.symbol)}\u0000${lit}`,
                negated: expr.operator === "!=",
                label,
              },
            };
          }
        }
        return v;
      }
      case "unary": {
        const v = this.evaluate(expr.operand, scope);
        if (expr.operator === "!") {
          const t = truth(v);
          if (t !== undefined) return { kind: "bool", value: !t, range };
          // Not known: the same choice as the operand's, negated.
          if (v.kind === "unknown") {
            const choice = v.choice ?? { key: symbolKey(v.symbol), negated: false, label: v.symbol.name };
            return { ...at(v, range), choice: { ...choice, negated: !choice.negated } } as TfValue;
          }
          return at(v, range);
        }
        return v.kind === "number" ? { kind: "number", value: -v.value, range } : at(v, range);
      }
      case "for":
        return this.forExpr(expr, scope, range);
    }
  }

  private binary(op: string, l: TfValue, r: TfValue, range: SourceRange): TfValue {
    if (op === "&&" || op === "||") {
      const a = truth(l);
      const b = truth(r);
      if (op === "&&" && (a === false || b === false)) return { kind: "bool", value: false, range };
      if (op === "||" && (a === true || b === true)) return { kind: "bool", value: true, range };
      if (a !== undefined && b !== undefined)
        return { kind: "bool", value: op === "&&" ? a && b : a || b, range };
      return unknownFrom([l, r], range);
    }
    if (op === "==" || op === "!=") {
      const pa = plain(l);
      const pb = plain(r);
      // `x == null` is decided when x is surely not null, though not known: the deploying account
      // (`var.account == null ? [] : [var.account]`, a module input set to it), a string with
      // unknown parts, a list or an object.
      if ((l.kind === "null" && neverNull(r)) || (r.kind === "null" && neverNull(l)))
        return { kind: "bool", value: op === "!=", range };
      if (pa === undefined || pb === undefined) {
        // A string partly known, or a JSON text, that cannot be the other side's known string
        // (`jsonencode({...}) == ""`) is decided all the same.
        if ((typeof pb === "string" && !mayBeText(l, pb)) || (typeof pa === "string" && !mayBeText(r, pa)))
          return { kind: "bool", value: op === "!=", range };
        return unknownFrom([l, r], range);
      }
      const eq = JSON.stringify(pa) === JSON.stringify(pb);
      return { kind: "bool", value: op === "==" ? eq : !eq, range };
    }
    const a = l.kind === "number" ? l.value : Number(knownString(l));
    const b = r.kind === "number" ? r.value : Number(knownString(r));
    if (!Number.isFinite(a) || !Number.isFinite(b)) return unknownFrom([l, r], range);
    const value = (() => {
      switch (op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return a / b;
        case "%":
          return a % b;
        case "<":
          return a < b;
        case ">":
          return a > b;
        case "<=":
          return a <= b;
        default:
          return a >= b;
      }
    })();
    return typeof value === "boolean" ? { kind: "bool", value, range } : { kind: "number", value, range };
  }

  private forExpr(expr: Expr & { type: "for" }, scope: Scope, range: SourceRange): TfValue {
    return this.forOver(this.evaluate(expr.collection, scope), expr, scope, range);
  }

  /** A for expression over `coll`; over one of several known collections, one of several results. */
  private forOver(coll: TfValue, expr: Expr & { type: "for" }, scope: Scope, range: SourceRange): TfValue {
    if (coll.kind === "unknown" && coll.alternatives) {
      const alt = coll.alternatives;
      const base = this.forOver(withoutAlternatives(coll), expr, scope, range);
      return oneOf(
        base,
        alt.key,
        alt.label,
        alt.options.map((o) => ({ label: o.label, value: this.forOver(o.value, expr, scope, range) })),
      );
    }
    let pairs: Array<[TfValue, TfValue]>;
    if (coll.kind === "list") pairs = coll.items.map((v, i) => [{ kind: "number", value: i }, v]);
    // A map or object is iterated in the lexical order of its keys, as Terraform does.
    else if (coll.kind === "object") pairs = [...coll.entries].sort(byKey).map(([k, v]) => [str(k), v]);
    else if (coll.kind === "null") pairs = [];
    else if (coll.kind === "unknown" && !coll.error && !expr.producesObject)
      return this.forOverUnknown(coll, expr, scope, range);
    else
      return unknown(
        `for ${expr.valueVar} in ...`,
        `the collection is not known before apply (${describeUnknown(coll)})`,
        range,
      );
    const items: TfValue[] = [];
    /** Items a filter not known before apply may drop. */
    const uncertain = new Set<number>();
    const entries = new Map<string, TfValue>();
    const keyRanges = new Map<string, SourceRange>();
    // Nested loops multiply (range(1000) in range(1000) in range(10) took 46 s and 4 GB): all the
    // for expressions of one analysis share a budget of items, as range() has a limit of its own.
    let budget = forBudgets.get(this.host);
    if (budget === undefined) {
      budget = { left: MAX_FOR_ITEMS };
      forBudgets.set(this.host, budget);
    }
    budget.left -= pairs.length;
    if (budget.left < 0)
      return unknown(
        `for ${expr.valueVar} in ...`,
        `the for expressions of this configuration make more than ${MAX_FOR_ITEMS} items; the value is not computed`,
        range,
      );
    /** Every element made, with the `if` that keeps it when that is not known (see `candidates`). */
    const candidates: ForCandidate[] = [];
    let undecided = false;
    for (const [k, v] of pairs) {
      const bindings = new Map(scope.bindings ?? []);
      if (expr.keyVar !== undefined) bindings.set(expr.keyVar, k);
      bindings.set(expr.valueVar, v);
      const inner: Scope = { ...scope, bindings };
      let when: ForCandidate["when"];
      if (expr.condition) {
        const cv = this.evaluate(expr.condition, inner);
        const c = truth(cv);
        if (c === false) continue;
        if (c === undefined) {
          // A grouped map (`...`) would be a list that may lack the element under its key: the
          // whole map stays unknown.
          if (expr.producesObject && expr.grouped)
            return unknown(
              `for ${expr.valueVar} in ...`,
              "the for condition is not known before apply",
              range,
            );
          undecided = true;
          when = this.filterChoice(cv, expr, inner, k);
        }
      }
      if (expr.producesObject && expr.key) {
        const kk = knownString(this.evaluate(expr.key, inner));
        if (kk === undefined)
          return unknown(
            `for ${expr.valueVar} in ...`,
            "a key of the for expression is not known before apply",
            range,
          );
        const val = this.evaluate(expr.value, inner);
        candidates.push(when ? { key: str(kk), value: val, when } : { key: str(kk), value: val });
        if (when) continue;
        if (expr.grouped) {
          const prev = entries.get(kk);
          entries.set(kk, list([...(prev?.kind === "list" ? prev.items : []), val]));
        } else entries.set(kk, val);
        keyRanges.set(kk, scope.map.range(expr.key.span));
      } else {
        const val = this.evaluate(expr.value, inner);
        // An index after an element that may be dropped is not known.
        const index: TfValue =
          uncertain.size > 0
            ? unknown(
                `for ${expr.valueVar} in ...`,
                "an element before it may be dropped by the for condition",
              )
            : { kind: "number", value: items.length };
        candidates.push(when ? { key: index, value: val, when } : { key: index, value: val });
        // An item the filter may keep: in a list, it is kept for a policy (an Allow that may be
        // there is analysed; a Deny that may not be there is not counted on).
        if (when) uncertain.add(items.length);
        items.push(val);
      }
    }
    if (undecided) {
      // Not known which elements the filter keeps: an unknown collection. A list's policy
      // statements are those certainly kept and those it may keep, but for a Deny it may drop (not
      // counted on); a dynamic block generates a block for each element, those the filter may drop
      // only if their condition holds (`candidates`).
      const u = unknown(`for ${expr.valueVar} in ...`, "the for condition is not known before apply", range);
      if (u.kind === "unknown") {
        if (!expr.producesObject)
          u.knownItems = items.filter((item, i) => !uncertain.has(i) || !isDenyStatement(item));
        u.candidates = candidates;
      }
      return u;
    }
    return expr.producesObject ? { kind: "object", entries, keyRanges, range } : list(items, range);
  }

  /**
   * A list `for` expression over a collection not known before apply: an unknown list whose policy
   * items (see `knownItems`) are the element made once for an unknown item, as a `dynamic` block
   * over such a collection generates its block once (and for the items the collection is known to
   * hold, each). The list may be empty, which grants nothing: an Allow is analysed as there, a
   * Deny is not counted on, and an element whose Effect is not known is wholly the caller's, as in
   * a `dynamic "statement"`, and not analysed (the parser warns of what is left out).
   */
  private forOverUnknown(
    coll: TfValue & { kind: "unknown" },
    expr: Expr & { type: "for" },
    scope: Scope,
    range: SourceRange,
  ): TfValue {
    const why = `the collection is not known before apply (${describeUnknown(coll)})`;
    const u = unknown(`for ${expr.valueVar} in ...`, why, range);
    if (u.kind !== "unknown") return u;
    const item = `an item of a collection not known before apply (${describeUnknown(coll)})`;
    const made = (value: TfValue, key: TfValue): { value: TfValue; sure: boolean } | undefined => {
      const bindings = new Map(scope.bindings ?? []);
      if (expr.keyVar !== undefined) bindings.set(expr.keyVar, key);
      bindings.set(expr.valueVar, value);
      const inner: Scope = { ...scope, bindings };
      const c = expr.condition ? truth(this.evaluate(expr.condition, inner)) : true;
      if (c === false) return undefined;
      return { value: this.evaluate(expr.value, inner), sure: c === true };
    };
    const kept: TfValue[] = [];
    let complete = true;
    // Items the collection is known to hold are in it (an Allow that may be filtered out stays).
    for (const known of coll.knownItems ?? []) {
      const m = made(known, unknown(expr.keyVar ?? "key", item));
      if (!m) continue;
      if (!m.sure && isDenyStatement(m.value)) complete = false;
      else kept.push(m.value);
    }
    if (!coll.itemsComplete) {
      const m = made(unknown(expr.valueVar, item), unknown(expr.keyVar ?? "key", item));
      if (m) {
        const effect = statementEffect(m.value);
        if (isDenyStatement(m.value) || (effect !== undefined && knownString(effect) === undefined))
          complete = false;
        else kept.push(m.value);
      }
    }
    u.knownItems = kept;
    if (complete) u.itemsComplete = true;
    return u;
  }

  /**
   * The choice an element's undecided `if` makes. A test on an unknown against the element
   * (`k == data.aws_region.current.region`) is the choice a conditional on the same test is; any
   * other is the element's own, named by the condition's text and the element.
   */
  private filterChoice(
    cv: TfValue,
    expr: Expr & { type: "for" },
    inner: Scope,
    k: TfValue,
  ): NonNullable<ForCandidate["when"]> {
    const text = oneLine(sliceText(inner.map, (expr.condition as Expr).span));
    const reason = `the for condition ${text} is not known before apply (${describeUnknown(cv)})`;
    if (cv.kind === "unknown" && cv.choice?.label && cv.choice.key.startsWith("eq:"))
      return { key: `cond:${cv.choice.key}`, label: cv.choice.label, negated: cv.choice.negated, reason };
    const element = `${expr.keyVar ?? expr.valueVar} = ${key(k)}`;
    return {
      key: `for:${this.prefix}:${inner.map.file}:${expr.span.start}:${key(k)}`,
      label: `${text} (${element})`,
      negated: false,
      reason,
    };
  }

  template(parts: TemplatePart[], scope: Scope, range: SourceRange): TfValue {
    // "${x}" alone is x itself, not its string form (HCL).
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only?.kind === "interpolation") return this.evaluate(only.expr, scope);
    // A `%{for}` over a collection not known before apply that makes whole Allow statements is
    // rendered once, for an unknown item, as a `dynamic "statement"` over such a collection is
    // generated once: the policy's other statements are then read too. Only when the text is then
    // JSON that reads as written; otherwise the text stays unknown, as before. A `%{if}` that is
    // not decided (a separator on the loop's index) makes it one of several texts: those that are
    // no JSON are no deploy's policy (the last item takes the branch that closes the list).
    const once: LoopsOnce = { rendered: false, undecided: 0 };
    const v = this.templateChoosing(parts, scope, range, new Map(), once);
    if (!once.rendered) return v;
    return readableTexts(v) ?? this.templateChoosing(parts, scope, range, new Map());
  }

  /**
   * A template with the `%{if}` directives in `forced` taken as given. The first other one whose
   * condition is not known makes the string one of two: each is built (and analysed, when it is a
   * policy) with that directive taken each way, up to MAX_TEMPLATE_CHOICES directives.
   */
  private templateChoosing(
    parts: TemplatePart[],
    scope: Scope,
    range: SourceRange,
    forced: Map<TemplatePart, boolean | number>,
    once?: LoopsOnce,
  ): TfValue {
    const undecided: Undecided = {};
    const segs = this.templateSegments(parts, scope, 0, forced, undecided, once);
    if (!Array.isArray(segs)) return at(segs, range);
    const value: TfValue = { kind: "string", segments: concatSegments([segs]), range };
    const p = undecided.part;
    const interpolated = undecided.interpolation;
    if ((!p && !interpolated) || forced.size >= MAX_TEMPLATE_CHOICES) return value;
    if (!p && interpolated) {
      // An interpolation that is one of several values (`${var.strict ? "a" : "*"}`): the string
      // is one of several, each built with one of them, in the choice of that value.
      const { part, alternatives } = interpolated;
      return {
        ...value,
        alternatives: {
          key: alternatives.key,
          label: alternatives.label,
          options: alternatives.options.map((o, i) => ({
            label: o.label,
            value: this.templateChoosing(parts, scope, range, new Map([...forced, [part, i]]), once),
          })),
        },
      };
    }
    if (!p) return value;
    const label = `%{if ${sliceText(scope.map, p.condition.span)}}`;
    return {
      ...value,
      alternatives: {
        key: `tif:${range.file}:${p.span.start}`,
        label,
        options: [true, false].map((b) => ({
          label: String(b),
          value: this.templateChoosing(parts, scope, range, new Map([...forced, [p, b]]), once),
        })),
      },
    };
  }

  private templateSegments(
    parts: TemplatePart[],
    scope: Scope,
    depth: number,
    forced?: Map<TemplatePart, boolean | number>,
    undecided?: Undecided,
    once?: LoopsOnce,
  ): StringSegment[] | TfValue {
    const out: StringSegment[] = [];
    for (const p of parts) {
      if (p.kind === "text") {
        if (p.text !== "") {
          const source = {
            map: scope.map,
            start: p.span.start,
            end: p.span.end,
            ...(p.anchors ? { anchors: p.anchors } : {}),
          };
          out.push({ text: p.text, source });
        }
      } else if (p.kind === "interpolation") {
        let v = this.evaluate(p.expr, scope);
        if ((v.kind === "unknown" || v.kind === "string") && v.alternatives) {
          const pick = forced?.get(p);
          const option = typeof pick === "number" ? v.alternatives.options[pick] : undefined;
          if (option) v = option.value;
          else if (undecided && !undecided.interpolation)
            undecided.interpolation = { part: p, alternatives: v.alternatives };
        }
        const s = segmentsOf(v);
        if (s) out.push(...s);
        else if (v.kind === "null")
          return unknown(
            sliceText(scope.map, p.span),
            "a template interpolates null",
            scope.map.range(p.span),
          );
        else
          return unknown(
            sliceText(scope.map, p.span),
            `a template interpolates ${v.kind === "lazy" ? "a resource" : `a ${v.kind}`}`,
            scope.map.range(p.span),
          );
      } else if (p.kind === "if") {
        const given = forced?.get(p);
        const c = typeof given === "boolean" ? given : truth(this.evaluate(p.condition, scope));
        if (c === undefined) {
          if (undecided && !undecided.part) undecided.part = p;
          if (once) once.undecided++;
          out.push({
            symbol: (
              unknown(sliceText(scope.map, p.span), "the template condition is not known before apply") as {
                symbol: ValueSymbol;
              }
            ).symbol,
          });
          continue;
        }
        const inner = this.templateSegments(
          c ? p.whenTrue : p.whenFalse,
          scope,
          depth + 1,
          forced,
          undecided,
          once,
        );
        if (!Array.isArray(inner)) return inner;
        out.push(...inner);
      } else {
        const coll = this.evaluate(p.collection, scope);
        // The loop's body with its key and value bound.
        const body = (k: TfValue, v: TfValue): StringSegment[] | TfValue => {
          const bindings = new Map(scope.bindings ?? []);
          if (p.keyVar !== undefined) bindings.set(p.keyVar, k);
          bindings.set(p.valueVar, v);
          return this.templateSegments(p.body, { ...scope, bindings }, depth + 1, forced, undecided, once);
        };
        // A map in the lexical order of its keys, as Terraform iterates it.
        const pairs: Array<[TfValue, TfValue]> =
          coll.kind === "list"
            ? coll.items.map((v, i) => [{ kind: "number", value: i }, v])
            : coll.kind === "object"
              ? [...coll.entries].sort(byKey).map(([k, v]) => [str(k), v])
              : [];
        if (coll.kind !== "list" && coll.kind !== "object") {
          const why = `the template loops over a collection not known before apply (${describeUnknown(coll)})`;
          const u = unknown(sliceText(scope.map, p.span), why);
          if (!once || coll.kind !== "unknown" || coll.error) return u;
          // Once for an unknown item (and for each item it is known to hold), when each time it
          // makes only Allow statements (see `template`).
          const item = `an item of a collection not known before apply (${describeUnknown(coll)})`;
          const items = [
            ...(coll.knownItems ?? []),
            ...(coll.itemsComplete ? [] : [unknown(p.valueVar, item)]),
          ];
          for (const v of items) {
            const pending = once.undecided;
            const inner = body(unknown(p.keyVar ?? p.valueVar, item), v);
            if (!Array.isArray(inner)) return inner;
            // With an undecided `%{if}` in it, the texts built for each way are checked.
            if (once.undecided === pending && !makesAllowStatements(inner)) return u;
            out.push(...inner);
          }
          once.rendered = true;
          continue;
        }
        for (const [k, v] of pairs) {
          const inner = body(k, v);
          if (!Array.isArray(inner)) return inner;
          out.push(...inner);
        }
      }
    }
    return out;
  }

  private call(expr: Expr & { type: "call" }, scope: Scope, range: SourceRange): TfValue {
    if (expr.name === "try" || expr.name === "can") {
      for (let i = 0; i < expr.args.length; i++) {
        const v = this.evaluate(expr.args[i] as Expr, scope);
        // A failure falls through to the next argument; a reference to something not declared does
        // not (Terraform rejects it before try runs).
        if (v.kind === "unknown" && v.error && !v.undeclared) continue;
        if (expr.name === "can") {
          if (failingPicks.has(v))
            return unknown(
              sliceText(scope.map, expr.span),
              "whether the key exists is known only at apply",
              range,
            );
          if (v.kind !== "unknown") return { kind: "bool", value: true, range };
          // Whether it fails is not known: a test of its own (never the value itself).
          return v.mayFail || v.alternatives
            ? unknown(
                sliceText(scope.map, expr.span),
                "whether the expression fails is known only at apply",
                range,
              )
            : at(v, range);
        }
        // A pick among known values that may also fail (a map key it may lack): try() then takes
        // the next argument, which is one of the values too.
        const fallback = expr.args[i + 1];
        const single = failingPicks.get(v);
        if (fallback && (single || (v.kind === "unknown" && v.alternatives && v.mayFail))) {
          const alt = single ?? (v as { alternatives: Alternatives }).alternatives;
          const base = unknown(alt.label, "a key it may lack");
          return oneOf(at(base, range), `${alt.key}|try`, alt.label, [
            ...alt.options,
            { label: "(a key it lacks: the try fallback)", value: this.evaluate(fallback, scope) },
          ]);
        }
        // An item of a collection not known before apply, which may lack the key: the fallback is
        // the other value (`try(var.accounts["events"], "*")`).
        if (fallback && v.kind === "unknown" && v.mayFail && !v.alternatives) {
          const { mayFail: _mayFail, ...value } = v;
          const label = sliceText(scope.map, (expr.args[i] as Expr).span);
          return oneOf(at(unknown(label, "a key it may lack"), range), `try:${label}`, label, [
            { label: "set", value },
            { label: "not set (the try fallback)", value: this.evaluate(fallback, scope) },
          ]);
        }
        // An unknown may still fail when known (an attribute the object lacks): a later null
        // alternative may then be the value. Not the deploying account, Region, partition or DNS
        // suffix: they are always there (`try(data.aws_caller_identity.current.account_id, null)`).
        // (Read through an index, `data.aws_caller_identity.current[0]` of a count not known, the
        // reference itself may fail: the exemption is only for one written without brackets.)
        const direct = !sliceText(scope.map, (expr.args[i] as Expr).span).includes("[");
        if (v.kind === "unknown" && !v.mayBeNull && !(direct && ALWAYS_THERE.has(v.symbol.kind)))
          for (const later of expr.args.slice(i + 1))
            if (mayBeNull(this.evaluate(later, scope))) return { ...v, mayBeNull: true };
        return v;
      }
      return expr.name === "can"
        ? { kind: "bool", value: false, range }
        : unknown("try(...)", "no argument of try could be evaluated", range);
    }
    // Terraform takes a template only from "a direct reference to a single string from elsewhere"
    // (a variable, a local, an attribute), never one written in the call.
    const template = expr.args[0];
    if (
      expr.name === "templatestring" &&
      template &&
      !["variable", "getattr", "index"].includes(template.type)
    )
      return failure(
        "templatestring(...)",
        "invalid template expression: must be a direct reference to a single string from elsewhere",
        range,
      );
    let args = expr.args.map((a) => this.evaluate(a, scope));
    // An argument that fails fails the call, as in Terraform: `try(tolist(x.conditions), [])` on an
    // `x` without that attribute falls back to `[]`. (A reference to something not declared, in a
    // module scanned without all its files, stays the unknown it is read as.)
    const failed = args.find((a) => a.kind === "unknown" && a.error && !a.undeclared);
    if (failed) return failed;
    if (expr.expandFinal) {
      const last = args[args.length - 1];
      if (last?.kind === "list") args = [...args.slice(0, -1), ...last.items];
      else return unknownFrom(args, range);
    }
    const host: FunctionHost = {
      readFile: (p, r) => this.host.readFile(this, p, r),
      renderTemplateFile: (p, vars, r) => this.host.renderTemplateFile(this, p, vars, r),
      renderTemplateString: (t, vars, r) => this.host.renderTemplateString(this, t, vars, r),
    };
    return callFunction(expr.name, args, range, host);
  }

  private steps(v: TfValue, steps: SplatStep[], scope: Scope, range: SourceRange): TfValue {
    let cur = v;
    for (const s of steps) {
      cur = s.kind === "attr" ? getAttr(cur, s.name, range) : index(cur, this.evaluate(s.key, scope), range);
    }
    return cur;
  }

  /** `var.x`, `local.y`, `data.t.n.attr`, `module.m.out`, `aws_x.y[0].arn`, `each.value`, ... */
  private traversal(expr: Expr, scope: Scope, range: SourceRange): TfValue {
    const chain: Expr[] = [];
    let e: Expr = expr;
    while (e.type === "getattr" || e.type === "index") {
      chain.unshift(e);
      e = e.type === "getattr" ? e.object : e.collection;
    }
    if (e.type !== "variable") {
      let cur = this.evaluate(e, scope);
      for (const step of chain) cur = this.step(cur, step, scope);
      return at(cur, range && isScalar(cur) ? range : cur.range);
    }
    const root = e.name;
    const attrAt = (i: number): string | undefined => {
      const s = chain[i];
      return s?.type === "getattr" ? s.name : undefined;
    };
    const finish = (v: TfValue, from: number): TfValue => {
      let cur = v;
      for (let i = from; i < chain.length; i++) cur = this.step(cur, chain[i] as Expr, scope);
      return isScalar(cur) || cur.kind === "unknown" ? at(cur, range) : cur;
    };
    const bound = scope.bindings?.get(root);
    if (bound) return finish(bound, 0);
    const name0 = attrAt(0);
    switch (root) {
      case "var":
        if (!name0) break;
        return finish(this.variable(name0, range), 1);
      case "local":
        if (!name0) break;
        return finish(this.local(name0, range), 1);
      case "count":
      case "each":
      case "self":
        return unknown(sliceText(scope.map, expr.span), `${root} is not available here`, range);
      case "path": {
        // As Terraform, run in the root module's directory, gives them: path.module relative to it
        // ("." for the root module), path.root ".", path.cwd absolute. Relative paths in file() and
        // templatefile() are read from there, so the directory the tool was given, relative or
        // not, does not change what they name.
        if (name0 === "module")
          return finish(str(relative(resolve(this.rootDir), resolve(this.config.dir)) || ".", range), 1);
        if (name0 === "root") return finish(str(".", range), 1);
        if (name0 === "cwd") return finish(str(resolve(this.rootDir), range), 1);
        break;
      }
      case "terraform":
        return unknown(sliceText(scope.map, expr.span), "chosen when Terraform runs", range);
      case "data": {
        const type = name0;
        const name = attrAt(1);
        if (!type || !name) break;
        return finish(this.resourceValue("data", type, name, range), 2);
      }
      case "module": {
        if (!name0) break;
        return finish(this.moduleValue(name0, range), 1);
      }
      default: {
        if (!name0) break;
        if (this.config.resources.has(`${root}.${name0}`))
          return finish(this.resourceValue("managed", root, name0, range), 1);
        return undeclared(
          sliceText(scope.map, expr.span),
          `${root}.${name0} is not declared in ${this.label}`,
          range,
        );
      }
    }
    return failure(sliceText(scope.map, expr.span), "this reference is not understood", range);
  }

  /** Instances beyond MAX_INSTANCES are not analysed: said, never silent. */
  private tooManyInstances(base: string, n: number, scope: Scope, at: number): void {
    this.host.diagnostics.push(
      diag(
        scope.map,
        at,
        "UnsupportedConstruct",
        `${base} has ${n} instances; the first ${MAX_INSTANCES} are analysed, the rest are not`,
      ),
    );
  }

  private step(cur: TfValue, step: Expr, scope: Scope): TfValue {
    const range = scope.map.range(step.span);
    if (step.type === "getattr") return getAttr(cur, step.name, range);
    if (step.type === "index") return index(cur, this.evaluate(step.key, scope), range);
    return cur;
  }

  /** `module.name`: an object of the child's outputs (lazy), or a list / map for count / for_each. */
  private moduleValue(name: string, range: SourceRange | undefined): TfValue {
    const call = this.config.moduleCalls.get(name);
    if (!call)
      return undeclared(`module.${name}`, `module "${name}" is not declared in ${this.label}`, range);
    const count = call.block.body.attributes.get("count");
    const forEach = call.block.body.attributes.get("for_each");
    const outputs = (k: TfValue | undefined): TfValue => {
      const child = this.host.childModule(this, call, name, k);
      return {
        kind: "lazy",
        name: `module.${name}`,
        get: (out, r) =>
          child ? child.output(out, r) : unknown(`module.${name}.${out}`, this.notAnalysed(call), r),
        ...(range ? { range } : {}),
      };
    };
    if (!count && !forEach) return outputs(undefined);
    const scope = this.scope(call.file);
    if (count) {
      const n = this.evaluate(count.expr, scope);
      if (n.kind === "number")
        return list(
          Array.from({ length: Math.min(n.value, 1000) }, (_, i) => outputs({ kind: "number", value: i })),
          range,
        );
      return unknown(`module.${name}`, `count is not known before apply (${describeUnknown(n)})`, range);
    }
    const c = this.evaluate((forEach as Attribute).expr, scope);
    if (c.kind === "object")
      return object(new Map([...c.entries.keys()].map((k) => [k, outputs(str(k))])), range);
    if (c.kind === "list") {
      const m = new Map<string, TfValue>();
      for (const i of c.items) {
        const k = knownString(i);
        if (k === undefined) return unknown(`module.${name}`, "for_each is not known before apply", range);
        m.set(k, outputs(str(k)));
      }
      return object(m, range);
    }
    return unknown(`module.${name}`, `for_each is not known before apply (${describeUnknown(c)})`, range);
  }

  notAnalysed(call: ConfigBlock): string {
    const src = call.block.body.attributes.get("source");
    const text = src ? knownString(this.evaluate(src.expr, this.scope(call.file))) : undefined;
    return `module source ${text ? `"${text}" ` : ""}was not analysed`;
  }

  output(name: string, range: SourceRange | undefined): TfValue {
    const o = this.config.outputs.get(name);
    if (!o) return failure(`${this.prefix}${name}`, `${this.label} has no output "${name}"`, range);
    const v = o.block.body.attributes.get("value");
    if (!v) return unknown(`${this.prefix}${name}`, "the output has no value", range);
    const r = this.guard(`output.${name}`, () => this.evaluate(v.expr, this.scope(o.file)));
    return isScalar(r) && range ? at(r, range) : r;
  }
}

function _itemsCount(v: TfValue): number {
  return v.kind === "list" ? v.items.length : v.kind === "object" ? v.entries.size : -1;
}

function isScalar(v: TfValue): boolean {
  return v.kind === "string" || v.kind === "number" || v.kind === "bool" || v.kind === "null";
}

/** What names an unknown's choice: where it comes from and why it is not known (distinct per module). */
export function symbolKey(s: ValueSymbol): string {
  return `sym:${s.provenance.source}\u0000${s.name}\u0000${s.provenance.reason}`;
}

/**
 * The condition a conditional's choice is named after: `!c` is `c` negated, `a != b` is `a == b`
 * negated (parentheses dropped), so that both name one choice.
 */
function choiceCondition(e: Expr, map: LineMap): { text: string; negated: boolean } {
  let expr = e;
  let negated = false;
  for (;;) {
    if (expr.type === "paren") expr = expr.expr;
    else if (expr.type === "unary" && expr.operator === "!") {
      expr = expr.operand;
      negated = !negated;
    } else break;
  }
  if (expr.type === "binary" && (expr.operator === "!=" || expr.operator === "=="))
    return {
      text: `${sliceText(map, expr.left.span)} == ${sliceText(map, expr.right.span)}`,
      negated: expr.operator === "!=" ? !negated : negated,
    };
  return { text: sliceText(map, expr.span), negated };
}

function sliceText(map: LineMap, span: { start: number; end: number }): string {
  return oneLine(map.text.slice(span.start, span.end));
}

export function describeUnknown(v: TfValue): string {
  const u = firstUnknown(v);
  if (u) return `${u.provenance.source}: ${u.provenance.reason}`;
  return `it is ${v.kind === "lazy" ? "a resource" : v.kind}`;
}

/** The attribute name of an `object({...})` type constraint's item: a bare name or a quoted one. */
function typeAttributeName(key: Expr): string | undefined {
  if (key.type === "variable") return key.name;
  if (key.type === "literal" && typeof key.value === "string") return key.value;
  if (key.type === "template" && key.parts.length === 1 && key.parts[0]?.kind === "text")
    return key.parts[0].text;
  return undefined;
}

/** Symbols whose value always exists: the deploying account, the region, the partition, the DNS suffix. */
const NEVER_NULL_SYMBOLS = new Set(["self-account", "region", "partition", "url-suffix"]);

function neverNull(v: TfValue): boolean {
  switch (v.kind) {
    case "null":
      return false;
    case "unknown":
      return NEVER_NULL_SYMBOLS.has(v.symbol.kind);
    case "lazy":
    case "json":
      return false;
    default:
      return true;
  }
}

function unknownFrom(values: TfValue[], range: SourceRange): TfValue {
  for (const v of values) {
    const u = firstUnknown(v);
    if (u) return derivedUnknown(u, "expression", range);
  }
  return unknown("expression", "the operands are not known before apply", range);
}

export function getAttr(v: TfValue, name: string, range: SourceRange | undefined): TfValue {
  switch (v.kind) {
    case "object": {
      const x = v.entries.get(name);
      if (x) return x;
      return failure(name, `the object has no attribute "${name}"`, range);
    }
    case "lazy":
      return v.get(name, range);
    case "unknown":
      return v.error
        ? v
        : {
            kind: "unknown",
            symbol: {
              ...v.symbol,
              name: `${v.symbol.name}.${name}`,
              provenance: { ...v.symbol.provenance, source: `${v.symbol.provenance.source}.${name}` },
            },
            ...(range ? { range } : {}),
          };
    case "null":
      return failure(name, `attribute "${name}" of null`, range);
    default:
      return failure(name, `attribute "${name}" of ${v.kind}`, range);
  }
}

export function index(v: TfValue, k: TfValue, range: SourceRange | undefined): TfValue {
  if (v.kind === "lazy" && (v as { anyInstance?: boolean }).anyInstance) return v.get("", range);
  if (k.kind === "unknown" && v.kind !== "unknown") {
    if (v.kind === "list" && v.items.length === 1) return v.items[0] as TfValue;
    // Any item of a known collection may be picked: a policy built from it is analysed with each.
    const allowed = k.allowed;
    const options0 =
      v.kind === "object"
        ? [...v.entries]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([label, value]) => ({ label, value }))
        : v.kind === "list"
          ? v.items.map((value, i) => ({ label: String(i), value }))
          : [];
    // A variable's validation leaves only its allowed keys.
    const options = allowed ? options0.filter((o) => allowed.includes(o.label)) : options0;
    const selector = k.symbol.name;
    const picked = oneOf(
      at(k, range),
      `index:${selector}:${options.map((o) => o.label).join(",")}`,
      selector,
      options,
    );
    // A key the collection lacks fails (try() and can() then decide), unless validation rules it out.
    const total = allowed?.every((a) => options.some((o) => o.label === a)) ?? false;
    if (total) return picked;
    if (picked.kind === "unknown") return { ...picked, mayFail: true };
    // One entry: the value, unless the key is one it lacks (then try() and can() decide).
    const copy = { ...picked } as TfValue;
    failingPicks.set(copy, {
      key: `index:${selector}:${options.map((o) => o.label).join(",")}`,
      label: selector,
      options,
    });
    return copy;
  }
  if (v.kind === "list") {
    const n = k.kind === "number" ? k.value : Number(knownString(k));
    const item = Number.isInteger(n) ? v.items[n] : undefined;
    return item ?? failure(`[${knownString(k) ?? "?"}]`, "index out of range", range);
  }
  if (v.kind === "object") {
    const s = knownString(k);
    const item = s === undefined ? undefined : v.entries.get(s);
    return item ?? failure(`["${s ?? "?"}"]`, `the map has no key "${s ?? "?"}"`, range);
  }
  // A collection not known before apply may lack the key: try() and can() decide.
  if (v.kind === "unknown") {
    if (v.error) return at(v, range);
    // An item, not the list: what the list's policy items are is not the item's.
    const {
      knownItems: _items,
      itemsComplete: _complete,
      knownEntries: _entries,
      candidates: _c,
      ...item
    } = v;
    return { ...item, ...(range ? { range } : {}), mayFail: true };
  }
  if (v.kind === "lazy") return v.get(knownString(k) ?? "", range);
  return failure("index", `cannot index ${v.kind}`, range);
}

function dataAttribute(
  inst: ResourceInstance,
  attr: string,
  range: SourceRange | undefined,
): TfValue | undefined {
  const sym = (s: ValueSymbol): TfValue =>
    range ? { kind: "unknown", symbol: s, range } : { kind: "unknown", symbol: s };
  switch (inst.type) {
    case "aws_caller_identity":
      if (attr === "account_id" || attr === "id") return sym(SELF_ACCOUNT);
      return undefined;
    case "aws_region":
      if (attr === "name" || attr === "id" || attr === "region") return sym(REGION);
      return undefined;
    case "aws_partition":
      if (attr === "partition" || attr === "id") return sym(PARTITION);
      if (attr === "dns_suffix") return sym(URL_SUFFIX);
      return undefined;
    case "template_file":
      // The (deprecated, still common) hashicorp/template provider: `rendered` is the template
      // rendered with `vars`, as templatestring() renders it.
      return attr === "rendered" ? renderedTemplateFile(inst, range) : undefined;
    case "aws_iam_policy_document":
      if (attr === "json" || attr === "minified_json") {
        const v = inst.module.guard(`${inst.address}.json`, () => inst.module.host.policyDocument(inst));
        return range && v.kind === "document" ? { ...v, range } : v;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** `data "template_file"`'s `rendered`: its `template` rendered with its `vars`, when both are known. */
function renderedTemplateFile(inst: ResourceInstance, range: SourceRange | undefined): TfValue {
  const m = inst.module;
  const body = inst.config.block.body;
  const scope = m.scope(inst.config.file, inst.bindings);
  const t = body.attributes.get("template");
  const v = body.attributes.get("vars");
  const template = t ? m.guard(`${inst.address}.template`, () => m.evaluate(t.expr, scope)) : NULL;
  const vars = v ? m.guard(`${inst.address}.vars`, () => m.evaluate(v.expr, scope)) : object(new Map());
  if (template.kind === "string" && knownString(template) !== undefined && vars.kind === "object")
    return m.host.renderTemplateString(m, template, vars, range);
  const u = firstUnknown(template) ?? firstUnknown(vars);
  return u
    ? derivedUnknown(u, `${inst.address}.rendered`, range)
    : unknown(
        `${inst.address}.rendered`,
        "the template_file's template or vars is not known before apply",
        range,
      );
}

export function diag(
  map: LineMap,
  offset: number,
  code: string,
  message: string,
  severity: "error" | "warning" = "warning",
): Diagnostic {
  const p = map.position(offset);
  return { code, severity, message, file: map.file, line: p.line, column: p.column };
}

/** The Effect of a value that may be a policy statement (an object, or one merged with unknown ones). */
function statementEffect(v: TfValue): TfValue | undefined {
  const entries =
    v.kind === "object" ? v.entries : v.kind === "unknown" ? v.knownEntries?.entries : undefined;
  return entries?.get("Effect") ?? entries?.get("effect");
}

/** A policy statement whose Effect is "Deny" (known). */
function isDenyStatement(v: TfValue): boolean {
  const effect = statementEffect(v);
  return effect !== undefined && knownString(effect) === "Deny";
}

/**
 * Whether the text a `%{for}` makes for one item is whole policy statements, each a written Allow
 * with no key not known before apply (`,` between them, and around, taken out): such statements
 * only widen a policy when the loop makes them once or more, and an empty loop grants nothing.
 */
function makesAllowStatements(segs: StringSegment[]): boolean {
  // Adjacent texts as one (`%{ endif }` then a space or a newline: the separator and what follows
  // it are separate segments), so that a separator is trimmed with the space around it.
  const text: StringSegment[] = [];
  for (const x of segs) {
    const prev = text[text.length - 1];
    if ("text" in x && prev && "text" in prev) text[text.length - 1] = { text: prev.text + x.text };
    else text.push("text" in x ? { text: x.text } : x);
  }
  const first = text[0];
  if (first && "text" in first) text[0] = { text: first.text.replace(/^\s*,?/, "") };
  const last = text[text.length - 1];
  if (last && "text" in last) text[text.length - 1] = { text: last.text.replace(/,?\s*$/, "") };
  const parsed = parseJsonString(
    { kind: "string", segments: [{ text: "[" }, ...text, { text: "]" }] },
    undefined,
  );
  const node = parsed.node;
  if (node?.kind !== "array" || parsed.diagnostics.some((d) => d.severity === "error")) return false;
  return node.items.every((statement) => {
    if (statement.kind !== "object" || hasUnknownKey(statement, 0)) return false;
    const effect = statement.entries.find((e) => e.key === "Effect")?.value;
    return effect?.kind === "scalar" && effect.value === "Allow";
  });
}

/** An object key holding a value not known before apply (JSON text parsed with its unknowns). */
function hasUnknownKey(n: SourceNode, depth: number): boolean {
  if (depth > 64) return true;
  if (n.kind === "array") return n.items.some((i) => hasUnknownKey(i, depth + 1));
  if (n.kind !== "object") return false;
  return n.entries.some((e) => e.key.includes(SYMBOL_MARK) || hasUnknownKey(e.value, depth + 1));
}

/**
 * A template's text, or of the texts it may be (`alternatives`) those that are JSON that reads as
 * written (no part of its structure unknown); undefined when none is, or when one is no text at all
 * (a loop that writes no Allow statements that way: not a text to leave out).
 */
function readableTexts(v: TfValue): TfValue | undefined {
  let made = true;
  const readable = (t: TfValue, depth: number): TfValue | undefined => {
    if (t.kind !== "string" || depth > MAX_TEMPLATE_CHOICES) {
      made = false;
      return undefined;
    }
    if (!t.alternatives) {
      const parsed = parseJsonString(t, undefined);
      const kind = parsed.node?.kind;
      const reads =
        (kind === "object" || kind === "array") && !parsed.diagnostics.some((d) => d.severity === "error");
      return reads ? t : undefined;
    }
    const options: Array<{ label: string; value: TfValue }> = [];
    for (const o of t.alternatives.options) {
      const value = readable(o.value, depth + 1);
      if (value) options.push({ label: o.label, value });
    }
    const only = options.length === 1 ? options[0] : undefined;
    if (only) return t.range ? { ...only.value, range: t.range } : only.value;
    return options.length > 0 ? { ...t, alternatives: { ...t.alternatives, options } } : undefined;
  };
  const out = readable(v, 0);
  return made ? out : undefined;
}
