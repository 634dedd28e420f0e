import type { SourceRange } from "@deputyguard/core";

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = ReadonlyArray<string | number>;

/** Offsets of a located value, as 1-based lines and columns (0 until located, or when absent). */
interface Located {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** Where line counting has got to; `nextBreak` is the first line feed at or after `offset`. */
interface Cursor {
  offset: number;
  line: number;
  lineStart: number;
  nextBreak: number | undefined;
}

interface Wanted {
  children: Map<string | number, Wanted> | undefined;
  /** Filled when the pass reaches this path (one per request for it). */
  located: Located[] | undefined;
}

const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const LEFT_BRACKET = 91;
const BACKSLASH = 92;
const RIGHT_BRACKET = 93;
const LEFT_BRACE = 123;
const RIGHT_BRACE = 125;
const BOM = 0xfeff;

/** Where a container may end or a string may start: what a skip over a container stops at. */
const STRUCTURE = /["[\]{}]/g;

/**
 * Source ranges of a few values of a large JSON text that `JSON.parse` has already accepted, without
 * building a tree: a plan of several megabytes holds a few thousand policies, and a position-keeping
 * parse of all of it costs ten times `JSON.parse`. Ranges are asked for by path ({@link at} returns
 * a range at once); the first line or column read from any of them runs one pass over the text that
 * locates them all. Most policies of a plan have no finding, and then no position is ever read: a
 * plan without findings or warnings costs no pass at all.
 *
 * Positions are those `parseJsonSource` gives: 1-based lines ending at `\n`, `\r\n` or `\r`, columns
 * in UTF-16 code units, a leading byte order mark taking no column. Of duplicate keys the last one is
 * located, as `JSON.parse` keeps the last value.
 */
export class JsonLocator {
  /** Requests not located yet: the pass builds its tree of wanted paths from them. */
  private pending: Array<{ path: JsonPath; located: Located }> = [];
  private located = false;
  /** Line counting moves forward only: values are located in the order they are written. */
  private cursor: Cursor = { offset: 0, line: 1, lineStart: 0, nextBreak: undefined };
  private lineStarts: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.cursor = this.start();
  }

  /** The range of the value at `path` (which must exist); its positions are located when first read. */
  at(path: JsonPath): SourceRange {
    const located: Located = { startLine: 0, startColumn: 0, endLine: 0, endColumn: 0 };
    if (this.located) {
      // A request after the pass (rare: only fallbacks) takes a pass of its own.
      this.cursor = this.start();
      this.descendFromStart(wantedTree([{ path, located }]));
      return {
        file: this.file,
        start: { line: located.startLine, column: located.startColumn },
        end: { line: located.endLine, column: located.endColumn },
      };
    }
    this.pending.push({ path, located });
    const locate = () => this.locate();
    return {
      file: this.file,
      start: {
        get line() {
          locate();
          return located.startLine;
        },
        get column() {
          locate();
          return located.startColumn;
        },
      },
      end: {
        get line() {
          locate();
          return located.endLine;
        },
        get column() {
          locate();
          return located.endColumn;
        },
      },
    };
  }

  /** Locates every range asked for so far (the first position read does it). */
  locate(): void {
    if (this.located) return;
    this.located = true;
    const wanted = wantedTree(this.pending);
    this.pending = [];
    this.descendFromStart(wanted);
  }

  private start(): Cursor {
    const bom = this.text.charCodeAt(0) === BOM ? 1 : 0;
    return { offset: bom, line: 1, lineStart: bom, nextBreak: undefined };
  }

  private descendFromStart(root: Wanted): void {
    const start = this.skipWhitespace(this.text.charCodeAt(0) === BOM ? 1 : 0);
    if (start < this.text.length) this.descend(start, root);
  }

  /** Reads the value at `i`, recording ranges for the wanted paths under `w`; returns where it ends. */
  private descend(i: number, w: Wanted): number {
    const text = this.text;
    const c = text.charCodeAt(i);
    // Start here and end after the children: the offsets asked for only ever grow.
    const located = w.located;
    if (located) {
      this.advance(i);
      for (const l of located) {
        l.startLine = this.cursor.line;
        l.startColumn = i - this.cursor.lineStart + 1;
      }
    }
    const children = w.children;
    let end: number;
    if (children === undefined) end = this.skipValue(i);
    else if (c === LEFT_BRACE) {
      i = this.skipWhitespace(i + 1);
      if (text.charCodeAt(i) === RIGHT_BRACE) end = i + 1;
      else {
        for (;;) {
          const keyEnd = this.skipString(i);
          const child = this.childFor(children, i, keyEnd);
          i = this.skipWhitespace(keyEnd);
          if (text.charCodeAt(i) !== COLON) return text.length;
          i = this.skipWhitespace(i + 1);
          i = this.skipWhitespace(child ? this.descend(i, child) : this.skipValue(i));
          const d = text.charCodeAt(i);
          if (d === COMMA) i = this.skipWhitespace(i + 1);
          else {
            end = d === RIGHT_BRACE ? i + 1 : text.length;
            break;
          }
        }
      }
    } else if (c === LEFT_BRACKET) {
      i = this.skipWhitespace(i + 1);
      if (text.charCodeAt(i) === RIGHT_BRACKET) end = i + 1;
      else {
        for (let index = 0; ; index++) {
          const child = children.get(index);
          i = this.skipWhitespace(child ? this.descend(i, child) : this.skipValue(i));
          const d = text.charCodeAt(i);
          if (d === COMMA) i = this.skipWhitespace(i + 1);
          else {
            end = d === RIGHT_BRACKET ? i + 1 : text.length;
            break;
          }
        }
      }
    } else end = this.skipValue(i);
    if (located) {
      this.advance(end);
      for (const l of located) {
        l.endLine = this.cursor.line;
        l.endColumn = end - this.cursor.lineStart + 1;
      }
    }
    return end;
  }

  /** The wanted child for the key written from `open` to `end` (quotes included), compared in place. */
  private childFor(children: Map<string | number, Wanted>, open: number, end: number): Wanted | undefined {
    const text = this.text;
    const length = end - open - 2;
    for (const [k, w] of children) {
      if (typeof k === "string" && k.length === length && text.startsWith(k, open + 1)) return w;
    }
    // A key written with escapes (`"\u0070olicy"`) is decoded first; JSON.parse accepted the text.
    const raw = text.slice(open + 1, end - 1);
    return raw.includes("\\") ? children.get(JSON.parse(text.slice(open, end)) as string) : undefined;
  }

  private skipWhitespace(i: number): number {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === LINE_FEED || c === CARRIAGE_RETURN || c === TAB) i++;
      else return i;
    }
  }

  /** `i` is at an opening quote; returns the offset after the closing one. */
  private skipString(i: number): number {
    const text = this.text;
    let from = i + 1;
    for (;;) {
      const q = text.indexOf('"', from);
      if (q < 0) return text.length;
      let backslashes = 0;
      for (let b = q - 1; text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
      if ((backslashes & 1) === 0) return q + 1;
      from = q + 1;
    }
  }

  private skipValue(i: number): number {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === QUOTE) return this.skipString(i);
    if (c === LEFT_BRACE || c === LEFT_BRACKET) {
      let depth = 0;
      STRUCTURE.lastIndex = i;
      // `test` moves lastIndex past the match without allocating a match array.
      while (STRUCTURE.test(text)) {
        const at = STRUCTURE.lastIndex - 1;
        const d = text.charCodeAt(at);
        if (d === QUOTE) STRUCTURE.lastIndex = this.skipString(at);
        else if (d === LEFT_BRACE || d === LEFT_BRACKET) depth++;
        else if (--depth === 0) return at + 1;
      }
      return text.length;
    }
    // A number or a literal: up to the next delimiter.
    let j = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (
        j >= text.length ||
        d === COMMA ||
        d === RIGHT_BRACE ||
        d === RIGHT_BRACKET ||
        d === SPACE ||
        d === LINE_FEED ||
        d === CARRIAGE_RETURN ||
        d === TAB
      )
        return j;
      j++;
    }
  }

  /** Moves the line cursor forward to `offset`. */
  private advance(offset: number): void {
    const c = this.cursor;
    if (offset < c.offset) throw new Error("JsonLocator: offsets must grow");
    const text = this.text;
    if (c.nextBreak === undefined) {
      // Text with a carriage return (rare: Terraform writes \n) uses a table of line starts.
      if (text.includes("\r")) this.lineStarts = lineStarts(text);
      c.nextBreak = text.indexOf("\n", c.offset);
    }
    const starts = this.lineStarts;
    if (starts) {
      let lo = c.line - 1;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] as number) <= offset) lo = mid;
        else hi = mid - 1;
      }
      c.line = lo + 1;
      c.lineStart = starts[lo] as number;
    } else {
      while (c.nextBreak >= 0 && c.nextBreak < offset) {
        c.line++;
        c.lineStart = c.nextBreak + 1;
        c.nextBreak = text.indexOf("\n", c.lineStart);
      }
    }
    c.offset = offset;
  }
}

/** The tree of wanted paths. */
function wantedTree(requests: ReadonlyArray<{ path: JsonPath; located: Located }>): Wanted {
  const root: Wanted = { children: undefined, located: undefined };
  for (const { path, located } of requests) {
    let w = root;
    for (const k of path) {
      w.children ??= new Map();
      let next = w.children.get(k);
      if (!next) {
        next = { children: undefined, located: undefined };
        w.children.set(k, next);
      }
      w = next;
    }
    if (w.located) w.located.push(located);
    else w.located = [located];
  }
  return root;
}

/** Offsets where lines start (the first one after a byte order mark). */
function lineStarts(text: string): number[] {
  const starts = [text.charCodeAt(0) === BOM ? 1 : 0];
  if (!text.includes("\r")) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LINE_FEED) starts.push(i + 1);
    else if (c === CARRIAGE_RETURN) {
      if (text.charCodeAt(i + 1) === LINE_FEED) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}
