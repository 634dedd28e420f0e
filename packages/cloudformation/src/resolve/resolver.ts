import type { Chooser, ValueSymbol } from "@deputyguard/core";
import {
  type ArrayNode,
  type Diagnostic,
  diagnostic,
  fromParts,
  getEntryOf,
  getOf,
  type ObjectNode,
  partsOf,
  type SourceEntry,
  type SourceNode,
  type SourceRange,
  scalar,
  scalarText,
  type ValuePart,
} from "../tree.js";
import type { ResourceModel, TemplateModel } from "./model.js";
import { type ArnFormats, RESOURCE_TYPES } from "./resource-types.js";
import { atomic, holdsNo, PARTITION, REGION, SELF_ACCOUNT, URL_SUFFIX, unknownSymbol } from "./symbols.js";

/** `AWS::NoValue`: the property or list item disappears. */
/**
 * The value a `Fn::ToJsonString` text was made from, where it is written in the template: a policy
 * found in it is read there (its positions and a fix are the template's), not as JSON text.
 */
export const toJsonStringSource = new WeakMap<SourceNode, SourceNode>();

export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");
export type Resolved = SourceNode | typeof NO_VALUE;

/** Deepest intrinsic nesting followed; deeper input gets a diagnostic, not a stack overflow. */
const MAX_RESOLVE_DEPTH = 128;

export interface ResolveEnv {
  model: TemplateModel;
  /** Parameter values given by the user (`--parameter`) or a parent stack, already as nodes. */
  given: ReadonlyMap<string, SourceNode>;
  arnFormats: ArnFormats;
  diagnostics: Diagnostic[];
  /** Treat parameters without a given value as unknown even when they have a Default. */
  ignoreDefaults?: boolean;
  /**
   * Named conditions taken as holding (a resource's own Condition, within that resource: its body
   * is only deployed when the condition holds).
   */
  assume?: ReadonlyMap<string, boolean>;
  /** Choices already made (by key), for a resource that only exists under them (Fn::ForEach copies). */
  forced?: ReadonlyMap<string, number>;
  /**
   * Parameters a parent stack passes values to that depend on its own choices or Defaults: the
   * values it may pass (see {@link PassedValues}). They stand in for the parameter's own Default.
   */
  passed?: ReadonlyMap<string, PassedValues>;
  /**
   * The Outputs of nested stacks of this template whose templates were followed (stack logical id
   * → output name → value, resolved in the child): `Fn::GetAtt Stack.Outputs.X` reads them.
   */
  stackOutputs?: ReadonlyMap<string, ChildOutputs>;
}

/** A followed nested stack's Outputs; `complete` when its template names them all (no Fn::ForEach). */
export interface ChildOutputs {
  outputs: ReadonlyMap<string, StackOutput>;
  complete: boolean;
}

/**
 * A nested stack's Output as the child resolves it: one value, or one per choice it depends on
 * (`!If [IsProd, …, …]`), each with the label of the child's variant; the parent chooses among them.
 */
export interface StackOutput {
  variants: ReadonlyArray<{ node: SourceNode; label: string | undefined }>;
}

/**
 * What a parent stack may pass to a nested stack's parameter: `values` (the parent's first run's
 * first). `exact` when they are all it can pass (they depend only on its undecided conditions);
 * otherwise the first stands for a Default of the parent, which another deploy may replace.
 */
export interface PassedValues {
  values: string[];
  exact: boolean;
  /** Values holding deploy-time parts (the parent's account), by the {@link PASSED_NODE} keys in `values`. */
  nodes?: ReadonlyMap<string, SourceNode>;
}

/** In {@link PassedValues}`.values`: a deploy of the parent that passes AWS::NoValue (the child's Default). */
export const CHILD_DEFAULT = "\u0000child-default";
/** Starts the key of a passed value that is not plain text (see {@link PassedValues}`.nodes`). */
export const PASSED_NODE = "\u0000passed:";

const PSEUDO = new Set([
  "AWS::AccountId",
  "AWS::Region",
  "AWS::Partition",
  "AWS::URLSuffix",
  "AWS::StackName",
  "AWS::StackId",
  "AWS::NoValue",
  "AWS::NotificationARNs",
]);

/** Functions that are the intrinsics of CloudFormation (and of its language extensions). */
function intrinsicKey(node: SourceNode): string | undefined {
  if (node.kind !== "object" || node.entries.length !== 1) return undefined;
  const key = (node.entries[0] as SourceEntry).key;
  if (key === "Ref" || key.startsWith("Fn::")) return key;
  return undefined;
}

function describeNode(node: SourceNode): string {
  switch (node.kind) {
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "value":
      return "a string";
    default:
      return node.value === null ? "null" : `a ${typeof node.value}`;
  }
}

/**
 * Resolves CloudFormation intrinsic functions over a position-keeping tree. Whatever can be known
 * before deploy becomes text; the rest becomes named symbols with provenance (never a guess).
 * Undecidable conditions and map keys are choices of the given {@link ChoiceRun}.
 */
export class Resolver {
  /** How many times a parameter's Default stood in for a value not given (see Fn::Equals). */
  private defaultsUsed = 0;

  /** How many parameter Defaults this resolver has read so far. */
  get defaultsCount(): number {
    return this.defaultsUsed;
  }
  private readonly conditionValues = new Map<string, boolean>();
  private readonly domains = new Map<string, ParameterDomain | null>();
  /** Above 0 while resolving a value that guards: a Condition, a Principal, a permission's source. */
  private guardDepth = 0;
  /**
   * Set when this run's choices make a deploy CloudFormation rejects (an `Fn::FindInMap` key with no
   * entry and no DefaultValue): its result is no deploy to analyse.
   */
  infeasible = false;
  private readonly conditionStack: string[] = [];
  private readonly refStack: string[] = [];

  constructor(
    private readonly env: ResolveEnv,
    private readonly run: Chooser,
  ) {
    if (env.assume) for (const [name, value] of env.assume) this.conditionValues.set(name, value);
  }

  private get file(): string {
    return this.env.model.file;
  }

  error(message: string, range: SourceRange | undefined, code = "IntrinsicError"): void {
    this.env.diagnostics.push(diagnostic(code, "error", message, this.file, range));
  }

  warn(message: string, range: SourceRange | undefined, code = "UnsupportedConstruct"): void {
    this.env.diagnostics.push(diagnostic(code, "warning", message, this.file, range));
  }

  private unknown(name: string, source: string, reason: string, range: SourceRange | undefined): SourceNode {
    return fromParts([unknownSymbol(name, source, reason)], range);
  }

  /** Resolves a node; `AWS::NoValue` entries and items are dropped from containers. */
  resolve(node: SourceNode, depth = 0): Resolved {
    if (depth > MAX_RESOLVE_DEPTH) {
      this.error(
        `intrinsic functions nest deeper than ${MAX_RESOLVE_DEPTH} levels; the value is not resolved`,
        node.range,
      );
      return this.unknown("too-deep", "deeply nested value", "nesting limit reached", node.range);
    }
    switch (node.kind) {
      case "scalar":
        if (typeof node.value === "string" && node.value.includes("{{resolve:")) {
          return fromParts(this.dynamicReferences(node.value), node.range);
        }
        return node;
      case "value":
        return node;
      case "array": {
        let changed = false;
        const items: SourceNode[] = [];
        for (const item of node.items) {
          const r = this.resolve(item, depth + 1);
          if (r !== item) changed = true;
          if (r !== NO_VALUE) items.push(r);
        }
        if (!changed) return node;
        return node.range ? { kind: "array", items, range: node.range } : { kind: "array", items };
      }
      case "object": {
        const key = intrinsicKey(node);
        if (key !== undefined)
          return this.intrinsic(key, (node.entries[0] as SourceEntry).value, node, depth);
        let changed = false;
        const entries: SourceEntry[] = [];
        for (const e of node.entries) {
          const guards = GUARD_KEYS.has(e.key);
          if (guards) this.guardDepth++;
          let r: Resolved;
          try {
            r = this.resolve(e.value, depth + 1);
          } finally {
            if (guards) this.guardDepth--;
          }
          if (r === NO_VALUE) {
            changed = true;
            continue;
          }
          if (r !== e.value) {
            changed = true;
            entries.push(
              e.keyRange ? { key: e.key, keyRange: e.keyRange, value: r } : { key: e.key, value: r },
            );
          } else entries.push(e);
        }
        if (!changed) return node;
        return node.range ? { kind: "object", entries, range: node.range } : { kind: "object", entries };
      }
    }
  }

