import type {
  LambdaPermission,
  LambdaPermissionField,
  PolicySite,
  PolicySiteKind,
  SourceNode,
  SourceRange,
  Suppression,
  ValueSymbol,
} from "@deputyguard/core";
import {
  chooseAlternatives,
  hasAlternatives,
  looksLikePolicy,
  MAX_VARIANTS,
  provenanceText,
  wholeUnknown,
} from "@deputyguard/core";
import type { ConfigBlock } from "../config/module-config.js";
import type { ModuleInstance, ResourceInstance, Scope } from "../eval/evaluator.js";
import { describeUnknown, diag } from "../eval/evaluator.js";
import { parseJsonString, valueToNode } from "../eval/json.js";
import { firstUnknown, knownString, object, str, type TfValue, toPolicyValue, truth } from "../eval/value.js";
import type { LineMap } from "../hcl/line-map.js";
import type { Attribute, Body, Expr } from "../hcl/syntax.js";
import { childExpressions, fileCalls, traversals } from "../hcl/traversals.js";
import {
  FUNCTION_PERMISSION_TYPES,
  LAMBDA_PERMISSION_TYPES,
  POLICY_ATTRIBUTES,
} from "../knowledge/policy-attributes.js";
import { expandBlocks } from "./document.js";
import { suppressionIndex } from "./suppressions.js";

/** A site with what it was built from: the root-module file that declared it (for one-file scans). */
export interface FoundSite {
  site: PolicySite;
  /** The file of the root module whose block (resource, data source or module call) led here. */
  rootFile: string;
}

export interface SiteCollector {
  sites: FoundSite[];
  /** Policy documents (by module prefix + address) that a resource's policy used. */
  consumedDocuments: Set<string>;
}

/** The policy tree of a value given to a policy argument, or undefined (with a diagnostic) when it has none. */
export function policyNode(
  v: TfValue,
  what: string,
  fallback: SourceRange | undefined,
  module: ModuleInstance,
  collector: SiteCollector,
  quiet: boolean,
): SourceNode | undefined {
  switch (v.kind) {
    case "json":
      // `jsonencode(x)` of an x not known before apply is that unknown, not a shape error.
      if (v.value.kind === "unknown") return policyNode(v.value, what, fallback, module, collector, quiet);
      return valueToNode(v.value);
    case "document":
      collector.consumedDocuments.add(v.origin);
      for (const s of v.sources ?? []) collector.consumedDocuments.add(s);
      return v.node;
    case "string": {
      if (v.alternatives) return alternativeDocuments(v, fallback, module, quiet);
      const parsed = parseJsonString(v, fallback);
      if (!quiet) module.host.diagnostics.push(...parsed.diagnostics);
      // A text that is wholly one unknown (`replace(var.doc, ...)`) is a policy not known before
      // apply, as the unknown itself is: a warning, not a shape error.
      const whole = parsed.node?.kind === "value" ? wholeUnknown(parsed.node.value) : undefined;
      if (whole) {
        if (!quiet && fallback)
          module.host.diagnostics.push({
            code: "PolicyUnknown",
            severity: "warning",
            file: fallback.file,
            line: fallback.start.line,
            column: fallback.start.column,
            message: `${what} is not known before apply (${provenanceText(whole)}); it is not analysed`,
          });
        return undefined;
      }
      return parsed.node;
    }
    case "null":
      return undefined;
    case "unknown":
      if (v.alternatives) {
        // One of several policies (`var.strict ? jsonencode(a) : jsonencode(b)`): each is analysed.
        const options: Array<{ label: string; node: SourceNode }> = [];
        // A branch that holds no readable policy (`: ""`, an unknown) is a branch without one; its
        // problems are reported only when no branch has a policy (below, as for any unknown).
        for (const o of v.alternatives.options) {
          const node = policyNode(o.value, what, fallback, module, collector, true);
          if (node) options.push({ label: o.label, node });
        }
        // One option without a policy (`: null`): the policy exists in the other, which the finding names.
        if (options.length > 0) {
          const range = v.range ?? fallback;
          return {
            kind: "value",
            value: range ? { parts: [v.symbol], range } : { parts: [v.symbol] },
            ...(range ? { range } : {}),
            alternatives: { key: v.alternatives.key, label: v.alternatives.label, options },
          };
        }
      }
      if (!quiet && fallback) {
        module.host.diagnostics.push({
          code: "PolicyUnknown",
          severity: "warning",
          file: fallback.file,
          line: fallback.start.line,
          column: fallback.start.column,
          message: `${what} is not known before apply (${describeUnknown(v)}); it is not analysed`,
        });
      }
      return undefined;
    default:
      if (!quiet && fallback) {
        module.host.diagnostics.push({
          code: "PolicyShape",
          severity: "warning",
          file: fallback.file,
          line: fallback.start.line,
          column: fallback.start.column,
          message: `${what} is ${v.kind === "lazy" ? "a resource" : `a ${v.kind}`}, not a JSON policy document (use jsonencode)`,
        });
      }
      return undefined;
  }
}

