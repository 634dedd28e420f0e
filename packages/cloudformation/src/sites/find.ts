import type {
  LambdaPermission,
  LambdaPermissionField,
  PolicySite,
  PolicySiteKind,
  PolicyValue,
  Suppression,
} from "@deputyguard/core";
import { enumerateVariants } from "../resolve/choices.js";
import type { ResourceModel } from "../resolve/model.js";
import { NO_VALUE, type Resolved, type ResolveEnv, Resolver } from "../resolve/resolver.js";
import {
  diagnostic,
  getEntryOf,
  getOf,
  type ObjectNode,
  partsOf,
  type SourceNode,
  type SourceRange,
  scalarText,
} from "../tree.js";
import { parseEmbeddedPolicy } from "./embedded-json.js";
import { samEventPermissions } from "./sam.js";

/** A policy site of a template, with the CDK construct path when the template came from CDK. */
export interface CloudFormationSite extends PolicySite {
  /** `aws:cdk:path` metadata of the resource, e.g. `MyStack/Queue/Policy/Resource`. */
  constructPath?: string;
}

/**
 * Properties that hold identity policies (no Principal): they cannot let a service act on a
 * resource, so they are not analysed for confused deputies.
 */
const IDENTITY_POLICY_PROPERTIES: ReadonlyMap<string, ReadonlySet<string> | "all"> = new Map<
  string,
  ReadonlySet<string> | "all"
>([
  ["AWS::IAM::Role", new Set(["Policies", "ManagedPolicyArns", "PermissionsBoundary"])],
  ["AWS::IAM::User", "all"],
  ["AWS::IAM::Group", "all"],
  ["AWS::IAM::Policy", "all"],
  ["AWS::IAM::ManagedPolicy", "all"],
  ["AWS::IAM::RolePolicy", "all"],
  ["AWS::IAM::UserPolicy", "all"],
  ["AWS::IAM::GroupPolicy", "all"],
  ["AWS::SSO::PermissionSet", "all"],
  ["AWS::Serverless::Function", new Set(["Policies", "Events"])],
  ["AWS::Serverless::StateMachine", new Set(["Policies", "Events"])],
  ["AWS::Serverless::Api", new Set(["Auth"])],
  // An endpoint policy only narrows what callers may do through the endpoint; it grants nothing.
  ["AWS::EC2::VPCEndpoint", "all"],
]);

/**
 * A policy document: its Statement is a statement or a list of them, and a statement has Effect.
 * (A WAF rule also has a `Statement`, without Effect.)
 */
function isPolicyDocument(node: SourceNode): boolean {
  const statement = getOf(node, "Statement");
  if (!statement) return false;
  const hasEffect = (s: SourceNode) => s.kind === "object" && !!getEntryOf(s, "Effect");
  if (statement.kind === "array") return statement.items.length > 0 && statement.items.some(hasEffect);
  return hasEffect(statement);
}

const MAX_SCAN_DEPTH = 64;

/** Cheap test on the raw tree: is there anything policy-like below this node? */
function mentionsStatement(node: SourceNode, depth: number): boolean {
  if (depth > MAX_SCAN_DEPTH) return false;
  switch (node.kind) {
    case "scalar":
      return typeof node.value === "string" && node.value.includes("Statement");
    case "value":
      return node.value.parts.some((p) => typeof p === "string" && p.includes("Statement"));
    case "array":
      return node.items.some((i) => mentionsStatement(i, depth + 1));
    case "object":
      return node.entries.some((e) => e.key === "Statement" || mentionsStatement(e.value, depth + 1));
  }
}

interface Found {
  node: SourceNode;
  path: string;
}

/** Finds policy documents in a resolved tree: objects with Statement, or JSON strings of one. */
function collectPolicies(node: SourceNode, path: string, text: string, out: Found[], depth: number): void {
  if (depth > MAX_SCAN_DEPTH) return;
  switch (node.kind) {
    case "object":
      if (isPolicyDocument(node)) {
        out.push({ node, path });
        return;
      }
      for (const e of node.entries) collectPolicies(e.value, `${path}.${e.key}`, text, out, depth + 1);
      return;
    case "array":
      for (let i = 0; i < node.items.length; i++)
        collectPolicies(node.items[i] as SourceNode, `${path}[${i}]`, text, out, depth + 1);
      return;
    case "scalar":
    case "value": {
      const parts = partsOf(node);
      if (!parts?.some((p) => typeof p === "string" && p.includes("Statement"))) return;
      const parsed = parseEmbeddedPolicy(parts, node.range, text);
      if (parsed && isPolicyDocument(parsed)) out.push({ node: parsed, path });
    }
  }
}

