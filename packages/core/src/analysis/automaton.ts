import { splitArn } from "../iam/arn.js";
/**
 * Glob languages as small NFAs, and a breadth-first search for the shortest string that every
 * positive language accepts and no negative language accepts. IAM condition patterns are globs
 * (`*`, `?`), optionally per ARN component, so the intersection of a few of them and the complement
 * of others is decided exactly by exploring the product of their (determinised, on the fly) automata.
 */

export type GlobToken =
  | { kind: "char"; char: string; ignoreCase: boolean }
  | { kind: "star"; noColon: boolean }
  | { kind: "one"; noColon: boolean };

/** A glob pattern compiled to tokens. `universal` accepts everything; `empty` accepts nothing. */
export interface GlobPattern {
  tokens: GlobToken[];
  universal?: boolean;
  empty?: boolean;
  /** For messages and debugging. */
  source: string;
  /** Identifies the language (kind, flags and text), so that searches can be cached. */
  key?: string;
}

/** Language union: a value is in it when any pattern accepts it. */
export type Union = GlobPattern[];

/**
 * Tokens are immutable: one object per character and flag serves every pattern, so that a pattern
 * is an array of references (patterns are kept in caches for the whole run, and each ARN of a
 * template is one). At most two per UTF-16 unit; emptied with the pattern caches.
 */
const charTokens = new Map<string, GlobToken>();
const caseTokens = new Map<string, GlobToken>();
const STAR: GlobToken = { kind: "star", noColon: false };
const STAR_NO_COLON: GlobToken = { kind: "star", noColon: true };
const ONE: GlobToken = { kind: "one", noColon: false };
const ONE_NO_COLON: GlobToken = { kind: "one", noColon: true };

/** The token that reads one UTF-16 unit `char` (in either case under `ignoreCase`). */
export function charToken(char: string, ignoreCase: boolean): GlobToken {
  const tokens = ignoreCase ? caseTokens : charTokens;
  let t = tokens.get(char);
  if (!t) {
    t = { kind: "char", char, ignoreCase };
    tokens.set(char, t);
  }
  return t;
}

/** `*` (any run of characters, without `:` when `noColon`). */
export function starToken(noColon: boolean): GlobToken {
  return noColon ? STAR_NO_COLON : STAR;
}

/** `?` (one character, not `:` when `noColon`). */
export function oneToken(noColon: boolean): GlobToken {
  return noColon ? ONE_NO_COLON : ONE;
}

function makeExactPattern(text: string, ignoreCase = false): GlobPattern {
  // One token per UTF-16 unit (a character outside the BMP is two).
  const tokens: GlobToken[] = [];
  for (let i = 0; i < text.length; i++) tokens.push(charToken(text[i] as string, ignoreCase));
  return { tokens, source: text, key: `e${ignoreCase ? "i" : ""}:${text}` };
}

const exactCache = new Map<string, GlobPattern>();

/** StringEquals: the text itself (patterns are immutable, so equal ones are shared). */
export function exactPattern(text: string, ignoreCase = false): GlobPattern {
  const key = `${ignoreCase ? "i" : "s"}${text}`;
  let p = exactCache.get(key);
  if (!p) {
    if (exactCache.size >= 20_000) exactCache.clear();
    p = makeExactPattern(text, ignoreCase);
    exactCache.set(key, p);
  }
  return p;
}

/**
 * Compiled glob and ARN patterns by flags and text: statements repeat the same values (every
 * statement of a template names the same actions and services), and patterns are immutable.
 */
const patternCache = new Map<string, GlobPattern>();
const MAX_CACHED_PATTERNS = 20_000;

function cachedPattern(key: string, make: () => GlobPattern): GlobPattern {
  let p = patternCache.get(key);
  if (!p) {
    if (patternCache.size >= MAX_CACHED_PATTERNS) patternCache.clear();
    p = make();
    patternCache.set(key, p);
  }
  return p;
}

/** StringLike: `*` and `?` over the whole string (they cross `:` and `/`). */
export function globPattern(text: string, ignoreCase = false, noColon = false): GlobPattern {
  return cachedPattern(`g${ignoreCase ? "i" : ""}${noColon ? "c" : ""}:${text}`, () =>
    makeGlobPattern(text, ignoreCase, noColon),
  );
}

