import type { SourcePosition, SourceRange } from "@deputyguard/core";

/** Offsets of line starts, for turning character offsets into 1-based lines and columns. */
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
