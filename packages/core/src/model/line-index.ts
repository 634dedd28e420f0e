import type { SourcePosition, SourceRange } from "./source.js";

/**
 * Line starts of a text, to turn offsets into 1-based lines and columns (UTF-16 code units) and back.
 * Lines end at `\n`, `\r\n` or `\r`. A leading byte order mark takes no column, as the parsers and
 * editors count it.
 */
export class LineIndex {
  private readonly starts: number[];
  private readonly bom: number;
  private lastLine = 0;

  constructor(text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
    this.bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** Offset of the first character of a 1-based line (the end of the text past the last line). */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.starts[this.starts.length - 1] ?? 0;
  }

  /** Offset of a 1-based line and column. */
  offset(line: number, column: number): number {
    return (line === 1 ? this.bom : this.lineStart(line)) + column - 1;
  }

  position(offset: number): SourcePosition {
    const starts = this.starts;
    // Readers ask in document order: the line of the previous answer, or one of the next few, is
    // usually the line; a binary search finds it otherwise.
    let lo = this.lastLine;
    if ((starts[lo] as number) <= offset) {
      const stop = Math.min(lo + 4, starts.length - 1);
      while (lo < stop && (starts[lo + 1] as number) <= offset) lo++;
      if (lo === starts.length - 1 || (starts[lo + 1] as number) > offset) return this.at(lo, offset);
    }
    lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.at(lo, offset);
  }

  /** The position of `offset` on the 0-based line `line`, remembered as the next search's first guess. */
  private at(line: number, offset: number): SourcePosition {
    this.lastLine = line;
    const lineStart = line === 0 ? this.bom : (this.starts[line] as number);
    return { line: line + 1, column: Math.max(1, offset - lineStart + 1) };
  }

  range(file: string, start: number, end: number): SourceRange {
    return { file, start: this.position(start), end: this.position(end) };
  }
}
