import {
  ChoiceRun,
  enumerateVariants,
  type LambdaPermission,
  type LambdaPermissionField,
  type PolicySite,
  type PolicySiteKind,
  type PolicyValue,
  provenanceText,
  type Suppression,
  type ValueSymbol,
  wholeUnknown,
} from "@deputyguard/core";
import type { ResourceModel } from "../resolve/model.js";
import {
  NO_VALUE,
  type Resolved,
  type ResolveEnv,
  Resolver,
  toJsonStringSource,
} from "../resolve/resolver.js";
import {
  type Diagnostic,
  diagnostic,
  getEntryOf,
  getOf,
  type ObjectNode,
  partsOf,
  type SourceEntry,
  type SourceNode,
  type SourceRange,
  scalarText,
} from "../tree.js";
import { readEmbeddedPolicy } from "./embedded-json.js";
import {
  eventRestApi,
  samConnectorResources,
  samEventPermissions,
  samGeneratedRoles,
  samSnsQueuePolicies,
} from "./sam.js";

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
 * Names of the properties that hold a resource or trust policy in the resource types that have one
 * (AWS::IAM::Role AssumeRolePolicyDocument; PolicyDocument of the S3, SNS, SQS, Logs, X-Ray and
 * inline policies; KMS KeyPolicy; Policy of S3 access points, API Gateway, MediaStore, MSK, Lex,
 * EventBridge; ECR RepositoryPolicyText and PolicyText; OpenSearch AccessPolicies; Backup
 * AccessPolicy; ResourcePolicy of Secrets Manager, CloudTrail, Kinesis, S3 Tables and DynamoDB;
 * EFS FileSystemPolicy; CodeArtifact PermissionsPolicyDocument; Logs DestinationPolicy). Under these
 * names a value the tool cannot read is reported instead of being passed over: a policy that is
 * not known before deployment, or policy text that is not valid JSON.
 */
const POLICY_PROPERTIES: ReadonlySet<string> = new Set([
  "AssumeRolePolicyDocument",
  "PolicyDocument",
  "KeyPolicy",
  "Policy",
  "PolicyText",
  "RepositoryPolicyText",
  "AccessPolicies",
  "AccessPolicy",
  "ResourcePolicy",
  "FileSystemPolicy",
  "PermissionsPolicyDocument",
  "DestinationPolicy",
]);

/**
 * Properties of other types that share a name in {@link POLICY_PROPERTIES} but hold no resource
 * policy: EKS access policy associations, OpenSearch Serverless's and CloudWatch Logs account
 * policies' own languages, Verified Access (Cedar) and Cloud WAN core-network policies, Transfer
 * Family session policies and IoT policies (no Principal).
 */
const NOT_RESOURCE_POLICY_PROPERTIES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["AWS::EKS::AccessEntry", new Set(["AccessPolicies"])],
  ["AWS::OpenSearchServerless::AccessPolicy", new Set(["Policy"])],
  ["AWS::OpenSearchServerless::SecurityPolicy", new Set(["Policy"])],
  ["AWS::OpenSearchServerless::LifecyclePolicy", new Set(["Policy"])],
  ["AWS::Logs::AccountPolicy", new Set(["PolicyDocument"])],
  ["AWS::EC2::VerifiedAccessGroup", new Set(["PolicyDocument"])],
  ["AWS::EC2::VerifiedAccessEndpoint", new Set(["PolicyDocument"])],
  ["AWS::NetworkManager::CoreNetwork", new Set(["PolicyDocument"])],
  ["AWS::Transfer::User", new Set(["Policy"])],
  ["AWS::IoT::Policy", new Set(["PolicyDocument"])],
]);

function isPolicyProperty(type: string, key: string): boolean {
  return POLICY_PROPERTIES.has(key) && !NOT_RESOURCE_POLICY_PROPERTIES.get(type)?.has(key);
}

/**
 * Below the top level, a policy sits under `ResourcePolicy.PolicyDocument` (DynamoDB tables and
 * their streams, global table replicas): only that pair counts, not any key with a policy name
 * (an AWS Config rule's `Source.CustomPolicyDetails.PolicyText` is a Guard rule).
 */
