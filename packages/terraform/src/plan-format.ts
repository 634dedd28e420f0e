import { dirname, resolve } from "node:path";
import type {
  Diagnostic,
  ExtractResult,
  InputFormat,
  LambdaPermission,
  LambdaPermissionField,
  PolicySite,
  PolicyValue,
  ScanInput,
  ScanOptions,
  SourceNode,
  SourceRange,
} from "@deputyguard/core";
import { looksLikePolicy, normalizeParts, parseJsonSource } from "@deputyguard/core";
import { PARTITION, REGION, SELF_ACCOUNT, URL_SUFFIX } from "./eval/symbols.js";
import {
  FUNCTION_PERMISSION_TYPES,
  LAMBDA_PERMISSION_TYPES,
  POLICY_ATTRIBUTES,
  type PolicyAttribute,
} from "./knowledge/policy-attributes.js";
import { RESOURCE_ATTRIBUTES } from "./knowledge/resource-arns.js";
import { configAddress, parseAddress } from "./plan/addresses.js";
import { JsonLocator, type JsonPath } from "./plan/json-locator.js";
import { sourceWarnings } from "./plan/module-pairs.js";
import { ModuleSources, type PlanModuleCalls } from "./plan/module-sources.js";
import { type SourceFallback, sourceFallback } from "./plan/source-fallback.js";
import { discoveredKind } from "./policy/sites.js";
import { suppressionIndex } from "./policy/suppressions.js";

/** Options of a plan scan: the module directories given alongside the plan (`check-iac plan.json infra/`). */
export interface PlanScanOptions extends ScanOptions {
  /**
   * Directories given with the plan. The plan's own directory and these are searched, in that order,
   * for the root module the plan was made from (the one that declares the plan's root resources):
   * findings then also point at the `.tf` source, and policies the plan knows only after apply are
   * analysed from it.
   */
  moduleDirs?: readonly string[];
}

/** Quick content test: `terraform show -json` output names its format and holds planned values or changes. */
function looksLikePlan(text: string): boolean {
  // Anywhere in the text: a plan written again with sorted keys (`jq -S`) has format_version after
  // the configuration.
  return (
    text.includes('"format_version"') &&
    (text.includes('"planned_values"') || text.includes('"resource_changes"'))
  );
}

/** A JSON value as `JSON.parse` returns it; objects from input are read through {@link own} only. */
type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

function objectOf(v: Json | undefined): JsonObject | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
}

/** An own property: keys from input must never reach `Object.prototype` (`constructor`, `__proto__`). */
function own(o: JsonObject | undefined, key: string): Json | undefined {
  return o !== undefined && Object.hasOwn(o, key) ? o[key] : undefined;
}

function stringAt(o: JsonObject | undefined, key: string): string | undefined {
  const v = own(o, key);
  return typeof v === "string" ? v : undefined;
}

function arrayAt(o: JsonObject | undefined, key: string): Json[] {
  const v = own(o, key);
  return Array.isArray(v) ? v : [];
}

function objectAt(o: JsonObject | undefined, ...path: string[]): JsonObject | undefined {
  let cur = o;
  for (const k of path) cur = objectOf(own(cur, k));
  return cur;
}

/** Table lookups by a type name from input. */
function policyAttributes(type: string): readonly PolicyAttribute[] {
  return Object.hasOwn(POLICY_ATTRIBUTES, type) ? (POLICY_ATTRIBUTES[type] ?? []) : [];
}

const attributePaths = new Map<string, string[]>();
function splitPath(path: string): string[] {
  let p = attributePaths.get(path);
  if (!p) {
    p = path.split(".");
    attributePaths.set(path, p);
  }
  return p;
}

interface PlanResource {
  address: string;
  type: string;
  /** Where the resource object is in the plan. */
  path: JsonPath;
  /** Where its values are: `change.after` of a resource change, `values` in `planned_values`. */
  valuesPath: JsonPath;
  values?: JsonObject;
  unknown?: JsonObject;
  /** Arguments marked sensitive and left out of the values (a redacted plan): read as unknown. */
  redacted?: Set<string>;
  /** `module.a["x"].` or "" (for references to resources of the same module instance). */
  modulePrefix: string;
}

/** A policy the plan knows only after apply, which the configuration did not resolve either. */
export interface UnresolvedPolicy {
  address: string;
  type: string;
  attribute: PolicyAttribute;
  /** Which block of a nested path (`inline_policy[1].policy`); "all" when the whole block list is unknown. */
  block?: number | "all";
  /** How many blocks the plan has (for a nested path). */
  blocks?: number;
  at: SourceRange;
  references: string[];
  /** Marked sensitive and not shown (a redacted plan), rather than known only after apply. */
  redacted?: true;
}

/** A Lambda permission argument known only after apply, which the plan did not resolve. */
export interface UnresolvedArgument {
  address: string;
  site: PolicySite;
  field: LambdaPermissionField;
  attribute: string;
  at: SourceRange;
}