/** A structural fingerprint of a resolved tree (positions included), to merge equal variants. */
function fingerprint(node: Resolved): string {
  if (node === NO_VALUE) return "-";
  const out: string[] = [];
  const walk = (n: SourceNode, depth: number): void => {
    if (depth > MAX_SCAN_DEPTH) return;
    const at = n.range ? `@${n.range.start.line}:${n.range.start.column}` : "";
    switch (n.kind) {
      case "scalar":
        out.push(`s${at}${JSON.stringify(n.value)}`);
        return;
      case "value":
        out.push(
          `v${at}${n.value.parts.map((p) => (typeof p === "string" ? p : `\u0000${p.name}`)).join("")}`,
        );
        return;
      case "array":
        out.push(`[${at}`);
        for (const i of n.items) walk(i, depth + 1);
        out.push("]");
        return;
      case "object":
        out.push(`{${at}`);
        for (const e of n.entries) {
          out.push(JSON.stringify(e.key));
          walk(e.value, depth + 1);
        }
        out.push("}");
    }
  };
  walk(node, 0);
  return out.join(" ");
}

export interface Variant {
  node: Resolved;
  variant: string | undefined;
}

/** Resolves a node once per distinct outcome of its undecidable conditions and map keys. */
export function resolveVariants(env: ResolveEnv, node: SourceNode): Variant[] {
  const { results, truncated } = enumerateVariants((run) => new Resolver(env, run).resolve(node));
  if (truncated) {
    env.diagnostics.push(
      diagnostic(
        "TooManyVariants",
        "warning",
        "this value depends on more undecidable conditions than are analysed (16 variants); set parameters (--parameter) to decide them",
        env.model.file,
        node.range,
      ),
    );
  }
  if (results.length === 1) return [{ node: (results[0] as (typeof results)[0]).value, variant: undefined }];
  const seen = new Set<string>();
  const out: Variant[] = [];
  for (const r of results) {
    const key = fingerprint(r.value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ node: r.value, variant: r.variant });
  }
  // One outcome whatever the choices: no variant to name.
  if (out.length === 1) (out[0] as Variant).variant = undefined;
  return out;
}

function policyValue(node: Resolved | undefined): PolicyValue | undefined {
  if (node === undefined || node === NO_VALUE) return undefined;
  if (node.kind === "value") return node.range ? { ...node.value, range: node.range } : node.value;
  if (node.kind === "scalar" && node.value !== null) {
    return node.range ? { parts: [String(node.value)], range: node.range } : { parts: [String(node.value)] };
  }
  return undefined;
}

function joinVariant(...labels: Array<string | undefined>): string | undefined {
  const present = labels.filter((l): l is string => !!l);
  return present.length > 0 ? present.join("; ") : undefined;
}

/** Reads `Metadata.deputyguard.ignore` of a resource: `CD101 -- reason` strings or `{id, reason, until}` (`rule` is accepted for `id`). */
function suppressionsOf(resource: ResourceModel, file: string): Suppression[] {
  const list = getOf(getOf(getOf(resource.node, "Metadata"), "deputyguard"), "ignore");
  if (!list) return [];
  const items = list.kind === "array" ? list.items : [list];
  const out: Suppression[] = [];
  for (const item of items) {
    let rule: string | undefined;
    let reason: string | undefined;
    let until: string | undefined;
    if (item.kind === "object") {
      rule = scalarText(getOf(item, "id")) ?? scalarText(getOf(item, "rule"));
      reason = scalarText(getOf(item, "reason"));
      until = scalarText(getOf(item, "until"));
    } else {
      const text = scalarText(item);
      if (text) {
        const [r, ...rest] = text.split("--");
        rule = r?.trim();
        reason = rest.join("--").trim() || undefined;
      }
    }
    if (!rule) {
      // Not silently dropped: a suppression without a rule suppresses nothing, and applySuppressions warns.
      rule = "(none)";
    }
    const s: Suppression = {
      rule,
      kind: "inSource",
      origin: {
        file,
        ...(item.range ? { line: item.range.start.line, column: item.range.start.column } : {}),
      },
      scope: { file: (f) => f === file, resource: resource.id },
    };
    if (reason) s.reason = reason;
    if (until) s.until = until;
    out.push(s);
  }
  return out;
}