/**
 * A policy text built by a template whose `%{if}` condition is not known: each text it may be,
 * parsed, as the options of one node (the site is analysed with each).
 */
function alternativeDocuments(
  v: TfValue & { kind: "string" },
  fallback: SourceRange | undefined,
  module: ModuleInstance,
  quiet: boolean,
): SourceNode | undefined {
  const alt = v.alternatives;
  if (!alt) return undefined;
  const options: Array<{ label: string; node: SourceNode }> = [];
  for (const o of alt.options) {
    const node =
      o.value.kind === "string" && o.value.alternatives
        ? alternativeDocuments(o.value, fallback, module, quiet)
        : o.value.kind === "string"
          ? (() => {
              const parsed = parseJsonString(o.value, fallback);
              if (!quiet) module.host.diagnostics.push(...parsed.diagnostics);
              return parsed.node;
            })()
          : undefined;
    if (node) options.push({ label: o.label, node });
  }
  if (options.length === 0) return undefined;
  if (options.length === 1) return options[0]?.node;
  const symbol: ValueSymbol = {
    kind: "unknown",
    name: alt.label,
    provenance: { source: alt.label, reason: "the template condition is not known before apply" },
  };
  const range = v.range ?? fallback;
  return {
    kind: "value",
    value: range ? { parts: [symbol], range } : { parts: [symbol] },
    ...(range ? { range } : {}),
    alternatives: { key: alt.key, label: alt.label, options },
  };
}

/** An attribute whose expression may hold a policy (for types not in the table). */
function mayHoldPolicy(name: string, e: Expr): boolean {
  if (name.includes("policy")) return true;
  if (e.type === "call") return e.name === "jsonencode" || e.name === "templatefile" || e.name === "file";
  if (e.type === "template") {
    const first = e.parts[0];
    return first?.kind === "text" && first.text.trimStart().startsWith("{");
  }
  if (e.type === "getattr") return e.name === "json" || e.name === "minified_json";
  return false;
}

/**
 * Suppression comments written at the resource's block (see suppressions.ts), covering its findings
 * in `documentFile` too (the template a decided `templatefile()` policy is written in).
 */
function blockSuppressions(inst: ResourceInstance, documentFile?: string): Suppression[] {
  const map = inst.config.file.map;
  return suppressionIndex(map).forBlock(map.range(inst.config.block.span), inst.address, documentFile);
}

function addSite(
  collector: SiteCollector,
  inst: ResourceInstance,
  rootFile: string,
  node: SourceNode,
  kind: PolicySiteKind,
  path: string,
  fallback: SourceRange,
): void {
  const range = node.range ?? fallback;
  const site: PolicySite = {
    file: range.file,
    resource: inst.address,
    resourceType: inst.mode === "data" ? `data.${inst.type}` : inst.type,
    propertyPath: path,
    kind,
    document: node,
    range,
  };
  const suppressions = [...blockSuppressions(inst, range.file), ...documentSuppressions(inst, range)];
  if (suppressions.length > 0) site.suppressions = suppressions;
  site.moduleDirs = inst.module.chain;
  if (!hasAlternatives(node)) {
    collector.sites.push({ site, rootFile });
    return;
  }
  // A value picked by a selector not known before apply (a conditional, a map index, coalesce): the
  // policy is analysed with each value a deploy may pick, and a finding says which.
  const { documents, truncated } = variantDocuments(node);
  for (const d of documents) {
    const variant: PolicySite = { ...site, document: d.node };
    if (d.variant) variant.variant = d.variant;
    if (d.statementVariants) variant.statementVariants = d.statementVariants;
    collector.sites.push({ site: variant, rootFile });
  }
  if (truncated) {
    // The combinations left out are still judged with their choices unknown (trusted, CD301).
    collector.sites.push({ site, rootFile });
    inst.module.host.diagnostics.push({
      code: "UnsupportedConstruct",
      severity: "warning",
      file: range.file,
      line: range.start.line,
      column: range.start.column,
      message: `the policy of ${inst.address} depends on more undecided choices than are analysed one by one (${documents.length} combinations); the others are judged with those values unknown`,
    });
  }
}