  /** Resolves to a node, turning `AWS::NoValue` where a value is required into an error. */
  private value(node: SourceNode, depth: number, what: string): SourceNode {
    const r = this.resolve(node, depth);
    if (r === NO_VALUE) {
      this.error(`${what} is AWS::NoValue, which is allowed only as a property or list item`, node.range);
      return scalar("", node.range);
    }
    return r;
  }

  /** Resolves to string parts, or reports what was found instead. */
  private stringParts(node: SourceNode, depth: number, what: string): ValuePart[] {
    const r = this.value(node, depth, what);
    const parts = partsOf(r);
    if (parts) return parts;
    this.error(`${what} must be a string, found ${describeNode(r)}`, node.range);
    return [unknownSymbol("invalid", what, `${what} is not a string`)];
  }

  private list(node: SourceNode, depth: number, what: string): SourceNode[] | undefined {
    const r = this.value(node, depth, what);
    if (r.kind === "array") return r.items;
    if (r.kind === "value") return undefined; // an unknown list
    this.error(`${what} must be a list, found ${describeNode(r)}`, node.range);
    return undefined;
  }

  private intrinsic(key: string, arg: SourceNode, node: ObjectNode, depth: number): Resolved {
    const range = node.range;
    switch (key) {
      case "Ref":
        return this.ref(arg, range);
      case "Fn::GetAtt":
        return this.getAtt(arg, range, depth);
      case "Fn::Sub":
      case "Fn::Join": {
        // Text that writes a policy's guards (`"Condition": {...}` in a JSON string policy): the
        // parameters it reads guard, as under a Condition key.
        const guards = writesGuards(arg);
        if (guards) this.guardDepth++;
        try {
          return key === "Fn::Sub" ? this.sub(arg, range, depth) : this.join(arg, range, depth);
        } finally {
          if (guards) this.guardDepth--;
        }
      }
      case "Fn::Select": {
        if (arg.kind !== "array" || arg.items.length !== 2) {
          this.error("Fn::Select takes [index, list]", range);
          return this.unknown("Fn::Select", "Fn::Select", "malformed", range);
        }
        const indexText = scalarText(
          this.value(arg.items[0] as SourceNode, depth + 1, "the Fn::Select index"),
        );
        const items = this.list(arg.items[1] as SourceNode, depth + 1, "the Fn::Select list");
        const index = indexText !== undefined && /^\d+$/.test(indexText) ? Number(indexText) : undefined;
        if (index === undefined) {
          if (indexText !== undefined)
            this.error(`the Fn::Select index "${indexText}" is not a number`, range);
          return this.unknown(
            "Fn::Select",
            "Fn::Select with an unknown index",
            "known only at deploy time",
            range,
          );
        }
        if (!items)
          return this.unknown(
            "Fn::Select",
            "Fn::Select from an unknown list",
            "known only at deploy time",
            range,
          );
        const item = items[index];
        if (!item) {
          this.error(`Fn::Select index ${index} is out of range (the list has ${items.length} items)`, range);
          return this.unknown("Fn::Select", "Fn::Select", "index out of range", range);
        }
        return item;
      }
      case "Fn::Split": {
        if (arg.kind !== "array" || arg.items.length !== 2) {
          this.error("Fn::Split takes [delimiter, string]", range);
          return this.unknown("Fn::Split", "Fn::Split", "malformed", range);
        }
        const delim = scalarText(
          this.value(arg.items[0] as SourceNode, depth + 1, "the Fn::Split delimiter"),
        );
        const parts = this.stringParts(arg.items[1] as SourceNode, depth + 1, "the Fn::Split source");
        if (!delim) {
          this.error("the Fn::Split delimiter must be a non-empty string", range);
          return this.unknown("Fn::Split", "Fn::Split", "malformed", range);
        }
        const split = splitParts(parts, delim);
        if (!split)
          return this.unknown(
            "Fn::Split",
            "Fn::Split of a value unknown before deploy",
            "the value may contain the delimiter",
            range,
          );
        return {
          kind: "array",
          items: split.map((p) => fromParts(p, range)),
          ...(range ? { range } : {}),
        } as ArrayNode;
      }
      case "Fn::FindInMap":
        return this.findInMap(arg, range, depth);
      case "Fn::If":
        return this.fnIf(arg, range, depth);
      case "Fn::Equals":
      case "Fn::And":
      case "Fn::Or":
      case "Fn::Not":
        return scalar(String(this.condition(node, depth)), range);
      case "Fn::ToJsonString": {
        const r = this.value(arg, depth + 1, "the Fn::ToJsonString argument");
        const text = fromParts(jsonParts(r), range);
        toJsonStringSource.set(text, r);
        return text;
      }
      case "Fn::Base64": {
        const parts = this.stringParts(arg, depth + 1, "the Fn::Base64 argument");
        if (parts.every((p) => typeof p === "string"))
          return scalar(Buffer.from(parts.join(""), "utf8").toString("base64"), range);
        return this.unknown(
          "Fn::Base64",
          "Fn::Base64 of a value unknown before deploy",
          "known only at deploy time",
          range,
        );
      }
      case "Fn::Length": {
        const items = this.list(arg, depth + 1, "the Fn::Length argument");
        if (!items)
          return this.unknown(
            "Fn::Length",
            "Fn::Length of an unknown list",
            "known only at deploy time",
            range,
          );
        return scalar(items.length, range);
      }
      case "Fn::GetAZs": {
        const region = partsOf(this.value(arg, depth + 1, "the Fn::GetAZs region"));
        const where =
          region && region.length === 1 && typeof region[0] === "string" && region[0] !== ""
            ? region[0]
            : "the deploy region";
        return this.unknown(
          "GetAZs",
          `Fn::GetAZs ${where}`,
          "the Availability Zones are listed at deploy time",
          range,
        );
      }
      case "Fn::Cidr":
        return this.unknown("Cidr", "Fn::Cidr", "address blocks are computed at deploy time", range);
      case "Fn::ImportValue": {
        const parts = this.stringParts(arg, depth + 1, "the Fn::ImportValue name");
        const name = parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("");
        return this.unknown(
          `ImportValue:${name}`,
          `Fn::ImportValue ${name}`,
          "an export of another stack, known only at deploy time",
          range,
        );
      }
      case "Fn::GetStackOutput": {
        // {StackName, OutputName, Region?, RoleArn?}: another stack's output, read at deploy time
        // (CDK writes it for cross-stack references when the stacks' Regions or accounts differ).
        const field = (k: string) => {
          const node = getOf(arg, k);
          return node
            ? this.stringParts(node, depth + 1, `the Fn::GetStackOutput ${k}`)
                .map((p) => (typeof p === "string" ? p : `<${p.name}>`))
                .join("")
            : "";
        };
        const name = `${field("StackName")}.${field("OutputName")}`;
        const role = getOf(arg, "RoleArn") ? `, read with role ${field("RoleArn")}` : "";
        return this.unknown(
          `GetStackOutput:${name}`,
          `Fn::GetStackOutput ${name}`,
          `an output of another stack${role}, known only at deploy time`,
          range,
        );
      }
      case "Fn::Transform":
        this.warn("Fn::Transform runs a macro at deploy time; its result is unknown here", range);
        return this.unknown("Fn::Transform", "Fn::Transform", "a macro computes it at deploy time", range);
      case "Fn::ForEach":
        this.warn(
          "Fn::ForEach is expanded only where a template section allows it (AWS::LanguageExtensions)",
          range,
        );
        return this.unknown("Fn::ForEach", "Fn::ForEach", "not expanded here", range);
      default:
        this.warn(`${key} is not a CloudFormation intrinsic function; its value is unknown`, range);
        return this.unknown(key, key, "not an intrinsic function this tool knows", range);
    }
  }

  // --- Ref and Fn::GetAtt -----------------------------------------------------------------------

