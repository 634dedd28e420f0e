// What the two YAML readers share: the short-form tags, the parse options, limits, and how a
// scalar, a mapping entry and a tag become tree nodes. yaml-template.ts (the composer path) and
// yaml-fast.ts (the quick reader) both import it, and nothing here imports either of them.
import type { Diagnostic, ObjectNode, SourceEntry, SourceNode, SourceRange } from "@deputyguard/core";
import type { Tags } from "yaml";

/** The short-form tags CloudFormation documents; any other `!Tag` is kept as `Fn::Tag` with a warning. */
export const KNOWN_TAGS = new Set([
  "Ref",
  "Condition",
  "Sub",
  "GetAtt",
  "If",
  "Join",
  "Select",
  "Split",
  "FindInMap",
  "ImportValue",
  "GetAZs",
  "Base64",
  "Cidr",
  "Equals",
  "And",
  "Or",
  "Not",
  "Transform",
  "ToJsonString",
  "Length",
  "ForEach",
]);

/**
 * The short-form tags as custom tags of the YAML schema, for scalars, sequences and mappings alike,
 * values kept as written (the reader turns them into the long form). Without them the yaml package
 * records an "Unresolved tag" warning (an Error object with a stack and a pretty-printed excerpt) for
 * every `!Ref` and `!Sub`: a fifth of the time of reading a large template went there.
 */
export const CFN_YAML_TAGS: Tags = [...KNOWN_TAGS].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: "seq" as const },
  { tag: `!${name}`, collection: "map" as const },
]);

/** The options the reader parses YAML with (the benchmark measures the same parse). */
export const YAML_PARSE_OPTIONS = {
  schema: "core",
  customTags: CFN_YAML_TAGS,
  uniqueKeys: false,
  logLevel: "silent",
  prettyErrors: true,
} as const;

/** Deepest nesting accepted; real templates stay far below it, hostile ones are stopped here. */
export const MAX_TEMPLATE_DEPTH = 200;
/**
 * Nesting the yaml package is given at most. Its parser and composer recurse once per level and
 * overflow the stack at about 800 levels (block mappings) or 800 flow brackets; when the overflow
 * happens inside V8's regular-expression compiler, V8 aborts the whole process ("RegExpCompiler
 * Allocation failed") instead of throwing. So deeper text is refused before it is parsed.
 */
export const MAX_YAML_NESTING = 400;

/**
 * Plain scalars that CloudFormation reads differently from YAML 1.2's core schema: CloudFormation
 * implements YAML 1.1 (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html),
 * where `yes`/`no`/`on`/`off` are booleans (aws/aws-cli#5257, ASFHyP3/hyp3#2061: a tag value `YES`
 * arrives as "true"; `y`/`n` are left as text, aws/aws-cli#7931), `0` followed by octal digits is an octal number (an
 * unquoted account id `012345670123` becomes 1402433619: aws-cloudformation/cloudformation-coverage-roadmap#745,
 * DataDog/cloudformation-template#109), `1_000` is 1000, `1:30` is sexagesimal (90) and `0o17` is
 * a string. Undefined when the core schema's reading already agrees.
 */
export function yaml11Plain(text: string): { value: string | number | boolean; octal?: number } | undefined {
  const c = text.charCodeAt(0);
  // Only words starting with a sign, a digit, o/O, n/N or y/Y can differ.
  if (!(c === 43 || c === 45 || (c >= 48 && c <= 57) || /^[noyNOY]/.test(text))) return undefined;
  if (/^(?:yes|Yes|YES|on|On|ON)$/.test(text)) return { value: true };
  if (/^(?:no|No|NO|off|Off|OFF)$/.test(text)) return { value: false };
  let m = /^([-+]?)0([0-7_]+)$/.exec(text);
  if (m) {
    const digits = (m[2] as string).replace(/_/g, "");
    if (digits === "") return undefined;
    const n = Number.parseInt(digits, 8) * (m[1] === "-" ? -1 : 1);
    return { value: n, octal: n };
  }
  if (/^[-+]?(?:0|[1-9][0-9_]*)$/.test(text) && text.includes("_"))
    return { value: Number(text.replace(/_/g, "")) };
  m = /^([-+]?)([1-9][0-9_]*)((?::[0-5]?[0-9])+)$/.exec(text);
  if (m) {
    let n = Number((m[2] as string).replace(/_/g, ""));
    for (const part of (m[3] as string).slice(1).split(":")) n = n * 60 + Number(part);
    return { value: m[1] === "-" ? -n : n };
  }
  if (/^[-+]?0o[0-7]+$/.test(text)) return { value: text };
  return undefined;
}

