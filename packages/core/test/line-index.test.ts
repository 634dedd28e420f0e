import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineIndex } from "../src/model/line-index.js";

/** Line and column by counting from the start of the text: the definition `position` must agree with. */
function countedPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) {
      // "\r\n" is one line end: an offset at its "\n" is still on this line.
      if (i + 1 >= offset) break;
      i++;
      line++;
      lineStart = i + 1;
    } else if (c === 10 || c === 13) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.max(1, offset - lineStart + 1) };
}

describe("LineIndex.position", () => {
  it("agrees with counting from the start, whatever order the offsets are asked in", () => {
    const textArb = fc
      .array(fc.constantFrom("a", "b", " ", "\n", "\r\n", "\r", "\uFEFF", "é"), { maxLength: 80 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(
        textArb.chain((text) =>
          fc.tuple(
            fc.constant(text),
            fc.array(fc.nat({ max: text.length }), { minLength: 1, maxLength: 40 }),
          ),
        ),
        ([text, offsets]) => {
          const index = new LineIndex(text);
          // Document order as readers ask, then the same offsets shuffled by sorting on a hash.
          const ordered = [...offsets].sort((a, b) => a - b);
          for (const offset of [...ordered, ...offsets]) {
            expect(index.position(offset)).toEqual(countedPosition(text, offset));
          }
        },
      ),
      { numRuns: 3_000, seed: 20_261_127 },
    );
  });

  it("finds lines far after and far before the previous answer", () => {
    const text = Array.from({ length: 1_000 }, (_, i) => `line ${i}`).join("\n");
    const index = new LineIndex(text);
    const offsetOfLine = (n: number) => index.lineStart(n);
    expect(index.position(offsetOfLine(10) + 2)).toEqual({ line: 10, column: 3 });
    expect(index.position(offsetOfLine(900))).toEqual({ line: 900, column: 1 });
    expect(index.position(offsetOfLine(901) + 1)).toEqual({ line: 901, column: 2 });
    expect(index.position(offsetOfLine(3))).toEqual({ line: 3, column: 1 });
    expect(index.position(text.length)).toEqual({ line: 1_000, column: "line 999".length + 1 });
  });
});