  ref(arg: SourceNode, range: SourceRange | undefined): Resolved {
    const name = scalarText(arg);
    if (name === undefined) {
      this.error("Ref takes the name of a parameter, a resource or a pseudo parameter", range);
      return this.unknown("Ref", "Ref", "malformed", range);
    }
    return this.refName(name, range);
  }

  refName(name: string, range: SourceRange | undefined): Resolved {
    if (PSEUDO.has(name)) return this.pseudo(name, range);
    const model = this.env.model;
    const param = model.parameters.get(name);
    if (param) return this.parameter(name, range);
    const resource = model.resources.get(name);
    if (resource) return this.resourceRef(resource, range);
    // SAM lets `Ref: MyFunction.Alias` / `.Version` name what AutoPublishAlias generates.
    const dot = name.indexOf(".");
    const owner = dot > 0 ? model.resources.get(name.slice(0, dot)) : undefined;
    if (owner?.type.startsWith("AWS::Serverless::"))
      return fromParts([this.opaque(owner, name.slice(dot + 1), range)], range);
    if (name.startsWith("AWS::")) this.error(`Ref ${name}: not a pseudo parameter`, range);
    else
      this.error(
        `Ref ${name}: no parameter or resource of that name in the template`,
        range,
        "UnresolvedReference",
      );
    return this.unknown(name, `Ref ${name}`, "no parameter or resource of that name", range);
  }

  private pseudo(name: string, range: SourceRange | undefined): Resolved {
    switch (name) {
      case "AWS::AccountId":
        return fromParts([SELF_ACCOUNT], range);
      case "AWS::Region":
        return fromParts([REGION], range);
      case "AWS::Partition":
        return fromParts([PARTITION], range);
      case "AWS::URLSuffix":
        return fromParts([URL_SUFFIX], range);
      case "AWS::NoValue":
        return NO_VALUE;
      case "AWS::StackName":
        return fromParts([this.stackName()], range);
      case "AWS::StackId":
        return fromParts(
          [
            "arn:",
            PARTITION,
            ":cloudformation:",
            REGION,
            ":",
            SELF_ACCOUNT,
            ":stack/",
            this.stackName(),
            "/",
            atomic(
              unknownSymbol("STACK_ID", "AWS::StackId", "CloudFormation assigns the stack id at deploy time"),
              "-",
            ),
          ],
          range,
        );
      default:
        return this.unknown(name, name, "known only at deploy time", range);
    }
  }

  private stackName(): ValueSymbol {
    // Stack names hold letters, digits and hyphens.
    return atomic(
      unknownSymbol("AWS::StackName", "AWS::StackName", "the stack name is chosen at deploy time"),
      "-",
    );
  }

  private parameter(name: string, range: SourceRange | undefined): Resolved {
    const param = this.env.model.parameters.get(name);
    if (!param) return this.unknown(name, `parameter ${name}`, "not declared", range);
    const isList = param.type.startsWith("List<") || param.type === "CommaDelimitedList";
    if (param.type.startsWith("AWS::SSM::Parameter::Value<")) {
      return this.unknown(
        name,
        `parameter ${name}`,
        "its type reads the value from Systems Manager Parameter Store at deploy time",
        range,
      );
    }
    const given = this.env.given.get(name);
    const passed = given ? undefined : this.env.passed?.get(name);
    const domain = given || isList ? undefined : this.parameterDomain(name);
    if (domain && domain.values.length > 1 && (this.guardDepth > 0 || passed)) {
      // Where the parameter guards (a Condition, a Principal, a permission's source), a value this
      // run already took for it (in a condition or a map key) is its value; a value the template
      // names nowhere is not known. (Elsewhere, a name in an ARN, it reads its Default.)
      const taken = this.run.peek?.(parameterKey(name, domain));
      const value = taken === undefined ? undefined : domain.values[taken];
      if (value === OTHER_VALUE)
        return this.unknown(name, `parameter ${name}`, `a value other than ${namedValues(domain)}`, range);
      if (value !== undefined) {
        if (taken === 0 && domain.byDefault) this.defaultsUsed++;
        return passedValue(passed, value, range);
      }
      // AllowedValues (or the values a parent stack may pass, or the values the template compares
      // it with) are the values a deploy may give that the template tells apart: each is analysed,
      // the Default's first.
      if (domain.exact || domain.compared || (passed && passed.values.length > 1 && !this.env.ignoreDefaults))
        return passedValue(passed, this.chooseParameter(name, domain), range);
    }
    if (passed && (passed.exact || !this.env.ignoreDefaults)) {
      // A value from the parent stack, decided by its Defaults.
      if (!passed.exact) this.defaultsUsed++;
      const value = passedValue(passed, passed.values[0] as string, range);
      return isList ? listMembers(name, value, range) : value;
    }
    if (passed) {
      const reason =
        "the parent stack passes a value decided by its parameter Defaults, which a deploy may replace";
      return this.unknown(name, `parameter ${name}`, reason, range);
    }
    let text: SourceNode | undefined = given;
    if (!text && param.definition && !this.env.ignoreDefaults) {
      text = getEntryOf(param.definition, "Default")?.value;
      if (text) this.defaultsUsed++;
    }
    if (!text) {
      const reason = "parameter has no Default and no value was given (--parameter)";
      if (isList) return fromParts([unknownSymbol(name, `parameter ${name}`, reason)], range);
      return this.unknown(name, `parameter ${name}`, reason, range);
    }
    // A list parameter given text by the parent (`!Join [",", !Ref List]`, `!Sub "a,b"`) is split.
    if (isList && given && text.kind === "value") return listMembers(name, text, range);
    // A given value keeps its own range when it came from a parent stack; a Default points at the Ref.
    if (text.kind === "value" || text.kind === "array") return given ? text : withRangeOf(text, range);
    const s = scalarText(text);
    if (s === undefined) return this.unknown(name, `parameter ${name}`, "its value is not a string", range);
    if (isList) return listMembers(name, scalar(s, range), range);
    if (s.includes("{{resolve:")) return fromParts(this.dynamicReferences(s), range);
    return scalar(s, range);
  }

  private resourceRef(resource: ResourceModel, range: SourceRange | undefined): Resolved {
    const model = RESOURCE_TYPES.get(resource.type);
    switch (model?.ref) {
      case "name":
        return fromParts(this.resourceName(resource, range), range);
      case "arn":
        return fromParts(this.resourceArn(resource, range) ?? [this.opaque(resource, "Ref", range)], range);
      case "url":
        return fromParts(
          [
            "https://sqs.",
            REGION,
            ".",
            URL_SUFFIX,
            "/",
            SELF_ACCOUNT,
            "/",
            ...this.resourceName(resource, range),
          ],
          range,
        );
      case "id":
        return fromParts([this.opaque(resource, "Ref", range)], range);
      default:
        return fromParts([this.opaque(resource, "Ref", range)], range);
    }
  }

  /** A value of a resource of this stack that CloudFormation assigns at deploy time. */
  private opaque(resource: ResourceModel, what: string, _range: SourceRange | undefined): ValueSymbol {
    // Any text (an ARN, a URL, a nested stack's output): Fn::Split never cuts around it.
    return unknownSymbol(
      `${resource.id}.${what === "Ref" ? "Ref" : what}`,
      `${what === "Ref" ? "Ref" : `Fn::GetAtt ${resource.id}.${what}`} ${what === "Ref" ? resource.id : ""}`.trim() +
        ` (${resource.type})`,
      "a resource of this stack; CloudFormation assigns the value at deploy time",
    );
  }

