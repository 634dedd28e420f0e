import type { SourcePosition, SourceRange } from "./source.js";

/**
 * Line starts of a text, to turn offsets into 1-based lines and columns (UTF-16 code units) and back.
 * Lines end at `\n`, `\r\n` or `\r`. A leading byte order mark takes no column, as the parsers and
 * editors count it.
 */
export class LineIndex {
  private readonly starts: number[];
  private readonly bom: number;

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
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = lo === 0 ? this.bom : (starts[lo] as number);
    return { line: lo + 1, column: Math.max(1, offset - lineStart + 1) };
  }

  range(file: string, start: number, end: number): SourceRange {
    return { file, start: this.position(start), end: this.position(end) };
  }
}
