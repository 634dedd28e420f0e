import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editBetween } from "../src/index.js";

/** Applies an edit by line/column, as a SARIF consumer would. */
function apply(text: string, e: NonNullable<ReturnType<typeof editBetween>>): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  const at = (line: number, column: number) => (starts[line - 1] ?? text.length) + column - 1;
  return text.slice(0, at(e.startLine, e.startColumn)) + e.text + text.slice(at(e.endLine, e.endColumn));
}

describe("editBetween", () => {
  it("is the smallest replacement, and applying it by line and column gives the new text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "b", "\n", "\r", "{", " ") }),
        fc.string({ unit: fc.constantFrom("a", "b", "\n", "\r", "}", " ") }),
        (a, b) => {
          const e = editBetween("f", a, b);
          if (a === b) expect(e).toBeUndefined();
          else expect(apply(a, e as NonNullable<typeof e>)).toBe(b);
        },
      ),
      { numRuns: 2000, seed: 3 },
    );
  });
});
