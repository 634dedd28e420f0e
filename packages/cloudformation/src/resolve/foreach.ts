import { ChoiceRun, enumerateVariants } from "@deputyguard/core";
import {
  type Diagnostic,
  diagnostic,
  type ObjectNode,
  partsOf,
  type SourceEntry,
  type SourceNode,
  scalarText,
} from "../tree.js";
import { copyChoices } from "./model.js";
import { NO_VALUE, type Resolved, type ResolveEnv, Resolver } from "./resolver.js";
import { unknownSymbol } from "./symbols.js";

const MAX_EXPANSION = 10_000;

/**
 * Expands `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]` in a section
 * (AWS::LanguageExtensions,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html):
 * one copy per item, with `${Identifier}` and `&{Identifier}` replaced in keys and `Fn::Sub`
 * strings and `Ref: Identifier` replaced by the item. A collection unknown before deploy gives one
 * copy whose item is unknown (a warning says so).
 */
export function expandForEach(section: ObjectNode, env: ResolveEnv, depth = 0): ObjectNode {
  if (!section.entries.some((e) => e.key.startsWith("Fn::ForEach::"))) return section;
  const entries: SourceEntry[] = [];
  const budget = { left: MAX_EXPANSION };
  for (const e of section.entries) {
    if (!e.key.startsWith("Fn::ForEach::")) {
      entries.push(e);
      continue;
    }
    entries.push(...expandLoop(e, env, env.diagnostics, depth, budget));
  }
  return section.range ? { kind: "object", entries, range: section.range } : { kind: "object", entries };
}

function expandLoop(
  loop: SourceEntry,
  env: ResolveEnv,
  diagnostics: Diagnostic[],
  depth: number,
  budget: { left: number },
): SourceEntry[] {
  const file = env.model.file;
  const arg = loop.value;
  if (depth > 5 || arg.kind !== "array" || arg.items.length !== 3 || arg.items[2]?.kind !== "object") {
    diagnostics.push(
      diagnostic(
        "IntrinsicError",
        "error",
        `${loop.key} takes [Identifier, Collection, {OutputKey: OutputValue}]`,
        file,
        loop.keyRange,
      ),
    );
    return [];
  }
  const identifier = scalarText(arg.items[0]);
  if (!identifier) {
    diagnostics.push(
      diagnostic("IntrinsicError", "error", `${loop.key}: the identifier must be a string`, file, arg.range),
    );
    return [];
  }
  // A collection that depends on an undecided choice (an Fn::If, a map key from a parameter) is
  // resolved for every choice, and the loop makes the copies of all their items: taking the first
  // choice alone left the others' copies unchecked.
  // A run whose choices CloudFormation would reject (a map key with no entry) makes no copies, and
  // runs with the same collection are one.
  const enumerated = enumerateVariants(
    (run): { value: Resolved; infeasible: boolean } => {
      const resolver = new Resolver(env, run);
      const value = resolver.resolve(arg.items[1] as SourceNode);
      return { value, infeasible: resolver.infeasible };
    },
    undefined,
    undefined,
    { outcome: (r) => (r.infeasible ? null : collectionKey(r.value)) },
  );
  const results = enumerated.results.map((r) => ({ ...r, value: r.value.value as Resolved }));
  if (enumerated.truncated)
    diagnostics.push(
      diagnostic(
        "TooManyVariants",
        "warning",
        `${loop.key}: the collection depends on more undecidable conditions than are analysed (16 variants); copies of the others are not checked; set parameters (--parameter) to decide them`,
        file,
        loop.keyRange,
      ),
    );
  // Every run one CloudFormation would reject: the first, whose unknowns say why.
  if (results.length === 0) {
    const value = new Resolver(env, new ChoiceRun([])).resolve(arg.items[1] as SourceNode);
    results.push({ value, variant: undefined, choices: new Map(), runs: 1 });
  }
  let values: Array<string | undefined> | undefined = [];
  /** For each item, the runs whose collection holds it. */
  const holders = new Map<string, number[]>();
  results.forEach(({ value: collection }, r) => {
    if (!values) return;
    if (collection === NO_VALUE || collection.kind !== "array") {
      values = undefined;
      return;
    }
    for (const i of collection.items) {
      const v = scalarText(i);
      if (v === undefined || !values.includes(v)) values.push(v);
      if (v === undefined) continue;
      const runs = holders.get(v);
      if (runs) runs.push(r);
      else holders.set(v, [r]);
    }
  });
  const variants = results.map((r) => r.variant).filter((v): v is string => v !== undefined);
  if (values && variants.length > 1) {
    diagnostics.push(
      diagnostic(
        "UnsupportedConstruct",
        "warning",
        `${loop.key}: the collection depends on ${variants.join(" / ")}; the copies of every choice's items are checked`,
        file,
        loop.keyRange,
      ),
    );
  }
  const template = arg.items[2] as ObjectNode;
  if (!values || values.some((v) => v === undefined)) {
    // What the loop creates is still checked: one copy, its identifier an unknown item. A copy's
    // policy that lets a service in whatever the item is gets reported; one that depends on the
    // item says so (CD301), as for any unknown.
    diagnostics.push(
      diagnostic(
        "UnsupportedConstruct",
        "warning",
        `${loop.key}: the collection is not known before deploy, so the loop is checked once, with ${identifier} standing for any item; give the parameter a value (--parameter) to check each copy`,
        file,
        loop.keyRange,
      ),
    );
    if (--budget.left < 0) return [];
    const item = unknownSymbol(
      identifier,
      `${loop.key} item`,
      "an item of a collection not known before deploy",
    );
    const node: SourceNode = { kind: "value", value: { parts: [item] } };
    const copy = substitute(template, identifier, node, 0) as ObjectNode;
    return expandForEach(copy, env, depth + 1).entries;
  }
  const out: SourceEntry[] = [];
  for (const v of values as string[]) {
    if (--budget.left < 0) {
      diagnostics.push(
        diagnostic(
          "UnsupportedConstruct",
          "warning",
          `${loop.key}: more than ${MAX_EXPANSION} copies; the rest are not expanded`,
          file,
          loop.keyRange,
        ),
      );
      break;
    }
    const copy = substitute(template, identifier, v, 0) as ObjectNode;
    const expanded = expandForEach(copy, env, depth + 1);
    // An item only one choice's collection holds: its copies exist only under that choice, so
    // their bodies are resolved with it (not with the choices under which they do not exist).
    const runs = holders.get(v) ?? [];
    const holder = runs.length === 1 ? results[runs[0] as number] : undefined;
    const only = holder && holder.runs === 1 && results.length > 1 ? holder : undefined;
    if (only)
      for (const e of expanded.entries)
        copyChoices.set(e.value, { choices: only.choices, label: only.variant ?? "" });
    out.push(...expanded.entries);
  }
  return out;
}

