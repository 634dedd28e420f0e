/**
 * IAM wildcard matching, as used by `StringLike`, `ArnLike`, `Action`, `Resource` and principals:
 * `*` matches any sequence of characters (including none), `?` matches exactly one character, every
 * other character is literal, and the whole text must match.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 *
 * Characters are UTF-16 code units, as JavaScript strings count them: `?` matches one code unit, so a
 * character outside the Basic Multilingual Plane (an emoji, written as a surrogate pair) needs `??`.
 * IAM values are ASCII in practice, where the two notions agree.
 *
 * Patterns come from untrusted input, so no regular expression is built from them and the matcher
 * never backtracks: the pattern is split at `*` into segments; the first segment must match at the
 * start, the last at the end, and each middle segment is placed at its leftmost match after the
 * previous one. Leftmost placement is always right for globs: any match that places a segment later
 * can be shifted left without affecting what the surrounding `*` can absorb. Segments with `?` are
 * found with a bit-parallel shift-and scan, literal ones with `String.prototype.indexOf`, so each text
 * character is examined a bounded number of times per segment (per 31-character word of it).
 */

export interface GlobOptions {
  /**
   * Compare case-insensitively: each UTF-16 code unit of pattern and text is replaced by
   * `toLowerCase()` of that single character (kept as is when the lowercase form is longer, as for
   * U+0130). Used for actions, which AWS matches without regard to case.
   */
  ignoreCase?: boolean;
  /** `*` and `?` do not match `:`; used per ARN component by `ArnLike` (see `arn.ts`). */
  noColon?: boolean;
}

/** Whether the whole `text` matches the IAM wildcard `pattern`. */
export function matchGlob(pattern: string, text: string, options?: GlobOptions): boolean {
  // Policies repeat a handful of patterns across many evaluations: keep the compiled ones, one table
  // per option set so that the pattern string itself is the key.
  const slot = (options?.ignoreCase ? 1 : 0) + (options?.noColon ? 2 : 0);
  const cache = caches[slot] as Map<string, CompiledGlob>;
  let glob = cache.get(pattern);
  if (!glob) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    glob = compileGlob(pattern, options);
    cache.set(pattern, glob);
  }
  return glob.matches(text);
}

const CACHE_LIMIT = 4096;
const caches = [
  new Map<string, CompiledGlob>(),
  new Map<string, CompiledGlob>(),
  new Map<string, CompiledGlob>(),
  new Map<string, CompiledGlob>(),
];

/** Whether `s` contains an IAM wildcard character (`*` or `?`). */
export function hasWildcard(s: string): boolean {
  return s.includes("*") || s.includes("?");
}

/** A pattern prepared once for matching against many texts. */
export interface CompiledGlob {
  readonly pattern: string;
  matches(text: string): boolean;
}

/** Prepares `pattern` for repeated matching with the same options. */
export function compileGlob(pattern: string, options?: GlobOptions): CompiledGlob {
  return new Glob(pattern, options?.ignoreCase === true, options?.noColon === true);
}

const QUESTION = 63;
const COLON = 58;

/** Bits per word of a shift-and state; 31 keeps every word a non-negative 32-bit integer. */
const WORD_BITS = 31;
const WORD_MASK = 0x7fffffff;

class Glob implements CompiledGlob {
  /** The pattern split at `*`; one segment means no `*`. Middle segments are never empty. */
  private readonly segments: Segment[];

  constructor(
    readonly pattern: string,
    private readonly ignoreCase: boolean,
    private readonly noColon: boolean,
  ) {
    const parts = (ignoreCase ? foldCase(pattern) : pattern).split("*");
    const last = parts.length - 1;
    this.segments = parts
      .filter((part, i) => i === 0 || i === last || part.length > 0)
      .map((part) => new Segment(part, noColon));
  }

  matches(input: string): boolean {
    const text = this.ignoreCase ? foldCase(input) : input;
    const segments = this.segments;
    const first = segments[0] as Segment;
    if (segments.length === 1) return text.length === first.length && first.matchesAt(text, 0);
    const last = segments[segments.length - 1] as Segment;
    const suffixStart = text.length - last.length;
    if (first.length > suffixStart || !first.matchesAt(text, 0) || !last.matchesAt(text, suffixStart)) {
      return false;
    }
    let from = first.length;
    for (let k = 1; k < segments.length - 1; k++) {
      const segment = segments[k] as Segment;
      let lastStart = suffixStart - segment.length;
      if (this.noColon) {
        // The `*` before this segment covers text[from, start), which must not contain ':'.
        const colon = text.indexOf(":", from);
        if (colon >= 0 && colon < lastStart) lastStart = colon;
      }
      const start = segment.find(text, from, lastStart);
      if (start < 0) return false;
      from = start + segment.length;
    }
    if (this.noColon) {
      const colon = text.indexOf(":", from);
      if (colon >= 0 && colon < suffixStart) return false;
    }
    return true;
  }
}

/** A run of the pattern between two `*`: literal characters and `?`. */
class Segment {
  readonly length: number;
  private readonly table: ShiftAndTable | undefined;

