import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type {
  Diagnostic,
  InputFormat,
  LambdaPermission,
  ObjectNode,
  PolicySite,
  PolicyValue,
  SourceNode,
  SourceRange,
} from "@deputyguard/core";
import { normalizeParts } from "@deputyguard/core";
import { PARTITION, REGION, SELF_ACCOUNT, URL_SUFFIX } from "./eval/symbols.js";
import { LAMBDA_PERMISSION_TYPES, POLICY_ATTRIBUTES } from "./knowledge/policy-attributes.js";
import { RESOURCE_ATTRIBUTES } from "./knowledge/resource-arns.js";
import { getEntryNode, parseJsonSource } from "./plan/json-nodes.js";

/** Quick content test: `terraform show -json` output names its format and holds planned values or changes. */
function looksLikePlan(text: string): boolean {
  const head = text.slice(0, 4096);
  return (
    head.includes('"format_version"') &&
    (text.includes('"planned_values"') || text.includes('"resource_changes"'))
  );
}

interface PlanResource {
  address: string;
  type: string;
  mode: string;
  /** The resource object in the plan file (for positions). */
  node: ObjectNode;
  values?: ObjectNode;
  unknown?: ObjectNode;
}

function str(n: SourceNode | undefined): string | undefined {
  return n?.kind === "scalar" && typeof n.value === "string" ? n.value : undefined;
}

function objectAt(n: SourceNode | undefined, ...path: string[]): ObjectNode | undefined {
  let cur = n;
  for (const p of path) cur = cur?.kind === "object" ? getEntryNode(cur, p) : undefined;
  return cur?.kind === "object" ? cur : undefined;
}

function arrayAt(n: SourceNode | undefined, ...path: string[]): SourceNode[] {
  let cur = n;
  for (const p of path) cur = cur?.kind === "object" ? getEntryNode(cur, p) : undefined;
  return cur?.kind === "array" ? cur.items : [];
}

