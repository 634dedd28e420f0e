import type { Diagnostic, LineIndex, SourceEntry, SourceNode, SourceRange } from "@deputyguard/core";
import { CST, Document, isScalar } from "yaml";
import {
  addEntry,
  intrinsicNode,
  KNOWN_TAGS,
  MAX_TEMPLATE_DEPTH,
  scalarValue,
  tagStart,
  YAML_PARSE_OPTIONS,
} from "./yaml-shared.js";

/*
 * The quick way to read a YAML template: the yaml package's parser (its concrete syntax tree, with
 * every offset) turned straight into a SourceNode tree, without the yaml package's composer and its
 * Document. It gives what readYamlTemplate's composer path gives, value for value, range for range
 * and warning for warning, for the YAML that templates are written in: block and flow collections,
 * plain, quoted and block scalars, comments and the short-form tags. Anything else (anchors and
 * aliases, explicit keys, other tags, directives, several documents, tabs, anything the composer
 * would report as an error, ...) makes it give up, and the composer path reads the file instead: it
 * never has to decide a case the composer decides differently. A test reads every YAML file of the
 * corpus and the fixtures, and generated ones, both ways and compares the trees.
 * It follows the yaml package's composer closely (resolve-props, resolve-block-map, ... in its
 * dist/compose) and reads its schema's tags (`typed`): the package is pinned to one version, and a
 * new version needs that test and the fuzzing described in the session-9 note run again.
 */

/** Thrown to give up; caught by readYamlFast only. */
const GIVE_UP = Symbol("give up");

function giveUp(): never {
  throw GIVE_UP;
}

type SourceToken = CST.SourceToken;
type Token = CST.Token;

interface Props {
  /** The indicator (`-`, `:`, `---`) when found. */
  found: SourceToken | undefined;
  tag: SourceToken | undefined;
  comma: boolean;
  comment: boolean;
  hasNewline: boolean;
  /** A newline after the tag. */
  newlineAfterTag: SourceToken | undefined;
  /** Where the tokens end (the offset given when there are none). */
  end: number;
}

/**
 * The tokens before a node (indicator, tag, blanks, comments), read as the composer's resolveProps
 * reads them; gives up on anything it reports (or that this reader leaves to it).
 */
function props(
  tokens: readonly SourceToken[],
  indicator: SourceToken["type"],
  startOnNewline: boolean,
  flow: boolean,
  offset: number,
  next: Token | undefined,
): Props {
  let hasSpace = startOnNewline;
  let reqSpace = false;
  let found: SourceToken | undefined;
  let tag: SourceToken | undefined;
  let comma = false;
  let comment = false;
  let hasNewline = false;
  let newlineAfterTag: SourceToken | undefined;
  for (const token of tokens) {
    if (reqSpace) {
      if (token.type !== "space" && token.type !== "newline" && token.type !== "comma") giveUp();
      reqSpace = false;
    }
    switch (token.type) {
      case "space":
        if (token.source.includes("\t")) giveUp();
        hasSpace = true;
        break;
      case "comment":
        if (!hasSpace) giveUp();
        comment = true;
        break;
      case "newline":
        hasNewline = true;
        if (tag) newlineAfterTag = token;
        hasSpace = true;
        break;
      case "tag":
        if (tag) giveUp();
        tag = token;
        hasSpace = false;
        reqSpace = true;
        break;
      case "comma":
        if (!flow || comma) giveUp();
        comma = true;
        hasSpace = false;
        break;
      default:
        if (token.type !== indicator || found || tag) giveUp();
        found = token;
        hasSpace = false;
    }
  }
  if (
    reqSpace &&
    next &&
    next.type !== "space" &&
    next.type !== "newline" &&
    next.type !== "comma" &&
    (next.type !== "scalar" || next.source !== "")
  )
    giveUp();
  const last = tokens[tokens.length - 1];
  const end = last ? last.offset + last.source.length : offset;
  return { found, tag, comma, comment, hasNewline, newlineAfterTag, end };
}

/** The tokens after a node: blanks and comments (each after a blank) only. */
function endOf(tokens: readonly SourceToken[] | undefined, offset: number): number {
  if (!tokens) return offset;
  let hasSpace = false;
  for (const token of tokens) {
    if (token.type === "space" || token.type === "newline") hasSpace = true;
    else if (token.type !== "comment" || !hasSpace) giveUp();
    offset += token.source.length;
  }
  return offset;
}

