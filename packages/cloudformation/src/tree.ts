/** Small helpers over the core's position-keeping tree, shared by the reader and the resolver. */
import type {
  ArrayNode,
  Diagnostic,
  ObjectNode,
  PolicyValue,
  ScalarNode,
  SourceEntry,
  SourceNode,
  SourceRange,
  ValueNode,
  ValuePart,
} from "@deputyguard/core";
import { normalizeParts } from "@deputyguard/core";

export { parseJsonSource } from "@deputyguard/core";
export type {
  ArrayNode,
  Diagnostic,
  ObjectNode,
  PolicyValue,
  ScalarNode,
  SourceEntry,
  SourceNode,
  SourceRange,
  ValueNode,
  ValuePart,
};

export function getEntryOf(node: ObjectNode, key: string): SourceEntry | undefined {
  const entries = node.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as SourceEntry;
    if (e.key === key) return e;
  }
  return undefined;
}

export function getOf(node: SourceNode | undefined, key: string): SourceNode | undefined {
  if (node?.kind !== "object") return undefined;
  return getEntryOf(node, key)?.value;
}

/** The text of a scalar (numbers and booleans as CloudFormation turns them into strings). */
export function scalarText(node: SourceNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === "scalar") {
    if (node.value === null) return undefined;
    return String(node.value);
  }
  if (node.kind === "value" && node.value.parts.every((p) => typeof p === "string"))
    return node.value.parts.join("");
  return undefined;
}

export function withRange<T extends SourceNode>(node: T, range: SourceRange | undefined): T {
  if (range) node.range = range;
  return node;
}

export function scalar(value: string | number | boolean | null, range?: SourceRange): ScalarNode {
  return range ? { kind: "scalar", value, range } : { kind: "scalar", value };
}

/** A string value from parts: a plain scalar when every part is known, a value node otherwise. */
export function fromParts(parts: readonly ValuePart[], range?: SourceRange): ScalarNode | ValueNode {
  const norm = normalizeParts(parts);
  if (norm.length === 0) return scalar("", range);
  if (norm.length === 1 && typeof norm[0] === "string") return scalar(norm[0], range);
  const value: PolicyValue = range ? { parts: norm, range } : { parts: norm };
  return range ? { kind: "value", value, range } : { kind: "value", value };
}

/** The parts of a string-like node, or undefined for objects, arrays and null. */
export function partsOf(node: SourceNode): ValuePart[] | undefined {
  if (node.kind === "scalar") return node.value === null ? undefined : [String(node.value)];
  if (node.kind === "value") return node.value.parts;
  return undefined;
}

/** A diagnostic at the start of a range: the core's `diagnosticAt`. */
export { diagnosticAt as diagnostic } from "@deputyguard/core";
