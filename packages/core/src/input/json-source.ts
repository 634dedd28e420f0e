import { type Diagnostic, PackedRange, type SourcePosition, type SourceRange } from "../model/source.js";
import type { ArrayNode, ObjectNode, ScalarNode, SourceEntry, SourceNode } from "../model/tree.js";

/** Nesting deeper than this is refused unless the caller asks otherwise. */
export const DEFAULT_MAX_DEPTH = 512;

export interface JsonSourceOptions {
  /** Deepest container nesting accepted (the top-level object or array is depth 1). Default 512. */
  maxDepth?: number;
}

export interface JsonSourceResult {
  /** The parsed value; absent when the text is not JSON. */
  node?: SourceNode;
  /**
   * `ParseError` (error, the only diagnostic when present) or `DuplicateKey` warnings.
   * Every diagnostic names a 1-based line and a column counted in UTF-16 code units.
   */
  diagnostics: Diagnostic[];
}

/**
 * Parses strict JSON (RFC 8259) into a {@link SourceNode} tree with a range on every node and a key
 * range on every object entry, so that findings can point at the exact element in the file.
 *
 * - Never throws and never recurses: containers are tracked on an explicit stack and nesting beyond
 *   `maxDepth` is a `ParseError`, so hostile input cannot exhaust the call stack.
 * - Values are exactly those of `JSON.parse` (numbers via the same decimal conversion, strings with
 *   every escape, lone surrogates kept as written).
 * - A duplicate key keeps the last value, as `JSON.parse` does, in the slot of the first occurrence
 *   (the key order of `JSON.parse`'s result), and adds a `DuplicateKey` warning at the duplicate.
 *   Keys such as `__proto__` are ordinary entries: entries are an array, never object properties.
 * - A leading byte order mark is skipped and takes no column, as editors show it. Lines end at
 *   `\n`, `\r\n` or `\r`.
 * - Text containing NUL is reported as binary content rather than as a syntax error somewhere inside.
 */
export function parseJsonSource(text: string, file: string, options?: JsonSourceOptions): JsonSourceResult {
  const parser = new JsonSourceParser(text, file, options?.maxDepth ?? DEFAULT_MAX_DEPTH);
  try {
    const node = parser.parseDocument();
    return { node, diagnostics: parser.warnings };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    // NUL is invalid everywhere in JSON, so text with one always fails; look for it only then.
    const nul = text.indexOf("\u0000");
    if (nul >= 0) {
      const at = positionOfOffset(text, nul);
      const message = `binary content (NUL byte at line ${at.line}, column ${at.column}) is not JSON`;
      return { diagnostics: [parseError(message, file, at.line, at.column)] };
    }
    return { diagnostics: [parseError(e.message, file, e.line, e.column)] };
  }
}

function parseError(message: string, file: string, line: number, column: number): Diagnostic {
  return { code: "ParseError", severity: "error", message, file, line, column };
}

/** Internal control flow for the first syntax error; converted to a diagnostic at the API boundary. */
class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Objects with more entries than this index their keys in a `Map` to find duplicates. */
const LINEAR_KEY_SCAN_LIMIT = 12;

/** Above this many digits an integer may lose precision when accumulated, so `Number()` converts it. */
const SAFE_ACCUMULATED_DIGITS = 15;

/** Size (a power of two) and longest string of the cache that reuses repeated short strings. */
const INTERN_SLOTS = 4096;
const MAX_INTERNED_LENGTH = 32;

interface OpenContainer {
  node: ObjectNode | ArrayNode;
  startLine: number;
  startColumn: number;
  /** Pending key of an object entry whose value is being parsed. */
  key: string;
  keyRange: SourceRange | undefined;
  /** Key → entry index, built once an object outgrows a linear duplicate scan. */
  keyIndex: Map<string, number> | undefined;
}

/* Character codes. */
const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const APOSTROPHE = 39;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const UPPER_E = 69;
const LEFT_BRACKET = 91;
const BACKSLASH = 92;
const RIGHT_BRACKET = 93;
const LOWER_E = 101;
const LEFT_BRACE = 123;
const RIGHT_BRACE = 125;
const BOM = 0xfeff;

