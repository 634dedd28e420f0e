import type { SourceRange, Suppression } from "@deputyguard/core";

/**
 * `# deputyguard:ignore CD101 -- reason` (also `//` and `/* … *\/`, several rules separated by commas,
 * and an optional `until=YYYY-MM-DD` before `--`) on the line of a resource block, the line above it
 * (a line with nothing but the comment; several such lines stacked right above the block all count), or
 * any line inside it (the line of an attribute or the line above an attribute) suppresses those rules
 * for that resource. The pattern below is fixed, not built from input, and has no nested quantifiers.
 */
const COMMENT =
  /(?:#|\/\/|\/\*)\s*deputyguard:ignore\s+([A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*)(?:\s+until=(\S+))?(?:\s+--\s*(.*?))?\s*(?:\*\/)?\s*$/;
const MARKER = "deputyguard:ignore";

/** One suppression comment of a file: its 1-based line (lines end at "\n", as LineMap counts them). */
interface SuppressionComment {
  line: number;
  column: number;
  /** Nothing but the comment on its line: only such a comment counts as "the line above" a block. */
  alone: boolean;
  rules: string[];
  until?: string;
  reason?: string;
}

/**
 * The suppression comments of one file, found in one pass over its text. Asking per block used to
 * search the whole text each time: 1,500 policy sites in a 700 KB module cost about 250 ms.
 */
export class SuppressionIndex {
  /** Sorted by line. */
  private readonly comments: SuppressionComment[] = [];

  constructor(text: string) {
    let line = 1;
    let counted = 0;
    for (let at = text.indexOf(MARKER); at >= 0; ) {
      const start = text.lastIndexOf("\n", at) + 1;
      let end = text.indexOf("\n", at);
      if (end < 0) end = text.length;
      for (let i = text.indexOf("\n", counted); i >= 0 && i < start; i = text.indexOf("\n", i + 1)) line++;
      counted = start;
      const source = text.slice(start, end).replace(/\r$/, "");
      const m = COMMENT.exec(source);
      if (m) {
        const trimmed = source.trimStart();
        const c: SuppressionComment = {
          line,
          column: source.indexOf(MARKER) + 1,
          alone: trimmed.startsWith("#") || trimmed.startsWith("//") || trimmed.startsWith("/*"),
          rules: (m[1] ?? "").split(",").map((r) => r.trim()),
        };
        if (m[2]) c.until = m[2];
        if (m[3]?.trim()) c.reason = m[3].trim();
        this.comments.push(c);
      }
      at = text.indexOf(MARKER, end);
    }
  }

  /**
   * Suppressions for a resource whose block spans `block` (and from the line above it). `documentFile`
   * is the file the resource's policy is written in when that is another file (a decided
   * `templatefile()` reports its statements in the template): the block's comments cover the
   * resource's findings there too. (Another root module of the same scan whose resource has the same
   * address and uses the same template would be covered as well: findings name no module directory.)
   */
  forBlock(block: SourceRange, resource: string, documentFile = block.file): Suppression[] {
    const file =
      documentFile === block.file
        ? (f: string) => f === block.file
        : (f: string) => f === block.file || f === documentFile;
    return this.collect(block, { file, resource }, documentFile === block.file ? "" : `in ${documentFile}`);
  }

  /**
   * Suppressions written at a resource's block, for findings a plan reports on that resource (in
   * the plan file, not in the block's own file).
   */
  forPlanResource(block: SourceRange, resource: string): Suppression[] {
    return this.collect(block, { resource }, "plan");
  }

  /**
   * Suppressions written at a block that holds a policy document another resource uses (a
   * `data "aws_iam_policy_document"`, a `locals` block): they cover the findings whose statements
   * are in that block, for every resource that uses the document.
   */
  forLines(block: SourceRange): Suppression[] {
    return this.collect(block, {
      file: (f) => f === block.file,
      lines: { first: block.start.line, last: block.end.line },
    });
  }

  /**
   * The comments that can cover nothing: on no line of a `resource`, `data` or `locals` block
   * (`blocks`: their line ranges) and not alone on the line above one.
   */
  outside(blocks: ReadonlyArray<{ first: number; last: number }>): Array<{ line: number; column: number }> {
    return this.comments
      .filter(
        (c) =>
          !blocks.some((b) => c.line <= b.last && (c.line >= b.first || c.line >= this.stackAbove(b.first))),
      )
      .map((c) => ({ line: c.line, column: c.column }));
  }

  /**
   * Each block's suppressions, made once: the sites of one resource, or of every resource using one
   * document, share the same objects, so that using one of them uses the comment.
   */
  private readonly made = new Map<string, Suppression[]>();

  private collect(block: SourceRange, scope: Suppression["scope"], kind = ""): Suppression[] {
    if (this.comments.length === 0) return [];
    const key = `${block.file}\u0000${block.start.line}\u0000${block.end.line}\u0000${scope.resource ?? "\u0000lines"}\u0000${kind}`;
    let out = this.made.get(key);
    if (!out) {
      out = this.make(block, scope);
      this.made.set(key, out);
    }
    return out;
  }

  /** Lines holding nothing but a suppression comment. */
  private aloneLines: Set<number> | undefined;

  /**
   * The first line of the comments stacked right above the line `first` (each alone on its line,
   * one after another up to `first - 1`); `first` when the line above holds none.
   */
  private stackAbove(first: number): number {
    this.aloneLines ??= new Set(this.comments.filter((c) => c.alone).map((c) => c.line));
    let top = first;
    while (this.aloneLines.has(top - 1)) top--;
    return top;
  }

  private make(block: SourceRange, scope: Suppression["scope"]): Suppression[] {
    const out: Suppression[] = [];
    const first = Math.max(1, this.stackAbove(block.start.line));
    let lo = 0;
    let hi = this.comments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.comments[mid] as SuppressionComment).line < first) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < this.comments.length; k++) {
      const c = this.comments[k] as SuppressionComment;
      if (c.line > block.end.line) break;
      // The line above counts only when it holds nothing but the comment: a comment after the
      // previous block's code (`resource "a" "b" { } # deputyguard:ignore …`) is that block's.
      if (c.line < block.start.line && !c.alone) continue;
      for (const rule of c.rules) {
        const s: Suppression = {
          rule,
          kind: "inSource",
          origin: { file: block.file, line: c.line, column: c.column },
          scope,
        };
        if (c.reason) s.reason = c.reason;
        if (c.until) s.until = c.until;
        out.push(s);
      }
    }
    return out;
  }
}

/** Each file's suppression comments, found once (a module's blocks ask in turn, file by file). */
const indexes = new WeakMap<object, SuppressionIndex>();

/** The suppression comments of the file `map` is the line map of. */
export function suppressionIndex(map: { readonly text: string }): SuppressionIndex {
  let index = indexes.get(map);
  if (!index) {
    index = new SuppressionIndex(map.text);
    indexes.set(map, index);
  }
  return index;
}

/** The index of the file last asked about (callers that keep their own index skip this). */
let cached: { text: string; index: SuppressionIndex } | undefined;

export function commentSuppressions(text: string, block: SourceRange, resource: string): Suppression[] {
  if (cached?.text !== text) cached = { text, index: new SuppressionIndex(text) };
  return cached.index.forBlock(block, resource);
}