/** Module address without instance keys: `module.a["x"].module.b` → `module.a.module.b` (configuration paths). */
function configPath(address: string): string {
  let out = "";
  let depth = 0;
  let inString = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** Resources of a module tree (`planned_values`, `prior_state.values`): root and child modules. */
function moduleResources(mod: ObjectNode | undefined, out: Map<string, ObjectNode>, depth = 0): void {
  if (!mod || depth > 64) return;
  for (const r of arrayAt(mod, "resources")) {
    const a = r.kind === "object" ? str(getEntryNode(r, "address")) : undefined;
    if (a && r.kind === "object") out.set(a, r);
  }
  for (const c of arrayAt(mod, "child_modules")) if (c.kind === "object") moduleResources(c, out, depth + 1);
}

/** `configuration` resources by address without instance keys (`module.a.aws_x.y`). */
function configResources(
  mod: ObjectNode | undefined,
  prefix: string,
  out: Map<string, ObjectNode>,
  depth = 0,
): void {
  if (!mod || depth > 64) return;
  for (const r of arrayAt(mod, "resources")) {
    const a = r.kind === "object" ? str(getEntryNode(r, "address")) : undefined;
    if (a && r.kind === "object") out.set(`${prefix}${a}`, r);
  }
  const calls = objectAt(mod, "module_calls");
  for (const e of calls?.entries ?? [])
    configResources(objectAt(e.value, "module"), `${prefix}module.${e.key}.`, out, depth + 1);
}

interface PlanContext {
  file: string;
  planned: Map<string, ObjectNode>;
  prior: Map<string, ObjectNode>;
  config: Map<string, ObjectNode>;
  diagnostics: Diagnostic[];
}

/**
 * Re-reads a policy JSON string of the plan, with every position set to where the string is
 * written in the plan file: a finding in a plan points at the resource's policy attribute.
 */
function policyFromString(
  text: string,
  at: SourceRange,
  file: string,
  what: string,
  ctx: PlanContext,
): SourceNode | undefined {
  const parsed = parseJsonSource(text, file);
  if (!parsed.node) {
    ctx.diagnostics.push({
      code: "PolicyShape",
      severity: "warning",
      file,
      line: at.start.line,
      column: at.start.column,
      message: `${what} is not valid JSON`,
    });
    return undefined;
  }
  return relocate(parsed.node, at, 0);
}

function relocate(n: SourceNode, range: SourceRange, depth: number): SourceNode {
  if (depth > 128) return { kind: "scalar", value: null, range };
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

function isUnknown(unknownValues: ObjectNode | undefined, attr: string): boolean {
  const u = unknownValues ? getEntryNode(unknownValues, attr) : undefined;
  return u?.kind === "scalar" && u.value === true;
}

function unknownValue(source: string, reason: string, range: SourceRange): PolicyValue {
  return { parts: [{ kind: "unknown", name: source, provenance: { source, reason } }], range };
}

/** References of a configuration expression, e.g. `["aws_s3_bucket.b.arn", "aws_s3_bucket.b"]`. */
function references(ctx: PlanContext, address: string, attr: string): string[] {
  const cfg = ctx.config.get(configPath(address).replace(/\[[^\]]*\]$/, ""));
  const expr = objectAt(cfg, "expressions", attr);
  return arrayAt(expr, "references")
    .map(str)
    .filter((s): s is string => s !== undefined);
}

/**
 * A value AWS assigns, rebuilt from its ARN template when the plan knows the referenced resource's
 * name (`aws_s3_bucket.b.arn` with `bucket = "logs"` → `arn:<PARTITION>:s3:::logs`).
 */
function fromReference(
  ctx: PlanContext,
  address: string,
  ref: string,
  range: SourceRange,
): PolicyValue | undefined {
  const modulePrefix = address.includes("module.")
    ? address.slice(0, address.lastIndexOf("module.")).replace(/[^.]*$/, "")
    : "";
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
  const template = RESOURCE_ATTRIBUTES[type]?.attributes[attr];
  const target = ctx.planned.get(`${modulePrefix}${type}.${name}`);
  const values = objectAt(target, "values");
  if (!template || !values) return undefined;
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
      const v = str(getEntryNode(values, key.replace(/^\?/, "")));
      if (v === undefined) return undefined;
      out.push(v);
    }
  }
  return { parts: normalizeParts(out), range };
}

function permissionSite(r: PlanResource, ctx: PlanContext): PolicySite | undefined {
  const range = r.node.range as SourceRange;
  const field = (attr: string): PolicyValue | undefined => {
    const n = r.values ? getEntryNode(r.values, attr) : undefined;
    const at = n?.range ?? range;
    if (isUnknown(r.unknown, attr)) {
      const refs = references(ctx, r.address, attr);
      for (const ref of refs) {
        const v = fromReference(ctx, r.address, ref, at);
        if (v) return v;
      }
      return unknownValue(refs[0] ?? `${r.address}.${attr}`, "known only after apply", at);
    }
    const s = str(n);
    return s === undefined ? undefined : { parts: [s], range: at };
  };
  const principal = field("principal");
  if (!principal) return undefined;
  const permission: LambdaPermission = { principal };
  const set = (k: keyof LambdaPermission, attr: string) => {
    const v = field(attr);
    if (v) permission[k] = v;
  };
  set("action", "action");
  if (r.type === "aws_lambda_permission") {
    set("functionName", "function_name");
    set("sourceArn", "source_arn");
    set("sourceAccount", "source_account");
    set("principalOrgId", "principal_org_id");
    set("eventSourceToken", "event_source_token");
  } else set("principalOrgId", "organization_id");
  return {
    file: ctx.file,
    resource: r.address,
    resourceType: r.type,
    kind: "lambda-permission",
    permission,
    range,
  };
}

