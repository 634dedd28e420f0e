import type { Diagnostic, SourceEntry, SourceNode, SourceRange } from "@deputyguard/core";
import { LineIndex } from "@deputyguard/core";
import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  parseDocument,
  Scalar,
  visit,
} from "yaml";
import { readYamlFast } from "./yaml-fast.js";
import {
  addEntry,
  intrinsicNode,
  KNOWN_TAGS,
  MAX_TEMPLATE_DEPTH,
  MAX_YAML_NESTING,
  scalarValue,
  tagStart,
  YAML_PARSE_OPTIONS,
} from "./yaml-shared.js";

export {
  CFN_YAML_TAGS,
  KNOWN_TAGS,
  MAX_TEMPLATE_DEPTH,
  MAX_YAML_NESTING,
  YAML_PARSE_OPTIONS,
  yaml11Plain,
} from "./yaml-shared.js";

/**
 * Where the nesting of YAML text first goes beyond `limit`, by a linear scan that over-estimates
 * and never under-estimates it: indentation levels of block collections, `- ` entries that open a
 * sequence on the same line, and flow brackets (`[`, `{`) outside quoted scalars and comments.
 * Brackets inside plain text or block scalars are counted too, which can only raise the estimate,
 * and real templates stay far below the limit. Undefined when the text stays within it.
 */
export function yamlNestingBeyond(text: string, limit: number): { line: number; column: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lineStart = i;
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    const c = text.charCodeAt(i);
    if (i >= n) break;
    if (c === 10 || c === 13 || c === 35 /* # */) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      i++;
      line++;
      continue;
    }
    const indent = i - lineStart;
    if (flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
      indents.push(indent);
    }
    let depth = indents.length;
    // "- - - x": each entry marker opens one more sequence on this line.
    while (
      (text.charCodeAt(i) === 45 /* - */ || text.charCodeAt(i) === 63) /* ? */ &&
      (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9)
    ) {
      depth++;
      i += 2;
      while (i < n && text.charCodeAt(i) === 32) i++;
    }
    if (depth + flow > limit) return { line, column: i - lineStart + 1 };
    let prev = 32;
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) break;
      if (ch === 35 && (prev === 32 || prev === 9)) {
        while (i < n && text.charCodeAt(i) !== 10) i++;
        break;
      }
      if (
        (ch === 34 || ch === 39) &&
        (prev === 32 || prev === 9 || prev === 91 || prev === 123 || prev === 44 || prev === 58)
      ) {
        // A quoted scalar starts here; its brackets are text. Stop at the line end at the latest, so
        // that a stray quote cannot hide the brackets of the following lines.
        for (i++; i < n; i++) {
          const q = text.charCodeAt(i);
          if (q === 10) {
            i--;
            break;
          }
          if (ch === 34 && q === 92 /* \ */) i++;
          else if (q === ch) {
            if (ch === 39 && text.charCodeAt(i + 1) === 39) i++;
            else break;
          }
        }
        prev = ch;
        continue;
      }
      if (ch === 91 || ch === 123) {
        flow++;
        if (depth + flow > limit) return { line, column: i - lineStart + 1 };
      } else if ((ch === 93 || ch === 125) && flow > 0) flow--;
      prev = ch;
    }
    i++;
    line++;
  }
  return undefined;
}

/** Nodes that aliases may add in total; beyond it the file is treated as an alias bomb. */
export const MAX_ALIAS_NODES = 100_000;

export interface ReadResult {
  node?: SourceNode;
  diagnostics: Diagnostic[];
}

class TemplateReadError extends Error {
  constructor(
    message: string,
    readonly range: SourceRange | undefined,
  ) {
    super(message);
  }
}

/**
 * Reads a CloudFormation YAML template into a {@link SourceNode} tree with a range on every node.
 * Short-form tags become the long form exactly as cfn-flip writes them (`!GetAtt a.b.c` is
 * `{"Fn::GetAtt": ["a", "b.c"]}`, `!Ref` and `!Condition` keep their bare names). Aliases are
 * expanded within a budget, duplicate keys keep the later value with a warning, and nesting is
 * capped, so hostile input gives a diagnostic with a line and column, never a crash.
 */