  constructor(
    private readonly text: string,
    private readonly noColon: boolean,
  ) {
    this.length = text.length;
    this.table = text.includes("?") ? new ShiftAndTable(text, noColon) : undefined;
  }

  /** Whether the segment matches `text` at exactly `offset` (which the caller keeps in bounds). */
  matchesAt(text: string, offset: number): boolean {
    const seg = this.text;
    for (let j = 0; j < seg.length; j++) {
      const p = seg.charCodeAt(j);
      const c = text.charCodeAt(offset + j);
      if (p === QUESTION ? this.noColon && c === COLON : p !== c) return false;
    }
    return true;
  }

  /** Leftmost start in [from, lastStart] where the segment matches, or -1. */
  find(text: string, from: number, lastStart: number): number {
    if (lastStart < from) return -1;
    if (this.table === undefined) {
      const start = text.indexOf(this.text, from);
      return start >= 0 && start <= lastStart ? start : -1;
    }
    return this.table.find(text, from, lastStart);
  }
}

/**
 * Shift-and (Baeza-Yates–Gonnet) tables for one segment: bit j of the state is set when the first
 * j+1 segment characters match the text ending at the current character. `?` sets its bit for every
 * character (except ':' under `noColon`); states longer than 31 bits span several words.
 */
class ShiftAndTable {
  private readonly length: number;
  private readonly words: number;
  private readonly lastWord: number;
  private readonly lastBit: number;
  /** Masks of positions holding `?`, one per word. */
  private readonly any: Int32Array;
  /** Masks of positions holding each ASCII character: `ascii[c * words + w]`. */
  private readonly ascii: Int32Array;
  /** Masks of positions holding each other character. */
  private readonly other = new Map<number, Int32Array>();
  private readonly state: Int32Array;

  constructor(
    segment: string,
    private readonly noColon: boolean,
  ) {
    const m = segment.length;
    const words = Math.ceil(m / WORD_BITS);
    this.length = m;
    this.words = words;
    this.lastWord = words - 1;
    this.lastBit = 1 << ((m - 1) % WORD_BITS);
    this.any = new Int32Array(words);
    this.ascii = new Int32Array(128 * words);
    this.state = new Int32Array(words);
    for (let j = 0; j < m; j++) {
      const c = segment.charCodeAt(j);
      const w = (j / WORD_BITS) | 0;
      const bit = 1 << (j % WORD_BITS);
      if (c === QUESTION) {
        this.any[w] = (this.any[w] as number) | bit;
      } else if (c < 128) {
        const at = c * words + w;
        this.ascii[at] = (this.ascii[at] as number) | bit;
      } else {
        let masks = this.other.get(c);
        if (masks === undefined) {
          masks = new Int32Array(words);
          this.other.set(c, masks);
        }
        masks[w] = (masks[w] as number) | bit;
      }
    }
  }

  /** Mask word `w` for text character `c`. */
  private mask(c: number, w: number): number {
    const literal = c < 128 ? (this.ascii[c * this.words + w] as number) : (this.other.get(c)?.[w] ?? 0);
    return this.noColon && c === COLON ? literal : literal | (this.any[w] as number);
  }

  find(text: string, from: number, lastStart: number): number {
    return this.words === 1
      ? this.findOneWord(text, from, lastStart)
      : this.findManyWords(text, from, lastStart);
  }

  private findOneWord(text: string, from: number, lastStart: number): number {
    const length = this.length;
    const end = lastStart + length;
    let state = 0;
    for (let i = from; i < end; i++) {
      state = ((state << 1) | 1) & this.mask(text.charCodeAt(i), 0);
      if ((state & this.lastBit) !== 0) return i - length + 1;
    }
    return -1;
  }

  private findManyWords(text: string, from: number, lastStart: number): number {
    const words = this.words;
    const length = this.length;
    const end = lastStart + length;
    const state = this.state;
    state.fill(0);
    for (let i = from; i < end; i++) {
      const c = text.charCodeAt(i);
      let carry = 1;
      for (let w = 0; w < words; w++) {
        const d = state[w] as number;
        state[w] = ((d << 1) | carry) & WORD_MASK & this.mask(c, w);
        carry = (d >>> (WORD_BITS - 1)) & 1;
      }
      if (((state[this.lastWord] as number) & this.lastBit) !== 0) return i - length + 1;
    }
    return -1;
  }
}

/** Lowercase forms of non-ASCII code units, filled on demand. */
const foldedUnits = new Map<number, number>();

function foldUnit(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  let folded = foldedUnits.get(c);
  if (folded === undefined) {
    const lower = String.fromCharCode(c).toLowerCase();
    folded = lower.length === 1 ? lower.charCodeAt(0) : c;
    foldedUnits.set(c, folded);
  }
  return folded;
}

/** Lowercases each code unit on its own (no context rules such as the Greek final sigma), keeping length. */
function foldCase(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 128) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s.toLowerCase();
  const units = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) units[i] = foldUnit(s.charCodeAt(i));
  let out = "";
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}