interface PlanContext {
  file: string;
  locator: JsonLocator;
  /** `planned_values` resources by address, with where each is. */
  planned: Map<string, PlannedResource>;
  prior: Map<string, JsonObject>;
  /** Data sources the plan reads during apply (their values are not known at plan time). */
  readAtApply: Set<string>;
  config: Map<string, JsonObject>;
  diagnostics: Diagnostic[];
  /** Diagnostics whose line and column wait for the locator. */
  placed: Array<{ diagnostic: Diagnostic; at: SourceRange }>;
  unresolved: UnresolvedPolicy[];
  /** Block lists unknown in the plan that its configuration does not show (`dynamic` blocks are left out of it). */
  unshown: UnresolvedPolicy[];
  unresolvedArguments: UnresolvedArgument[];
}

const MAX_MODULE_DEPTH = 64;

/** A resource of `planned_values`: item `index` of the `resources` list at path `list`. */
interface PlannedResource {
  node: JsonObject;
  list: JsonPath;
  index: number;
}

/** Resources of a module tree (`planned_values`, `prior_state.values`): root and child modules. */
function moduleResources(
  mod: JsonObject | undefined,
  path: JsonPath,
  out: Map<string, PlannedResource>,
  depth = 0,
): void {
  if (!mod || depth > MAX_MODULE_DEPTH) return;
  const resources = arrayAt(mod, "resources");
  const list = [...path, "resources"];
  for (let i = 0; i < resources.length; i++) {
    const r = objectOf(resources[i]);
    const a = stringAt(r, "address");
    if (a && r) out.set(a, { node: r, list, index: i });
  }
  const children = arrayAt(mod, "child_modules");
  for (let i = 0; i < children.length; i++)
    moduleResources(objectOf(children[i]), [...path, "child_modules", i], out, depth + 1);
}

/** `configuration` resources by address without instance keys (`module.a.aws_x.y`). */
function configResources(
  mod: JsonObject | undefined,
  prefix: string,
  out: Map<string, JsonObject>,
  depth = 0,
): void {
  if (!mod || depth > MAX_MODULE_DEPTH) return;
  for (const item of arrayAt(mod, "resources")) {
    const r = objectOf(item);
    const a = stringAt(r, "address");
    if (a && r) out.set(`${prefix}${a}`, r);
  }
  const calls = objectAt(mod, "module_calls");
  for (const name of Object.keys(calls ?? {}))
    configResources(objectAt(calls, name, "module"), `${prefix}module.${name}.`, out, depth + 1);
}

/** The `source` of module calls, from the plan's configuration. */
function planModuleCalls(root: JsonObject | undefined): PlanModuleCalls {
  return {
    source(path) {
      let mod = objectAt(root, "configuration", "root_module");
      let call: JsonObject | undefined;
      for (const name of path) {
        call = objectAt(mod, "module_calls", name);
        mod = objectAt(call, "module");
      }
      return stringAt(call, "source");
    },
  };
}

const MAX_POLICY_DEPTH = 128;