  /** The physical name: the name property when set, else a name CloudFormation generates. */
  resourceName(resource: ResourceModel, range: SourceRange | undefined): ValuePart[] {
    const prop = RESOURCE_TYPES.get(resource.type)?.nameProperty;
    const set = prop && resource.properties ? getEntryOf(resource.properties, prop)?.value : undefined;
    if (set) {
      if (this.refStack.includes(resource.id)) {
        this.error(
          `circular reference: ${[...this.refStack, resource.id].join(" → ")}`,
          range,
          "CircularReference",
        );
        return [unknownSymbol(`${resource.id}.Name`, `name of ${resource.id}`, "circular reference")];
      }
      this.refStack.push(resource.id);
      try {
        const r = this.resolve(set, this.refStack.length);
        if (r !== NO_VALUE) {
          const parts = partsOf(r);
          if (parts) return parts;
        }
      } finally {
        this.refStack.pop();
      }
    }
    return [
      atomic(
        unknownSymbol(
          `${resource.id}.Name`,
          `name of ${resource.id} (${resource.type})`,
          "CloudFormation generates the name at deploy time",
        ),
        // Generated names are `<stack>-<logical id>-<random>`.
        "-",
      ),
    ];
  }

  /** The ARN `Fn::GetAtt X.Arn` returns, from the IAM ARN format of the type. */
  resourceArn(resource: ResourceModel, range: SourceRange | undefined): ValuePart[] | undefined {
    const format = this.env.arnFormats.get(resource.type);
    if (!format) return undefined;
    const out: ValuePart[] = [];
    let i = 0;
    let named = false;
    while (i < format.length) {
      const open = format.indexOf("${", i);
      if (open < 0) {
        out.push(format.slice(i));
        break;
      }
      out.push(format.slice(i, open));
      const close = format.indexOf("}", open);
      const variable = format.slice(open + 2, close);
      if (variable === "Partition") out.push(PARTITION);
      else if (variable === "Region") out.push(REGION);
      else if (variable === "Account") out.push(SELF_ACCOUNT);
      else if (!named) {
        named = true;
        const model = RESOURCE_TYPES.get(resource.type);
        if (model?.nameProperty || !model) out.push(...this.resourceName(resource, range));
        else out.push(this.opaque(resource, variable, range));
      } else out.push(this.opaque(resource, variable, range));
      i = close + 1;
    }
    const suffix = RESOURCE_TYPES.get(resource.type)?.arnSuffix;
    if (suffix) out.push(suffix);
    return out;
  }

  private getAtt(arg: SourceNode, range: SourceRange | undefined, depth: number): Resolved {
    let id: string | undefined;
    let attr: string | undefined;
    if (arg.kind === "array" && arg.items.length === 2) {
      id = scalarText(arg.items[0]);
      const a = this.value(arg.items[1] as SourceNode, depth + 1, "the Fn::GetAtt attribute");
      attr = scalarText(a);
      if (id !== undefined && attr === undefined) {
        const resource = this.env.model.resources.get(id);
        if (resource) return fromParts([this.opaque(resource, "attribute", range)], range);
      }
    } else if (arg.kind === "scalar" && typeof arg.value === "string") {
      const dot = arg.value.indexOf(".");
      if (dot > 0) {
        id = arg.value.slice(0, dot);
        attr = arg.value.slice(dot + 1);
      }
    }
    if (id === undefined || attr === undefined) {
      this.error('Fn::GetAtt takes [LogicalId, Attribute] or "LogicalId.Attribute"', range);
      return this.unknown("GetAtt", "Fn::GetAtt", "malformed", range);
    }
    return this.attribute(id, attr, range);
  }

  attribute(id: string, attr: string, range: SourceRange | undefined): Resolved {
    const resource = this.env.model.resources.get(id);
    if (!resource) {
      this.error(`Fn::GetAtt ${id}.${attr}: no resource ${id} in the template`, range, "UnresolvedReference");
      return this.unknown(`${id}.${attr}`, `Fn::GetAtt ${id}.${attr}`, "no resource of that name", range);
    }
    if (attr.startsWith("Outputs.")) {
      // A nested stack's output, as the child stack resolves it (CDK wires its nested stacks so).
      const child = this.env.stackOutputs?.get(id);
      const name = attr.slice("Outputs.".length);
      const output = child?.outputs.get(name);
      if (child?.complete && !output) {
        // CloudFormation rejects the template: the nested stack has no such Output.
        this.error(
          `Fn::GetAtt ${id}.${attr}: the template of nested stack ${id} has no Output ${name}`,
          range,
          "UnresolvedReference",
        );
        return this.unknown(
          `${id}.${attr}`,
          `Fn::GetAtt ${id}.${attr}`,
          "the nested stack has no such Output",
          range,
        );
      }
      if (output && output.variants.length > 0) {
        const pick =
          output.variants.length === 1
            ? 0
            : this.run.choose(
                `output:${id}.${attr}`,
                `${id}.${attr}`,
                output.variants.map((v, i) => v.label ?? `value ${i + 1}`),
              );
        return withRangeOf((output.variants[pick] ?? output.variants[0])?.node as SourceNode, range);
      }
    }
    const model = RESOURCE_TYPES.get(resource.type);
    if (attr === "Arn" || (resource.type === "AWS::SNS::Topic" && attr === "TopicArn")) {
      const arn = this.resourceArn(resource, range);
      if (arn) return fromParts(arn, range);
    }
    if (model?.nameAttributes?.includes(attr) || (model?.nameProperty && attr === model.nameProperty)) {
      return fromParts(this.resourceName(resource, range), range);
    }
    if (resource.type === "AWS::SQS::Queue" && attr === "QueueUrl") return this.resourceRef(resource, range);
    return fromParts([this.opaque(resource, attr, range)], range);
  }

  // --- Fn::Sub ----------------------------------------------------------------------------------

  private join(arg: SourceNode, range: SourceRange | undefined, depth: number): Resolved {
    if (arg.kind !== "array" || arg.items.length !== 2) {
      this.error("Fn::Join takes [delimiter, [values]]", range);
      return this.unknown("Fn::Join", "Fn::Join", "malformed", range);
    }
    const delim =
      scalarText(this.value(arg.items[0] as SourceNode, depth + 1, "the Fn::Join delimiter")) ?? "";
    const items = this.list(arg.items[1] as SourceNode, depth + 1, "the Fn::Join list");
    if (!items)
      return this.unknown(
        "Fn::Join",
        "Fn::Join of an unknown list",
        "the list is known only at deploy time",
        range,
      );
    const parts: ValuePart[] = [];
    items.forEach((item, i) => {
      if (i > 0) parts.push(delim);
      const p = partsOf(item);
      if (p) parts.push(...p);
      else this.error(`Fn::Join items must be strings, found ${describeNode(item)}`, item.range ?? range);
    });
    return fromParts(parts, range);
  }

  private sub(arg: SourceNode, range: SourceRange | undefined, depth: number): Resolved {
    let template: string | undefined;
    let vars: ObjectNode | undefined;
    if (arg.kind === "scalar" && typeof arg.value === "string") template = arg.value;
    else if (arg.kind === "array" && arg.items.length === 2) {
      template = scalarText(arg.items[0]);
      const v = arg.items[1] as SourceNode;
      if (v.kind === "object") vars = v;
      else {
        this.error("the second item of Fn::Sub must be a mapping of variables", v.range ?? range);
        return this.unknown("Fn::Sub", "Fn::Sub", "malformed", range);
      }
    }
    if (template === undefined) {
      this.error(
        arg.kind === "array"
          ? `Fn::Sub takes a string or [string, {variables}], not a list of ${arg.items.length} items`
          : `Fn::Sub takes a string or [string, {variables}], found ${describeNode(arg)}`,
        range,
      );
      return this.unknown("Fn::Sub", "Fn::Sub", "malformed", range);
    }
    const parts: ValuePart[] = [];
    let i = 0;
    while (i < template.length) {
      const open = template.indexOf("${", i);
      if (open < 0) {
        parts.push(...this.dynamicReferences(template.slice(i)));
        break;
      }
      parts.push(...this.dynamicReferences(template.slice(i, open)));
      if (template[open + 2] === "!") {
        // `${!Literal}` is written out as `${Literal}`.
        parts.push("${");
        i = open + 3;
        continue;
      }
      const close = template.indexOf("}", open);
      if (close < 0) {
        parts.push(template.slice(open));
        break;
      }
      const name = template.slice(open + 2, close).trim();
      i = close + 1;
      const varEntry = vars ? getEntryOf(vars, name) : undefined;
      let r: Resolved;
      if (varEntry) r = this.value(varEntry.value, depth + 1, `Fn::Sub variable ${name}`);
      else if (PSEUDO.has(name) || this.env.model.parameters.has(name) || this.env.model.resources.has(name))
        r = this.refName(name, range);
      else if (name.includes(".")) {
        const dot = name.indexOf(".");
        r = this.attribute(name.slice(0, dot), name.slice(dot + 1), range);
      } else {
        this.error(
          `Fn::Sub refers to \${${name}}, which is not a parameter, resource, pseudo parameter or variable`,
          range,
          "UnresolvedReference",
        );
        r = this.unknown(
          name,
          `\${${name}} in Fn::Sub`,
          "no parameter, resource or variable of that name",
          range,
        );
      }
      if (r === NO_VALUE) {
        this.error(`\${${name}} in Fn::Sub is AWS::NoValue`, range);
        continue;
      }
      const p = partsOf(r);
      if (p) parts.push(...p);
      else {
        this.error(`\${${name}} in Fn::Sub is ${describeNode(r)}, not a string`, range);
        parts.push(unknownSymbol(name, `\${${name}} in Fn::Sub`, "not a string"));
      }
    }
    // The list form's text is its first item: positions inside it (a policy in a `|` block) are
    // counted from there, not from the `Fn::Sub:` key.
    const textRange = arg.kind === "array" ? (arg.items[0]?.range ?? range) : range;
    return fromParts(parts, textRange);
  }

