import type { SourceRange } from "@deputyguard/core";

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = ReadonlyArray<string | number>;

interface Wanted {
  children: Map<string | number, Wanted> | undefined;
  /** Filled in place by {@link JsonLocator.locate}; shared by everything that asked for this path. */
  range: SourceRange | undefined;
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
 * parse of all of it costs ten times `JSON.parse`. Ranges are asked for by path first ({@link at}
 * returns a range object at once), then one pass over the text ({@link locate}) fills them all in.
 *
 * Positions are those `parseJsonSource` gives: 1-based lines ending at `\n`, `\r\n` or `\r`, columns
 * in UTF-16 code units, a leading byte order mark taking no column. Of duplicate keys the last one is
 * located, as `JSON.parse` keeps the last value.
 */
export class JsonLocator {
  private readonly root: Wanted = { children: undefined, range: undefined };
  private lineStarts: number[] | undefined;
  private located = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  /** The range of the value at `path`, filled in by {@link locate} (line 0 until then, or when absent). */
  at(path: JsonPath): SourceRange {
    let w = this.root;
    for (const k of path) {
      w.children ??= new Map();
      let next = w.children.get(k);
      if (!next) {
        next = { children: undefined, range: undefined };
        w.children.set(k, next);
      }
      w = next;
    }
    if (w.range) return w.range;
    w.range = { file: this.file, start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
    if (this.located) this.fill(path, w);
    return w.range;
  }

  /** Fills every range asked for so far; later requests are filled as they are made. */
  locate(): void {
    if (this.located) return;
    this.located = true;
    this.descendFromStart(this.root);
  }

  /** A range asked for after {@link locate} (rare: only fallbacks) takes a pass of its own. */
  private fill(path: JsonPath, w: Wanted): void {
    const root: Wanted = { children: undefined, range: undefined };
    let cur = root;
    for (const k of path) {
      const next: Wanted = { children: undefined, range: undefined };
      cur.children = new Map([[k, next]]);
      cur = next;
    }
    cur.range = w.range;
    this.descendFromStart(root);
  }

  private descendFromStart(root: Wanted): void {
    const start = this.skipWhitespace(this.text.charCodeAt(0) === BOM ? 1 : 0);
    if (start < this.text.length) this.descend(start, root);
  }

  /** Reads the value at `i`, recording ranges for the wanted paths under `w`; returns where it ends. */
  private descend(i: number, w: Wanted): number {
    const text = this.text;
    const start = i;
    const c = text.charCodeAt(i);
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
    if (w.range) this.setRange(w.range, start, end);
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

  private setRange(range: SourceRange, start: number, end: number): void {
    const s = this.position(start);
    const e = this.position(end);
    range.start.line = s.line;
    range.start.column = s.column;
    range.end.line = e.line;
    range.end.column = e.column;
  }

  private position(offset: number): { line: number; column: number } {
    this.lineStarts ??= lineStarts(this.text);
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  }
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