class JsonSourceParser {
  readonly warnings: Diagnostic[] = [];
  private readonly interned: (string | undefined)[] = new Array(INTERN_SLOTS).fill(undefined);
  private pos = 0;
  /** Line of `pos` and offset where that line starts; JSON tokens never span lines, so this is enough. */
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly maxDepth: number,
  ) {
    if (text.charCodeAt(0) === BOM) {
      this.pos = 1;
      this.lineStart = 1;
    }
  }

  parseDocument(): SourceNode {
    const text = this.text;
    const stack: OpenContainer[] = [];
    this.skipWhitespace();
    if (this.pos >= text.length) this.fail("empty input (expected a JSON value)", this.pos);

    let value: SourceNode;
    parseValue: for (;;) {
      // Here `pos` is at the first character of a value.
      const c = text.charCodeAt(this.pos);
      if (c === LEFT_BRACE || c === LEFT_BRACKET) {
        if (stack.length >= this.maxDepth) {
          this.fail(
            `nesting is deeper than the limit of ${this.maxDepth} levels (this ${c === LEFT_BRACE ? "object" : "array"} is at depth ${stack.length + 1})`,
            this.pos,
          );
        }
        const startLine = this.line;
        const startColumn = this.pos - this.lineStart + 1;
        this.pos++;
        this.skipWhitespace();
        const next = text.charCodeAt(this.pos);
        if (c === LEFT_BRACE) {
          const node: ObjectNode = { kind: "object", entries: [], range: undefined };
          if (next === RIGHT_BRACE) {
            this.pos++;
            node.range = this.rangeFrom(startLine, startColumn);
            value = node;
          } else {
            const open: OpenContainer = {
              node,
              startLine,
              startColumn,
              key: "",
              keyRange: undefined,
              keyIndex: undefined,
            };
            stack.push(open);
            this.parseKey(open, next, undefined);
            continue;
          }
        } else {
          const node: ArrayNode = { kind: "array", items: [], range: undefined };
          if (next === RIGHT_BRACKET) {
            this.pos++;
            node.range = this.rangeFrom(startLine, startColumn);
            value = node;
          } else {
            if (this.pos >= text.length) this.failUnclosed(startLine, startColumn, "array");
            stack.push({ node, startLine, startColumn, key: "", keyRange: undefined, keyIndex: undefined });
            continue;
          }
        }
      } else {
        value = this.parseScalar(c);
      }

      // Attach the finished value to its container; close containers until one expects another value.
      for (;;) {
        const open = stack[stack.length - 1];
        if (open === undefined) break parseValue;
        const container = open.node;
        const isArray = container.kind === "array";
        if (isArray) container.items.push(value);
        else this.addEntry(open, container, value);
        this.skipWhitespace();
        const c2 = text.charCodeAt(this.pos);
        if (c2 === COMMA) {
          const comma = this.position(this.pos);
          this.pos++;
          this.skipWhitespace();
          const next = text.charCodeAt(this.pos);
          if (next === (isArray ? RIGHT_BRACKET : RIGHT_BRACE)) {
            throw new JsonSyntaxError("trailing comma is not allowed in JSON", comma.line, comma.column);
          }
          if (isArray) {
            if (this.pos >= text.length) this.failUnclosed(open.startLine, open.startColumn, "array");
          } else {
            this.parseKey(open, next, comma);
          }
          continue parseValue;
        }
        if (c2 === (isArray ? RIGHT_BRACKET : RIGHT_BRACE)) {
          this.pos++;
          container.range = this.rangeFrom(open.startLine, open.startColumn);
          stack.pop();
          value = container;
          continue;
        }
        if (this.pos >= text.length)
          this.failUnclosed(open.startLine, open.startColumn, isArray ? "array" : "object");
        this.fail(
          `unexpected ${this.describe(this.pos)} (expected ',' or '${isArray ? "]" : "}"}' after ${isArray ? "an array item" : "an object entry"})`,
          this.pos,
        );
      }
    }

    this.skipWhitespace();
    if (this.pos < text.length) {
      this.fail(
        `unexpected ${this.describe(this.pos)} after the end of the JSON value (a JSON text holds exactly one value)`,
        this.pos,
      );
    }
    return value;
  }

  /** Parses `"key"` and `:` at `pos` (whitespace skipped, `c` its character) and leaves `pos` at the value. */
  private parseKey(open: OpenContainer, c: number, comma: SourcePosition | undefined): void {
    if (c !== QUOTE) {
      if (this.pos >= this.text.length) this.failUnclosed(open.startLine, open.startColumn, "object");
      const hint = c === APOSTROPHE ? "; JSON strings use double quotes" : commentHint(c);
      this.fail(
        `unexpected ${this.describe(this.pos)} (expected a property name in double quotes${hint}${comma === undefined ? "" : " after ','"})`,
        this.pos,
      );
    }
    const startColumn = this.pos - this.lineStart + 1;
    open.key = this.parseString();
    open.keyRange = this.rangeOnLine(startColumn);
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== COLON) {
      if (this.pos >= this.text.length) this.failUnclosed(open.startLine, open.startColumn, "object");
      this.fail(`unexpected ${this.describe(this.pos)} (expected ':' after the property name)`, this.pos);
    }
    this.pos++;
    this.skipWhitespace();
    if (this.pos >= this.text.length) this.failUnclosed(open.startLine, open.startColumn, "object");
  }

  private addEntry(open: OpenContainer, node: ObjectNode, value: SourceNode): void {
    const entries = node.entries;
    const key = open.key;
    const entry: SourceEntry = { key, keyRange: open.keyRange, value };
    let previous = -1;
    if (open.keyIndex !== undefined) {
      previous = open.keyIndex.get(key) ?? -1;
      if (previous < 0) open.keyIndex.set(key, entries.length);
    } else {
      for (let i = 0; i < entries.length; i++) {
        if ((entries[i] as SourceEntry).key === key) {
          previous = i;
          break;
        }
      }
      if (previous < 0 && entries.length >= LINEAR_KEY_SCAN_LIMIT) {
        const index = new Map<string, number>();
        for (let i = 0; i < entries.length; i++) index.set((entries[i] as SourceEntry).key, i);
        index.set(key, entries.length);
        open.keyIndex = index;
      }
    }
    if (previous < 0) {
      entries.push(entry);
      return;
    }
    const earlier = (entries[previous] as SourceEntry).keyRange?.start;
    const where = earlier ? ` at line ${earlier.line}, column ${earlier.column}` : "";
    this.warnings.push({
      code: "DuplicateKey",
      severity: "warning",
      message: `duplicate key ${quoteForMessage(key)} in this object: this later value is used and the earlier one${where} is ignored (as JSON.parse does); remove one of them`,
      file: this.file,
      line: open.keyRange?.start.line ?? this.line,
      column: open.keyRange?.start.column ?? 1,
    });
    entries[previous] = entry;
  }

  private parseScalar(c: number): ScalarNode {
    const startColumn = this.pos - this.lineStart + 1;
    let value: string | number | boolean | null;
    if (c === QUOTE) value = this.parseString();
    else if (c === MINUS || (c >= ZERO && c <= NINE)) value = this.parseNumber();
    else if (this.matchesWord("true")) value = true;
    else if (this.matchesWord("false")) value = false;
    else if (this.matchesWord("null")) value = null;
    else this.failNoValue(c);
    return { kind: "scalar", value, range: this.rangeOnLine(startColumn) };
  }

  private matchesWord(word: string): boolean {
    const end = this.pos + word.length;
    if (!this.text.startsWith(word, this.pos) || isWordChar(this.text.charCodeAt(end))) return false;
    this.pos = end;
    return true;
  }

  private failNoValue(c: number): never {
    const text = this.text;
    if (isWordChar(c)) {
      let end = this.pos;
      while (isWordChar(text.charCodeAt(end))) end++;
      const word = text.slice(this.pos, Math.min(end, this.pos + 40));
      this.fail(
        `unexpected word '${word}${end - this.pos > 40 ? "…" : ""}' (expected a value; the JSON literals are true, false and null, and strings need double quotes)`,
        this.pos,
      );
    }
    if (this.pos >= text.length) this.fail("unexpected end of input (expected a value)", this.pos);
    let hint = "";
    if (c === APOSTROPHE) hint = "; JSON strings use double quotes";
    else if (c === PLUS || c === DOT) hint = "; JSON numbers start with '-' or a digit";
    else hint = commentHint(c);
    this.fail(`unexpected ${this.describe(this.pos)} (expected a value${hint})`, this.pos);
  }

  /** Parses a string at `pos` (the opening quote); slices unescaped runs instead of copying characters. */
  private parseString(): string {
    const text = this.text;
    const len = text.length;
    const open = this.pos;
    let i = open + 1;
    let runStart = i;
    let out = "";
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return runStart === open + 1 ? this.sliceShort(runStart, i) : out + text.slice(runStart, i);
      }
      if (c === BACKSLASH) {
        out += text.slice(runStart, i);
        const e = text.charCodeAt(i + 1);
        switch (e) {
          case QUOTE:
            out += '"';
            break;
          case BACKSLASH:
            out += "\\";
            break;
          case SLASH:
            out += "/";
            break;
          case 98: // b
            out += "\b";
            break;
          case 102: // f
            out += "\f";
            break;
          case 110: // n
            out += "\n";
            break;
          case 114: // r
            out += "\r";
            break;
          case 116: // t
            out += "\t";
            break;
          case 117: {
            // u: exactly four hex digits; surrogate pairs come out right by concatenating code units.
            const code =
              (hexValue(text.charCodeAt(i + 2)) << 12) |
              (hexValue(text.charCodeAt(i + 3)) << 8) |
              (hexValue(text.charCodeAt(i + 4)) << 4) |
              hexValue(text.charCodeAt(i + 5));
            if (code < 0) {
              this.fail("invalid unicode escape in string (\\u must be followed by four hex digits)", i);
            }
            out += String.fromCharCode(code);
            i += 4;
            break;
          }
          default:
            if (i + 1 >= len) this.failUnterminatedString(open, "reached the end of input");
            this.fail(
              `invalid escape '\\${this.describeBare(i + 1)}' in string (JSON allows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)`,
              i,
            );
        }
        i += 2;
        runStart = i;
        continue;
      }
      if (c < SPACE) {
        if (c === LINE_FEED || c === CARRIAGE_RETURN) {
          this.failUnterminatedString(
            open,
            "the line ends first; write \\n for a line break inside a string",
          );
        }
        this.fail(
          `control character ${unicodeName(c)} must be escaped inside a JSON string${c === TAB ? " (write \\t)" : ""}`,
          i,
        );
      }
      i++;
    }
    this.failUnterminatedString(open, "reached the end of input");
  }

  /**
   * `text.slice(start, end)`, reusing an earlier equal string when one is cached: policy keys and
   * short values (`Effect`, `Allow`, `2012-10-17`) repeat thousands of times in large templates.
   */
  private sliceShort(start: number, end: number): string {
    const len = end - start;
    if (len > MAX_INTERNED_LENGTH || len === 0) return this.text.slice(start, end);
    const text = this.text;
    const slot =
      (len * 7 +
        text.charCodeAt(start) * 31 +
        text.charCodeAt(end - 1) * 131 +
        text.charCodeAt(start + (len >> 1))) &
      (INTERN_SLOTS - 1);
    const cached = this.interned[slot];
    if (cached !== undefined && cached.length === len && text.startsWith(cached, start)) return cached;
    const fresh = text.slice(start, end);
    this.interned[slot] = fresh;
    return fresh;
  }

  private failUnterminatedString(open: number, why: string): never {
    this.fail(`unterminated string (${why})`, open);
  }

  /** Validates the RFC 8259 number grammar at `pos`; converts like `JSON.parse` (IEEE round to nearest). */
  private parseNumber(): number {
    const text = this.text;
    const start = this.pos;
    let i = start;
    let c = text.charCodeAt(i);
    const negative = c === MINUS;
    if (negative) c = text.charCodeAt(++i);
    const digitsStart = i;
    let accumulated = 0;
    if (c === ZERO) {
      c = text.charCodeAt(++i);
      if (c >= ZERO && c <= NINE) this.fail("invalid number: leading zeros are not allowed in JSON", start);
    } else if (c >= ZERO && c <= NINE) {
      do {
        accumulated = accumulated * 10 + (c - ZERO);
        c = text.charCodeAt(++i);
      } while (c >= ZERO && c <= NINE);
    } else {
      if (isWordChar(c)) this.fail(`unexpected word '-${this.wordAt(i)}' (expected a value)`, start);
      this.fail(`invalid number: expected a digit after '-', found ${this.describe(i)}`, i);
    }
    let simple = i - digitsStart <= SAFE_ACCUMULATED_DIGITS;
    if (c === DOT) {
      simple = false;
      c = text.charCodeAt(++i);
      if (!(c >= ZERO && c <= NINE)) {
        this.fail(`invalid number: expected a digit after the decimal point, found ${this.describe(i)}`, i);
      }
      do c = text.charCodeAt(++i);
      while (c >= ZERO && c <= NINE);
    }
    if (c === LOWER_E || c === UPPER_E) {
      simple = false;
      c = text.charCodeAt(++i);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
      if (!(c >= ZERO && c <= NINE)) {
        this.fail(`invalid number: expected a digit in the exponent, found ${this.describe(i)}`, i);
      }
      do c = text.charCodeAt(++i);
      while (c >= ZERO && c <= NINE);
    }
    this.pos = i;
    if (simple) return negative ? -accumulated : accumulated;
    return Number(text.slice(start, i));
  }

  private wordAt(i: number): string {
    let end = i;
    while (isWordChar(this.text.charCodeAt(end)) && end - i < 40) end++;
    return this.text.slice(i, end);
  }

  private skipWhitespace(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB) i++;
      else if (c === LINE_FEED) {
        i++;
        this.line++;
        this.lineStart = i;
      } else if (c === CARRIAGE_RETURN) {
        i++;
        if (text.charCodeAt(i) === LINE_FEED) i++;
        this.line++;
        this.lineStart = i;
      } else break;
    }
    this.pos = i;
  }

  /** Position of `offset`, which must be on the current line (JSON tokens never contain line breaks). */
  private position(offset: number): SourcePosition {
    return { line: this.line, column: offset - this.lineStart + 1 };
  }

  /** Range from the given start to just after the last consumed character. */
  private rangeFrom(startLine: number, startColumn: number): SourceRange {
    return new PackedRange(this.file, startLine, startColumn, this.line, this.pos - this.lineStart + 1);
  }

  /** {@link rangeFrom} for a token, which never spans lines. */
  private rangeOnLine(startColumn: number): SourceRange {
    const line = this.line;
    return new PackedRange(this.file, line, startColumn, line, this.pos - this.lineStart + 1);
  }

  private failUnclosed(line: number, column: number, what: "object" | "array"): never {
    this.fail(
      `unexpected end of input (an ${what} opened at line ${line}, column ${column} is not closed)`,
      this.text.length,
    );
  }

  private fail(message: string, offset: number): never {
    throw new JsonSyntaxError(message, this.line, offset - this.lineStart + 1);
  }

  /** `character 'x'` or `end of input`, for messages. */
  private describe(offset: number): string {
    if (offset >= this.text.length) return "end of input";
    return `character ${this.describeBare(offset)}`;
  }

  private describeBare(offset: number): string {
    const cp = this.text.codePointAt(offset) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff)) return unicodeName(cp);
    return `'${String.fromCodePoint(cp)}'`;
  }
}

function commentHint(c: number): string {
  return c === SLASH ? "; comments are not allowed in JSON" : "";
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= ZERO && c <= NINE) || c === 95 || c === 36;
}

/** Hex digit value, or a negative number that keeps any `|`-combination of four digits negative. */
function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -0x10000;
}

function unicodeName(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

function quoteForMessage(key: string): string {
  const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  return JSON.stringify(shown);
}

/** Line and column of `offset` by counting line breaks; used only off the hot path. */
function positionOfOffset(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = text.charCodeAt(0) === BOM ? 1 : 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === LINE_FEED || (c === CARRIAGE_RETURN && text.charCodeAt(i + 1) !== LINE_FEED)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