function containsNewline(key: Token): boolean {
  if (!("source" in key) || key.source.includes("\n")) return true;
  if ("end" in key && key.end) for (const st of key.end) if (st.type === "newline") return true;
  return false;
}

/** Where the composer places an empty value: after the last thing written before it, and its blanks. */
function emptyPosition(offset: number, before: readonly SourceToken[] | undefined): number {
  if (!before) return offset;
  for (let i = before.length - 1; i >= 0; --i) {
    let st = before[i] as SourceToken;
    if (st.type === "space" || st.type === "comment" || st.type === "newline") {
      offset -= st.source.length;
      continue;
    }
    st = before[++i] as SourceToken;
    while (st?.type === "space") {
      offset += st.source.length;
      st = before[++i] as SourceToken;
    }
    break;
  }
  return offset;
}

interface ScalarTag {
  default?: boolean | "key";
  test?: RegExp;
  resolve: (value: string, onError: (message: string) => void, options: object) => unknown;
}

/** The schema's tags for plain scalars, in the order the composer tries them (made on first use). */
let plainTags: { tags: ScalarTag[]; options: object } | undefined;

/**
 * First characters of the plain scalars YAML 1.2's core schema reads as anything but a string: null
 * (empty, `~`, `null`), booleans, and numbers (a sign, a digit or `.inf`/`.nan`). Others are strings
 * without trying the schema's patterns, which most values of a template are.
 */
const CORE_TYPED_START = /^[~nNtTfF+\-.0-9]/;

/** An untagged plain scalar as the schema the reader parses with reads it. */
function typed(value: string, atKey: boolean): unknown {
  if (value !== "" && YAML_PARSE_OPTIONS.schema === "core" && !CORE_TYPED_START.test(value)) return value;
  if (!plainTags) {
    const doc = new Document(undefined, YAML_PARSE_OPTIONS);
    plainTags = {
      tags: (doc.schema.tags as unknown as ScalarTag[]).filter(
        (t) => (t.default === true || t.default === "key") && t.test,
      ),
      options: doc.options,
    };
  }
  for (const tag of plainTags.tags) {
    if ((tag.default === true || (atKey && tag.default === "key")) && tag.test?.test(value)) {
      let failed = false;
      const out = tag.resolve(
        value,
        () => {
          failed = true;
        },
        plainTags.options,
      );
      if (failed) giveUp();
      // Some tags keep a format with the number (`1.0`) in a Scalar, as the composer uses it.
      if (isScalar(out)) return out.value;
      if (out !== null && typeof out === "object") giveUp();
      return out;
    }
  }
  return value;
}

interface Built {
  node: SourceNode;
  /** Where the node starts and where its value ends (the composer's range[0] and range[1]). */
  start: number;
  valueEnd: number;
  /** The composer's range[2]: where the node and the blanks and comments after it end. */
  end: number;
}