  /** Splits `{{resolve:...}}` dynamic references out of literal text as unknowns. */
  dynamicReferences(text: string): ValuePart[] {
    if (!text.includes("{{resolve:")) return [text];
    const out: ValuePart[] = [];
    let i = 0;
    for (;;) {
      const open = text.indexOf("{{resolve:", i);
      if (open < 0) break;
      const close = text.indexOf("}}", open);
      if (close < 0) break;
      out.push(text.slice(i, open));
      const ref = text.slice(open, close + 2);
      const kind = ref.slice(10).split(":")[0] ?? "";
      out.push(
        unknownSymbol(
          ref.length > 60 ? `${ref.slice(0, 57)}...` : ref,
          `dynamic reference ${ref}`,
          kind === "ssm"
            ? "read from Systems Manager Parameter Store at deploy time"
            : `read from ${kind} at deploy time`,
        ),
      );
      i = close + 2;
    }
    out.push(text.slice(i));
    return out;
  }

  // --- Fn::FindInMap ----------------------------------------------------------------------------

  private findInMap(arg: SourceNode, range: SourceRange | undefined, depth: number): Resolved {
    if (arg.kind !== "array" || (arg.items.length !== 3 && arg.items.length !== 4)) {
      this.error(
        "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey] and optionally {DefaultValue: ...}",
        range,
      );
      return this.unknown("Fn::FindInMap", "Fn::FindInMap", "malformed", range);
    }
    const fallbackNode = arg.items[3];
    const fallback =
      fallbackNode?.kind === "object" ? getEntryOf(fallbackNode, "DefaultValue")?.value : undefined;
    if (fallbackNode && !fallback)
      this.error("the fourth item of Fn::FindInMap must be {DefaultValue: ...}", fallbackNode.range);
    /** Whether a key was picked among the map's entries (a choice), not given. */
    let picked = false;
    const keys: string[] = [];
    let level: SourceNode | undefined = this.env.model.mappings;
    const path: string[] = [];
    for (let k = 0; k < 3; k++) {
      const param = parameterRefName(arg.items[k] as SourceNode);
      const domain = param === undefined ? undefined : this.parameterDomain(param);
      if (param !== undefined && domain && level?.kind === "object") {
        // A parameter as the key: the same choice as in the conditions that compare it.
        const key = this.chooseParameter(param, domain);
        const entry: SourceEntry | undefined = key === OTHER_VALUE ? undefined : getEntryOf(level, key);
        if (!entry) {
          if (fallback) return this.value(fallback, depth + 1, "the Fn::FindInMap DefaultValue");
          // A deploy with that value fails (no such entry), so it is not one to analyse.
          this.infeasible = true;
          return this.unknown(
            "Fn::FindInMap",
            `Fn::FindInMap ${[...keys, `<${param}>`].join(".")}`,
            "no such entry for that key",
            range,
          );
        }
        keys.push(key);
        path.push(key);
        picked = true;
        level = entry.value;
        continue;
      }
      const r = this.value(arg.items[k] as SourceNode, depth + 1, "a Fn::FindInMap key");
      let key = scalarText(r);
      if (level?.kind !== "object") break;
      const inMap = level.entries.map((e) => e.key);
      if (key === undefined) {
        // Any key of the map, or (with a DefaultValue) one it does not have.
        const parts = partsOf(r);
        const shown = parts ? parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("") : "?";
        const options = fallback ? [...inMap, NOT_IN_MAP] : inMap;
        if (options.length === 0) break;
        const chosen = this.run.choose(
          `map:${path.join("/")}:${shown}`,
          `${shown} (Fn::FindInMap ${[...path, "?"].join(".")})`,
          options,
        );
        key = options[chosen] as string;
        picked = true;
      }
      if (key === NOT_IN_MAP)
        return this.value(fallback as SourceNode, depth + 1, "the Fn::FindInMap DefaultValue");
      keys.push(key);
      path.push(key);
      level = getEntryOf(level, key)?.value;
    }
    if (level !== undefined && keys.length === 3) return this.value(level, depth + 1, "a mapping value");
    if (fallback) return this.value(fallback, depth + 1, "the Fn::FindInMap DefaultValue");
    // An entry a picked key lacks (a region map without that region's value): that deploy would
    // fail in CloudFormation, so it is not one to analyse; not an error of the template.
    if (picked) {
      this.infeasible = true;
      return this.unknown(
        "Fn::FindInMap",
        `Fn::FindInMap ${keys.join(".")}`,
        "no such entry for that key",
        range,
      );
    }
    this.error(`Fn::FindInMap: no entry ${keys.join(".")} in Mappings`, range, "UnresolvedReference");
    return this.unknown("Fn::FindInMap", `Fn::FindInMap ${keys.join(".")}`, "no such entry", range);
  }

  // --- Conditions -------------------------------------------------------------------------------

  private fnIf(arg: SourceNode, range: SourceRange | undefined, depth: number): Resolved {
    if (arg.kind !== "array" || arg.items.length !== 3) {
      this.error("Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse]", range);
      return this.unknown("Fn::If", "Fn::If", "malformed", range);
    }
    const name = scalarText(arg.items[0]);
    if (name === undefined) {
      this.error("the first item of Fn::If must be a condition name", range);
      return this.unknown("Fn::If", "Fn::If", "malformed", range);
    }
    const value = this.namedCondition(name, range, depth);
    return this.resolve(arg.items[value ? 1 : 2] as SourceNode, depth + 1);
  }

  /**
   * `Fn::Equals` of a parameter not given a value (`{Ref: Name}`) and a value known without
   * defaults, decided by the parameter's choice (see {@link parameterDomain}); undefined when the
   * comparison is not of that form or the domain cannot tell the value apart.
   */
  private compareParameter(operand: SourceNode, other: string | undefined): boolean | undefined {
    if (other === undefined) return undefined;
    const name = parameterRefName(operand);
    const domain = name === undefined ? undefined : this.parameterDomain(name);
    if (name === undefined || !domain || (!domain.exact && !domain.values.includes(other))) return undefined;
    return this.chooseParameter(name, domain) === other;
  }

  /**
   * The values a deploy may give parameter `name`, as far as the template can tell them apart:
   * its AllowedValues (exact); otherwise its Default, every value it is compared with in an
   * `Fn::Equals`, every key it may select in an `Fn::FindInMap`, and one more for any other value.
   * Undefined for a parameter with a value given, a list, an SSM type or a Default that is not text.
   */
  private parameterDomain(name: string): ParameterDomain | undefined {
    if (this.env.given.has(name)) return undefined;
    let memo = this.domains.get(name);
    if (memo === undefined) {
      const passed = this.env.passed?.get(name);
      memo =
        (passed
          ? passedDomain(this.env.model, name, passed, !this.env.ignoreDefaults)
          : parameterDomainOf(this.env.model, name, !this.env.ignoreDefaults)) ?? null;
      this.domains.set(name, memo);
    }
    return memo ?? undefined;
  }