/** A character code that starts an array index key (`"0"`), which `JSON.parse` would move to the front. */
function isIndexKey(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  return /^(0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

/**
 * A policy read from a JSON string of the plan, every node at `at` (where the string is written):
 * a finding in a plan points at the resource's policy attribute. Undefined when the value cannot be
 * rebuilt faithfully from `JSON.parse` (index-like keys, which it reorders; deep nesting).
 */
function nodeAt(v: Json, at: SourceRange, depth: number): SourceNode | undefined {
  if (depth > MAX_POLICY_DEPTH) return undefined;
  if (Array.isArray(v)) {
    const items: SourceNode[] = [];
    for (const item of v) {
      const n = nodeAt(item, at, depth + 1);
      if (!n) return undefined;
      items.push(n);
    }
    return { kind: "array", range: at, items };
  }
  if (v !== null && typeof v === "object") {
    const entries: Array<{ key: string; keyRange: SourceRange; value: SourceNode }> = [];
    for (const key of Object.keys(v)) {
      if (isIndexKey(key)) return undefined;
      const n = nodeAt(v[key] as Json, at, depth + 1);
      if (!n) return undefined;
      entries.push({ key, keyRange: at, value: n });
    }
    return { kind: "object", range: at, entries };
  }
  return { kind: "scalar", value: v, range: at };
}

/** The position-keeping parse, for what {@link nodeAt} cannot rebuild; every node moved to `at`. */
function relocate(n: SourceNode, range: SourceRange, depth: number): SourceNode {
  if (depth > MAX_POLICY_DEPTH) return { kind: "scalar", value: null, range };
  switch (n.kind) {
    case "object":
      return {
        kind: "object",
        range,
        entries: n.entries.map((e) => ({
          key: e.key,
          keyRange: range,
          value: relocate(e.value, range, depth + 1),
        })),
      };
    case "array":
      return { kind: "array", range, items: n.items.map((i) => relocate(i, range, depth + 1)) };
    case "value":
      return { ...n, range, value: { ...n.value, range } };
    default:
      return { ...n, range };
  }
}

function policyFromString(
  text: string,
  at: SourceRange,
  what: string,
  ctx: PlanContext,
): SourceNode | undefined {
  let plain: Json | undefined;
  try {
    plain = JSON.parse(text) as Json;
  } catch {
    plain = undefined;
  }
  const fast = plain === undefined ? undefined : nodeAt(plain, at, 0);
  if (fast) return fast;
  const parsed = parseJsonSource(text, ctx.file);
  if (!parsed.node) {
    placeDiagnostic(
      ctx,
      { code: "PolicyShape", severity: "warning", file: ctx.file, message: `${what} is not valid JSON` },
      at,
    );
    return undefined;
  }
  return relocate(parsed.node, at, 0);
}

function placeDiagnostic(ctx: PlanContext, diagnostic: Diagnostic, at: SourceRange): void {
  ctx.diagnostics.push(diagnostic);
  ctx.placed.push({ diagnostic, at });
}

/** Whether an `after_unknown` value marks anything in it as known only after apply. */
function holdsTrue(v: Json | undefined, depth = 0): boolean {
  if (v === true) return true;
  if (depth > 32 || v === null || typeof v !== "object") return false;
  return Array.isArray(v)
    ? v.some((x) => holdsTrue(x, depth + 1))
    : Object.values(v).some((x) => holdsTrue(x, depth + 1));
}

function isUnknown(unknownValues: JsonObject | undefined, attr: string): boolean {
  return own(unknownValues, attr) === true;
}

function unknownValue(source: string, reason: string, range: SourceRange): PolicyValue {
  return { parts: [{ kind: "unknown", name: source, provenance: { source, reason } }], range };
}

/** References of a configuration expression, e.g. `["aws_s3_bucket.b.arn", "aws_s3_bucket.b"]`. */
function references(ctx: PlanContext, address: string, attr: string): string[] {
  const expr = objectAt(ctx.config.get(configAddress(address)), "expressions", attr);
  return arrayAt(expr, "references").filter((s): s is string => typeof s === "string");
}

/**
 * A value AWS assigns, rebuilt from its ARN template when the plan knows the referenced resource's
 * name (`aws_s3_bucket.b.arn` with `bucket = "logs"` → `arn:<PARTITION>:s3:::logs`).
 */
function fromReference(
  ctx: PlanContext,
  r: PlanResource,
  ref: string,
  range: SourceRange,
): PolicyValue | undefined {
  const parts = ref.split(".");
  if (
    parts.length < 3 ||
    parts[0] === "data" ||
    parts[0] === "var" ||
    parts[0] === "local" ||
    parts[0] === "module"
  )
    return undefined;
  const [type, name, attr] = parts as [string, string, string];
  const templates = Object.hasOwn(RESOURCE_ATTRIBUTES, type) ? RESOURCE_ATTRIBUTES[type] : undefined;
  const template =
    templates && Object.hasOwn(templates.attributes, attr) ? templates.attributes[attr] : undefined;
  const values = objectAt(ctx.planned.get(`${r.modulePrefix}${type}.${name}`)?.node, "values");
  if (template === undefined || !values) return undefined;
  const out: PolicyValue["parts"] = [];
  let i = 0;
  while (i < template.length) {
    const a = template.indexOf("{", i);
    if (a < 0) {
      out.push(template.slice(i));
      break;
    }
    out.push(template.slice(i, a));
    const b = template.indexOf("}", a);
    const key = template.slice(a + 1, b);
    i = b + 1;
    if (key === "partition") out.push(PARTITION);
    else if (key === "region") out.push(REGION);
    else if (key === "account") out.push(SELF_ACCOUNT);
    else if (key === "urlsuffix") out.push(URL_SUFFIX);
    else {
      const v = stringAt(values, key.replace(/^\?/, ""));
      if (v === undefined) return undefined;
      out.push(v);
    }
  }
  return { parts: normalizeParts(out), range };
}

function permissionSite(r: PlanResource, ctx: PlanContext): PolicySite | undefined {
  const range = ctx.locator.at(r.path);
  const pending: Array<Omit<UnresolvedArgument, "site">> = [];
  const field = (attr: string, key: LambdaPermissionField): PolicyValue | undefined => {
    const v = own(r.values, attr);
    if (isUnknown(r.unknown, attr)) {
      const refs = references(ctx, r.address, attr);
      // The module's source, where it is beside the plan, says what the expression computes.
      pending.push({ address: r.address, field: key, attribute: attr, at: range });
      // Without it, a value is rebuilt from a referenced resource only when the expression can be
      // that one reference: `references` lists what an expression reads, not what it computes
      // (`"arn:aws:logs:…:${var.acct}:log-group:${aws_cloudwatch_log_group.app.id}"`, a
      // conditional between two resources). A source ARN must still read as an ARN.
      const ref = refs[0];
      if (ref !== undefined && refs.every((x) => ref === x || ref.startsWith(`${x}.`))) {
        const resolved = fromReference(ctx, r, ref, range);
        if (
          resolved &&
          (key !== "sourceArn" ||
            resolved.parts[0] === "arn:" ||
            String(resolved.parts[0]).startsWith("arn:"))
        )
          return resolved;
      }
      return unknownValue(ref ?? `${r.address}.${attr}`, "known only after apply", range);
    }
    // invoked_via_function_url is a boolean: read as the text Lambda's Bool condition compares.
    return typeof v === "string" || typeof v === "boolean"
      ? { parts: [String(v)], range: ctx.locator.at([...r.valuesPath, attr]) }
      : undefined;
  };
  const principal = field("principal", "principal");
  if (!principal) return undefined;
  const permission: LambdaPermission = { principal };
  const set = (k: LambdaPermissionField, attr: string) => {
    const v = field(attr, k);
    if (v) permission[k] = v;
  };
  set("action", "action");
  if (FUNCTION_PERMISSION_TYPES.has(r.type)) {
    set("functionName", "function_name");
    set("sourceArn", "source_arn");
    set("sourceAccount", "source_account");
    set("principalOrgId", "principal_org_id");
    set("eventSourceToken", "event_source_token");
    set("functionUrlAuthType", "function_url_auth_type");
    set("invokedViaFunctionUrl", "invoked_via_function_url");
  } else set("principalOrgId", "organization_id");
  const site: PolicySite = {
    file: ctx.file,
    resource: r.address,
    resourceType: r.type,
    kind: "lambda-permission",
    permission,
    range,
  };
  for (const p of pending) ctx.unresolvedArguments.push({ ...p, site });
  return site;
}

/**
 * An `aws_cloudwatch_event_permission` as the statement PutPermission writes (see the module
 * source's eventPermissionSite): a principal or condition known only after apply is a
 * `PolicyUnknown` warning at the resource, never taken for absent.
 */
function eventPermissionSite(r: PlanResource, ctx: PlanContext): PolicySite | undefined {
  const range = ctx.locator.at(r.path);
  const conditions = own(r.values, "condition");
  const condition = Array.isArray(conditions) ? conditions[0] : undefined;
  // Terraform writes `after_unknown` for every block list (`"condition": []`, `[{}]`): only a
  // `true` in it is a value known after apply.
  const later = ["principal", "action", "condition"].some((a) => holdsTrue(own(r.unknown, a)))
    ? "principal, action or condition"
    : undefined;
  const principal = own(r.values, "principal");
  if (later) {
    placeDiagnostic(
      ctx,
      {
        code: "PolicyUnknown",
        severity: "warning",
        file: ctx.file,
        message: `the ${later} of ${r.address} is known only after apply; scan the module directory to analyse it from the source`,
      },
      range,
    );
    return undefined;
  }
  if (typeof principal !== "string") return undefined;
  const action = own(r.values, "action");
  const statement: JsonObject = {
    Effect: "Allow",
    Principal: principal === "*" ? "*" : { AWS: principal },
    Action: typeof action === "string" ? action : "events:PutEvents",
  };
  if (condition && typeof condition === "object" && !Array.isArray(condition)) {
    const type = own(condition, "type");
    const key = own(condition, "key");
    const value = own(condition, "value");
    if (typeof type === "string" && typeof key === "string" && typeof value === "string")
      statement.Condition = { [type]: { [key]: value } };
  }
  const document = nodeAt(statement, range, 0);
  if (!document) return undefined;
  return {
    file: ctx.file,
    resource: r.address,
    resourceType: r.type,
    propertyPath: "principal",
    kind: "resource-policy",
    document,
    range,
  };
}

/**
 * The document a configuration expression refers to, from a data source read at plan time, when the
 * expression uses nothing else (`policy = data.aws_iam_policy_document.d.json`). A data source read
 * at plan time has known JSON, so a policy still unknown that also uses something else combines the
 * document with a value known only after apply (`concat(jsondecode(data.d.json).Statement, [...])`):
 * the document is then only part of the policy, and the policy is left to the module source.
 */
function documentFromConfig(ctx: PlanContext, r: PlanResource, attr: string): string | undefined {
  const refs = references(ctx, r.address, attr);
  const doc = refs
    .filter((ref) => ref.startsWith("data.aws_iam_policy_document."))
    .map((ref) => ref.replace(/\.(json|minified_json)$/, ""))
    .reduce<string | undefined>((a, b) => (a === undefined || b.length > a.length ? b : a), undefined);
  if (doc !== undefined) {
    // The references of `data.d[0].json` are the attribute, the instance and the data source.
    const onlyDoc = refs.every(
      (ref) =>
        ref === doc || ref === `${doc}.json` || ref === `${doc}.minified_json` || doc.startsWith(`${ref}[`),
    );
    const address = `${r.modulePrefix}${doc}`;
    // A data source read during apply keeps in prior_state the value of the previous run.
    if (!onlyDoc || ctx.readAtApply.has(address)) return undefined;
    return stringAt(objectAt(ctx.prior.get(address), "values"), "json");
  }
  return stringAt(objectAt(ctx.config.get(configAddress(r.address)), "expressions", attr), "constant_value");
}

/**
 * Policies of resource types not in the table, found by their shape as in a module scan: a string
 * argument named like a policy that holds a policy document. Values known only after apply are not
 * reported for these (most such arguments hold no policy).
 */
function discoveredSites(r: PlanResource, ctx: PlanContext, out: PolicySite[]): void {
  // An argument that may hold a policy, known only after apply and written in the configuration:
  // the source may resolve it; otherwise it is a policy not known before apply (a warning, never
  // silence).
  for (const key of Object.keys(r.unknown ?? {})) {
    if (!key.includes("polic") || !isUnknown(r.unknown, key) || configured(ctx, r, key) !== true) continue;
    unresolved(
      ctx,
      r,
      { path: key, kind: discoveredKind(key) },
      undefined,
      undefined,
      ctx.locator.at(r.path),
    );
  }
  for (const key of Object.keys(r.values ?? {})) {
    if (!key.includes("polic")) continue;
    const text = stringAt(r.values, key);
    if (text === undefined || !text.trimStart().startsWith("{")) continue;
    let plain: Json;
    try {
      plain = JSON.parse(text) as Json;
    } catch {
      continue;
    }
    const at = ctx.locator.at([...r.valuesPath, key]);
    const node = nodeAt(plain, at, 0);
    if (!node || !looksLikePolicy(node)) continue;
    out.push({
      file: ctx.file,
      resource: r.address,
      resourceType: r.type,
      propertyPath: key,
      kind: discoveredKind(key),
      document: node,
      range: at,
    });
  }
}

function policySites(r: PlanResource, ctx: PlanContext, out: PolicySite[]): void {
  if (!Object.hasOwn(POLICY_ATTRIBUTES, r.type)) {
    if (r.type.startsWith("aws_") || r.type.startsWith("awscc_")) discoveredSites(r, ctx, out);
    return;
  }
  for (const a of policyAttributes(r.type)) {
    const path = splitPath(a.path);
    const attr = path[path.length - 1] as string;
    if (path.length === 1) {
      policyAt(r, a, attr, r.values, r.unknown, r.valuesPath, undefined, ctx, out);
      continue;
    }
    const head = path[0] as string;
    if (isUnknown(r.unknown, head)) {
      // The whole block list is known only after apply: written with unknown values, or not written at
      // all and filled in by AWS (an aws_iam_role's inline_policy then lists the aws_iam_role_policy
      // resources, which are scanned themselves).
      const shown = configured(ctx, r, head);
      if (shown !== false) unresolved(ctx, r, a, "all", 0, ctx.locator.at(r.path));
      else ctx.unshown.push(unresolvedPolicy(ctx, r, a, "all", 0, ctx.locator.at(r.path)));
      continue;
    }
    const blocks = arrayAt(r.values, head);
    const unknowns = arrayAt(r.unknown, head);
    for (let i = 0; i < blocks.length; i++) {
      const b = objectOf(blocks[i]);
      if (b)
        policyAt(
          r,
          a,
          attr,
          b,
          objectOf(unknowns[i]),
          [...r.valuesPath, head, i],
          { index: i, of: blocks.length },
          ctx,
          out,
        );
    }
  }
}

function policyAt(
  r: PlanResource,
  a: PolicyAttribute,
  attr: string,
  values: JsonObject | undefined,
  unknownValues: JsonObject | undefined,
  valuesPath: JsonPath,
  block: { index: number; of: number } | undefined,
  ctx: PlanContext,
  out: PolicySite[],
): void {
  let text = stringAt(values, attr);
  let at: SourceRange | undefined;
  // Not written in the configuration: AWS fills it in (a KMS key's default policy, a bucket's
  // policy from an aws_s3_bucket_policy resource); there is no policy of this resource to analyse.
  // A known value there is the policy read back from AWS before apply, which the resource that
  // writes it may be about to replace (an aws_sns_topic_policy being fixed): not this plan's policy.
  if (!block && configured(ctx, r, attr) === false) return;
  if (text === undefined) {
    if (!isUnknown(unknownValues, attr)) return;
    at = ctx.locator.at(r.path);
    text = block ? undefined : documentFromConfig(ctx, r, attr);
    if (text === undefined) {
      unresolved(ctx, r, a, block?.index, block?.of, at);
      return;
    }
  }
  if (text === "") return;
  at ??= ctx.locator.at([...valuesPath, attr]);
  const node = policyFromString(text, at, `the ${a.path} of ${r.address}`, ctx);
  if (!node) return;
  out.push({
    file: ctx.file,
    resource: r.address,
    resourceType: r.type,
    propertyPath: a.path,
    kind: a.kind,
    document: node,
    range: at,
  });
}

/**
 * Whether the configuration writes an argument or block of the resource; undefined when the plan has
 * no configuration for it. Terraform shows every argument written, with its references, even those
 * whose value is unknown.
 */
function configured(ctx: PlanContext, r: PlanResource, name: string): boolean | undefined {
  const cfg = ctx.config.get(configAddress(r.address));
  if (!cfg) return undefined;
  return own(objectAt(cfg, "expressions"), name) !== undefined;
}

function unresolved(
  ctx: PlanContext,
  r: PlanResource,
  a: PolicyAttribute,
  block: number | "all" | undefined,
  blocks: number | undefined,
  at: SourceRange,
): void {
  ctx.unresolved.push(unresolvedPolicy(ctx, r, a, block, blocks, at));
}

function unresolvedPolicy(
  ctx: PlanContext,
  r: PlanResource,
  a: PolicyAttribute,
  block: number | "all" | undefined,
  blocks: number | undefined,
  at: SourceRange,
): UnresolvedPolicy {
  const u: UnresolvedPolicy = {
    address: r.address,
    type: r.type,
    attribute: a,
    at,
    references: splitPath(a.path).length === 1 ? references(ctx, r.address, a.path) : [],
  };
  if (block !== undefined) u.block = block;
  if (blocks !== undefined) u.blocks = blocks;
  if (r.redacted?.has(splitPath(a.path)[0] as string)) u.redacted = true;
  return u;
}

/** What a plan holds, before module sources are consulted. */
export interface PlanReading {
  sites: PolicySite[];
  diagnostics: Diagnostic[];
  /** Policies known only after apply that the plan itself does not resolve. */
  unresolved: UnresolvedPolicy[];
  /** Block lists unknown in the plan and absent from its configuration: `dynamic` blocks, or none. */
  unshown: UnresolvedPolicy[];
  unresolvedArguments: UnresolvedArgument[];
  /** Root-module resource addresses and module call names of the plan (to find its module directory). */
  rootResources: Set<string>;
  rootCalls: Set<string>;
  /** The plan's record of module call sources. */
  calls: PlanModuleCalls;
  /** Variable values the plan was made with. */
  variables: Record<string, unknown>;
  /** Positions in the plan file of paths asked for later. */
  locator: JsonLocator;
}

function parseFailure(text: string, file: string): PlanReading {
  const parsed = parseJsonSource(text, file);
  const diagnostics = parsed.diagnostics.filter((d) => d.severity === "error");
  if (diagnostics.length === 0)
    diagnostics.push({
      code: "ParseError",
      severity: "error",
      file,
      line: 1,
      column: 1,
      message: "the plan is not JSON",
    });
  return emptyReading(diagnostics, new JsonLocator(text, file));
}

function emptyReading(diagnostics: Diagnostic[], locator: JsonLocator): PlanReading {
  return {
    sites: [],
    diagnostics,
    unresolved: [],
    unshown: [],
    unresolvedArguments: [],
    rootResources: new Set(),
    rootCalls: new Set(),
    calls: { source: () => undefined },
    variables: {},
    locator,
  };
}

/**
 * Reads a plan with `JSON.parse` (a position-keeping parse of a plan of several megabytes costs ten
 * times as much) and locates only the values that sites and diagnostics point at.
 */
export function readPlan(text: string, file: string): PlanReading {
  let root: JsonObject | undefined;
  try {
    root = objectOf(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Json);
  } catch {
    return parseFailure(text, file);
  }
  const locator = new JsonLocator(text, file);
  const ctx: PlanContext = {
    file,
    locator,
    planned: new Map(),
    prior: new Map(),
    readAtApply: new Set(),
    config: new Map(),
    diagnostics: [],
    placed: [],
    unresolved: [],
    unshown: [],
    unresolvedArguments: [],
  };
  const written = root === undefined ? undefined : own(root, "format_version");
  const version = typeof written === "string" ? written : "";
  const major = version.split(".")[0];
  if (major !== "0" && major !== "1") {
    const at = written === undefined ? undefined : locator.at(["format_version"]).start;
    const message =
      root === undefined
        ? "a plan is a JSON object (as terraform show -json writes it); this file's top level is not one"
        : written === undefined
          ? "the plan has no format_version"
          : typeof written !== "string"
            ? `plan format_version is ${written === null ? "null" : Array.isArray(written) ? "an array" : `a ${typeof written}`}, not a string such as "1.2"`
            : `plan format_version ${JSON.stringify(version)} is not supported (expected 0.x or 1.x, as written by terraform show -json)`;
    return emptyReading(
      [
        {
          code: "UnsupportedConstruct",
          severity: "error",
          file,
          line: at?.line ?? 1,
          column: at?.column ?? 1,
          message,
        },
      ],
      locator,
    );
  }
  // Terraform 1.5+ marks a plan that failed (`errored`, hashicorp/terraform#33372) and, 1.8+, one that
  // defers changes to a later round (`complete: false`, #34642): neither holds every policy the
  // configuration will deploy.
  const errored = own(root, "errored") === true;
  if (errored || own(root, "complete") === false)
    placeDiagnostic(
      ctx,
      {
        code: "PlanIncomplete",
        severity: "warning",
        file,
        message: errored
          ? "the plan is marked errored (terraform plan failed): it cannot be applied, and what the failure stopped Terraform from planning is not in it; fix the error and plan again"
          : "the plan is marked incomplete (complete: false): Terraform deferred some changes to a later plan, and their policies are not in this one",
      },
      locator.at([errored ? "errored" : "complete"]),
    );
  moduleResources(
    objectAt(root, "planned_values", "root_module"),
    ["planned_values", "root_module"],
    ctx.planned,
  );
  const prior = new Map<string, PlannedResource>();
  moduleResources(objectAt(root, "prior_state", "values", "root_module"), [], prior);
  for (const [a, p] of prior) ctx.prior.set(a, p.node);
  configResources(objectAt(root, "configuration", "root_module"), "", ctx.config);

  const resources: PlanResource[] = [];
  const seen = new Set<string>();
  const changes = arrayAt(root, "resource_changes");
  for (let i = 0; i < changes.length; i++) {
    const rc = objectOf(changes[i]);
    const address = stringAt(rc, "address");
    const type = stringAt(rc, "type");
    const mode = stringAt(rc, "mode") ?? "managed";
    const change = objectAt(rc, "change");
    const actions = arrayAt(change, "actions");
    if (address && mode === "data" && actions.includes("read")) ctx.readAtApply.add(address);
    if (!rc || !address || !type || mode !== "managed" || own(rc, "deposed") !== undefined) continue;
    // Deleted (or forgotten) resources are not there after apply.
    if (actions.length > 0 && actions.every((x) => x === "delete" || x === "forget")) continue;
    seen.add(address);
    const r: PlanResource = {
      address,
      type,
      path: ["resource_changes", i],
      valuesPath: ["resource_changes", i, "change", "after"],
      modulePrefix: modulePrefixOf(address, stringAt(rc, "module_address")),
    };
    const after = objectAt(change, "after");
    let unknown = objectAt(change, "after_unknown");
    if (after) r.values = after;
    // A plan exported with its sensitive values redacted leaves them out of `after` and marks them
    // in `after_sensitive`: such a policy is not known, which is said, never taken for absent.
    const sensitive = objectAt(change, "after_sensitive");
    for (const k of Object.keys(sensitive ?? {})) {
      if (own(sensitive, k) !== true || own(after, k) !== undefined || isUnknown(unknown, k)) continue;
      r.redacted ??= new Set();
      r.redacted.add(k);
      unknown = { ...(unknown ?? {}), [k]: true };
    }
    if (unknown) r.unknown = unknown;
    resources.push(r);
  }
  // Plans without resource_changes (or resources only in planned_values) are read from planned_values.
  for (const [address, { node, list, index }] of ctx.planned) {
    if (seen.has(address) || stringAt(node, "mode") === "data") continue;
    const type = stringAt(node, "type");
    if (!type) continue;
    const path = [...list, index];
    const r: PlanResource = {
      address,
      type,
      path,
      valuesPath: [...path, "values"],
      modulePrefix: modulePrefixOf(address, undefined),
    };
    const values = objectAt(node, "values");
    if (values) r.values = values;
    resources.push(r);
  }

  const sites: PolicySite[] = [];
  const rootResources = new Set<string>();
  const rootCalls = new Set<string>();
  for (const r of resources) {
    if (r.modulePrefix === "") rootResources.add(configAddress(r.address));
    else {
      const call = parseAddress(r.address)?.moduleCalls[0];
      if (call !== undefined) rootCalls.add(call);
    }
    if (LAMBDA_PERMISSION_TYPES.has(r.type)) {
      const s = permissionSite(r, ctx);
      if (s) sites.push(s);
    } else if (r.type === "aws_cloudwatch_event_permission") {
      const s = eventPermissionSite(r, ctx);
      if (s) sites.push(s);
    } else policySites(r, ctx, sites);
  }
  // Reading a position locates them all: only plans with warnings (or, later, findings) pay for it.
  for (const { diagnostic, at } of ctx.placed) {
    diagnostic.line = at.start.line;
    diagnostic.column = at.start.column;
  }
  const variables: Record<string, unknown> = {};
  const declared = objectAt(root, "variables");
  for (const name of Object.keys(declared ?? {})) {
    const v = objectAt(declared, name);
    if (v && Object.hasOwn(v, "value")) variables[name] = v.value;
  }
  return {
    sites,
    diagnostics: ctx.diagnostics,
    unresolved: ctx.unresolved,
    unshown: ctx.unshown,
    unresolvedArguments: ctx.unresolvedArguments,
    rootResources,
    rootCalls,
    calls: planModuleCalls(root),
    variables,
    locator,
  };
}

function modulePrefixOf(address: string, moduleAddress: string | undefined): string {
  if (moduleAddress) return `${moduleAddress}.`;
  return address.startsWith("module.") ? (parseAddress(address)?.modulePrefix ?? "") : "";
}

/** Policy sites of a plan: only what the plan itself holds (see {@link terraformPlanFormat} for module sources). */
export function planSites(text: string, file: string): { sites: PolicySite[]; diagnostics: Diagnostic[] } {
  const r = readPlan(text, file);
  return { sites: r.sites, diagnostics: [...r.diagnostics, ...unknownDiagnostics(r.unresolved, undefined)] };
}

/** Policies still unknown, as warnings at the resource in the plan. */
function unknownDiagnostics(
  list: readonly UnresolvedPolicy[],
  fallback: SourceFallback | undefined,
): Diagnostic[] {
  return list.map((u) => {
    const refs = u.references.filter(
      (x) => x.split(".").length > 2 || x.startsWith("var.") || x.startsWith("local."),
    );
    const uses = u.references.length > 0 ? ` (it uses ${refs.join(", ") || u.references.join(", ")})` : "";
    const where = u.block === "all" ? `the ${u.attribute.path} blocks` : `the ${u.attribute.path}`;
    const source = fallback?.explain(u);
    const d: Diagnostic = {
      code: "PolicyUnknown",
      severity: "warning",
      file: u.at.file,
      line: u.at.start.line,
      column: u.at.start.column,
      message: u.redacted
        ? `${where} of ${u.address} is sensitive and this plan does not show it (its sensitive values are redacted)${uses}; ${source ?? "scan the plan as terraform show -json writes it, or the module directory, to analyse it"}`
        : `${where} of ${u.address} ${u.block === "all" ? "are" : "is"} known only after apply${uses}; ${source ?? "scan the module directory to analyse it from the source"}`,
    };
    const said = fallback?.sourceWarning(u);
    if (said) sourceWarnings.set(d, said);
    return d;
  });
}

/** The root module the plan was made from: its own directory or one given with it, that declares its resources. */
function moduleSourcesFor(
  file: string,
  options: PlanScanOptions,
  reading: PlanReading,
): ModuleSources | undefined {
  const candidates: string[] = [];
  if (file !== "<stdin>") candidates.push(dirname(file));
  for (const d of options.moduleDirs ?? [])
    if (!candidates.some((c) => resolve(c) === resolve(d))) candidates.push(d);
  let best: ModuleSources | undefined;
  let bestScore = 0;
  for (const dir of candidates) {
    if (!ModuleSources.isModuleDir(dir)) continue;
    const sources = new ModuleSources(dir, reading.calls);
    const score = sources.matches(reading.rootResources, reading.rootCalls);
    if (score > bestScore) {
      best = sources;
      bestScore = score;
    }
  }
  return best;
}

function withSourceLocations(sites: PolicySite[], sources: ModuleSources | undefined): void {
  if (!sources) return;
  for (const site of sites) {
    const at = site.resource ? sources.declaration(site.resource) : undefined;
    if (!at) continue;
    site.related = [
      { file: at.file, line: at.line, column: at.column, message: `source of ${site.resource}` },
    ];
    // The modules it is declared in, as a scan of that module directory names them: a run that
    // scans the module too reports the policy once (`PlanModulePairs`).
    const chain = sources.moduleChain(parseAddress(site.resource as string)?.moduleCalls ?? []);
    if (chain) site.moduleDirs = chain;
    // Suppression comments at the resource's block count for the plan's finding too, as they do
    // when the source resolves the policy (a module scan and a plan scan agree).
    if (at.block && site.resource && !site.suppressions?.length) {
      const found = suppressionIndex(at.block.map).forPlanResource(at.block.range, site.resource);
      if (found.length > 0) site.suppressions = found;
    }
  }
}

/** `terraform show -json` plans (format_version 0.x and 1.x). */
export const terraformPlanFormat: InputFormat = {
  name: "terraform-plan",
  extensions: [".json"],
  recognises(input) {
    return looksLikePlan(input.text);
  },
  extract(input: ScanInput, options: PlanScanOptions = {}): ExtractResult | Promise<ExtractResult> {
    const reading = readPlan(input.text, input.file);
    const sources =
      reading.sites.length > 0 ||
      reading.unresolved.length > 0 ||
      reading.unshown.length > 0 ||
      reading.unresolvedArguments.length > 0
        ? moduleSourcesFor(input.file, options, reading)
        : undefined;
    withSourceLocations(reading.sites, sources);
    // A block list the configuration does not show is analysed only when the source writes it (`dynamic`).
    for (const u of reading.unshown) {
      const head = splitPath(u.attribute.path)[0] as string;
      if (sources?.declaration(u.address)?.nested.has(head)) reading.unresolved.push(u);
    }
    const needsSource = reading.unresolved.length > 0 || reading.unresolvedArguments.length > 0;
    if (!sources || !needsSource)
      return {
        sites: reading.sites,
        diagnostics: [...reading.diagnostics, ...unknownDiagnostics(reading.unresolved, undefined)],
      };
    // Only a plan with values known only after apply pays for evaluating its module.
    return sourceFallback(sources, options, reading).then((fallback) => ({
      sites: [...reading.sites, ...fallback.sites],
      diagnostics: [
        ...reading.diagnostics,
        ...fallback.diagnostics,
        ...unknownDiagnostics(fallback.unresolved, fallback),
      ],
    }));
  },
};