/**
 * Adds a mapping entry; a key already there keeps its place, takes the later value and gets a
 * DuplicateKey warning: CloudFormation takes the last value as well, silently (aws-cli#2404,
 * cfn-language-discussion#96), so the earlier one, the one a reader sees first, is dead text. `index`
 * (keys to places) is made once
 * a mapping has 8 entries; returns it.
 */
export function addEntry(
  entries: SourceEntry[],
  index: Map<string, number> | undefined,
  entry: SourceEntry,
  diagnostics: Diagnostic[],
  file: string,
): Map<string, number> | undefined {
  const key = entry.key;
  if (entries.length >= 8 && !index) {
    index = new Map();
    for (let i = 0; i < entries.length; i++) index.set((entries[i] as SourceEntry).key, i);
  }
  const previous = index ? (index.get(key) ?? -1) : entries.findIndex((e) => e.key === key);
  if (previous >= 0) {
    const earlier = (entries[previous] as SourceEntry).keyRange?.start;
    const keyRange = entry.keyRange;
    diagnostics.push({
      code: "DuplicateKey",
      severity: "warning",
      file,
      message: `duplicate key "${key.slice(0, 60)}": this later value is used and the earlier one${earlier ? ` at line ${earlier.line}, column ${earlier.column}` : ""} is ignored, as CloudFormation ignores it; remove one of them`,
      ...(keyRange ? { line: keyRange.start.line, column: keyRange.start.column } : {}),
    });
    entries[previous] = entry;
  } else {
    index?.set(key, entries.length);
    entries.push(entry);
  }
  return index;
}

/**
 * The value a scalar is read as, from what the yaml package made of it. `written` is the text of an
 * untagged plain scalar (undefined for others): CloudFormation's YAML 1.1 readings win over the core
 * schema's (see yaml11Plain), and a number that would not read back as written stays text.
 * `octal` is told of an unquoted octal number, for its warning.
 */
export function scalarValue(
  parsed: unknown,
  written: string | undefined,
  octal: (message: string) => void,
): string | number | boolean | null {
  let value = parsed;
  if (written !== undefined) {
    const v11 = yaml11Plain(written);
    if (v11 !== undefined) {
      if (v11.octal !== undefined)
        octal(
          `unquoted ${written} is the octal number ${v11.octal} in CloudFormation's YAML 1.1, so CloudFormation uses ${v11.octal}; quote it ("${written}") if it is an account id`,
        );
      value = v11.value;
    } else if (typeof value === "number" && written !== String(value)) {
      // Keep what was written when the number would not read back the same (`012345678901`, `1.0`):
      // in YAML 1.1 a leading zero followed by 8 or 9 is no number at all, so it stays a string.
      value = written;
    }
  }
  if (typeof value === "bigint") value = String(value);
  if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
    value = String(value);
  return value as string | number | boolean | null;
}

/**
 * Where a tag written before a node starts (`!Sub` ... value at `nodeStart`), when only blanks
 * separate them; undefined otherwise (a comment between them), and the node's own range is used.
 */
export function tagStart(text: string, tag: string, nodeStart: number): number | undefined {
  let i = nodeStart - 1;
  while (i >= 0 && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i--;
  const start = i - tag.length + 1;
  if (start < 0 || !text.startsWith(tag, start)) return undefined;
  return start;
}

/**
 * The long form of a short-form tag (`!Ref x` is `{"Ref": "x"}`, `!Sub s` is `{"Fn::Sub": s}`), as
 * cfn-flip writes it: `!GetAtt a.b.c` is `{"Fn::GetAtt": ["a", "b.c"]}` (the logical id has no dots).
 */
export function intrinsicNode(name: string, value: SourceNode, range: SourceRange | undefined): SourceNode {
  let arg = value;
  if (name === "GetAtt" && value.kind === "scalar" && typeof value.value === "string") {
    const dot = value.value.indexOf(".");
    if (dot > 0) {
      const r = value.range;
      const left: SourceNode = r
        ? { kind: "scalar", value: value.value.slice(0, dot), range: r }
        : { kind: "scalar", value: value.value.slice(0, dot) };
      const right: SourceNode = r
        ? { kind: "scalar", value: value.value.slice(dot + 1), range: r }
        : { kind: "scalar", value: value.value.slice(dot + 1) };
      arg = r ? { kind: "array", items: [left, right], range: r } : { kind: "array", items: [left, right] };
    }
  }
  const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
  const entry: SourceEntry = range ? { key, keyRange: range, value: arg } : { key, value: arg };
  const out: ObjectNode = range
    ? { kind: "object", entries: [entry], range }
    : { kind: "object", entries: [entry] };
  return out;
}
