import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, type GlobOptions, hasWildcard, matchGlob } from "./wildcard.js";

/** Per-code-unit lowercase, as documented for `ignoreCase`. */
function foldReference(s: string): string {
  return Array.from({ length: s.length }, (_, i) => {
    const lower = s.charAt(i).toLowerCase();
    return lower.length === 1 ? lower : s.charAt(i);
  }).join("");
}

/** Reference matcher: the textbook O(n·m) dynamic programme over code units. */
function referenceMatch(pattern: string, text: string, options: GlobOptions = {}): boolean {
  const p = options.ignoreCase ? foldReference(pattern) : pattern;
  const t = options.ignoreCase ? foldReference(text) : text;
  const wildcardMayTake = (ch: string) => !(options.noColon && ch === ":");
  // row[j]: p[0, i) matches t[0, j)
  let row = Array.from({ length: t.length + 1 }, (_, j) => j === 0);
  for (let i = 0; i < p.length; i++) {
    const pc = p[i];
    const next = new Array<boolean>(t.length + 1).fill(false);
    next[0] = pc === "*" && (row[0] as boolean);
    for (let j = 1; j <= t.length; j++) {
      const tc = t[j - 1] as string;
      if (pc === "*") next[j] = (row[j] as boolean) || ((next[j - 1] as boolean) && wildcardMayTake(tc));
      else if (pc === "?") next[j] = (row[j - 1] as boolean) && wildcardMayTake(tc);
      else next[j] = (row[j - 1] as boolean) && pc === tc;
    }
    row = next;
  }
  return row[t.length] as boolean;
}

