/** A position in a source text. Lines and columns are 1-based; columns count UTF-16 code units (as SARIF). */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Where an element was written, as reported by whoever parsed the text. */
export interface SourceRange {
  file: string;
  start: SourcePosition;
  end: SourcePosition;
}

/**
 * A {@link SourceRange} held as one object of four numbers rather than three objects: half the memory,
 * which matters for parsers of large inputs (a 50 MB policy has millions of ranges). `start` and `end`
 * are read through getters (each read makes a new position object, so `r.start === r.start` is
 * false) and `toJSON` gives the plain form. A spread or `structuredClone` copies the numbers but not
 * `start` and `end`, and deep equality with a plain range fails: copy or compare a range through
 * {@link plainRange}.
 */
export class PackedRange implements SourceRange {
  constructor(
    readonly file: string,
    private readonly startLine: number,
    private readonly startColumn: number,
    private readonly endLine: number,
    private readonly endColumn: number,
  ) {}

  get start(): SourcePosition {
    return { line: this.startLine, column: this.startColumn };
  }

  get end(): SourcePosition {
    return { line: this.endLine, column: this.endColumn };
  }

  toJSON(): SourceRange {
    return plainRange(this);
  }
}

/** A plain-object copy of `range` (of a {@link PackedRange} too). */
export function plainRange(range: SourceRange): SourceRange {
  return { file: range.file, start: { ...range.start }, end: { ...range.end } };
}

/** A problem with the input (not a finding about the policy). */
export interface Diagnostic {
  /** Stable code, e.g. `ParseError`, `PolicyShape`, `UnsupportedConstruct`. */
  code: string;
  severity: "error" | "warning";
  message: string;
  file: string;
  line?: number;
  column?: number;
}

/** A diagnostic at the start of a range (or without a position when there is none). */
export function diagnosticAt(
  code: string,
  severity: "error" | "warning",
  message: string,
  file: string,
  range: SourceRange | undefined,
): Diagnostic {
  // The range's own file when it has one: a value may come from another file than the policy's (a
  // Terraform variable set in terraform.tfvars), and its line and column are in that file.
  const d: Diagnostic = { code, severity, message, file: range?.file || file };
  if (range) {
    d.line = range.start.line;
    d.column = range.start.column;
  }
  return d;
}

/** The diagnostics without repeats (same file, position, code and message), in their first order. */
export function dedupeDiagnostics<T extends Diagnostic>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}\u0000${d.line}\u0000${d.column}\u0000${d.code}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