export function readYamlTemplate(
  text: string,
  file: string,
  options: { composer?: boolean } = {},
): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const deep = yamlNestingBeyond(text, MAX_YAML_NESTING);
  if (deep) {
    return {
      diagnostics: [
        {
          code: "ParseError",
          severity: "error",
          file,
          message: `YAML: nesting deeper than ${MAX_YAML_NESTING} levels (templates are limited to ${MAX_TEMPLATE_DEPTH})`,
          line: deep.line,
          column: deep.column,
        },
      ],
    };
  }
  const lines = new LineIndex(text);
  let doc: Document.Parsed;
  try {
    if (options.composer) doc = parseDocument(text, YAML_PARSE_OPTIONS);
    else {
      // The yaml package's parser once: its syntax tree goes to the quick reader, and to the
      // composer when the quick reader leaves the file to it (parseDocument, without parsing again).
      const lineCounter = new LineCounter();
      const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
      // Anchors (and so aliases and merge keys) are left to the composer: skip the quick reader at
      // once rather than build a tree and drop it at the first anchor.
      const fast = ANCHOR.test(text) ? undefined : readYamlFast(tokens, text, file, lines);
      if (fast) return fast;
      doc = compose(tokens, text, lineCounter);
    }
  } catch (e) {
    return { diagnostics: [{ code: "ParseError", severity: "error", file, message: (e as Error).message }] };
  }
  const first = doc.errors[0];
  if (first) {
    const at = first.linePos?.[0];
    // The yaml package ends its first line with "at line L, column C:", which the diagnostic carries.
    const message = (first.message.split("\n")[0] ?? first.message).replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    const d: Diagnostic = { code: "ParseError", severity: "error", file, message: `YAML: ${message}` };
    if (at) {
      d.line = at.line;
      d.column = at.col;
    }
    return { diagnostics: [d] };
  }
  const reader = new YamlReader(text, file, doc, diagnostics, lines);
  try {
    const node = reader.convert(doc.contents as Node | null, 0);
    return { node, diagnostics };
  } catch (e) {
    if (!(e instanceof TemplateReadError)) throw e;
    const d: Diagnostic = { code: "ParseError", severity: "error", file, message: e.message };
    if (e.range) {
      d.line = e.range.start.line;
      d.column = e.range.start.column;
    }
    return { diagnostics: [...diagnostics, d] };
  }
}

/** `&name` after a blank, a line start or a flow indicator: a YAML anchor, or text that looks like one. */
const ANCHOR = /(?:^|[\s[{,])&[^\s,[\]{}]/m;

/**
 * What `parseDocument(text, YAML_PARSE_OPTIONS)` returns, from the parser's tokens: the first
 * document (with a silent log level the yaml package drops the others without an error), with each
 * error's line and column as its prettyErrors option sets them (the messages keep no excerpt; the
 * reader uses only their first line).
 */
function compose(tokens: CST.Token[], text: string, lineCounter: LineCounter): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const d of new Composer(YAML_PARSE_OPTIONS).compose(tokens, true, text.length)) doc ??= d;
  if (!doc) throw new Error("YAML: no document");
  for (const error of doc.errors)
    if (error.pos[0] !== -1)
      error.linePos = error.pos.map((p) => lineCounter.linePos(p)) as typeof error.linePos;
  return doc;
}