/** The document a configuration expression refers to, from a data source read at plan time. */
function documentFromConfig(ctx: PlanContext, r: PlanResource, attr: string): string | undefined {
  const modulePrefix = r.address.includes("module.")
    ? r.address.slice(0, r.address.lastIndexOf(".", r.address.indexOf(r.type) - 1) + 1)
    : "";
  for (const ref of references(ctx, r.address, attr)) {
    if (!ref.startsWith("data.aws_iam_policy_document.")) continue;
    const doc = ctx.prior.get(`${modulePrefix}${ref.replace(/\.(json|minified_json)$/, "")}`);
    const json = str(getEntryNode(objectAt(doc, "values") ?? { kind: "object", entries: [] }, "json"));
    if (json !== undefined) return json;
  }
  const cfg = ctx.config.get(configPath(r.address).replace(/\[[^\]]*\]$/, ""));
  return str(
    objectAt(cfg, "expressions", attr)
      ? getEntryNode(objectAt(cfg, "expressions", attr) as ObjectNode, "constant_value")
      : undefined,
  );
}

function policySites(r: PlanResource, ctx: PlanContext): PolicySite[] {
  const attrs = POLICY_ATTRIBUTES[r.type] ?? [];
  const out: PolicySite[] = [];
  for (const a of attrs) {
    const path = a.path.split(".");
    const holders: Array<{ values?: ObjectNode; unknown?: ObjectNode }> = [];
    if (path.length === 1)
      holders.push({
        ...(r.values ? { values: r.values } : {}),
        ...(r.unknown ? { unknown: r.unknown } : {}),
      });
    else {
      const blocks = arrayAt(r.values, path[0] as string);
      const unknowns = arrayAt(r.unknown, path[0] as string);
      blocks.forEach((b, i) => {
        const u = unknowns[i];
        if (b.kind === "object") holders.push({ values: b, ...(u?.kind === "object" ? { unknown: u } : {}) });
      });
    }
    const attr = path[path.length - 1] as string;
    for (const h of holders) {
      const n = h.values ? getEntryNode(h.values, attr) : undefined;
      const at = n?.range ?? (r.node.range as SourceRange);
      let text = str(n);
      if (text === undefined && isUnknown(h.unknown, attr)) {
        text = path.length === 1 ? documentFromConfig(ctx, r, attr) : undefined;
        if (text === undefined) {
          const refs = path.length === 1 ? references(ctx, r.address, attr) : [];
          ctx.diagnostics.push({
            code: "PolicyUnknown",
            severity: "warning",
            file: ctx.file,
            line: at.start.line,
            column: at.start.column,
            message: `the ${a.path} of ${r.address} is known only after apply${refs.length > 0 ? ` (it uses ${refs.filter((x) => x.split(".").length > 2 || x.startsWith("var.") || x.startsWith("local.")).join(", ") || refs.join(", ")})` : ""}; scan the module directory to analyse it from the source`,
          });
          continue;
        }
      }
      if (text === undefined || text === "") continue;
      const node = policyFromString(text, at, ctx.file, `the ${a.path} of ${r.address}`, ctx);
      if (!node) continue;
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
  }
  return out;
}

/** Policy sites of a parsed plan. */
export function planSites(
  root: SourceNode,
  file: string,
): { sites: PolicySite[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const ctx: PlanContext = { file, planned: new Map(), prior: new Map(), config: new Map(), diagnostics };
  const version = str(root.kind === "object" ? getEntryNode(root, "format_version") : undefined) ?? "";
  const major = version.split(".")[0];
  if (major !== "0" && major !== "1") {
    diagnostics.push({
      code: "UnsupportedConstruct",
      severity: "error",
      file,
      line: 1,
      column: 1,
      message: `plan format_version ${JSON.stringify(version)} is not supported (expected 0.x or 1.x, as written by terraform show -json)`,
    });
    return { sites: [], diagnostics };
  }
  moduleResources(objectAt(root, "planned_values", "root_module"), ctx.planned);
  moduleResources(objectAt(root, "prior_state", "values", "root_module"), ctx.prior);
  configResources(objectAt(root, "configuration", "root_module"), "", ctx.config);
  const resources: PlanResource[] = [];
  const seen = new Set<string>();
  for (const rc of arrayAt(root, "resource_changes")) {
    if (rc.kind !== "object") continue;
    const address = str(getEntryNode(rc, "address"));
    const type = str(getEntryNode(rc, "type"));
    const mode = str(getEntryNode(rc, "mode")) ?? "managed";
    const change = objectAt(rc, "change");
    const actions = arrayAt(change, "actions").map(str);
    if (!address || !type || mode !== "managed" || getEntryNode(rc, "deposed")) continue;
    if (actions.length === 1 && actions[0] === "delete") continue;
    seen.add(address);
    const r: PlanResource = { address, type, mode, node: rc };
    const after = objectAt(change, "after");
    const unknown = objectAt(change, "after_unknown");
    if (after) r.values = after;
    if (unknown) r.unknown = unknown;
    resources.push(r);
  }
  // Plans without resource_changes (or resources only in planned_values) are read from planned_values.
  for (const [address, node] of ctx.planned) {
    if (seen.has(address) || str(getEntryNode(node, "mode")) === "data") continue;
    const type = str(getEntryNode(node, "type"));
    if (!type) continue;
    const r: PlanResource = { address, type, mode: "managed", node };
    const values = objectAt(node, "values");
    if (values) r.values = values;
    resources.push(r);
  }
  const sites: PolicySite[] = [];
  for (const r of resources) {
    if (LAMBDA_PERMISSION_TYPES.has(r.type)) {
      const s = permissionSite(r, ctx);
      if (s) sites.push(s);
    } else sites.push(...policySites(r, ctx));
  }
  return { sites, diagnostics };
}

/** A resource address without its instance key (`aws_x.y["k"]` → `aws_x.y`); module addresses stay as they are. */
function rootAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

/** Header lines like `resource "aws_sqs_queue_policy" "orders" {` at the start of a line. */
const HEADER = /^[ \t]*(resource|data)[ \t]+"([^"\n]+)"[ \t]+"([^"\n]+)"/;

/**
 * Where the root module's resources are written, when the plan sits beside its `.tf` files (the usual
 * `terraform plan -out` in the module directory): findings in the plan then also point at the source.
 */
function resourceHeaders(dir: string): Map<string, { file: string; line: number; column: number }> {
  const out = new Map<string, { file: string; line: number; column: number }>();
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /\.(tf|tofu)$/.test(n))
      .sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      if (statSync(file).size > 16 * 1024 * 1024) continue;
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const lines = text.split(/\r\n|\r|\n/);
    for (let i = 0; i < lines.length; i++) {
      const m = HEADER.exec(lines[i] ?? "");
      if (!m) continue;
      const address = m[1] === "data" ? `data.${m[2]}.${m[3]}` : `${m[2]}.${m[3]}`;
      if (!out.has(address))
        out.set(address, { file, line: i + 1, column: (lines[i]?.indexOf(m[1] as string) ?? 0) + 1 });
    }
  }
  return out;
}

/** `terraform show -json` plans (format_version 0.x and 1.x). */
export const terraformPlanFormat: InputFormat = {
  name: "terraform-plan",
  extensions: [".json"],
  recognises(input) {
    return looksLikePlan(input.text);
  },
  extract(input) {
    const parsed = parseJsonSource(input.text, input.file);
    if (!parsed.node) return { sites: [], diagnostics: parsed.diagnostics };
    const r = planSites(parsed.node, input.file);
    const sources = input.file === "<stdin>" ? new Map() : resourceHeaders(dirname(input.file));
    for (const site of r.sites) {
      const at = site.resource ? sources.get(rootAddress(site.resource)) : undefined;
      if (at) site.related = [{ ...at, message: `source of ${site.resource}` }];
    }
    return {
      sites: r.sites,
      diagnostics: [...parsed.diagnostics.filter((d) => d.severity === "error"), ...r.diagnostics],
    };
  },
};