interface ChoiceKey {
  label: string;
  options: string[];
}

/** The choices (values with alternatives) in a tree, in the order met, options included. */
function choiceKeys(node: SourceNode, into: Map<string, ChoiceKey>, depth = 0): Map<string, ChoiceKey> {
  if (depth > 256) return into;
  switch (node.kind) {
    case "value":
      if (node.alternatives) {
        if (!into.has(node.alternatives.key))
          into.set(node.alternatives.key, {
            label: node.alternatives.label,
            options: node.alternatives.options.map((o) => o.label),
          });
        for (const o of node.alternatives.options) choiceKeys(o.node, into, depth + 1);
      }
      break;
    case "array":
      for (const i of node.items) choiceKeys(i, into, depth + 1);
      break;
    case "object":
      for (const e of node.entries) choiceKeys(e.value, into, depth + 1);
      break;
  }
  return into;
}

/** How many combinations `keys` make. */
function combinations(keys: readonly string[], choices: ReadonlyMap<string, ChoiceKey>): number {
  return keys.reduce((n, k) => n * (choices.get(k)?.options.length ?? 1), 1);
}

/** Sets in `into` the option each of `keys` takes in combination `index` (the last key fastest). */
function pickCombination(
  keys: readonly string[],
  choices: ReadonlyMap<string, ChoiceKey>,
  index: number,
  into: Map<string, number>,
): void {
  let rest = index;
  for (const k of [...keys].reverse()) {
    const n = choices.get(k)?.options.length ?? 1;
    into.set(k, rest % n);
    rest = Math.floor(rest / n);
  }
}