class YamlReader {
  private aliasNodes = 0;
  private aliasDepth = 0;
  private readonly warnedTags = new Set<string>();
  private warnedMerge = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly diagnostics: Diagnostic[],
    private readonly lines: LineIndex,
  ) {}

  /** Anchored nodes by name, found once; undefined when a name is anchored twice (see `anchored`). */
  private anchors: Map<string, Node> | null | undefined;

  /**
   * The node an alias refers to. The yaml package's `Alias.resolve` walks the whole document each
   * time, which made 10,000 aliases take 10 s; the anchors are collected once instead. A name
   * anchored twice refers to the nearest anchor before each alias, which `resolve` knows.
   */
  private anchored(alias: Node & { source: string; resolve(doc: Document): unknown }): Node | undefined {
    if (this.anchors === undefined) {
      const found = new Map<string, Node>();
      let unique = true;
      visit(this.doc, {
        Node(_key, n) {
          const a = (n as { anchor?: string }).anchor;
          if (!a || isAlias(n)) return;
          if (found.has(a)) unique = false;
          found.set(a, n as Node);
        },
      });
      this.anchors = unique ? found : null;
    }
    if (this.anchors === null) return alias.resolve(this.doc) as Node | undefined;
    return this.anchors.get(alias.source);
  }

  private rangeOf(node: Node): SourceRange | undefined {
    const r = node.range;
    if (!r) return undefined;
    return this.lines.range(this.file, r[0], r[1]);
  }

  convert(node: Node | null, depth: number): SourceNode {
    if (depth > MAX_TEMPLATE_DEPTH) {
      throw new TemplateReadError(
        `the template nests deeper than ${MAX_TEMPLATE_DEPTH} levels; it is not read`,
        node ? this.rangeOf(node) : undefined,
      );
    }
    if (node === null) return { kind: "scalar", value: null };
    if (this.aliasDepth > 0 && ++this.aliasNodes > MAX_ALIAS_NODES) {
      throw new TemplateReadError(
        `YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?); the template is not read`,
        this.rangeOf(node),
      );
    }
    if (isAlias(node)) {
      const target = this.anchored(node);
      if (!target) throw new TemplateReadError(`alias *${node.source} has no anchor`, this.rangeOf(node));
      this.aliasDepth++;
      try {
        const out = this.convert(target as Node, depth + 1);
        // The alias is reported where it is written, not where its anchor is.
        const range = this.rangeOf(node);
        return range ? { ...out, range } : out;
      } finally {
        this.aliasDepth--;
      }
    }
    const range = this.rangeOf(node);
    let out: SourceNode;
    if (isMap(node)) {
      const entries: SourceEntry[] = [];
      let index: Map<string, number> | undefined;
      let merges: Array<{ value: Node | null; keyNode: Node }> | undefined;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        let key: string;
        if (isScalar(keyNode)) key = String(keyNode.value);
        else {
          key = keyNode ? String(keyNode.toJSON()) : "";
          this.warn("a mapping key that is not a plain value is read as text", keyNode ?? node);
        }
        if (key === "<<" && keyNode && isScalar(keyNode) && keyNode.type === Scalar.PLAIN) {
          // A YAML merge key: applied after the mapping's own keys, which win over merged ones.
          merges ??= [];
          merges.push({ value: pair.value as Node | null, keyNode });
          continue;
        }
        const value = this.convert(pair.value as Node | null, depth + 1);
        const keyRange = keyNode ? this.rangeOf(keyNode) : undefined;
        const entry: SourceEntry = keyRange ? { key, keyRange, value } : { key, value };
        index = addEntry(entries, index, entry, this.diagnostics, this.file);
      }
      if (merges) this.merge(entries, merges, depth);
      out = range ? { kind: "object", entries, range } : { kind: "object", entries };
    } else if (isSeq(node)) {
      const items = node.items.map((item) => this.convert(item as Node | null, depth + 1));
      out = range ? { kind: "array", items, range } : { kind: "array", items };
    } else if (isScalar(node)) {
      out = this.scalar(node, range);
    } else {
      out = { kind: "scalar", value: null };
    }
    const tag = node.tag;
    if (tag !== undefined && tag.charCodeAt(0) === 33 /* ! */ && tag.charCodeAt(1) !== 33) {
      return this.intrinsic(tag.slice(1), out, node, this.tagRange(tag, node) ?? range);
    }
    return out;
  }

  /**
   * Applies YAML merge keys (`<<: *base`, `<<: [*a, *b]`) as the YAML 1.1 loaders of the AWS CLI's
   * `package` command and SAM do: keys the mapping has win, then earlier merged mappings over later
   * ones. CloudFormation itself does not support merge keys (cfn-lint W1100), so it is a warning.
   */
  private merge(
    entries: SourceEntry[],
    merges: Array<{ value: Node | null; keyNode: Node }>,
    depth: number,
  ): void {
    const have = new Set(entries.map((e) => e.key));
    for (const { value, keyNode } of merges) {
      if (!this.warnedMerge) {
        this.warnedMerge = true;
        this.warn(
          "YAML merge key << is expanded as the AWS CLI's package command does; CloudFormation itself does not accept merge keys, anchors or aliases (deploy through package or sam)",
          keyNode,
          "YamlMerge",
        );
      }
      const merged = this.convert(value, depth + 1);
      const sources = merged.kind === "array" ? merged.items : [merged];
      for (const m of sources) {
        if (m.kind !== "object") {
          this.warn("a YAML merge key takes a mapping or a list of mappings; this one is ignored", keyNode);
          continue;
        }
        for (const e of m.entries) {
          if (have.has(e.key)) continue;
          have.add(e.key);
          entries.push(e);
        }
      }
    }
  }

  /** The range from the tag (`!Sub`) to the end of its value: the yaml package starts nodes after their tag. */
  private tagRange(tag: string, node: Node): SourceRange | undefined {
    const r = node.range;
    if (!r) return undefined;
    const start = tagStart(this.text, tag, r[0]);
    if (start === undefined) return this.rangeOf(node);
    return this.lines.range(this.file, start, r[1]);
  }

  private scalar(node: Scalar, range: SourceRange | undefined): SourceNode {
    const r = node.range;
    const written =
      node.type === Scalar.PLAIN && r && node.tag === undefined ? this.text.slice(r[0], r[1]) : undefined;
    const value = scalarValue(node.value, written, (message) => this.warn(message, node, "YamlNumber"));
    return range ? { kind: "scalar", value, range } : { kind: "scalar", value };
  }

  private intrinsic(name: string, value: SourceNode, node: Node, range: SourceRange | undefined): SourceNode {
    if (!KNOWN_TAGS.has(name) && !this.warnedTags.has(name)) {
      this.warnedTags.add(name);
      this.warn(
        `unknown tag !${name} is kept as Fn::${name}; CloudFormation will reject it unless a transform defines it`,
        node,
      );
    }
    return intrinsicNode(name, value, range);
  }

  private warn(message: string, node: Node, code = "UnsupportedConstruct"): void {
    const range = this.rangeOf(node);
    this.diagnostics.push({
      code,
      severity: "warning",
      file: this.file,
      message,
      ...(range ? { line: range.start.line, column: range.start.column } : {}),
    });
  }
}
