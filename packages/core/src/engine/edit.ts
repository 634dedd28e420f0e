/** One text replacement, 1-based lines and columns (UTF-16 code units), end exclusive. */
export interface TextEdit {
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** The text that replaces the region. */
  text: string;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The smallest single replacement that turns `before` into `after` (common prefix and suffix kept). */
export function editBetween(file: string, before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (
    endBefore > start &&
    endAfter > start &&
    before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)
  ) {
    endBefore--;
    endAfter--;
  }
  const s = position(before, start);
  const e = position(before, endBefore);
  return {
    file,
    startLine: s.line,
    startColumn: s.column,
    endLine: e.line,
    endColumn: e.column,
    text: after.slice(start, endAfter),
  };
}