class FastReader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly lines: LineIndex,
  ) {}

  private range(start: number, end: number): SourceRange {
    return this.lines.range(this.file, start, end);
  }

  /** A scalar token's value and ranges; gives up on what the composer would report. */
  private scalar(token: Token): {
    value: string;
    plain: boolean;
    start: number;
    valueEnd: number;
    end: number;
  } {
    if (token.type === "scalar") {
      // A plain scalar on one line is its own text (the composer's plainValue unfolds lines and
      // reports a bad first character; the lexer leaves no blanks around it).
      const source = token.source;
      const c = source.charCodeAt(0);
      if (
        source.indexOf("\n") < 0 &&
        source.indexOf("\r") < 0 &&
        c !== 9 /* \t */ &&
        c !== 44 /* , */ &&
        c !== 37 /* % */ &&
        c !== 124 /* | */ &&
        c !== 62 /* > */ &&
        c !== 64 /* @ */ &&
        c !== 96 /* ` */
      ) {
        const valueEnd = token.offset + source.length;
        return { value: source, plain: true, start: token.offset, valueEnd, end: endOf(token.end, valueEnd) };
      }
    }
    let failed = false;
    const r = CST.resolveAsScalar(token, true, () => {
      failed = true;
    });
    if (!r || failed || r.type === null) giveUp();
    return {
      value: r.value,
      plain: token.type === "scalar",
      start: r.range[0],
      valueEnd: r.range[1],
      end: r.range[2],
    };
  }

  node(token: Token, p: Props, depth: number): Built {
    if (depth > MAX_TEMPLATE_DEPTH) giveUp();
    const tag = p.tag;
    let name: string | undefined;
    if (tag) {
      name = tag.source.slice(1);
      if (tag.source.charCodeAt(0) !== 33 || !KNOWN_TAGS.has(name)) giveUp();
    }
    let built: Built;
    switch (token.type) {
      case "scalar":
      case "single-quoted-scalar":
      case "double-quoted-scalar":
      case "block-scalar": {
        const s = this.scalar(token);
        const range = this.range(s.start, s.valueEnd);
        let value: string | number | boolean | null;
        if (tag) value = s.value;
        else if (s.plain) {
          const written = this.text.slice(s.start, s.valueEnd);
          value = scalarValue(typed(s.value, false), written, (message) =>
            this.warn(message, range, "YamlNumber"),
          );
        } else value = s.value;
        built = { node: { kind: "scalar", value, range }, start: s.start, valueEnd: s.valueEnd, end: s.end };
        break;
      }
      case "block-map":
        built = this.blockMap(token, depth);
        break;
      case "block-seq":
        // Props of a block sequence end with a newline (the composer: "Missing newline after block
        // sequence props"); newlineAfterTag is only set after the tag.
        if (tag && !p.newlineAfterTag) giveUp();
        built = this.blockSeq(token, depth);
        break;
      case "flow-collection":
        built = this.flow(token, depth);
        break;
      default:
        giveUp();
    }
    if (tag && name !== undefined) {
      const start = tagStart(this.text, tag.source, built.start);
      const range = this.range(start ?? built.start, built.valueEnd);
      return { ...built, node: intrinsicNode(name, built.node, range) };
    }
    return built;
  }

  /** An empty value (`Key:` and nothing): null where the composer places it. */
  private empty(p: Props, before: readonly SourceToken[] | undefined, depth: number): Built {
    if (p.tag || depth > MAX_TEMPLATE_DEPTH) giveUp();
    const at = emptyPosition(p.end, before);
    return {
      node: { kind: "scalar", value: null, range: this.range(at, at) },
      start: at,
      valueEnd: at,
      end: p.comment ? p.end : at,
    };
  }

  private key(token: Token | null | undefined): { key: string; keyRange: SourceRange; end: number } {
    if (
      !token ||
      (token.type !== "scalar" &&
        token.type !== "single-quoted-scalar" &&
        token.type !== "double-quoted-scalar") ||
      containsNewline(token)
    )
      giveUp();
    const s = this.scalar(token);
    const value = s.plain ? typed(s.value, true) : s.value;
    const key = String(value);
    // A YAML merge key: left to the composer path, which applies it.
    if (key === "<<" && s.plain) giveUp();
    return { key, keyRange: this.range(s.start, s.valueEnd), end: s.end };
  }

  private blockMap(bm: CST.BlockMap, depth: number): Built {
    const entries: SourceEntry[] = [];
    let index: Map<string, number> | undefined;
    let offset = bm.offset;
    let commentEnd: number | undefined;
    for (const item of bm.items) {
      if (item.explicitKey) giveUp();
      const kp = props(item.start, "explicit-key-ind", true, false, offset, item.key ?? item.sep?.[0]);
      if (kp.found || kp.tag) giveUp();
      if (!item.sep) {
        if (item.key) giveUp();
        commentEnd = kp.end;
        continue;
      }
      const keyToken = item.key;
      if (!keyToken || !("indent" in keyToken) || keyToken.indent !== bm.indent) giveUp();
      const k = this.key(keyToken);
      const vp = props(item.sep, "map-value-ind", false, false, k.end, item.value);
      if (!vp.found) giveUp();
      if (item.value?.type === "block-map" && !vp.hasNewline) giveUp();
      if (kp.end < vp.found.offset - 1024) giveUp();
      const value = item.value ? this.node(item.value, vp, depth + 1) : this.empty(vp, item.sep, depth + 1);
      offset = value.end;
      index = addEntry(
        entries,
        index,
        { key: k.key, keyRange: k.keyRange, value: value.node },
        this.diagnostics,
        this.file,
      );
    }
    if (commentEnd !== undefined && commentEnd < offset) giveUp();
    return {
      node: { kind: "object", entries, range: this.range(bm.offset, offset) },
      start: bm.offset,
      valueEnd: offset,
      end: commentEnd ?? offset,
    };
  }

  private blockSeq(bs: CST.BlockSequence, depth: number): Built {
    const items: SourceNode[] = [];
    let offset = bs.offset;
    let commentEnd: number | undefined;
    for (const item of bs.items) {
      const p = props(item.start, "seq-item-ind", true, false, offset, item.value);
      if (!p.found) {
        if (p.tag || item.value) giveUp();
        commentEnd = p.end;
        continue;
      }
      const value = item.value ? this.node(item.value, p, depth + 1) : this.empty(p, item.start, depth + 1);
      offset = value.end;
      items.push(value.node);
    }
    return {
      node: { kind: "array", items, range: this.range(bs.offset, offset) },
      start: bs.offset,
      valueEnd: offset,
      end: commentEnd ?? offset,
    };
  }

  private flow(fc: CST.FlowCollection, depth: number): Built {
    const isMap = fc.start.source === "{";
    const entries: SourceEntry[] = [];
    let index: Map<string, number> | undefined;
    const items: SourceNode[] = [];
    let offset = fc.offset + fc.start.source.length;
    const n = fc.items.length;
    for (let i = 0; i < n; i++) {
      const item = fc.items[i] as CST.CollectionItem;
      const p = props(item.start, "explicit-key-ind", false, true, offset, item.key ?? item.sep?.[0]);
      if (p.found) giveUp();
      if (!p.tag && !item.sep && !item.value && !item.key) {
        // A trailing comma; any other empty item is an error.
        if ((i === 0 && p.comma) || i < n - 1) giveUp();
        offset = p.end;
        continue;
      }
      if (i === 0 ? p.comma : !p.comma || p.comment) giveUp();
      if (!isMap) {
        if (item.sep || item.key || !item.value) giveUp();
        const value = this.node(item.value, p, depth + 1);
        if (item.value.type === "block-map" || item.value.type === "block-seq") giveUp();
        items.push(value.node);
        offset = value.end;
      } else {
        if (p.tag) giveUp();
        const k = this.key(item.key);
        const vp = props(item.sep ?? [], "map-value-ind", false, true, k.end, item.value);
        if (!vp.found) giveUp();
        const value = item.value ? this.node(item.value, vp, depth + 1) : this.empty(vp, item.sep, depth + 1);
        if (item.value?.type === "block-map" || item.value?.type === "block-seq") giveUp();
        index = addEntry(
          entries,
          index,
          { key: k.key, keyRange: k.keyRange, value: value.node },
          this.diagnostics,
          this.file,
        );
        offset = value.end;
      }
    }
    const [ce, ...ee] = fc.end;
    if (!ce || ce.source !== (isMap ? "}" : "]")) giveUp();
    const cePos = ce.offset + ce.source.length;
    const end = ee.length > 0 ? endOf(ee, cePos) : cePos;
    const range = this.range(fc.offset, cePos);
    return {
      node: isMap ? { kind: "object", entries, range } : { kind: "array", items, range },
      start: fc.offset,
      valueEnd: cePos,
      end,
    };
  }

  document(doc: CST.Document): SourceNode {
    const p = props(doc.start, "doc-start", true, false, doc.offset, doc.value ?? doc.end?.[0]);
    if (p.tag || !doc.value) giveUp();
    if (p.found && (doc.value.type === "block-map" || doc.value.type === "block-seq") && !p.hasNewline)
      giveUp();
    const built = this.node(doc.value, p, 0);
    if (doc.end)
      for (const token of doc.end)
        if (token.type !== "space" && token.type !== "newline" && token.type !== "comment") giveUp();
    return built.node;
  }

  private warn(message: string, range: SourceRange, code: string): void {
    this.diagnostics.push({
      code,
      severity: "warning",
      file: this.file,
      message,
      line: range.start.line,
      column: range.start.column,
    });
  }
}

/**
 * Reads a YAML template the quick way (see above): its tree and warnings, or undefined when the text
 * holds anything this reader leaves to the composer path.
 */
export function readYamlFast(
  tokens: readonly CST.Token[],
  text: string,
  file: string,
  lines: LineIndex,
): { node: SourceNode; diagnostics: Diagnostic[] } | undefined {
  let doc: CST.Document | undefined;
  for (const token of tokens) {
    // Comments and blank lines around the document are the composer's "prelude": no error.
    if (token.type === "comment" || token.type === "newline" || token.type === "space") continue;
    if (token.type !== "document" || doc) return undefined;
    doc = token;
  }
  if (!doc) return undefined;
  const reader = new FastReader(text, file, lines);
  try {
    return { node: reader.document(doc), diagnostics: reader.diagnostics };
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    // A fault of this reader (a token shape it did not expect): the composer path reads the file,
    // as it does whatever this reader leaves; DEPUTYGUARD_DEBUG shows the fault instead.
    if (process.env.DEPUTYGUARD_DEBUG) throw e;
    return undefined;
  }
}