function makeGlobPattern(text: string, ignoreCase: boolean, noColon: boolean): GlobPattern {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "*") {
      const last = tokens[tokens.length - 1];
      if (!(last && last.kind === "star")) tokens.push(starToken(noColon));
    } else if (c === "?") tokens.push(oneToken(noColon));
    else tokens.push(charToken(c, ignoreCase));
  }
  return { tokens, source: text, key: `g${ignoreCase ? "i" : ""}${noColon ? "c" : ""}:${text}` };
}

/**
 * ArnLike / ArnEquals: six components, wildcards of the first five never cross `:`; the resource
 * (the rest) may. A pattern with fewer than six components never matches, except `*`.
 */
export function arnPattern(text: string): GlobPattern {
  return cachedPattern(`a:${text}`, () => makeArnPattern(text));
}

function makeArnPattern(text: string): GlobPattern {
  if (text === "*") return { tokens: [], universal: true, source: text, key: "u" };
  let colons = 0;
  const tokens: GlobToken[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const inResource = colons >= 5;
    if (c === ":" && !inResource) {
      colons++;
      tokens.push(charToken(":", false));
    } else if (c === "*") {
      const last = tokens[tokens.length - 1];
      if (!(last && last.kind === "star" && last.noColon === !inResource))
        tokens.push(starToken(!inResource));
    } else if (c === "?") tokens.push(oneToken(!inResource));
    else tokens.push(charToken(c, false));
  }
  if (colons < 5) return { tokens: [], empty: true, source: text, key: "0" };
  return { tokens, source: text, key: `a:${text}` };
}

function tokenAccepts(t: GlobToken, ch: string): boolean {
  if (t.kind === "char") return t.ignoreCase ? t.char.toLowerCase() === ch.toLowerCase() : t.char === ch;
  return !(t.noColon && ch === ":");
}

/** State of one pattern: the sorted set of token positions reached (epsilon-closed). */
type PatternState = number[];

/**
 * The epsilon closure of positions given in ascending order (repeats allowed): a star reaches the
 * position after it. A position's closure is the run of stars from it and the one after the run, so
 * one that falls inside the previous run adds nothing: one pass, ascending, without repeats.
 */
function closure(p: GlobPattern, positions: readonly number[]): PatternState {
  const out: number[] = [];
  let last = -1;
  for (const i of positions) {
    if (i <= last) continue;
    let j = i;
    out.push(j);
    while (p.tokens[j]?.kind === "star") out.push(++j);
    last = j;
  }
  return out;
}

function step(p: GlobPattern, state: PatternState, ch: string): PatternState {
  if (p.universal || p.empty) return state;
  const next: number[] = [];
  for (const i of state) {
    const t = p.tokens[i];
    if (!t || !tokenAccepts(t, ch)) continue;
    if (t.kind === "star") next.push(i);
    else next.push(i + 1);
  }
  if (next.length === 0) return next;
  // One position that is not a star is its own closure (the common case: a literal being read).
  if (next.length === 1 && p.tokens[next[0] as number]?.kind !== "star") return next;
  return closure(p, next);
}

/** Whether some position of `state` reads `ch`: the pattern is still alive after `ch`. */
function reads(p: GlobPattern, state: PatternState, ch: string): boolean {
  for (const i of state) {
    const t = p.tokens[i];
    if (t && tokenAccepts(t, ch)) return true;
  }
  return false;
}