  /** The value parameter `name` takes in this run (`OTHER_VALUE` for one the template does not name). */
  private chooseParameter(name: string, domain: ParameterDomain): string {
    if (domain.values.length === 1) return domain.values[0] as string;
    const other = `not ${namedValues(domain)}`;
    const shown = domain.values.map((v, i) => {
      const label = domain.labels?.[i] ?? shownValue(v);
      return v === OTHER_VALUE ? other : i === 0 && domain.byDefault ? `${label} (the default)` : label;
    });
    const index = this.run.choose(parameterKey(name, domain), `<${name}>`, shown);
    return domain.values[index] as string;
  }

  /** Evaluates a named condition; undecidable comparisons become choices. */
  namedCondition(name: string, range: SourceRange | undefined, depth = 0): boolean {
    const memo = this.conditionValues.get(name);
    if (memo !== undefined) return memo;
    const def = this.env.model.conditions.get(name);
    if (!def) {
      this.error(`condition ${name} is not defined in Conditions`, range, "UnresolvedReference");
      return this.run.choose(`condition:${name}`, `condition ${name}`, ["true", "false"]) === 0;
    }
    if (this.conditionStack.includes(name)) {
      this.error(
        `circular condition: ${[...this.conditionStack, name].join(" → ")}`,
        range,
        "CircularReference",
      );
      return false;
    }
    this.conditionStack.push(name);
    try {
      const value = this.condition(def, depth + 1);
      this.conditionValues.set(name, value);
      return value;
    } finally {
      this.conditionStack.pop();
    }
  }

  /**
   * Whether the conditions this run takes as holding (a resource's own Condition, see
   * `ResolveEnv.assume`) hold under the choices it made: a run where one does not is no deploy of
   * the resource (its `<Env>: dev` while its Condition is `Env = prod`).
   */
  assumptionsHold(): boolean {
    for (const [name, value] of this.env.assume ?? []) {
      const def = this.env.model.conditions.get(name);
      if (def && this.condition(def, 1) !== value) return false;
    }
    return true;
  }

  /**
   * Resolves a value that guards wherever it goes (a nested stack's parameter): its parameters
   * read as under a Condition key.
   */
  resolveAsGuard(node: SourceNode): Resolved {
    this.guardDepth++;
    try {
      return this.resolve(node);
    } finally {
      this.guardDepth--;
    }
  }

  /** Decides a condition function without choosing: undefined when it needs an unknown value. */
  decideCondition(name: string): boolean | undefined {
    const probe = new Resolver(this.env, new ProbeRun());
    try {
      return probe.namedCondition(name, undefined);
    } catch (e) {
      if (e === UNDECIDED) return undefined;
      throw e;
    }
  }

  condition(node: SourceNode, depth: number): boolean {
    if (depth > MAX_RESOLVE_DEPTH) {
      this.error("conditions nest too deeply", node.range);
      return false;
    }
    if (node.kind === "object" && node.entries.length === 1) {
      const e = node.entries[0] as SourceEntry;
      const args = e.value;
      switch (e.key) {
        case "Condition": {
          const name = scalarText(args);
          if (name === undefined) break;
          return this.namedCondition(name, node.range, depth);
        }
        case "Fn::Equals": {
          if (args.kind !== "array" || args.items.length !== 2) break;
          const before = this.defaultsUsed;
          const a = this.value(args.items[0] as SourceNode, depth + 1, "a Fn::Equals operand");
          const afterA = this.defaultsUsed;
          const b = this.value(args.items[1] as SourceNode, depth + 1, "a Fn::Equals operand");
          const aByDefault = afterA !== before;
          const bByDefault = this.defaultsUsed !== afterA;
          const ta = comparable(a);
          const tb = comparable(b);
          // A parameter compared with a value: one choice per parameter, so that every comparison
          // of it in the template agrees (Env cannot be both prod and dev in one deploy).
          const byParameter =
            (bByDefault ? undefined : this.compareParameter(args.items[0] as SourceNode, tb)) ??
            (aByDefault ? undefined : this.compareParameter(args.items[1] as SourceNode, ta));
          if (byParameter !== undefined) return byParameter;
          if (ta !== undefined && tb !== undefined) {
            const eq = ta === tb;
            if (this.defaultsUsed === before) return eq;
            // Decided only by a parameter's Default: a deploy that gives another value takes the
            // other branch, so both are analysed (the default's first). Deciding whether a
            // resource exists keeps the default's answer (see ProbeRun).
            const shown = `${operandLabel(args.items[0] as SourceNode, a)} = ${operandLabel(args.items[1] as SourceNode, b)}`;
            const options = eq ? ["true", "false"] : ["false", "true"];
            const pick = this.run.choose(
              `${DEFAULT_CHOICE}eq:${shown}`,
              `${shown} (${eq} with the parameter defaults)`,
              options,
            );
            return pick === 0 ? eq : !eq;
          }
          const shown = `${display(a)} = ${display(b)}`;
          return this.run.choose(`eq:${shown}`, shown, ["true", "false"]) === 0;
        }
        case "Fn::And":
        case "Fn::Or": {
          if (args.kind !== "array" || args.items.length < 1) break;
          const isAnd = e.key === "Fn::And";
          for (const item of args.items) {
            const v = this.condition(item, depth + 1);
            if (isAnd && !v) return false;
            if (!isAnd && v) return true;
          }
          return isAnd;
        }
        case "Fn::Not": {
          if (args.kind !== "array" || args.items.length !== 1) break;
          return !this.condition(args.items[0] as SourceNode, depth + 1);
        }
        default:
          if (e.key.startsWith("Fn::") || e.key === "Ref") {
            const r = this.value(node, depth + 1, "a condition");
            const t = scalarText(r);
            if (t === "true") return true;
            if (t === "false") return false;
          }
      }
    }
    if (node.kind === "scalar" && (node.value === true || node.value === "true")) return true;
    if (node.kind === "scalar" && (node.value === false || node.value === "false")) return false;
    this.error(
      "not a condition: expected Fn::Equals, Fn::And, Fn::Or, Fn::Not or {Condition: Name}",
      node.range,
    );
    return false;
  }
}

const UNDECIDED = Symbol("undecided");

/** Choices that a parameter's Default decides when no value is given: their first option is the default's. */
const DEFAULT_CHOICE = "default:";

/** The option of a Fn::FindInMap key that the map does not have: its DefaultValue. */
const NOT_IN_MAP = "(a key not in the map: DefaultValue)";

/**
 * A run that refuses to choose: used to decide resource conditions without variants. What a
 * parameter Default decides stays decided by it here; the caller checks separately whether given
 * values alone decide it.
 */
class ProbeRun implements Chooser {
  choose(key: string): number {
    if (key.startsWith(DEFAULT_CHOICE)) return 0;
    throw UNDECIDED;
  }
}

/** `<Env>` for a `Ref` to a parameter, the resolved text otherwise: how a choice is named. */
function operandLabel(raw: SourceNode, resolved: SourceNode): string {
  if (raw.kind === "object" && raw.entries.length === 1 && raw.entries[0]?.key === "Ref") {
    const name = scalarText(raw.entries[0].value);
    if (name !== undefined) return `<${name}>`;
  }
  return display(resolved);
}

function withRangeOf(node: SourceNode, range: SourceRange | undefined): SourceNode {
  return range ? ({ ...node, range } as SourceNode) : node;
}

function comparable(node: SourceNode): string | undefined {
  if (node.kind === "scalar") return node.value === null ? "" : String(node.value);
  if (node.kind === "value" && node.value.parts.every((p) => typeof p === "string"))
    return node.value.parts.join("");
  if (node.kind === "array") {
    const items = node.items.map(comparable);
    return items.every((i) => i !== undefined) ? JSON.stringify(items) : undefined;
  }
  return undefined;
}

function display(node: SourceNode): string {
  const parts = partsOf(node);
  if (parts) return parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("");
  return describeNode(node);
}

/**
 * The members of a list parameter (CommaDelimitedList, List<...>) given as text (its Default, or
 * text a parent stack passes): split at its commas and each member trimmed ("Each member string is
 * space trimmed", CommaDelimitedList and List<...> alike,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
 * A part known only at deploy time that may hold a comma leaves the members unknown.
 */