/** A second, independent reference for the plain case: an escaped RegExp (test-only). */
function regexpMatch(pattern: string, text: string): boolean {
  // Per code unit and without the `u` flag, so that `[^]` takes one code unit like `?`.
  const source = pattern
    .split("")
    .map((ch) => (ch === "*" ? "[^]*" : ch === "?" ? "[^]" : ch.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`).test(text);
}

describe("matchGlob", () => {
  it.each<[string, string, boolean, GlobOptions?]>([
    ["", "", true],
    ["", "a", false],
    ["*", "", true],
    ["*", "anything:at/all", true],
    ["**", "", true],
    ["?", "", false],
    ["?", "a", true],
    ["?", "ab", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["s3:Get*", "s3:GetObject", true],
    ["s3:Get*", "s3:PutObject", false],
    ["s3:*Object", "s3:GetObject", true],
    ["*Object", "Object", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "acb", false],
    ["a*b*c", "abcbc", true],
    ["a*bc*bc", "abcbc", true],
    ["a*abc", "aabcabc", true],
    ["a*a", "a", false],
    ["*a*", "bab", true],
    ["*?*", "", false],
    ["*??", "a", false],
    ["*??", "ab", true],
    ["ab*ba", "aba", false],
    ["ab*ba", "abba", true],
    ["*ab?d*", "xabcabzd", true],
    ["*ab?d*", "xabcabz", false],
    ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", true],
    ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false],
    ["A*", "a", false],
    ["s3:get*", "S3:GetObject", true, { ignoreCase: true }],
    ["S3:GETOBJECT", "s3:getobject", true, { ignoreCase: true }],
    ["É?", "éA", true, { ignoreCase: true }],
    ["ς", "Σ", false, { ignoreCase: true }],
    ["σ", "Σ", true, { ignoreCase: true }],
    ["*", "a:b", false, { noColon: true }],
    ["*", "ab", true, { noColon: true }],
    ["?", ":", false, { noColon: true }],
    [":", ":", true, { noColon: true }],
    ["a*:b", "aXX:b", true, { noColon: true }],
    ["a*:b", "a:X:b", false, { noColon: true }],
    ["*:*", "a:b", true, { noColon: true }],
    ["*:*", "a:b:c", false, { noColon: true }],
    ["*b:c*", "ab:cd", true, { noColon: true }],
    ["*b:c*", "a:b:cd", false, { noColon: true }],
    ["?", "😀", false],
    ["??", "😀", true],
    ["*😀*", "a😀b", true],
    ["a?😀", "ab😀", true],
  ])("matchGlob(%j, %j) is %s %j", (pattern, text, expected, options) => {
    expect(matchGlob(pattern, text, options)).toBe(expected);
    expect(referenceMatch(pattern, text, options)).toBe(expected);
  });

  it("handles segments longer than one 31-bit word", () => {
    const long = `${"a".repeat(30)}?${"b".repeat(40)}?c`;
    const text = `xx${"a".repeat(30)}Z${"b".repeat(40)}Yc`;
    expect(matchGlob(`*${long}`, text)).toBe(true);
    expect(matchGlob(`*${long}*`, `${text}tail`)).toBe(true);
    expect(matchGlob(`*${long}*`, text.replace("Z", ""))).toBe(false);
    expect(matchGlob(`*${"?".repeat(62)}*x`, `${"a".repeat(62)}x`)).toBe(true);
    expect(matchGlob(`*${"?".repeat(63)}*x`, `${"a".repeat(62)}x`)).toBe(false);
    expect(matchGlob(`*a${"?".repeat(31)}b*`, `ca${"c".repeat(31)}bc`)).toBe(true);
    expect(matchGlob(`*a${"?".repeat(31)}b*`, `ca${"c".repeat(30)}bc`)).toBe(false);
  });

  it("matches like the reference on a small alphabet (fast-check)", () => {
    const patternArb = fc.string({ unit: fc.constantFrom("a", "b", ":", "*", "?", "A"), maxLength: 12 });
    const textArb = fc.string({ unit: fc.constantFrom("a", "b", ":", "B"), maxLength: 14 });
    const optionsArb = fc.record({ ignoreCase: fc.boolean(), noColon: fc.boolean() });
    fc.assert(
      fc.property(patternArb, textArb, optionsArb, (pattern, text, options) => {
        expect(matchGlob(pattern, text, options)).toBe(referenceMatch(pattern, text, options));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with an escaped RegExp without options (fast-check)", () => {
    const patternArb = fc.string({
      unit: fc.constantFrom("a", "b", ".", "*", "?", "\\", "é"),
      maxLength: 12,
    });
    const textArb = fc.string({ unit: fc.constantFrom("a", "b", ".", "\\", "é", "\n"), maxLength: 14 });
    fc.assert(
      fc.property(patternArb, textArb, (pattern, text) => {
        expect(matchGlob(pattern, text)).toBe(regexpMatch(pattern, text));
        expect(referenceMatch(pattern, text)).toBe(regexpMatch(pattern, text));
      }),
      { numRuns: 3000 },
    );
  });

  it("matches every text made by filling in the pattern, with long segments (fast-check)", () => {
    const unit = fc.constantFrom("a", "b", ":", "?", "*");
    const filled = fc
      .tuple(
        fc.string({ unit, maxLength: 120 }),
        fc.array(fc.string({ unit: fc.constantFrom("a", "b", ":"), maxLength: 5 }), {
          minLength: 120,
          maxLength: 120,
        }),
      )
      .map(([pattern, fills]) => {
        let text = "";
        let k = 0;
        for (const ch of pattern) {
          const fill = fills[k++ % fills.length] as string;
          if (ch === "*") text += fill;
          else if (ch === "?") text += fill.charAt(0) || "a";
          else text += ch;
        }
        return { pattern, text };
      });
    fc.assert(
      fc.property(filled, fc.boolean(), fc.nat(), ({ pattern, text }, mutate, at) => {
        let t = text;
        if (mutate && t.length > 0) {
          const i = at % t.length;
          t = t.slice(0, i) + (t[i] === "a" ? "b" : "a") + t.slice(i + 1);
        }
        expect(matchGlob(pattern, t)).toBe(referenceMatch(pattern, t));
        expect(matchGlob(pattern, t, { noColon: true })).toBe(referenceMatch(pattern, t, { noColon: true }));
        if (!mutate) expect(matchGlob(pattern, t)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("reuses a compiled pattern across texts", () => {
    const glob = compileGlob("arn:aws:s3:::b?cket/*", { ignoreCase: true });
    expect(glob.pattern).toBe("arn:aws:s3:::b?cket/*");
    expect(
      ["arn:aws:s3:::BUCKET/x", "arn:aws:s3:::bicket/", "arn:aws:s3:::bcket/"].map((t) => glob.matches(t)),
    ).toEqual([true, true, false]);
  });

  it.each([
    ["*a*a*a*a*a*a*a*a*b", "a".repeat(100_000)],
    ["*a*a*a*a*a*a*a*a*b*", "a".repeat(100_000)],
    ["*a?a*?a*a?*b*", "a".repeat(100_000)],
    [`*${"a".repeat(40)}?${"a".repeat(40)}b*`, "a".repeat(100_000)],
    [`*${"a?".repeat(50)}b*`, "a".repeat(100_000)],
    [`${"*a".repeat(1000)}*b`, "a".repeat(100_000)],
    [`${"*a".repeat(1000)}*?:`, "a".repeat(100_000)],
  ])("finishes %s against 100,000 characters in under 50 ms", (pattern, text) => {
    // The best of three runs: a garbage collection or a busy machine (the packages' tests run in
    // parallel) may stall one; a backtracking matcher would take seconds every time.
    const fastest = (run: () => void): number => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        run();
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    for (const options of [{}, { noColon: true }, { ignoreCase: true }]) {
      expect(matchGlob(pattern, text, options)).toBe(false);
      expect(fastest(() => matchGlob(pattern, text, options))).toBeLessThan(50);
    }
    const positive = `${text}b:`;
    expect(fastest(() => matchGlob(pattern, positive))).toBeLessThan(50);
  });
});

describe("hasWildcard", () => {
  it.each([
    ["s3:GetObject", false],
    ["s3:Get*", true],
    ["arn:aws:s3:::b?cket", true],
    ["", false],
  ])("hasWildcard(%j) is %s", (s, expected) => {
    expect(hasWildcard(s)).toBe(expected);
  });
});
