import type { SourcePosition, SourceRange } from "@deputyguard/core";
import type { Span } from "./syntax.js";

/** Turns offsets of one file's text into 1-based lines and columns (UTF-16 code units, as SARIF). */
export class LineMap {
  private readonly starts: number[] = [0];
  /** A leading byte order mark takes no column, as editors show it. */
  private readonly bom: number;

  /**
   * Lines end at `\n` (with an optional `\r` before it), as in HCL; with `json`, a lone `\r` ends a
   * line too, as the JSON parser counts them (for `.tf.json` files and JSON built from strings).
   */
  constructor(
    readonly file: string,
    readonly text: string,
    options?: { json?: boolean },
  ) {
    this.bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (options?.json && text.includes("\r")) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
      }
    } else for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.starts[lo] as number;
    const skip = lo === 0 ? this.bom : 0;
    return { line: lo + 1, column: Math.max(1, offset - lineStart - skip + 1) };
  }

  range(span: Span): SourceRange {
    return { file: this.file, start: this.position(span.start), end: this.position(span.end) };
  }

  /** Offset of a 1-based line and column. */
  offset(line: number, column: number): number {
    const start = this.starts[line - 1] ?? this.text.length;
    return start + (line === 1 ? this.bom : 0) + column - 1;
  }
}