/** Whether every positive union keeps a live pattern after `ch` (what `alive` says of the stepped states). */
function viable(t: Tracks, s: { pos: PatternState[][] }, ch: string): boolean {
  for (let i = 0; i < t.pos.length; i++) {
    const u = t.pos[i] as GlobPattern[];
    const states = s.pos[i];
    let ok = false;
    for (let j = 0; j < u.length; j++) {
      const p = u[j] as GlobPattern;
      if (p.universal || (!p.empty && reads(p, states?.[j] ?? [], ch))) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

/**
 * Whether the pattern accepts every continuation of a string that reached `state`: some position
 * is followed only by stars that take any character (`*X*` once X is read). A negative pattern in
 * such a state rules out every completion, so the search drops the node: without that, a handful of
 * "contains X" negatives multiplied the states it kept (2^n) until it hit its bound.
 */
function absorbed(p: GlobPattern, state: PatternState): boolean {
  if (p.universal) return true;
  if (p.empty) return false;
  let tail = absorbingFrom.get(p);
  if (tail === undefined) {
    tail = p.tokens.length;
    while (tail > 0) {
      const t = p.tokens[tail - 1] as GlobToken;
      if (t.kind !== "star" || t.noColon) break;
      tail--;
    }
    absorbingFrom.set(p, tail);
  }
  // A position at one of the trailing free stars reads anything from there on (the end alone does
  // not: a longer string may fall out of an exact pattern).
  for (const i of state) if (i >= tail && i < p.tokens.length) return true;
  return false;
}

const absorbingFrom = new WeakMap<GlobPattern, number>();

/** Whether some negative union of the tracks is absorbed (see `absorbed`): no completion meets them. */
function negativeAbsorbed(t: Tracks, s: { neg: PatternState[][] }): boolean {
  for (let i = 0; i < t.neg.length; i++) {
    const u = t.neg[i] as GlobPattern[];
    for (let j = 0; j < u.length; j++) if (absorbed(u[j] as GlobPattern, s.neg[i]?.[j] ?? [])) return true;
  }
  return false;
}

function accepts(p: GlobPattern, state: PatternState): boolean {
  if (p.universal) return true;
  if (p.empty) return false;
  return state.includes(p.tokens.length);
}

function start(p: GlobPattern): PatternState {
  if (p.universal || p.empty) return [];
  return closure(p, [0]);
}

/** Literal characters of a pattern, in both cases where the pattern ignores case. */
export function patternAlphabet(p: GlobPattern, into: Set<string>): void {
  for (const t of p.tokens) {
    if (t.kind !== "char") continue;
    into.add(t.char);
  }
  for (const t of p.tokens) {
    if (t.kind !== "char" || !t.ignoreCase) continue;
    into.add(t.char.toLowerCase());
    into.add(t.char.toUpperCase());
  }
}

/** The shortest member of a glob language: wildcards `*` empty, `?` a filler. */
function instantiate(p: GlobPattern): string {
  let out = "";
  for (const t of p.tokens) {
    if (t.kind === "char") out += t.char;
    else if (t.kind === "one") out += "x";
  }
  return out;
}

/** Constraints on one string: in every positive union, in no negative union. */
export interface StringConstraints {
  positives: Union[];
  negatives: Union[];
  /**
   * For a 12-digit account only: the numbers it may be, as sorted, disjoint, inclusive ranges (the
   * Numeric operators on `aws:SourceAccount`). The search walks the digits with them, so that a
   * pattern and a bound on the same account are met together (`StringLike "13*9"` and
   * `NumericGreaterThan 135700000000`: 139999999999). Absent: any number.
   */
  numeric?: ReadonlyArray<readonly [number, number]>;
}

const ACCOUNT_DIGITS = 12;

/**
 * How the accounts starting with `prefix` (digits) stand to `ranges`: all inside one range ("in"),
 * none inside any ("out"), or some ("edge").
 */
function numericClass(
  prefix: string,
  ranges: ReadonlyArray<readonly [number, number]>,
): "in" | "out" | "edge" {
  const scale = 10 ** (ACCOUNT_DIGITS - prefix.length);
  const lo = (prefix === "" ? 0 : Number(prefix)) * scale;
  const hi = lo + scale - 1;
  for (const [a, b] of ranges) {
    if (b < lo) continue;
    if (a > hi) return "out";
    return a <= lo && hi <= b ? "in" : "edge";
  }
  return "out";
}

/** Whether a written account is one of the numbers `ranges` allows (any, without ranges). */
function inNumeric(c: StringConstraints, account: string): boolean {
  if (!c.numeric) return true;
  return TWELVE_DIGITS.test(account) && numericClass(account, c.numeric) === "in";
}

function numericKey(c: StringConstraints): string {
  return c.numeric ? `n${c.numeric.map(([a, b]) => `${a}-${b}`).join(",")}` : "";
}

/** Shape of the strings searched. */
export type StringDomain =
  | { kind: "free" }
  /** A 12-digit AWS account id. */
  | { kind: "account" }
  /** An organization id `o-` + 10 to 32 of [a-z0-9]. */
  | { kind: "org" }
  /**
   * An ARN `arn:<partition>:<service>:<region>:<account>:<resource>` whose account component is
   * empty (`account: "empty"`), a given string (`account: {fixed}`), or a 12-digit account searched
   * jointly with constraints that the same account must meet (`account: {joint}`).
   */
  | { kind: "arn"; account: "empty" | { fixed: string } | { joint: StringConstraints } };

export interface SearchLimits {
  maxStates: number;
  maxLength: number;
}

export const DEFAULT_LIMITS: SearchLimits = { maxStates: 200_000, maxLength: 400 };

export type SearchResult =
  | { found: true; value: string; account?: string }
  | { found: false; exhausted: boolean };

const DIGITS = "0123456789".split("");
const ORG_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".split("");
/** Filler characters that never occur in AWS documentation literals in a way that matters; the first one absent from the patterns is used. */
const FRESH_CANDIDATES = ["x", "q", "z", "k", "j", "w", "v", "0", "7", "_"];

interface Tracks {
  pos: GlobPattern[][];
  neg: GlobPattern[][];
}

function flatten(c: StringConstraints): Tracks {
  return { pos: c.positives, neg: c.negatives };
}

function initStates(t: Tracks): { pos: PatternState[][]; neg: PatternState[][] } {
  return { pos: t.pos.map((u) => u.map(start)), neg: t.neg.map((u) => u.map(start)) };
}

function stepAll(t: Tracks, s: { pos: PatternState[][]; neg: PatternState[][] }, ch: string) {
  return {
    pos: t.pos.map((u, i) => u.map((p, j) => step(p, s.pos[i]?.[j] ?? [], ch))),
    neg: t.neg.map((u, i) => u.map((p, j) => step(p, s.neg[i]?.[j] ?? [], ch))),
  };
}

function acceptedAll(t: Tracks, s: { pos: PatternState[][]; neg: PatternState[][] }): boolean {
  if (!t.pos.every((u, i) => u.some((p, j) => accepts(p, s.pos[i]?.[j] ?? [])))) return false;
  return !t.neg.some((u, i) => u.some((p, j) => accepts(p, s.neg[i]?.[j] ?? [])));
}

function keyOf(s: { pos: PatternState[][]; neg: PatternState[][] }): string {
  let k = "";
  for (const u of s.pos) for (const p of u) k += `${p.join(",")}|`;
  k += "#";
  for (const u of s.neg) for (const p of u) k += `${p.join(",")}|`;
  return k;
}

/**
 * Finds a shortest string of the domain that meets the constraints, or proves there is none (the
 * product automaton is finite: the search stops when no new state is reachable).
 */
function unionKey(u: Union): string | undefined {
  let k = "";
  for (const p of u) {
    if (p.key === undefined) return undefined;
    k += `${p.key.length}:${p.key}`;
  }
  return k;
}

function constraintsKey(c: StringConstraints): string | undefined {
  let k = "";
  for (const u of c.positives) {
    const uk = unionKey(u);
    if (uk === undefined) return undefined;
    k += `+${uk.length}:${uk}`;
  }
  for (const u of c.negatives) {
    const uk = unionKey(u);
    if (uk === undefined) return undefined;
    k += `-${uk.length}:${uk}`;
  }
  return k + numericKey(c);
}

function searchKey(c: StringConstraints, d: StringDomain, limits: SearchLimits): string | undefined {
  const main = constraintsKey(c);
  if (main === undefined) return undefined;
  let dk: string = d.kind;
  if (d.kind === "arn") {
    if (d.account === "empty") dk += ":empty";
    else if ("fixed" in d.account) dk += `:fixed:${d.account.fixed}`;
    else {
      const j = constraintsKey(d.account.joint);
      if (j === undefined) return undefined;
      dk += `:joint:${j}`;
    }
  }
  return `${limits.maxStates}/${limits.maxLength}|${dk}|${main}`;
}

/**
 * Searches repeat across the statements of a template (the same guards, the same accounts of ours):
 * the results of recent ones are kept. Bounded; cleared when full.
 */
const searchCache = new Map<string, SearchResult>();
const SEARCH_CACHE_LIMIT = 20_000;

/** Empties the pattern and search caches (benchmarks measure a first run with it). */
export function clearAutomatonCaches(): void {
  searchCache.clear();
  exactCache.clear();
  patternCache.clear();
  charTokens.clear();
  caseTokens.clear();
}

export function solveString(
  constraints: StringConstraints,
  domain: StringDomain,
  limits: SearchLimits = DEFAULT_LIMITS,
): SearchResult {
  // Cheap cases and very large constraint sets (long Resource lists) are not worth a cache key.
  let patterns = 0;
  for (const u of constraints.positives) patterns += u.length;
  for (const u of constraints.negatives) patterns += u.length;
  const trivial =
    domain.kind === "free" && constraints.negatives.length === 0 && constraints.positives.length <= 1;
  if (!trivial) {
    // Cheaper than the cache key.
    const literal = literalAnswer(constraints, domain, limits);
    if (literal) return literal;
  }
  const key = trivial || patterns > 64 ? undefined : searchKey(constraints, domain, limits);
  if (key !== undefined) {
    const hit = searchCache.get(key);
    if (hit) return hit;
  }
  const result = solveStringUncached(constraints, domain, limits);
  if (key !== undefined) {
    if (searchCache.size >= SEARCH_CACHE_LIMIT) searchCache.clear();
    searchCache.set(key, result);
  }
  return result;
}

/** The text of a pattern without wildcards that compares case-sensitively, else undefined. */
function literalText(p: GlobPattern): string | undefined {
  if (p.universal || p.empty) return undefined;
  let out = "";
  for (const t of p.tokens) {
    if (t.kind !== "char" || t.ignoreCase) return undefined;
    out += t.char;
  }
  return out;
}

/** `literalText` of each pattern, computed once (patterns are immutable and shared): the text a pattern without wildcards stands for. */
const literals = new WeakMap<GlobPattern, string | null>();

export function literalOf(p: GlobPattern): string | undefined {
  let lit = literals.get(p);
  if (lit === undefined) {
    lit = literalText(p) ?? null;
    literals.set(p, lit);
  }
  return lit ?? undefined;
}

/**
 * Two buffers of positions for `acceptsText`, grown to the longest pattern seen: a test is asked
 * for every value of every candidate, and a state array per character was most of the garbage.
 */
let positionsNow = new Int32Array(64);
let positionsNext = new Int32Array(64);

/** Whether the pattern's language holds `text` (`start`, `step` and `accepts`, in place). */
export function acceptsText(p: GlobPattern, text: string): boolean {
  const lit = literalOf(p);
  if (lit !== undefined) return lit === text;
  if (p.universal) return true;
  if (p.empty) return false;
  const tokens = p.tokens;
  const end = tokens.length;
  if (positionsNow.length <= end) {
    positionsNow = new Int32Array(2 * (end + 1));
    positionsNext = new Int32Array(2 * (end + 1));
  }
  let now = positionsNow;
  let next = positionsNext;
  let size = 0;
  let j = 0;
  now[size++] = 0;
  while (tokens[j]?.kind === "star") now[size++] = ++j;
  for (let c = 0; c < text.length; c++) {
    if (size === 0) return false;
    const ch = text[c] as string;
    // As `step`: the positions reached are ascending, so the closure is one pass (see `closure`).
    let count = 0;
    let last = -1;
    for (let k = 0; k < size; k++) {
      const i = now[k] as number;
      const t = tokens[i];
      if (!t || !tokenAccepts(t, ch)) continue;
      let reached = t.kind === "star" ? i : i + 1;
      if (reached <= last) continue;
      next[count++] = reached;
      while (tokens[reached]?.kind === "star") next[count++] = ++reached;
      last = reached;
    }
    const swap = now;
    now = next;
    next = swap;
    size = count;
  }
  return size > 0 && now[size - 1] === end;
}

function meets(c: StringConstraints, text: string): boolean {
  return (
    c.positives.every((u) => u.some((p) => acceptsText(p, text))) &&
    !c.negatives.some((u) => u.some((p) => acceptsText(p, text))) &&
    inNumeric(c, text)
  );
}

const TWELVE_DIGITS = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * When a positive union is one literal (`ArnLike` of an ARN without wildcards), the language holds
 * that one string: the answer is it, if it meets the other constraints and the domain, or none. The
 * search would find the same after walking it character by character; this decides it directly.
 * Undefined when no union is such a literal.
 */
function literalAnswer(
  c: StringConstraints,
  domain: StringDomain,
  limits: SearchLimits,
): SearchResult | undefined {
  let text: string | undefined;
  for (const u of c.positives) {
    if (u.length !== 1) continue;
    text = literalOf(u[0] as GlobPattern);
    if (text !== undefined) break;
  }
  if (text === undefined || text.length >= limits.maxStates) return undefined;
  const none: SearchResult = { found: false, exhausted: false };
  if (text.length > limits.maxLength || !meets(c, text)) return none;
  switch (domain.kind) {
    case "free":
      return { found: true, value: text };
    case "account":
      return TWELVE_DIGITS.test(text) ? { found: true, value: text } : none;
    case "org":
      return ORG_ID.test(text) ? { found: true, value: text } : none;
    case "arn": {
      const parts = splitArn(text);
      if (parts?.[0] !== "arn") return none;
      const account = parts[4] as string;
      const acct = domain.account;
      if (acct === "empty") return account === "" ? { found: true, value: text } : none;
      if ("fixed" in acct) return account === acct.fixed ? { found: true, value: text } : none;
      if (!TWELVE_DIGITS.test(account) || !meets(acct.joint, account)) return none;
      return { found: true, value: text, account };
    }
  }
}

function solveStringUncached(
  constraints: StringConstraints,
  domain: StringDomain,
  limits: SearchLimits,
): SearchResult {
  if (domain.kind === "free" && constraints.negatives.length === 0 && constraints.positives.length <= 1) {
    // One union and nothing to avoid (a long Resource list, say): any member will do, no search needed.
    const union = constraints.positives[0];
    if (!union) return { found: true, value: "" };
    for (const p of union) {
      if (p.universal) return { found: true, value: "" };
      if (p.empty) continue;
      return { found: true, value: instantiate(p) };
    }
    return { found: false, exhausted: false };
  }
  const literal = literalAnswer(constraints, domain, limits);
  if (literal) return literal;
  return searchString(constraints, domain, limits);
}

/** The breadth-first search alone, without the shortcuts above (exported for tests). */
export function searchString(
  constraints: StringConstraints,
  domain: StringDomain,
  limits: SearchLimits = DEFAULT_LIMITS,
): SearchResult {
  const main = flatten(constraints);
  const joint =
    domain.kind === "arn" && typeof domain.account === "object" && "joint" in domain.account
      ? flatten(domain.account.joint)
      : { pos: [], neg: [] };
  const fixedAccount =
    domain.kind === "arn" && typeof domain.account === "object" && "fixed" in domain.account
      ? domain.account.fixed
      : undefined;
  if (main.pos.some((u) => u.length === 0 || u.every((p) => p.empty)))
    return { found: false, exhausted: false };
  if (joint.pos.some((u) => u.length === 0 || u.every((p) => p.empty)))
    return { found: false, exhausted: false };

  const letters = new Set<string>();
  for (const u of [...main.pos, ...main.neg, ...joint.pos, ...joint.neg])
    for (const p of u) patternAlphabet(p, letters);
  if (fixedAccount) for (const c of fixedAccount) letters.add(c);
  const fresh = FRESH_CANDIDATES.find((c) => !letters.has(c)) ?? "\u00e6";
  // Insertion order: characters as the patterns write them come before their other case.
  const general = [...letters].filter((c) => c !== ":");
  general.push(fresh);

  // Structure state: for ARNs, the component (0..5) and characters written in it.
  interface Node {
    comp: number;
    len: number;
    s: { pos: PatternState[][]; neg: PatternState[][] };
    j: { pos: PatternState[][]; neg: PatternState[][] };
    text: string;
    account: string;
  }
  const startNode: Node = {
    comp: 0,
    len: 0,
    s: initStates(main),
    j: initStates(joint),
    text: "",
    account: "",
  };
  const seen = new Set<string>();
  let queue: Node[] = [startNode];
  let states = 0;

  // Numeric ranges on the account: the digits written so far, while they decide the future (an
  // "edge" prefix); a prefix whose every completion is in range behaves as any other such prefix.
  const mainNumeric = domain.kind === "account" ? constraints.numeric : undefined;
  const jointNumeric =
    domain.kind === "arn" && typeof domain.account === "object" && "joint" in domain.account
      ? domain.account.joint.numeric
      : undefined;
  const numericOf = (digits: string, ranges: ReadonlyArray<readonly [number, number]> | undefined) => {
    if (!ranges) return "";
    const c = numericClass(digits, ranges);
    return c === "edge" ? `e${digits}` : c;
  };
  const nodeKey = (n: Node): string => {
    const lenKey =
      domain.kind === "free"
        ? 0
        : domain.kind === "arn"
          ? n.comp === 0 || n.comp === 4
            ? n.len
            : Math.min(n.len, 1)
          : n.len;
    const num = mainNumeric
      ? numericOf(n.text, mainNumeric)
      : jointNumeric && n.comp === 4
        ? numericOf(n.account, jointNumeric)
        : "";
    return `${n.comp}:${lenKey}:${num}:${keyOf(n.s)}@${keyOf(n.j)}`;
  };

  const isFinal = (n: Node): boolean => {
    if (!acceptedAll(main, n.s)) return false;
    switch (domain.kind) {
      case "free":
        return true;
      case "account":
        return n.len === 12;
      case "org":
        return n.len >= 12 && n.len <= 34;
      case "arn":
        return n.comp === 5 && acceptedAll(joint, n.j);
    }
  };

  const moves = (
    n: Node,
  ): Array<{ ch: string; next: Omit<Node, "s" | "j" | "text"> & { joint: boolean } }> => {
    const out: Array<{ ch: string; next: Omit<Node, "s" | "j" | "text"> & { joint: boolean } }> = [];
    const add = (ch: string, comp: number, len: number, joint = false, account = n.account) =>
      out.push({ ch, next: { comp, len, account, joint } });
    switch (domain.kind) {
      case "free":
        for (const c of general) add(c, 0, n.len + 1);
        add(":", 0, n.len + 1);
        break;
      case "account":
        if (n.len < 12)
          for (const c of DIGITS)
            if (!mainNumeric || numericClass(n.text + c, mainNumeric) !== "out") add(c, 0, n.len + 1);
        break;
      case "org":
        if (n.len === 0) add("o", 0, 1);
        else if (n.len === 1) add("-", 0, 2);
        else if (n.len < 34) for (const c of ORG_CHARS) add(c, 0, n.len + 1);
        break;
      case "arn": {
        const acct = domain.account;
        if (n.comp === 0) {
          const want = "arn";
          if (n.len < 3) add(want[n.len] as string, 0, n.len + 1);
          else add(":", 1, 0);
        } else if (n.comp >= 1 && n.comp <= 3) {
          for (const c of general) add(c, n.comp, n.len + 1);
          add(":", n.comp + 1, 0);
        } else if (n.comp === 4) {
          if (acct === "empty") add(":", 5, 0);
          else if ("fixed" in acct) {
            if (n.len < acct.fixed.length) add(acct.fixed[n.len] as string, 4, n.len + 1);
            else add(":", 5, 0);
          } else if (n.len < 12) {
            for (const c of DIGITS)
              if (!jointNumeric || numericClass(n.account + c, jointNumeric) !== "out")
                add(c, 4, n.len + 1, true, n.account + c);
          } else add(":", 5, 0);
        } else {
          for (const c of general) add(c, 5, n.len + 1);
          add(":", 5, n.len + 1);
        }
        break;
      }
    }
    return out;
  };

  while (queue.length > 0) {
    const next: Node[] = [];
    for (const n of queue) {
      if (isFinal(n)) {
        return n.account
          ? { found: true, value: n.text, account: n.account }
          : { found: true, value: n.text };
      }
      if (n.text.length >= limits.maxLength) continue;
      for (const m of moves(n)) {
        // Cheap test first: most characters kill a positive pattern, and stepping them is the cost.
        if (!viable(main, n.s, m.ch)) continue;
        if (m.next.joint && !viable(joint, n.j, m.ch)) continue;
        const s = stepAll(main, n.s, m.ch);
        if (negativeAbsorbed(main, s)) continue;
        const j = m.next.joint ? stepAll(joint, n.j, m.ch) : n.j;
        if (m.next.joint && negativeAbsorbed(joint, j)) continue;
        const child: Node = {
          comp: m.next.comp,
          len: m.next.len,
          s,
          j,
          text: n.text + m.ch,
          account: m.next.account,
        };
        const key = nodeKey(child);
        if (seen.has(key)) continue;
        seen.add(key);
        if (++states > limits.maxStates) return { found: false, exhausted: true };
        next.push(child);
      }
    }
    queue = next;
  }
  return { found: false, exhausted: false };
}