/** What `keys` take as picked (`label: option, ...`), undefined for none. */
function describeChoices(
  keys: readonly string[],
  choices: ReadonlyMap<string, ChoiceKey>,
  picked: ReadonlyMap<string, number>,
): string | undefined {
  const parts = keys.map((k) => `${choices.get(k)?.label}: ${choices.get(k)?.options[picked.get(k) ?? 0]}`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/**
 * A statement whose choices concern every other statement: a Deny, or one whose Effect is not a
 * written "Allow" (`var.lock ? "Deny" : "Allow"` may be a Deny).
 */
function isDeny(statement: SourceNode): boolean {
  // A statement that a dynamic block may generate in place of another: a Deny if either may be.
  if (statement.kind === "value") return statement.alternatives?.options.some((o) => isDeny(o.node)) ?? false;
  if (statement.kind !== "object") return false;
  const effect = statement.entries.find((e) => e.key === "Effect")?.value;
  return !(effect === undefined || (effect.kind === "scalar" && effect.value === "Allow"));
}

/**
 * The documents a policy with choices may be, at most MAX_VARIANTS. The choices of one statement
 * do not change how another Allow statement is judged, so each statement's own choices are
 * enumerated side by side (site k takes combination k of each statement's), crossed with the choices
 * every statement depends on (outside the statements, in a Deny, or in several statements). Each
 * statement's findings name only the choices that concern it.
 */
function variantDocuments(node: SourceNode): {
  documents: Array<{ node: SourceNode; variant?: string; statementVariants?: Array<string | undefined> }>;
  truncated: boolean;
} {
  const all = choiceKeys(node, new Map());
  const list = node.kind === "object" ? node.entries.find((e) => e.key === "Statement")?.value : undefined;
  const statements = list?.kind === "array" ? list.items : list?.kind === "object" ? [list] : [];
  const own = statements.map((st) => (isDeny(st) ? new Map<string, ChoiceKey>() : choiceKeys(st, new Map())));
  const owners = new Map<string, number>();
  for (const keys of own) for (const k of keys.keys()) owners.set(k, (owners.get(k) ?? 0) + 1);
  const shared = [...all.keys()].filter((k) => owners.get(k) !== 1);
  const mine = own.map((keys) => [...keys.keys()].filter((k) => owners.get(k) === 1));
  const size = (keys: string[]) => combinations(keys, all);
  const across = size(shared);
  const side = Math.max(1, ...mine.map(size));
  const total = across * side;
  const count = Math.min(total, MAX_VARIANTS);
  const documents: Array<{
    node: SourceNode;
    variant?: string;
    statementVariants?: Array<string | undefined>;
  }> = [];
  for (let k = 0; k < count; k++) {
    const picked = new Map<string, number>();
    pickCombination(shared, all, Math.floor(k / side), picked);
    for (const keys of mine) pickCombination(keys, all, (k % side) % size(keys), picked);
    const chosen = chooseAlternatives(node, { choose: (key) => picked.get(key) ?? 0 });
    const doc: { node: SourceNode; variant?: string; statementVariants?: Array<string | undefined> } = {
      node: chosen,
    };
    const variant = describeChoices([...all.keys()], all, picked);
    if (variant) doc.variant = variant;
    if (statements.length > 0)
      doc.statementVariants = mine.map((keys) => describeChoices([...shared, ...keys], all, picked));
    documents.push(doc);
  }
  return { documents, truncated: total > MAX_VARIANTS };
}

/**
 * Suppression comments written at the block the document comes from, when that is not the
 * resource's own (a `data "aws_iam_policy_document"` or `locals` block of the module): a finding
 * points at the statement there, and that is where one writes the comment.
 */
function documentSuppressions(inst: ResourceInstance, range: SourceRange): Suppression[] {
  if (
    range.file === inst.config.file.path &&
    contains(inst.config.file.map.range(inst.config.block.span), range)
  )
    return [];
  // The document may come from another module (a root data source passed to a child's variable).
  const file =
    inst.module.config.files.find((f) => f.path === range.file) ?? inst.module.host.sourceFile?.(range.file);
  if (!file) return [];
  for (const b of file.body.blocks) {
    const r = file.map.range(b.span);
    if (!contains(r, range)) continue;
    if (b.type === "locals") {
      // One locals block may hold several policies: a comment covers the local it is written in
      // (or the line above it), not the others.
      for (const a of b.body.attributes.values()) {
        const ar = file.map.range(a.span);
        if (contains(ar, range)) return suppressionIndex(file.map).forLines(ar);
      }
      return [];
    }
    return suppressionIndex(file.map).forLines(r);
  }
  return [];
}

function contains(outer: SourceRange, inner: SourceRange): boolean {
  return outer.start.line <= inner.start.line && inner.start.line <= outer.end.line;
}

/**
 * The arguments at `a.b` through nested (and dynamic) blocks, each with the scope to evaluate it in
 * (the line map of the file it is written in).
 */
function valuesAt(
  m: ModuleInstance,
  body: Body,
  path: string[],
  scope: Scope,
): Array<{ attr: Attribute; scope: Scope }> {
  const [head, ...rest] = path;
  if (head === undefined) return [];
  if (rest.length === 0) {
    const a = body.attributes.get(head);
    if (!a) return [];
    const file = m.fileOf(a);
    return [{ attr: a, scope: file ? { ...scope, map: file.map } : scope }];
  }
  // A resource's own blocks (`inline_policy`, an event permission's `condition`), not a policy
  // document's: not held to aws_iam_policy_document's schema.
  return expandBlocks(body, head, scope, false).flatMap((b) => valuesAt(m, b.body, rest, b.scope));
}

function permissionSite(inst: ResourceInstance, rootFile: string, collector: SiteCollector): void {
  // Arguments picked by a selector not known before apply (`var.prod ? own_arn : other_arn`): the
  // permission is judged with each combination, and a finding names it.
  const choices = new Map<string, { label: string; options: string[] }>();
  const first = permissionOf(inst, new Map(), choices, false);
  if (!first) return;
  const keys = [...choices.keys()];
  const range = inst.config.file.map.range(inst.config.block.span);
  const suppressions = blockSuppressions(inst);
  const push = (permission: LambdaPermission, variant?: string) => {
    const site: PolicySite = {
      file: range.file,
      resource: inst.address,
      resourceType: inst.type,
      kind: "lambda-permission",
      permission,
      range,
    };
    if (variant) site.variant = variant;
    if (suppressions.length > 0) site.suppressions = suppressions;
    site.moduleDirs = inst.module.chain;
    collector.sites.push({ site, rootFile });
  };
  if (keys.length === 0) {
    push(first);
    return;
  }
  const total = combinations(keys, choices);
  for (let c = 0; c < Math.min(total, MAX_VARIANTS); c++) {
    const picked = new Map<string, number>();
    pickCombination(keys, choices, c, picked);
    const permission = permissionOf(inst, picked, new Map(), true);
    if (!permission) continue;
    const variant = describeChoices(keys, choices, picked);
    push(permission, variant);
  }
  // Past the limit, the permission is also judged with those arguments unknown (trusted, CD301).
  if (total > MAX_VARIANTS) push(first);
}

/**
 * The permission a Lambda permission resource gives, with the arguments that are one of several
 * values taken as `picked` says (the first option otherwise); the choices met go to `choices`.
 */
function permissionOf(
  inst: ResourceInstance,
  picked: ReadonlyMap<string, number>,
  choices: Map<string, { label: string; options: string[] }>,
  quiet: boolean,
): LambdaPermission | undefined {
  const m = inst.module;
  const mayBeAbsent: ValueSymbol[] = [];
  /** Guard arguments that may turn out null: one warning for those with the same reason. */
  const mayBeNull: MayBeNull[] = [];
  /** Every choice of a value, those nested in any of its options too (not only in the first). */
  const register = (v: TfValue, depth: number): void => {
    const alt = v.kind === "unknown" || v.kind === "string" ? v.alternatives : undefined;
    if (!alt || depth > 16) return;
    if (!choices.has(alt.key))
      choices.set(alt.key, { label: alt.label, options: alt.options.map((o) => o.label) });
    for (const o of alt.options) register(o.value, depth + 1);
  };
  const choose = (v: TfValue): TfValue => {
    let cur = v;
    for (let depth = 0; depth < 16; depth++) {
      const alt = cur.kind === "unknown" || cur.kind === "string" ? cur.alternatives : undefined;
      if (!alt) break;
      register(cur, 0);
      const next = alt.options[picked.get(alt.key) ?? 0]?.value;
      if (!next) break;
      cur = next;
    }
    return cur;
  };
  /**
   * An argument as a policy value. A guard argument that may turn out null is not counted on: the
   * permission is judged without it, with a warning.
   */
  const value = (name: string, guard = false): ReturnType<typeof toPolicyValue> => {
    const a = inst.config.block.body.attributes.get(name);
    if (!a) return undefined;
    const map = m.fileOf(a)?.map;
    const v = choose(m.attribute(inst, name, map?.range(a.expr.span)));
    // A null argument is omitted, as Terraform does; an unknown one is kept as unknown, never as absent.
    if (v.kind === "null") return undefined;
    // The AWS provider sends these only when set (`d.GetOk`), and an empty string is not set:
    // `principal_org_id = ""` leaves a public permission. (An empty source_account fails the
    // provider's validation instead: CD204 says it matches nothing.)
    if (guard && name !== "source_account" && inst.type.startsWith("aws_") && knownString(v) === "")
      return undefined;
    if (guard && v.kind === "unknown" && v.mayBeNull) {
      if (map && !quiet) mayBeNull.push({ name, map, offset: a.expr.span.start, v });
      mayBeAbsent.push(v.symbol);
      return undefined;
    }
    return (
      toPolicyValue(v) ??
      toPolicyValue({
        kind: "unknown",
        symbol: {
          kind: "unknown",
          name,
          provenance: { source: `${inst.address}.${name}`, reason: `it is ${v.kind}` },
        },
      })
    );
  };
  const principal = value("principal");
  if (!principal) return undefined;
  const permission: LambdaPermission = { principal };
  const set = (field: LambdaPermissionField, arg: string, guard = false): void => {
    const v = value(arg, guard);
    if (v) permission[field] = v;
  };
  const setGuard = (field: LambdaPermissionField, arg: string): void => set(field, arg, true);
  set("action", "action");
  if (FUNCTION_PERMISSION_TYPES.has(inst.type)) {
    set("functionName", "function_name");
    setGuard("sourceArn", "source_arn");
    setGuard("sourceAccount", "source_account");
    setGuard("principalOrgId", "principal_org_id");
    setGuard("eventSourceToken", "event_source_token");
    setGuard("functionUrlAuthType", "function_url_auth_type");
    setGuard("invokedViaFunctionUrl", "invoked_via_function_url");
  } else {
    set("functionName", "layer_name");
    setGuard("principalOrgId", "organization_id");
  }
  if (mayBeAbsent.length > 0) permission.mayBeAbsent = mayBeAbsent;
  warnMayBeNull(m, mayBeNull);
  return permission;
}

/** A guard argument that may turn out null, where it is written. */
interface MayBeNull {
  name: string;
  map: LineMap;
  offset: number;
  v: TfValue;
}

/**
 * One UnresolvedArgument warning for the guard arguments that may be null for the same reason
 * (`try(each.value.source_arn, null)`, `try(each.value.source_account, null)`, … over one
 * `for_each`), at the first of them, instead of one warning each.
 */
function warnMayBeNull(m: ModuleInstance, args: readonly MayBeNull[]): void {
  const groups = new Map<string, MayBeNull[]>();
  for (const a of args) {
    const u = firstUnknown(a.v);
    const key = u ? u.provenance.reason : describeUnknown(a.v);
    const group = groups.get(key);
    if (group) group.push(a);
    else groups.set(key, [a]);
  }
  for (const [reason, unsorted] of groups) {
    // In the order they are written; the warning points at the first.
    const group = [...unsorted].sort((a, b) => a.offset - b.offset);
    const first = group[0] as MayBeNull;
    const names = group.map((a) => a.name);
    const source = group.length === 1 ? firstUnknown(first.v)?.provenance.source : undefined;
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
    m.host.diagnostics.push(
      diag(
        first.map,
        first.offset,
        "UnresolvedArgument",
        `${list} may be null when applied (${source ? `${source}: ${reason}` : reason}); the permission is judged without ${names.length === 1 ? "it" : "them"}`,
      ),
    );
  }
}

/** Every policy of the resources of one module instance. */
export function resourceSites(
  m: ModuleInstance,
  rootFile: (file: string) => string,
  collector: SiteCollector,
): void {
  for (const [key, cb] of m.config.resources) {
    const type = key.slice(0, key.indexOf("."));
    const name = key.slice(key.indexOf(".") + 1);
    const table = Object.hasOwn(POLICY_ATTRIBUTES, type) ? POLICY_ATTRIBUTES[type] : undefined;
    const isPermission = LAMBDA_PERMISSION_TYPES.has(type);
    if (type === "aws_cloudwatch_event_permission") {
      const set = m.instances("managed", type, name);
      if ("instances" in set)
        for (const inst of set.instances) eventPermissionSite(m, inst, rootFile(cb.file.path), collector);
      continue;
    }
    // Unlisted types of the AWS provider and of the Cloud Control provider (awscc_*) are searched
    // for arguments that hold a policy.
    if (!table && !isPermission && !type.startsWith("aws_") && !type.startsWith("awscc_")) continue;
    const candidates = table
      ? table
      : isPermission
        ? []
        : [...cb.block.body.attributes.values()]
            .filter((a) => a.name !== "count" && a.name !== "for_each" && mayHoldPolicy(a.name, a.expr))
            .map((a) => ({ path: a.name, kind: discoveredKind(a.name), discovered: true }));
    if (!isPermission && candidates.length === 0) continue;
    const set = m.instances("managed", type, name);
    if (!("instances" in set)) continue;
    if (set.instances.length === 0) {
      absentResourceDocuments(m, cb, new Set(candidates.map((c) => c.path.split(".")[0])), collector);
      continue;
    }
    const origin = rootFile(cb.file.path);
    for (const inst of set.instances) {
      if (isPermission) {
        permissionSite(inst, origin, collector);
        continue;
      }
      for (const c of candidates) {
        const discovered = "discovered" in c;
        const scope = m.scope(cb.file, inst.bindings);
        for (const { attr, scope: sc } of valuesAt(m, cb.block.body, c.path.split("."), scope)) {
          const fallback = sc.map.range(attr.expr.span);
          const v = m.guard(`${inst.address}.${c.path}`, () => m.evaluate(attr.expr, sc));
          const untaken: Written[] = [];
          untakenBranches(m, { expr: attr.expr, scope: sc }, untaken, new Set());
          undeployedDocuments(m, untaken, collector);
          const node = policyNode(v, `the ${c.path} of ${inst.address}`, fallback, m, collector, discovered);
          if (!node) continue;
          if (discovered && !looksLikePolicy(node)) continue;
          addSite(collector, inst, origin, node, c.kind, c.path, fallback);
        }
      }
    }
  }
}

/** An expression with the scope it is evaluated in. */
interface Written {
  expr: Expr;
  scope: Scope;
}

/** The expressions of a block's body (nested blocks too), each with the scope of the file it is written in. */
function writtenIn(m: ModuleInstance, cb: ConfigBlock, body: Body, depth = 0): Written[] {
  if (depth > 64) return [];
  const out: Written[] = [];
  for (const a of body.attributes.values())
    out.push({ expr: a.expr, scope: m.scope(m.fileOf(a) ?? cb.file) });
  for (const b of body.blocks) out.push(...writtenIn(m, cb, b.body, depth + 1));
  return out;
}

/**
 * `aws_cloudwatch_event_permission`: the statement EventBridge's PutPermission writes on the event
 * bus (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html):
 * `Principal` an account (`{"AWS": <account>}`) or `"*"`, `Action` (default `events:PutEvents`), and
 * the `condition` block's `{type: {key: value}}` (an organization, when the principal is `*`).
 */
function eventPermissionSite(
  m: ModuleInstance,
  inst: ResourceInstance,
  rootFile: string,
  collector: SiteCollector,
): void {
  const body = inst.config.block.body;
  const scope = m.scope(inst.config.file, inst.bindings);
  const at = (path: string[]): { v: TfValue; range: SourceRange } | undefined => {
    const found = valuesAt(m, body, path, scope)[0];
    if (!found) return undefined;
    const { attr, scope: sc } = found;
    const range = sc.map.range(attr.expr.span);
    return { v: m.guard(`${inst.address}.${path.join(".")}`, () => m.evaluate(attr.expr, sc)), range };
  };
  const principal = at(["principal"]);
  if (!principal || principal.v.kind === "null") return;
  const fallback = inst.config.file.map.range(inst.config.block.span);
  const entries = new Map<string, TfValue>([
    ["Effect", str("Allow", fallback)],
    [
      "Principal",
      knownString(principal.v) === "*"
        ? principal.v
        : object(new Map([["AWS", principal.v]]), principal.range),
    ],
    ["Action", at(["action"])?.v ?? str("events:PutEvents", fallback)],
  ]);
  const type = at(["condition", "type"]);
  const key = at(["condition", "key"]);
  const value = at(["condition", "value"]);
  const keyText = key && knownString(key.v);
  const typeText = type && knownString(type.v);
  if (type && key && value) {
    // A condition whose type or key is not known before apply is a guard the analysis cannot count on.
    entries.set(
      "Condition",
      keyText !== undefined && typeText !== undefined
        ? object(new Map([[typeText, object(new Map([[keyText, value.v]]), value.range)]]), type.range)
        : typeText === undefined
          ? type.v
          : key.v,
    );
  }
  const document = valueToNode(object(entries, fallback));
  addSite(collector, inst, rootFile, document, "resource-policy", "principal", fallback);
}

/**
 * The documents a resource with no instance (`count = 0`, `for_each = {}`) uses in its policy
 * arguments, directly, through locals or as the source of another document: that policy is not
 * deployed, so they are not reported on their own either, as the same policy written inline in the
 * resource is not. Found from the references written, since nothing of the resource is evaluated.
 */
function absentResourceDocuments(
  m: ModuleInstance,
  cb: ConfigBlock,
  policyArguments: Set<string | undefined>,
  collector: SiteCollector,
): void {
  const body = cb.block.body;
  const pending: Written[] = [];
  for (const a of body.attributes.values())
    if (policyArguments.has(a.name)) pending.push({ expr: a.expr, scope: m.scope(m.fileOf(a) ?? cb.file) });
  for (const b of body.blocks)
    if (policyArguments.has(b.type === "dynamic" ? b.labels[0] : b.type))
      pending.push(...writtenIn(m, cb, b.body));
  undeployedDocuments(m, pending, collector);
}

/**
 * Marks as used the documents that `pending` (expressions whose value is not deployed) refers to,
 * through locals and source documents too, so that they are not reported on their own; and reads the
 * files their `file()` and `templatefile()` calls name, as Terraform would, so that the directory walk
 * leaves such a policy template to this module instead of reading it as a policy of its own.
 */
function undeployedDocuments(m: ModuleInstance, pending: Written[], collector: SiteCollector): void {
  const seen = new Set<string>();
  for (let w = pending.pop(); w !== undefined; w = pending.pop()) {
    for (const call of fileCalls(w.expr)) {
      const first = call.args[0];
      const path = first ? knownString(m.evaluate(first, w.scope)) : undefined;
      if (path !== undefined) m.host.readFile(m, path, undefined);
    }
    for (const [root, type, name] of traversals(w.expr)) {
      if (root === "local" && type !== undefined && !seen.has(`local.${type}`)) {
        seen.add(`local.${type}`);
        const local = m.config.locals.get(type);
        if (local) pending.push({ expr: local.attr.expr, scope: m.scope(local.file) });
      } else if (root === "data" && type === "aws_iam_policy_document" && name !== undefined) {
        const key = `${type}.${name}`;
        const cb = m.config.data.get(key);
        if (!cb || seen.has(key)) continue;
        seen.add(key);
        pending.push(...writtenIn(m, cb, cb.block.body));
        const set = m.instances("data", type, name);
        if ("instances" in set)
          for (const inst of set.instances) collector.consumedDocuments.add(inst.address);
      }
    }
  }
}

/** The arguments of a document that name other documents (merged by the provider). */
const DOCUMENT_ARGUMENTS = [
  "source_policy_documents",
  "override_policy_documents",
  "source_json",
  "override_json",
];

/**
 * The branches of the conditionals in a policy argument (and in the locals and documents it uses)
 * whose condition is known, that the evaluation did not take: the documents they name
 * (`var.role_requires_mfa ? data.x.with_mfa.json : data.x.plain.json`) are not deployed by this
 * resource. A `for` or a template directive binds names of its own, and a document with `count` or
 * `for_each` has instances: their conditionals are not followed (their documents stay reported).
 */
function untakenBranches(m: ModuleInstance, w: Written, out: Written[], seen: Set<string>, depth = 0): void {
  if (depth > 256) return;
  const e = w.expr;
  const next = (expr: Expr, scope: Scope = w.scope) =>
    untakenBranches(m, { expr, scope }, out, seen, depth + 1);
  if (e.type === "conditional") {
    const taken = truth(m.evaluate(e.condition, w.scope));
    if (taken === undefined) {
      next(e.whenTrue);
      next(e.whenFalse);
    } else {
      out.push({ expr: taken ? e.whenFalse : e.whenTrue, scope: w.scope });
      next(taken ? e.whenTrue : e.whenFalse);
    }
    return;
  }
  if (e.type === "for") return;
  if (e.type === "template") {
    for (const p of e.parts) if (p.kind === "interpolation") next(p.expr);
    return;
  }
  if (e.type === "variable" || e.type === "getattr") {
    const [root, type, name] = traversals(e)[0] ?? [];
    const key = `${root}.${type}.${name}`;
    if (root === "local" && type !== undefined && !seen.has(`local.${type}`)) {
      seen.add(`local.${type}`);
      const local = m.config.locals.get(type);
      if (local) next(local.attr.expr, m.scope(local.file));
    } else if (
      root === "data" &&
      type === "aws_iam_policy_document" &&
      name !== undefined &&
      !seen.has(key)
    ) {
      seen.add(key);
      const cb = m.config.data.get(`${type}.${name}`);
      const body = cb?.block.body;
      if (cb && body && !body.attributes.has("count") && !body.attributes.has("for_each"))
        for (const arg of DOCUMENT_ARGUMENTS) {
          const a = body.attributes.get(arg);
          if (a) next(a.expr, m.scope(m.fileOf(a) ?? cb.file));
        }
    }
  }
  for (const child of childExpressions(e)) next(child);
}

/** Policy documents no resource used: reported on their own, at the data source. */
export function documentSites(
  m: ModuleInstance,
  rootFile: (file: string) => string,
  collector: SiteCollector,
): void {
  for (const [key, cb] of m.config.data) {
    if (!key.startsWith("aws_iam_policy_document.")) continue;
    const set = m.instances("data", "aws_iam_policy_document", key.slice(key.indexOf(".") + 1));
    if (!("instances" in set)) continue;
    for (const inst of set.instances) {
      if (collector.consumedDocuments.has(inst.address)) continue;
      const v = m.attribute(inst, "json", undefined);
      const fallback = cb.file.map.range(cb.block.span);
      const node = policyNode(v, `the document ${inst.address}`, fallback, m, collector, false);
      if (!node) continue;
      const kind = isTrustDocument(node) ? "trust-policy" : "policy";
      addSite(collector, inst, rootFile(cb.file.path), node, kind, "json", fallback);
    }
  }
}

/** A document whose statements only allow sts:AssumeRole* is a trust policy. */
function isTrustDocument(node: SourceNode): boolean {
  if (node.kind !== "object") return false;
  const st = node.entries.find((e) => e.key === "Statement")?.value;
  const items = st?.kind === "array" ? st.items : st ? [st] : [];
  if (items.length === 0) return false;
  return items.every((s) => {
    if (s.kind !== "object") return false;
    const a = s.entries.find((e) => e.key === "Action")?.value;
    const acts = a?.kind === "array" ? a.items : a ? [a] : [];
    return (
      acts.length > 0 &&
      acts.every(
        (x) =>
          x.kind === "scalar" &&
          typeof x.value === "string" &&
          x.value.toLowerCase().startsWith("sts:assumerole"),
      )
    );
  });
}

export { diag };

/** The kind of a policy found in an unlisted argument: a role's trust policy by its name. */
export function discoveredKind(argument: string): "trust-policy" | "resource-policy" {
  return argument.includes("assume_role_policy") ? "trust-policy" : "resource-policy";
}