/** Every policy site of the template's resources. */
export function findSites(env: ResolveEnv): CloudFormationSite[] {
  const sites: CloudFormationSite[] = [];
  const model = env.model;
  const probe = new Resolver(env, { choose: () => 0 });
  const givenOnly = new Resolver({ ...env, diagnostics: [], ignoreDefaults: true }, { choose: () => 0 });
  for (const resource of model.resources.values()) {
    let condition: string | undefined;
    if (resource.condition !== undefined) {
      // A resource is left out only when the values the user gave decide that it is not created:
      // parameter defaults alone must not hide a resource that other deploys create.
      const decided = probe.decideCondition(resource.condition);
      if (decided !== true) {
        if (givenOnly.decideCondition(resource.condition) === false) continue;
        condition =
          decided === false
            ? `only if condition ${resource.condition} holds (false with the parameter defaults)`
            : `if condition ${resource.condition} holds`;
      }
    }
    const constructPath = scalarText(getOf(getOf(resource.node, "Metadata"), "aws:cdk:path"));
    const suppressions = suppressionsOf(resource, model.file);
    const base = (
      kind: PolicySiteKind,
      propertyPath: string,
      variant: string | undefined,
      range: SourceRange | undefined,
      id = resource.id,
      type = resource.type,
    ): CloudFormationSite => {
      const site: CloudFormationSite = {
        file: model.file,
        resource: id,
        resourceType: type,
        propertyPath,
        kind,
      };
      const v = joinVariant(constructPath, condition, variant);
      if (v) site.variant = v;
      if (constructPath) site.constructPath = constructPath;
      if (range) site.range = range;
      if (suppressions.length > 0) site.suppressions = suppressions;
      return site;
    };
    const props = resource.properties;
    if (!props) continue;

    if (
      resource.type === "AWS::Lambda::Permission" ||
      resource.type === "AWS::Lambda::LayerVersionPermission"
    ) {
      for (const v of resolveVariants(env, props)) {
        if (v.node === NO_VALUE || v.node.kind !== "object") continue;
        const get = (k: string) => policyValue(getOf(v.node as ObjectNode, k));
        const principal = get("Principal");
        if (!principal) continue;
        const permission: LambdaPermission = { principal };
        const fields: Array<[LambdaPermissionField, string]> =
          resource.type === "AWS::Lambda::Permission"
            ? [
                ["action", "Action"],
                ["functionName", "FunctionName"],
                ["sourceArn", "SourceArn"],
                ["sourceAccount", "SourceAccount"],
                ["principalOrgId", "PrincipalOrgID"],
                ["eventSourceToken", "EventSourceToken"],
              ]
            : [
                ["action", "Action"],
                ["functionName", "LayerVersionArn"],
                ["principalOrgId", "OrganizationId"],
              ];
        for (const [field, key] of fields) {
          const value = get(key);
          if (value) permission[field] = value;
        }
        const site = base("lambda-permission", "Properties", v.variant, resource.keyRange);
        site.permission = permission;
        sites.push(site);
      }
      continue;
    }

    if (resource.type === "AWS::Events::EventBusPolicy") {
      const statement = getOf(props, "Statement");
      if (statement) {
        for (const v of resolveVariants(env, statement)) {
          if (v.node === NO_VALUE) continue;
          const site = base("resource-policy", "Properties.Statement", v.variant, v.node.range);
          site.document = v.node;
          sites.push(site);
        }
      } else {
        // The older form: Principal (an account or *), Action and an optional Condition {Type, Key, Value}.
        for (const v of resolveVariants(env, props)) {
          if (v.node === NO_VALUE || v.node.kind !== "object") continue;
          const statement = legacyEventBusStatement(v.node);
          if (!statement) continue;
          const site = base("resource-policy", "Properties", v.variant, resource.keyRange);
          site.document = statement;
          sites.push(site);
        }
      }
      continue;
    }

    if (resource.type === "AWS::Serverless::Function") {
      for (const p of samEventPermissions(env, resource)) {
        const site = base(
          "lambda-permission",
          p.propertyPath,
          p.variant,
          p.range,
          p.logicalId,
          "AWS::Lambda::Permission",
        );
        site.permission = p.permission;
        sites.push(site);
      }
    }

    const skip = IDENTITY_POLICY_PROPERTIES.get(resource.type);
    if (skip === "all") continue;
    for (const entry of props.entries) {
      if (skip?.has(entry.key)) continue;
      if (!mentionsStatement(entry.value, 0)) continue;
      const kind: PolicySiteKind =
        entry.key === "AssumeRolePolicyDocument" ? "trust-policy" : "resource-policy";
      for (const v of resolveVariants(env, entry.value)) {
        if (v.node === NO_VALUE) continue;
        const found: Found[] = [];
        collectPolicies(v.node, `Properties.${entry.key}`, model.text, found, 0);
        for (const f of found) {
          const site = base(kind, f.path, v.variant, f.node.range);
          site.document = f.node;
          sites.push(site);
        }
      }
    }
  }
  return sites;
}

function legacyEventBusStatement(props: ObjectNode): SourceNode | undefined {
  const principal = getOf(props, "Principal");
  if (!principal) return undefined;
  const range = props.range;
  const r = range ? { range } : {};
  const entries: ObjectNode["entries"] = [
    { key: "Effect", value: { kind: "scalar", value: "Allow", ...r } },
    {
      key: "Principal",
      value:
        scalarText(principal) === "*"
          ? principal
          : { kind: "object", entries: [{ key: "AWS", value: principal }], ...r },
    },
    { key: "Action", value: getOf(props, "Action") ?? { kind: "scalar", value: "events:PutEvents", ...r } },
  ];
  const condition = getOf(props, "Condition");
  const type = scalarText(getOf(condition, "Type"));
  const key = scalarText(getOf(condition, "Key"));
  const value = getOf(condition, "Value");
  if (type && key && value) {
    entries.push({
      key: "Condition",
      value: {
        kind: "object",
        entries: [{ key: type, value: { kind: "object", entries: [{ key, value }], ...r } }],
        ...r,
      },
    });
  }
  return { kind: "object", entries, ...r };
}