function replaceIn(text: string, identifier: string, value: string): string {
  const alnum = value.replace(/[^A-Za-z0-9]/g, "");
  return text.split(`\${${identifier}}`).join(value).split(`&{${identifier}}`).join(alnum);
}

/**
 * A copy of `node` for one item: a known item (a string) replaces the identifier in keys, `Fn::Sub`
 * strings and `Ref`; an unknown item (a value node) replaces `Ref` and becomes an `Fn::Sub`
 * variable (its `&{}` form is the same unknown), while keys keep the identifier as written.
 */
function substitute(
  node: SourceNode,
  identifier: string,
  value: string | SourceNode,
  depth: number,
  inSub = false,
): SourceNode {
  if (depth > 128) return node;
  const known = typeof value === "string";
  switch (node.kind) {
    case "scalar":
      return known && inSub && typeof node.value === "string"
        ? { ...node, value: replaceIn(node.value, identifier, value) }
        : node;
    case "value":
      return node;
    case "array":
      return {
        ...node,
        items: node.items.map((i, idx) => substitute(i, identifier, value, depth + 1, inSub && idx === 0)),
      };
    case "object": {
      if (node.entries.length === 1) {
        const e = node.entries[0] as SourceEntry;
        if (e.key === "Ref" && scalarText(e.value) === identifier) {
          if (!known) return node.range ? { ...value, range: node.range } : value;
          return node.range ? { kind: "scalar", value, range: node.range } : { kind: "scalar", value };
        }
        if (e.key === "Fn::Sub" && !known) return subWithUnknown(node, e, identifier, value, depth);
        // `!Sub "Is${Name}"` with the item in it and nothing else to substitute is that text, as
        // the transform leaves it (a resource's `Condition` must be text).
        if (e.key === "Fn::Sub" && known && e.value.kind === "scalar" && typeof e.value.value === "string") {
          const text = replaceIn(e.value.value, identifier, value);
          // (Another loop's `${B}` or `&{B}` left in it: an inner loop still substitutes the Sub.)
          if (text !== e.value.value && !text.includes("${") && !text.includes("&{"))
            return node.range
              ? { kind: "scalar", value: text, range: node.range }
              : { kind: "scalar", value: text };
        }
      }
      return {
        ...node,
        entries: node.entries.map((e) => ({
          ...e,
          key: known ? replaceIn(e.key, identifier, value) : e.key,
          value: substitute(e.value, identifier, value, depth + 1, e.key === "Fn::Sub"),
        })),
      };
    }
  }
}

/** `Fn::Sub` over text naming the identifier, for an unknown item: the item becomes a Sub variable. */
function subWithUnknown(
  node: ObjectNode,
  entry: SourceEntry,
  identifier: string,
  item: SourceNode,
  depth: number,
): SourceNode {
  const arg = entry.value;
  const text = arg.kind === "array" ? arg.items[0] : arg;
  const vars = arg.kind === "array" ? arg.items[1] : undefined;
  if (text?.kind !== "scalar" || typeof text.value !== "string") return node;
  const written = text.value.split(`&{${identifier}}`).join(`\${${identifier}}`);
  if (!written.includes(`\${${identifier}}`)) {
    return { ...node, entries: [{ ...entry, value: substitute(arg, identifier, item, depth + 1) }] };
  }
  const variables: SourceEntry[] =
    vars?.kind === "object"
      ? vars.entries.map((v) => ({ ...v, value: substitute(v.value, identifier, item, depth + 1) }))
      : [];
  if (!variables.some((v) => v.key === identifier)) variables.push({ key: identifier, value: item });
  const list: SourceNode = {
    kind: "array",
    items: [
      { ...text, value: written },
      { kind: "object", entries: variables },
    ],
    ...(arg.range ? { range: arg.range } : {}),
  };
  return { ...node, entries: [{ ...entry, value: list }] };
}

/** What tells two runs' collections apart: their items' text (an unknown one by its name). */
function collectionKey(value: Resolved): string {
  if (value === NO_VALUE) return "-";
  if (value.kind !== "array") return `?${scalarText(value) ?? value.kind}`;
  return JSON.stringify(
    value.items.map((i) => scalarText(i) ?? `\u0000${JSON.stringify(partsOf(i) ?? i.kind)}`),
  );
}