function isNestedPolicyProperty(parentKey: string, key: string): boolean {
  return key === "PolicyDocument" && parentKey === "ResourcePolicy";
}

/** The symbols of a node that is a value with no literal text at all (the core's `wholeUnknown`). */
function whollyUnknown(node: SourceNode): ValueSymbol[] | undefined {
  return node.kind === "value" ? wholeUnknown(node.value) : undefined;
}

/** `PolicyUnknown`: a whole policy (or statement) `what` names is not known before deployment. */
function policyUnknown(
  what: string,
  symbols: readonly ValueSymbol[],
  file: string,
  range: SourceRange | undefined,
): Diagnostic {
  return diagnostic(
    "PolicyUnknown",
    "warning",
    `${what} is not known before deployment (${provenanceText(symbols)}); it is not analysed`,
    file,
    range,
  );
}

/**
 * A policy document: its Statement is a statement or a list of them, and a statement has Effect.
 * (A WAF rule also has a `Statement`, without Effect.) Under a policy property, or beside a Version,
 * a Statement that is not known before deployment (alone, or as an item) counts too: the policy
 * parser then says so, instead of the policy being passed over.
 */
function isPolicyDocument(node: SourceNode, policyProperty: boolean): boolean {
  const statement = getOf(node, "Statement");
  if (!statement) return false;
  if (policyProperty || getEntryOf(node as ObjectNode, "Version")) {
    if (whollyUnknown(statement)) return true;
    if (statement.kind === "array" && statement.items.some((i) => whollyUnknown(i))) return true;
  }
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

/**
 * Whether a raw property value can resolve to something other than plain text without `Statement`:
 * an intrinsic function (a parameter, an import, a condition) anywhere in it.
 */
function mayHidePolicy(node: SourceNode): boolean {
  switch (node.kind) {
    case "scalar":
      return false;
    case "value":
      return true;
    case "array":
      return node.items.some(mayHidePolicy);
    case "object":
      return node.entries.some((e) => e.key === "Ref" || e.key.startsWith("Fn::") || mayHidePolicy(e.value));
  }
}

/** Whether a raw value holds `ResourcePolicy.PolicyDocument` somewhere (a DynamoDB stream's, a replica's). */
function holdsNestedPolicy(node: SourceNode, parentKey: string, depth: number): boolean {
  if (depth > 8) return false;
  if (node.kind === "array") return node.items.some((i) => holdsNestedPolicy(i, parentKey, depth + 1));
  if (node.kind !== "object") return false;
  return node.entries.some(
    (e) => isNestedPolicyProperty(parentKey, e.key) || holdsNestedPolicy(e.value, e.key, depth + 1),
  );
}

interface Found {
  node: SourceNode;
  path: string;
  /** Read from a JSON string: a fix there is written by hand, so it names the partition plainly. */
  embedded?: boolean;
}

/** Where policies are collected, and how what cannot be read there is reported. */
interface Collector {
  text: string;
  out: Found[];
  /** A property named like a policy holds a value that is not known before deployment. */
  unknown(path: string, node: SourceNode, symbols: ValueSymbol[]): void;
  /**
   * Policy text that cannot be read: not valid JSON, JSON that a value outside quotes breaks, text
   * that is no policy document, or text whose unknown parts hold the policy.
   */
  unreadable(path: string, node: SourceNode, problem: Unreadable): void;
}

type Unreadable =
  | { kind: "json"; message: string; line: number; column: number }
  | { kind: "unquoted"; unknown: ValueSymbol }
  | { kind: "no-statement" }
  | { kind: "unknown-text"; symbols: ValueSymbol[] };

/**
 * Finds policy documents in a resolved tree: objects with Statement, or JSON strings of one.
 * `policyProperty`: the node is the value of a property named in {@link POLICY_PROPERTIES}.
 */
function collectPolicies(
  node: SourceNode,
  path: string,
  c: Collector,
  depth: number,
  policyProperty: boolean,
  parentKey = "",
): void {
  if (depth > MAX_SCAN_DEPTH) return;
  switch (node.kind) {
    case "object":
      if (isPolicyDocument(node, policyProperty)) {
        c.out.push({ node, path });
        return;
      }
      for (const e of node.entries)
        collectPolicies(
          e.value,
          `${path}.${e.key}`,
          c,
          depth + 1,
          isNestedPolicyProperty(parentKey, e.key),
          e.key,
        );
      return;
    case "array":
      for (let i = 0; i < node.items.length; i++)
        collectPolicies(node.items[i] as SourceNode, `${path}[${i}]`, c, depth + 1, false, parentKey);
      return;
    case "scalar":
    case "value": {
      // `Fn::ToJsonString` of an object: the policy is the object as the template writes it.
      const written = toJsonStringSource.get(node);
      if (written?.kind === "object" || written?.kind === "array") {
        collectPolicies(written, path, c, depth + 1, policyProperty, parentKey);
        return;
      }
      const symbols = policyProperty ? whollyUnknown(node) : undefined;
      if (symbols) {
        c.unknown(path, node, symbols);
        return;
      }
      const parts = partsOf(node);
      if (!parts) return;
      if (!parts.some((p) => typeof p === "string" && p.includes("Statement"))) {
        // Under a policy property, text with no Statement is no policy document, or one whose
        // statements come from its unknown parts: either way it cannot be checked.
        if (!policyProperty) return;
        const unknown = parts.filter((p): p is ValueSymbol => typeof p !== "string");
        c.unreadable(
          path,
          node,
          unknown.length > 0 ? { kind: "unknown-text", symbols: unknown } : { kind: "no-statement" },
        );
        return;
      }
      const read = readEmbeddedPolicy(parts, node.range, c.text);
      if ("node" in read) {
        if (isPolicyDocument(read.node, policyProperty))
          c.out.push({ node: read.node, path, embedded: true });
        // JSON that holds a policy deeper, perhaps as a JSON string again: a custom resource's
        // parameters (aws-cdk-lib's AwsCustomResource writes log-group resource policies as
        // `{"action":"putResourcePolicy","parameters":{"policyDocument":"{\"Statement\":…}"}}`).
        else collectPolicies(read.node, path, c, depth + 1, false, parentKey);
      } else if ("error" in read && policyProperty) {
        // Elsewhere (a function's inline code mentions "Statement") text that is not JSON is no policy.
        c.unreadable(
          path,
          node,
          read.unknown
            ? { kind: "unquoted", unknown: read.unknown }
            : { kind: "json", message: read.error, line: read.line, column: read.column },
        );
      }
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
  const runs = enumerateVariants(
    (run): { value: Resolved; infeasible: boolean } => {
      const resolver = new Resolver(env, run);
      const value = resolver.resolve(node);
      return { value, infeasible: resolver.infeasible || !resolver.assumptionsHold() };
    },
    undefined,
    env.forced,
    // Runs with one outcome are one variant, and choices CloudFormation would reject (a map key
    // with no entry) are no deploy: neither counts against the limit.
    { outcome: (r) => (r.infeasible ? null : fingerprint(r.value)) },
  );
  const { truncated } = runs;
  const results: Array<{ value: Resolved; variant: string | undefined }> = runs.results.map((r) => ({
    value: r.value.value,
    variant: r.variant,
  }));
  // Every run a deploy CloudFormation rejects: the first, whose unknowns say why.
  if (results.length === 0) {
    const resolver = new Resolver(env, new ChoiceRun([], env.forced));
    results.push({ value: resolver.resolve(node), variant: undefined });
  }
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
  const first = resource.keyRange?.start.line;
  // A block's range may end at the start of the next line (its newline): that line is not its own.
  const end = resource.node.range?.end;
  const last = end === undefined ? undefined : end.column === 1 ? end.line - 1 : end.line;
  const samLines =
    resource.type.startsWith("AWS::Serverless::") && first !== undefined && last !== undefined
      ? { first, last }
      : undefined;
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
      // A SAM resource's ignore also covers what SAM generates for it (its roles and permissions,
      // which have logical ids of their own and point inside its block): scoped by its lines.
      scope: samLines
        ? { file: (f) => f === file, lines: samLines }
        : { file: (f) => f === file, resource: resource.id },
    };
    if (reason) s.reason = reason;
    if (until) s.until = until;
    out.push(s);
  }
  return out;
}

/** The sites of an `AWS::Lambda::Permission` (or layer permission) with these Properties, per variant. */
function lambdaPermissionSites(
  env: ResolveEnv,
  props: ObjectNode,
  type: string,
  site: (variant: string | undefined) => CloudFormationSite,
): CloudFormationSite[] {
  const out: CloudFormationSite[] = [];
  for (const v of resolveVariants(env, props)) {
    if (v.node === NO_VALUE || v.node.kind !== "object") continue;
    const get = (k: string) => policyValue(getOf(v.node as ObjectNode, k));
    const principal = get("Principal");
    if (!principal) continue;
    const permission: LambdaPermission = { principal };
    const fields: Array<[LambdaPermissionField, string]> =
      type === "AWS::Lambda::Permission"
        ? [
            ["action", "Action"],
            ["functionName", "FunctionName"],
            ["sourceArn", "SourceArn"],
            ["sourceAccount", "SourceAccount"],
            ["principalOrgId", "PrincipalOrgID"],
            ["eventSourceToken", "EventSourceToken"],
            ["functionUrlAuthType", "FunctionUrlAuthType"],
            ["invokedViaFunctionUrl", "InvokedViaFunctionUrl"],
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
    const s = site(v.variant);
    s.permission = permission;
    out.push(s);
  }
  return out;
}

/**
 * Whether a resource is created, by its `Condition`: true (always, or no Condition), false (never
 * with the values the user gave), or the label of the condition it is created under. A resource is
 * left out only when the values the user gave decide that it is not created: parameter defaults
 * alone must not hide a resource that other deploys create.
 */
export function resourceConditions(env: ResolveEnv): (resource: ResourceModel) => boolean | string {
  const probe = new Resolver(env, { choose: () => 0 });
  const givenOnly = new Resolver({ ...env, diagnostics: [], ignoreDefaults: true }, { choose: () => 0 });
  return (resource) => {
    if (resource.condition === undefined) return true;
    const decided = probe.decideCondition(resource.condition);
    if (decided === true) return true;
    if (givenOnly.decideCondition(resource.condition) === false) return false;
    return decided === false
      ? `only if condition ${resource.condition} holds (false with the parameter defaults)`
      : `if condition ${resource.condition} holds`;
  };
}

/** Every policy site of the template's resources. */
export function findSites(env: ResolveEnv): CloudFormationSite[] {
  const sites: CloudFormationSite[] = [];
  const model = env.model;
  const conditions = resourceConditions(env);
  const givenOnly = new Resolver({ ...env, diagnostics: [], ignoreDefaults: true }, { choose: () => 0 });
  /** Roles SAM generates once per template (CodeDeployServiceRole), reported once. */
  const samRoles = new Set<string>();
  for (const resource of model.resources.values()) {
    const created = conditions(resource);
    if (created === false) continue;
    let condition = created === true ? undefined : created;
    // Within the resource, its own Condition holds (its body is deployed only then), and a copy of
    // Fn::ForEach that only some choices make is resolved with those choices.
    const renv: ResolveEnv = { ...env };
    if (resource.condition !== undefined) renv.assume = new Map([[resource.condition, true]]);
    if (resource.only) {
      renv.forced = resource.only.choices;
      condition = [condition, `a copy made when ${resource.only.label}`].filter(Boolean).join(", ");
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
      // A fix can write `${AWS::Partition}` (see the fixes' partition in core).
      site.deployPartition = true;
      return site;
    };
    // Connectors (even on a resource without Properties: an AWS::Serverless::Connector, or the Connectors attribute of any resource): the
    // queue and topic policies and Lambda permissions SAM generates for them.
    const generated = [
      ...samConnectorResources(renv, resource),
      ...(resource.type === "AWS::Serverless::Function" ? samSnsQueuePolicies(resource) : []),
    ];
    for (const c of generated) {
      const at = (variant: string | undefined, kind: PolicySiteKind, path: string) =>
        base(kind, path, variant, c.range, c.logicalId, c.type);
      if (c.type === "AWS::Lambda::Permission") {
        sites.push(
          ...lambdaPermissionSites(renv, c.properties, c.type, (variant) =>
            at(variant, "lambda-permission", c.propertyPath),
          ),
        );
        continue;
      }
      const document = getOf(c.properties, "PolicyDocument");
      if (!document) continue;
      for (const v of resolveVariants(renv, document)) {
        if (v.node === NO_VALUE) continue;
        const site = at(v.variant, "resource-policy", c.propertyPath);
        site.document = v.node;
        sites.push(site);
      }
    }

    // A SAM function without Properties still gets Globals.Function (its role's trust policy).
    const props =
      resource.properties ??
      (resource.type === "AWS::Serverless::Function"
        ? ({ kind: "object", entries: [] } as ObjectNode)
        : undefined);
    if (!props) continue;

    if (
      resource.type === "AWS::Lambda::Permission" ||
      resource.type === "AWS::Lambda::LayerVersionPermission"
    ) {
      sites.push(
        ...lambdaPermissionSites(renv, props, resource.type, (variant) =>
          base("lambda-permission", "Properties", variant, resource.keyRange),
        ),
      );
      continue;
    }

    if (resource.type === "AWS::Events::EventBusPolicy") {
      const statement = getOf(props, "Statement");
      if (statement) {
        for (const v of resolveVariants(renv, statement)) {
          if (v.node === NO_VALUE) continue;
          let document: SourceNode = v.node;
          if (v.node.kind === "scalar" || v.node.kind === "value") {
            // Statement is of type Json: an object, or a JSON string of one.
            const where = `the Statement of ${resource.id}${v.variant ? ` (${v.variant})` : ""}`;
            const symbols = whollyUnknown(v.node);
            if (symbols) {
              env.diagnostics.push(policyUnknown(where, symbols, model.file, v.node.range));
              continue;
            }
            const parts = partsOf(v.node) ?? [];
            const read = readEmbeddedPolicy(['{"Statement":', ...parts, "}"], v.node.range, model.text);
            if (!("node" in read)) {
              const problem =
                "error" in read
                  ? read.unknown
                    ? `a value not known before deployment stands outside a JSON string (${provenanceText([read.unknown])})`
                    : `not valid JSON: ${read.error}`
                  : "not a statement";
              env.diagnostics.push(
                diagnostic(
                  "error" in read && read.unknown ? "PolicyUnknown" : "PolicyShape",
                  "error" in read && read.unknown ? "warning" : "error",
                  `${where} is text that cannot be read as a statement (${problem}); it is not analysed`,
                  model.file,
                  v.node.range,
                ),
              );
              continue;
            }
            document = read.node;
          }
          const site = base("resource-policy", "Properties.Statement", v.variant, v.node.range);
          site.document = document;
          sites.push(site);
        }
      } else {
        // The older form: Principal (an account or *), Action and an optional Condition {Type, Key, Value}.
        for (const v of resolveVariants(renv, props)) {
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

    if (
      resource.type === "AWS::Serverless::Function" ||
      resource.type === "AWS::Serverless::StateMachine" ||
      resource.type === "AWS::Serverless::GraphQLApi"
    ) {
      const given = (node: SourceNode): string | undefined => {
        const v = givenOnly.resolve(node);
        return typeof v === "symbol" ? undefined : scalarText(v);
      };
      for (const role of samGeneratedRoles(resource, getOf(model.root, "Globals"), given)) {
        if (role.shared) {
          if (samRoles.has(role.logicalId)) continue;
          samRoles.add(role.logicalId);
        }
        const site = base(
          "trust-policy",
          role.propertyPath,
          role.purpose,
          role.range,
          role.logicalId,
          "AWS::IAM::Role",
        );
        site.document = role.trust;
        sites.push(site);
      }
    }

    if (resource.type === "AWS::Serverless::Function" || resource.type === "AWS::Serverless::StateMachine") {
      // An Api event's own Auth.ResourcePolicy.CustomStatements: SAM writes them into the API's
      // policy, as it does the API's own.
      const events = getOf(resource.properties, "Events");
      for (const e of events?.kind === "object" ? events.entries : []) {
        if (scalarText(getOf(e.value, "Type")) !== "Api") continue;
        const eventProps = getOf(e.value, "Properties");
        const auth = getOf(eventProps, "Auth");
        const custom = getOf(getOf(auth, "ResourcePolicy"), "CustomStatements");
        if (!custom) continue;
        const api = eventApi(model.resources, eventProps);
        if (!api.applies(auth)) continue;
        // The API's own suppressions hold for what SAM writes into its policy.
        const apiSuppressions = api.model ? suppressionsOf(api.model, model.file) : [];
        sites.push(
          ...customStatementSites(renv, custom, (variant, range) => {
            const site = base(
              "resource-policy",
              `Properties.Events.${e.key}.Properties.Auth.ResourcePolicy.CustomStatements`,
              variant,
              range,
              api.id,
              "AWS::ApiGateway::RestApi",
            );
            if (apiSuppressions.length > 0)
              site.suppressions = [...(site.suppressions ?? []), ...apiSuppressions];
            return site;
          }),
        );
      }
    }

    if (resource.type === "AWS::Serverless::Function") {
      for (const p of samEventPermissions(renv, resource)) {
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

    if (resource.type === "AWS::Serverless::Api") {
      const custom = getOf(getOf(getOf(props, "Auth"), "ResourcePolicy"), "CustomStatements");
      if (custom)
        sites.push(
          ...customStatementSites(renv, custom, (variant, range) =>
            base("resource-policy", "Properties.Auth.ResourcePolicy.CustomStatements", variant, range),
          ),
        );
    }

    const skip = IDENTITY_POLICY_PROPERTIES.get(resource.type);
    if (skip === "all") continue;
    const samFunction = resource.type === "AWS::Serverless::Function";
    const entries = samFunction ? samFunctionEntries(props, getOf(model.root, "Globals")) : props.entries;
    // The same policy in two properties of one resource is one policy: a custom resource gives its
    // call for Create and again for Update (aws-cdk-lib's AwsCustomResource).
    const seen = new DistinctPolicies();
    for (const entry of entries) {
      if (skip?.has(entry.key)) continue;
      const policyProperty = isPolicyProperty(resource.type, entry.key);
      // A policy property is resolved whatever it holds: a parameter or an import may be the policy.
      if (
        !mentionsStatement(entry.value, 0) &&
        !(policyProperty && (mayHidePolicy(entry.value) || entry.value.kind === "scalar")) &&
        !holdsNestedPolicy(entry.value, entry.key, 0)
      )
        continue;
      const kind: PolicySiteKind =
        entry.key === "AssumeRolePolicyDocument" ? "trust-policy" : "resource-policy";
      for (const v of resolveVariants(renv, entry.value)) {
        if (v.node === NO_VALUE) continue;
        const found: Found[] = [];
        const where = (path: string) =>
          `${path.replace(/^Properties\./, "")} of ${resource.id}${v.variant ? ` (${v.variant})` : ""}`;
        collectPolicies(
          v.node,
          `Properties.${entry.key}`,
          {
            text: model.text,
            out: found,
            unknown: (path, node, symbols) =>
              env.diagnostics.push(
                policyUnknown(`the ${where(path)}`, symbols, model.file, node.range ?? entry.keyRange),
              ),
            unreadable: (path, node, problem) => {
              const at = node.range ?? entry.keyRange;
              const text = `the policy text of the ${where(path)}`;
              env.diagnostics.push(
                problem.kind === "unquoted"
                  ? diagnostic(
                      "PolicyUnknown",
                      "warning",
                      `${text} holds a value not known before deployment outside a JSON string (${provenanceText([problem.unknown])}), so its JSON is not known; it is not analysed`,
                      model.file,
                      at,
                    )
                  : problem.kind === "unknown-text"
                    ? diagnostic(
                        "PolicyUnknown",
                        "warning",
                        `${text} has no Statement except what values not known before deployment hold (${provenanceText(problem.symbols)}); it is not analysed`,
                        model.file,
                        at,
                      )
                    : diagnostic(
                        "PolicyShape",
                        "error",
                        problem.kind === "json"
                          ? `${text} is not valid JSON (${problem.message} at line ${problem.line}, column ${problem.column} of the text); it is not analysed`
                          : `${text} is not a policy document (no Statement); it is not analysed`,
                        model.file,
                        at,
                      ),
              );
            },
          },
          0,
          policyProperty,
          entry.key,
        );
        for (const f of found) {
          if (!seen.add(v.variant, f.node)) continue;
          // A SAM function's trust policy is that of the role SAM generates for it.
          const site =
            samFunction && kind === "trust-policy"
              ? base(kind, f.path, v.variant, f.node.range, `${resource.id}Role`, "AWS::IAM::Role")
              : base(kind, f.path, v.variant, f.node.range);
          site.document = f.node;
          if (f.embedded) delete site.deployPartition;
          sites.push(site);
        }
      }
    }
  }
  // SAM's Globals.Api applies to every AWS::Serverless::Api (and the implicit ones); its custom
  // statements go into each API's policy, so they are checked once, where they are written.
  const globalCustom = getOf(
    getOf(getOf(getOf(getOf(model.root, "Globals"), "Api"), "Auth"), "ResourcePolicy"),
    "CustomStatements",
  );
  if (globalCustom && hasRestApi(model)) {
    sites.push(
      ...customStatementSites(env, globalCustom, (variant, range) => {
        const site: CloudFormationSite = {
          file: model.file,
          resource: "Globals.Api",
          resourceType: "AWS::Serverless::Api",
          propertyPath: "Globals.Api.Auth.ResourcePolicy.CustomStatements",
          kind: "resource-policy",
        };
        if (variant) site.variant = variant;
        if (range) site.range = range;
        return site;
      }),
    );
  }
  return sites;
}

/**
 * Whether the template has a REST API for SAM's Globals.Api to apply to: an AWS::Serverless::Api,
 * or the implicit one SAM makes for `Api` events of functions and state machines (HttpApi events
 * make an HTTP API, which Globals.Api does not touch).
 */
function hasRestApi(model: ResolveEnv["model"]): boolean {
  for (const r of model.resources.values()) {
    if (r.type === "AWS::Serverless::Api") return true;
    if (r.type !== "AWS::Serverless::Function" && r.type !== "AWS::Serverless::StateMachine") continue;
    const events = getOf(r.properties, "Events");
    if (events?.kind !== "object") continue;
    // An event whose Type is not plain text (an intrinsic) may be an Api event.
    if (
      events.entries.some((e) => {
        const type = getOf(e.value, "Type");
        return type !== undefined && (scalarText(type) ?? "Api") === "Api";
      })
    )
      return true;
  }
  return false;
}

/**
 * SAM `Auth.ResourcePolicy.CustomStatements` (a statement or a list of them): SAM writes them into
 * the API's execute-api policy, so they are a resource policy of their own.
 */
function customStatementSites(
  env: ResolveEnv,
  custom: SourceNode,
  site: (variant: string | undefined, range: SourceRange | undefined) => CloudFormationSite,
): CloudFormationSite[] {
  const out: CloudFormationSite[] = [];
  for (const v of resolveVariants(env, custom)) {
    if (v.node === NO_VALUE) continue;
    const range = v.node.range;
    const r = range ? { range } : {};
    const s = site(v.variant, range);
    s.document = {
      kind: "object",
      entries: [
        { key: "Version", value: { kind: "scalar", value: "2012-10-17", ...r } },
        { key: "Statement", value: v.node, ...(range ? { keyRange: range } : {}) },
      ],
      ...r,
    };
    out.push(s);
  }
  return out;
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

/**
 * A SAM function's properties as the transform reads its role's trust policy: with a Role (its own
 * or from Globals.Function) SAM generates no role and ignores AssumeRolePolicyDocument; without
 * one, Globals.Function.AssumeRolePolicyDocument is merged into the function's own, the global
 * statements first (aws-sam-translator 1.110.0, plugins/globals/globals.py: lists are joined).
 */
function samFunctionEntries(props: ObjectNode, globals: SourceNode | undefined): readonly SourceEntry[] {
  const global = getOf(globals, "Function");
  const local = getEntryOf(props, "AssumeRolePolicyDocument");
  const globalDoc = global?.kind === "object" ? getEntryOf(global, "AssumeRolePolicyDocument") : undefined;
  if (getOf(props, "Role") || getOf(global, "Role"))
    return props.entries.filter((e) => e.key !== "AssumeRolePolicyDocument");
  if (!globalDoc) return props.entries;
  if (!local) return [...props.entries, globalDoc];
  const g = globalDoc.value;
  const l = local.value;
  if (g.kind !== "object" || l.kind !== "object") return props.entries;
  const gs = getOf(g, "Statement");
  const ls = getOf(l, "Statement");
  const merged: ObjectNode = {
    ...l,
    entries: [
      ...g.entries.filter((e) => !getEntryOf(l, e.key)),
      ...l.entries.map((e) =>
        e.key === "Statement" && gs?.kind === "array" && ls?.kind === "array"
          ? { ...e, value: { ...ls, items: [...gs.items, ...ls.items] } }
          : e,
      ),
    ],
  };
  return props.entries.map((e) => (e === local ? { ...e, value: merged } : e));
}

/**
 * The policies of one resource, told apart by variant and {@link plainShape}. Most resources hold
 * one policy: its shape is written only when a second one comes to be compared with it.
 */
class DistinctPolicies {
  private readonly shapes = new Set<string>();
  private first: { variant: string | undefined; node: SourceNode } | undefined;
  private empty = true;

  /** Adds a policy; false when the same policy (in the same variant) was added before. */
  add(variant: string | undefined, node: SourceNode): boolean {
    if (this.empty) {
      this.empty = false;
      this.first = { variant, node };
      return true;
    }
    if (this.first) {
      this.shapes.add(shapeKey(this.first.variant, this.first.node));
      this.first = undefined;
    }
    const key = shapeKey(variant, node);
    if (this.shapes.has(key)) return false;
    this.shapes.add(key);
    return true;
  }
}

function shapeKey(variant: string | undefined, node: SourceNode): string {
  return `${variant ?? ""}\u0000${JSON.stringify(plainShape(node, 0))}`;
}

/** A tree without its positions, to tell the same policy written twice. */
function plainShape(node: SourceNode, depth: number): unknown {
  if (depth > 64) return null;
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "value":
      return node.value.parts.map((p) => (typeof p === "string" ? p : `\u0000${p.name}`));
    case "array":
      return node.items.map((i) => plainShape(i, depth + 1));
    case "object":
      return node.entries.map((e) => [e.key, plainShape(e.value, depth + 1)]);
  }
}

/**
 * The REST API an Api event's Auth.ResourcePolicy goes into (aws-sam-translator 1.110.0,
 * model/eventsources/push.py): its RestApiId, or the implicit ServerlessRestApi. SAM writes the
 * event's policy into an API's own definition only when it generates that definition (no
 * DefinitionBody or DefinitionUri) or when the event says `OverrideApiAuth: true`; otherwise it is
 * dropped, and reporting it was a false alarm.
 */
function eventApi(
  resources: ReadonlyMap<string, ResourceModel>,
  eventProps: SourceNode | undefined,
): { id: string; model?: ResourceModel; applies: (auth: SourceNode | undefined) => boolean } {
  const named = eventRestApi(resources, eventProps);
  const { id, api } = named ?? {};
  if (!api || id === undefined) return { id: id ?? "ServerlessRestApi", applies: () => true };
  const defined =
    getOf(api.properties, "DefinitionBody") !== undefined ||
    getOf(api.properties, "DefinitionUri") !== undefined;
  return {
    id,
    model: api,
    applies: (auth) => !defined || scalarText(getOf(auth, "OverrideApiAuth"))?.toLowerCase() === "true",
  };
}