function listMembers(name: string, value: Resolved, range: SourceRange | undefined): Resolved {
  if (typeof value === "symbol" || (value.kind !== "value" && value.kind !== "scalar")) return value;
  const at = value.range ?? range;
  const text = scalarText(value);
  const split =
    text !== undefined
      ? text === ""
        ? []
        : text.split(",").map((m): ValuePart[] => [m])
      : splitParts(value.kind === "value" ? value.value.parts : [], ",");
  if (!split) {
    const reason = "the parent stack passes it text known only at deploy time, which may hold commas";
    return fromParts([unknownSymbol(name, `parameter ${name}`, reason)], at);
  }
  const items = split.map((m) => fromParts(trimParts(m), at));
  return at ? { kind: "array", items, range: at } : { kind: "array", items };
}

/** A list member's parts with the spaces around it trimmed, as CloudFormation trims each member. */
function trimParts(parts: readonly ValuePart[]): ValuePart[] {
  const out = [...parts];
  if (typeof out[0] === "string") out[0] = out[0].trimStart();
  const last = out.length - 1;
  if (typeof out[last] === "string") out[last] = (out[last] as string).trimEnd();
  return out.filter((p) => p !== "");
}

/** Splits parts at a delimiter; undefined when a symbol that may contain it is in the way. */
function splitParts(parts: readonly ValuePart[], delim: string): ValuePart[][] | undefined {
  const out: ValuePart[][] = [[]];
  for (const p of parts) {
    if (typeof p !== "string") {
      if (!holdsNo(p, delim)) return undefined;
      (out[out.length - 1] as ValuePart[]).push(p);
      continue;
    }
    const pieces = p.split(delim);
    pieces.forEach((piece, i) => {
      if (i > 0) out.push([]);
      (out[out.length - 1] as ValuePart[]).push(piece);
    });
  }
  return out;
}

/** JSON text of a resolved tree, with unknown values kept as symbols inside the strings. */
export function jsonParts(node: SourceNode): ValuePart[] {
  const out: ValuePart[] = [];
  const walk = (n: SourceNode, depth: number): void => {
    if (depth > MAX_RESOLVE_DEPTH) {
      out.push("null");
      return;
    }
    switch (n.kind) {
      case "scalar":
        out.push(JSON.stringify(n.value));
        return;
      case "value":
        out.push('"');
        for (const p of n.value.parts) out.push(typeof p === "string" ? JSON.stringify(p).slice(1, -1) : p);
        out.push('"');
        return;
      case "array":
        out.push("[");
        n.items.forEach((item, i) => {
          if (i > 0) out.push(",");
          walk(item, depth + 1);
        });
        out.push("]");
        return;
      case "object":
        out.push("{");
        n.entries.forEach((e, i) => {
          if (i > 0) out.push(",");
          out.push(`${JSON.stringify(e.key)}:`);
          walk(e.value, depth + 1);
        });
        out.push("}");
        return;
    }
  };
  walk(node, 0);
  return out;
}

/** A value of a parameter that the template names nowhere (see {@link parameterDomainOf}). */
const OTHER_VALUE = "\u0000other";

interface ParameterDomain {
  /** The values told apart; the Default first when there is one (then `byDefault`). */
  values: string[];
  byDefault: boolean;
  /** From AllowedValues: no other value can be deployed. */
  exact: boolean;
  /** The template compares the parameter with values, or selects map entries with it. */
  compared?: boolean;
  /** How each value is shown in a variant, when not as itself (values that act alike, as one). */
  labels?: string[];
}

/** The parameter a `{Ref: Name}` names (not a pseudo parameter or a resource), if any. */
function parameterRefName(node: SourceNode): string | undefined {
  if (node.kind !== "object" || node.entries.length !== 1) return undefined;
  const entry = node.entries[0] as SourceEntry;
  if (entry.key === "Ref") return scalarText(entry.value);
  // `!Sub "${Stage}"`: the parameter's value itself.
  if (entry.key !== "Fn::Sub") return undefined;
  const m = /^\$\{([^}!.][^}.]*)\}$/.exec(scalarText(entry.value) ?? "");
  return m ? m[1] : undefined;
}

/** Where each parameter is compared or used as a map key, per template (computed once, when needed). */
const parameterUses = new WeakMap<TemplateModel, Map<string, Set<string>>>();

/** Parameters read under a key that guards (a Condition, a Principal, a permission's source). */
const guardedParameters = new WeakMap<TemplateModel, Set<string>>();

function isGuarded(model: TemplateModel, name: string): boolean {
  usesOf(model, name);
  return guardedParameters.get(model)?.has(name) ?? false;
}

/**
 * The values of the template's own text that parameter `name` is compared with (`Fn::Equals`
 * anywhere) or may select (`Fn::FindInMap` keys at the level where `{Ref: name}` stands; every map
 * when the map is not named by text). Computed for all parameters in one walk.
 */
function usesOf(model: TemplateModel, name: string): Set<string> {
  let uses = parameterUses.get(model);
  if (!uses) {
    uses = new Map();
    const add = (param: string, values: Iterable<string>) => {
      const set = uses?.get(param) ?? new Set<string>();
      for (const v of values) set.add(v);
      uses?.set(param, set);
    };
    const maps = model.mappings?.kind === "object" ? model.mappings : undefined;
    const guarded = new Set<string>();
    guardedParameters.set(model, guarded);
    const stack: Array<[SourceNode, boolean]> = [[model.root, false]];
    while (stack.length > 0) {
      const [node, inGuard] = stack.pop() as [SourceNode, boolean];
      // Children pushed last first, so that values are met in the order of the text.
      if (node.kind === "array") {
        for (let i = node.items.length - 1; i >= 0; i--) stack.push([node.items[i] as SourceNode, inGuard]);
        continue;
      }
      if (node.kind !== "object") continue;
      for (let i = node.entries.length - 1; i >= 0; i--) {
        const e = node.entries[i] as SourceEntry;
        const writes = (e.key === "Fn::Sub" || e.key === "Fn::Join") && writesGuards(e.value);
        stack.push([e.value, inGuard || GUARD_KEYS.has(e.key) || writes]);
      }
      if (node.entries.length !== 1) continue;
      const { key, value: args } = node.entries[0] as SourceEntry;
      if (inGuard || (key === "Fn::Sub" && writesGuards(args))) {
        // A parameter read where a value guards: its values are never merged (see parameterDomainOf).
        const ref = key === "Ref" ? scalarText(args) : undefined;
        if (ref !== undefined) guarded.add(ref);
        const sub = key === "Fn::Sub" ? scalarText(args.kind === "array" ? args.items[0] : args) : undefined;
        for (const m of sub?.matchAll(/\$\{([^}!][^}]*)\}/g) ?? []) guarded.add(m[1] as string);
      }
      if (args.kind !== "array") continue;
      if (key === "Fn::Equals" && args.items.length === 2) {
        for (const [i, j] of [
          [0, 1],
          [1, 0],
        ] as const) {
          const param = parameterRefName(args.items[i] as SourceNode);
          const other = args.items[j] as SourceNode;
          const text = other.kind === "scalar" ? comparable(other) : undefined;
          if (param !== undefined && text !== undefined) add(param, [text]);
        }
      } else if (key === "Fn::FindInMap" && maps) {
        const [mapArg, topArg, second] = args.items;
        const mapName = mapArg && parameterRefName(mapArg) === undefined ? scalarText(mapArg) : undefined;
        const chosenMaps =
          mapName !== undefined ? [getEntryOf(maps, mapName)?.value] : maps.entries.map((e) => e.value);
        const param0 = mapArg && parameterRefName(mapArg);
        if (param0 !== undefined)
          add(
            param0,
            maps.entries.map((e) => e.key),
          );
        const param1 = topArg && parameterRefName(topArg);
        const topKey = topArg && param1 === undefined ? scalarText(topArg) : undefined;
        for (const m of chosenMaps) {
          if (m?.kind !== "object") continue;
          if (param1 !== undefined)
            add(
              param1,
              m.entries.map((e) => e.key),
            );
          const param2 = second && parameterRefName(second);
          if (param2 === undefined) continue;
          const tops = topKey !== undefined ? [getEntryOf(m, topKey)?.value] : m.entries.map((e) => e.value);
          for (const t of tops)
            if (t?.kind === "object")
              add(
                param2,
                t.entries.map((e) => e.key),
              );
        }
      }
    }
    parameterUses.set(model, uses);
  }
  return uses.get(name) ?? new Set();
}

