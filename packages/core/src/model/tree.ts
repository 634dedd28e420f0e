import type { SourceRange } from "./source.js";
import type { PolicyValue, ValueSymbol } from "./values.js";

/**
 * A JSON-like value with a source range on every node: what an adapter hands to the policy parser.
 * `value` nodes carry adapter-resolved templates and unknowns (for example a `!Sub` string).
 */
export type SourceNode = ObjectNode | ArrayNode | ScalarNode | ValueNode;

/** A JSON-like object with its source range; entries keep their order and duplicates are resolved by the parser. */
export interface ObjectNode {
  kind: "object";
  entries: SourceEntry[];
  range?: SourceRange;
  /**
   * Entries whose keys are not known before deployment, left out of `entries` (a Terraform object
   * key built from a variable): what they stand for. The policy parser does not count on them.
   */
  unknownKeys?: ValueSymbol[];
}

/** One key and value of an object node. */
export interface SourceEntry {
  key: string;
  keyRange?: SourceRange;
  value: SourceNode;
}

/** A JSON-like array with its source range. */
export interface ArrayNode {
  kind: "array";
  items: SourceNode[];
  range?: SourceRange;
}

/** A JSON-like scalar with its source range. */
export interface ScalarNode {
  kind: "scalar";
  value: string | number | boolean | null;
  range?: SourceRange;
}

/** A value an adapter resolved (a template or an unknown), with its source range. */
export interface ValueNode {
  kind: "value";
  value: PolicyValue;
  range?: SourceRange;
  /**
   * The values it is one of, when an undecided choice picks among known ones (a Terraform
   * conditional whose condition is not known before apply): `key` names the choice (the same key
   * is the same choice), `label` says what is chosen. A caller may analyse each option
   * (`expandAlternatives`); `value` is what it stands for otherwise.
   */
  alternatives?: { key: string; label: string; options: Array<{ label: string; node: SourceNode }> };
}

const MAX_PLAIN_DEPTH = 256;

/** Wraps a plain JSON value (no positions) so that library users can check in-memory policies. */
export function nodeFromPlain(value: unknown, depth = 0): SourceNode {
  if (depth > MAX_PLAIN_DEPTH) throw new RangeError(`value nests deeper than ${MAX_PLAIN_DEPTH} levels`);
  if (Array.isArray(value)) return { kind: "array", items: value.map((v) => nodeFromPlain(v, depth + 1)) };
  if (value !== null && typeof value === "object") {
    return {
      kind: "object",
      entries: Object.keys(value).map((key) => ({
        key,
        value: nodeFromPlain((value as Record<string, unknown>)[key], depth + 1),
      })),
    };
  }
  if (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean"
  ) {
    return { kind: "scalar", value };
  }
  return { kind: "scalar", value: String(value) };
}

/** Looks up an object entry by key; `ignoreCase` for IAM element names, which are matched as written by AWS. */
export function getEntry(node: ObjectNode, key: string): SourceEntry | undefined {
  for (const entry of node.entries) if (entry.key === key) return entry;
  return undefined;
}