/** The domain of parameter `name` for {@link Resolver.parameterDomain}; undefined when none is known. */
function parameterDomainOf(
  model: TemplateModel,
  name: string,
  withDefault: boolean,
): ParameterDomain | undefined {
  const param = model.parameters.get(name);
  if (!param || param.type.startsWith("List<") || param.type === "CommaDelimitedList") return undefined;
  if (param.type.startsWith("AWS::SSM::Parameter::Value<")) return undefined;
  const def = param.definition;
  const defaultNode = withDefault && def ? getEntryOf(def, "Default")?.value : undefined;
  const fallback = defaultNode === undefined ? undefined : scalarText(defaultNode);
  if (defaultNode !== undefined && (fallback === undefined || fallback.includes("{{resolve:")))
    return undefined;
  const allowedNode = def ? getEntryOf(def, "AllowedValues")?.value : undefined;
  if (allowedNode?.kind === "array") {
    const allowed = allowedValuesOf(model, name);
    if (!allowed) return undefined;
    const { values, byDefault } = firstIfAmong(allowed, fallback);
    return exactDomain(model, name, values, byDefault);
  }
  const values = openValues(model, name, fallback !== undefined ? [fallback] : []);
  return { values, byDefault: fallback !== undefined, exact: false, compared: usesOf(model, name).size > 0 };
}

/**
 * The domain of a parameter that can take only `values` (its AllowedValues, or what a parent stack
 * passes). Read only where it does not guard, values the template neither compares nor selects with
 * act alike, and are one option (its first stands for them all), so that they multiply no variants
 * and a condition none of them meets is decided.
 */
function exactDomain(
  model: TemplateModel,
  name: string,
  values: string[],
  byDefault: boolean,
): ParameterDomain {
  const uses = usesOf(model, name);
  // Where it guards, every value is its own option. When there are more than MAX_VARIANTS, the
  // first ones are analysed: after the first, a value with a wildcard (the likeliest to let another
  // account in), then those the template compares or selects with (which may switch statements on
  // and off), then the others.
  if (isGuarded(model, name)) return { values: usedFirst(values, uses), byDefault, exact: true };
  const alike = values.filter((v) => !uses.has(v));
  if (alike.length < 2) return { values, byDefault, exact: true };
  const merged = values.filter((v) => uses.has(v) || v === alike[0]);
  const labels = merged.map((v) => (v === alike[0] ? alike.map(shownValue).join(" or ") : shownValue(v)));
  return { values: merged, labels, byDefault: byDefault && merged[0] === values[0], exact: true };
}

/**
 * `values` with its first kept first, then those with a wildcard, then the ones in `uses`, then the
 * others (each in its order).
 */
function usedFirst(values: string[], uses: ReadonlySet<string>): string[] {
  const [first, ...rest] = values;
  if (first === undefined) return values;
  const wild = (v: string) => /[*?]/.test(v);
  return [
    first,
    ...rest.filter(wild),
    ...rest.filter((v) => !wild(v) && uses.has(v)),
    ...rest.filter((v) => !wild(v) && !uses.has(v)),
  ];
}

/** `values` with `first` moved to the front when it is one of them (then `byDefault`). */
function firstIfAmong(values: string[], first: string | undefined): { values: string[]; byDefault: boolean } {
  if (first === undefined || !values.includes(first)) return { values, byDefault: false };
  return { values: [first, ...values.filter((v) => v !== first)], byDefault: true };
}

/** `seed`, then the values the template compares the parameter with or selects with, then any other. */
function openValues(model: TemplateModel, name: string, seed: readonly string[]): string[] {
  const values = [...seed];
  for (const v of usesOf(model, name)) if (!values.includes(v)) values.push(v);
  values.push(OTHER_VALUE);
  return values;
}

/** The domain of a parameter whose value a parent stack passes (see {@link PassedValues}). */
function passedDomain(
  model: TemplateModel,
  name: string,
  passed: PassedValues,
  withDefault: boolean,
): ParameterDomain {
  // The child's own AllowedValues still hold: CloudFormation rejects any other value.
  const allowed = allowedValuesOf(model, name);
  if (allowed) {
    const values = passed.values.filter((v) => allowed.includes(v));
    if (passed.exact && values.length > 0) return exactDomain(model, name, values, false);
    return {
      ...firstIfAmong(allowed, withDefault && !passed.exact ? passed.values[0] : undefined),
      exact: true,
    };
  }
  if (passed.exact) return exactDomain(model, name, [...passed.values], false);
  const values = openValues(model, name, withDefault ? passed.values : passed.values.slice(1));
  return { values, byDefault: withDefault, exact: false };
}

/** Keys whose values guard (see `Resolver.guardDepth`). */
const GUARD_KEYS = new Set([
  "Condition",
  "Principal",
  "NotPrincipal",
  "SourceAccount",
  "SourceArn",
  "PrincipalOrgID",
  "EventSourceToken",
  "OrganizationId",
  // They decide whether a permission opens a function URL to anyone (not reported) or not.
  "FunctionUrlAuthType",
  "InvokedViaFunctionUrl",
  // SAM event sources: the permission SAM generates takes its source or token from them.
  "SkillId",
  "Topic",
  "Bucket",
  "UserPool",
  "LogGroupName",
  // A nested stack's parameters: the child may use them as guards.
  "Parameters",
]);

/** The key of a parameter's choice (a Default-decided one first, see `ProbeRun`). */
function parameterKey(name: string, domain: ParameterDomain): string {
  return `${domain.byDefault ? DEFAULT_CHOICE : ""}param:${name}`;
}

/** A value as a label shows it (`""` for the empty string, a passed deploy-time value as written). */
function shownValue(v: string): string {
  if (v.startsWith(PASSED_NODE)) return v.slice(PASSED_NODE.length);
  return v === "" ? '""' : v;
}

/** The chosen value of a parameter: a node the parent passed (see {@link PassedValues}), or text. */
function passedValue(
  passed: PassedValues | undefined,
  value: string,
  range: SourceRange | undefined,
): Resolved {
  const node = passed?.nodes?.get(value);
  return node ? withRangeOf(node, range) : scalar(value, range);
}

/** The values a domain names, for labels: `prod`, `prod or dev`. */
function namedValues(domain: ParameterDomain): string {
  return domain.values
    .filter((v) => v !== OTHER_VALUE)
    .map(shownValue)
    .join(" or ");
}

/** A parameter's AllowedValues as text; undefined when it has none, or one is not a scalar. */
function allowedValuesOf(model: TemplateModel, name: string): string[] | undefined {
  const def = model.parameters.get(name)?.definition;
  const node = def ? getEntryOf(def, "AllowedValues")?.value : undefined;
  if (node?.kind !== "array") return undefined;
  const allowed: string[] = [];
  for (const item of node.items) {
    const t = item.kind === "scalar" ? comparable(item) : undefined;
    if (t === undefined) return undefined;
    if (!allowed.includes(t)) allowed.push(t);
  }
  return allowed.length > 0 ? allowed : undefined;
}

/** Whether Fn::Sub or Fn::Join text writes a policy's guards (a JSON string policy's Condition or Principal). */
function writesGuards(arg: SourceNode): boolean {
  const texts: string[] = [];
  if (arg.kind === "scalar" && typeof arg.value === "string") texts.push(arg.value);
  else if (arg.kind === "array") {
    const first = arg.items[0];
    if (first?.kind === "scalar" && typeof first.value === "string") texts.push(first.value);
    const list = arg.items[1];
    if (list?.kind === "array")
      for (const item of list.items)
        if (item.kind === "scalar" && typeof item.value === "string") texts.push(item.value);
  }
  return texts.some((t) => /"(Condition|Principal|NotPrincipal)"/.test(t));
}
