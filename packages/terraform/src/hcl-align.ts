/**
 * The alignment `terraform fmt` gives the lines a fix writes, so that a fixed file still passes
 * `terraform fmt -check`. It follows hclwrite's rules (format.go, `formatCells`):
 * - a line's "assign" cell begins at its first `=` (not the first token) when the brackets opened
 *   from there to the end of the line close on it (counting stops at a heredoc's `<<`): `a = 1`
 *   and `policy = <<EOT` have one, `Condition = {` does not;
 * - consecutive lines that have one form a chain, and the `=` of each line of a chain stands one
 *   column after the longest lead (indentation and key) of the chain;
 * - a line's "comment" cell is a comment that ends it after other tokens; consecutive lines with
 *   one form a chain, whose comments stand one column after the longest rest of the line;
 * - a heredoc's body belongs to the line that opens it, and a blank line, a comment line or a line
 *   without an assign cell ends a chain.
 * Only the chains that hold a line the fix wrote are aligned, and a written line with a `=` but no
 * assign cell gets one space before it, so the rest of a file keeps its own layout.
 */

interface Token {
  kind: "eq" | "open" | "close" | "comment" | "heredoc" | "other";
  start: number;
  end: number;
}

interface FormatLine {
  /** Offset of the line's first character. */
  start: number;
  tokens: Token[];
}

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t";
}

/** The end of a quoted template that opens at `i` (the `"`), or of the text when it never closes. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === "\\") j += 2;
    else if (c === '"') return j + 1;
    else if (c === "\n") return j;
    else if ((c === "$" || c === "%") && text[j + 1] === c && text[j + 2] === "{") j += 3;
    else if ((c === "$" || c === "%") && text[j + 1] === "{") j = sequenceEnd(text, j + 2);
    else j++;
  }
  return j;
}

/** The end of a template sequence (`${ ... }`) whose body starts at `i`. */
function sequenceEnd(text: string, i: number): number {
  let depth = 1;
  let j = i;
  while (j < text.length && depth > 0) {
    const c = text[j];
    if (c === '"') j = stringEnd(text, j);
    else {
      if (c === "{") depth++;
      else if (c === "}") depth--;
      j++;
    }
  }
  return j;
}

const HEREDOC = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/;

/** The end of a heredoc that opens at `i`: after its closing marker's line (before the newline). */
function heredocEnd(text: string, i: number, marker: string, open: number): number {
  let j = i + open;
  while (j < text.length) {
    const nl = text.indexOf("\n", j);
    const line = text.slice(j, nl < 0 ? text.length : nl).replace(/\r$/, "");
    if (line.trim() === marker) return nl < 0 ? text.length : nl - (text[nl - 1] === "\r" ? 1 : 0);
    if (nl < 0) return text.length;
    j = nl + 1;
  }
  return text.length;
}

/** The text cut into the lines hclwrite formats, each with the tokens that matter for alignment. */
function formatLines(text: string): FormatLine[] {
  const lines: FormatLine[] = [];
  let line: FormatLine = { start: 0, tokens: [] };
  let i = 0;
  const endLine = (next: number) => {
    lines.push(line);
    line = { start: next, tokens: [] };
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\n") {
      i++;
      endLine(i);
    } else if (isSpace(c) || c === "\r") i++;
    else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      const nl = text.indexOf("\n", i);
      const end = nl < 0 ? text.length : nl;
      line.tokens.push({ kind: "comment", start: i, end: text[end - 1] === "\r" ? end - 1 : end });
      i = end;
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      const end = close < 0 ? text.length : close + 2;
      line.tokens.push({ kind: "comment", start: i, end });
      i = end;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      line.tokens.push({ kind: "other", start: i, end });
      i = end;
    } else if (c === "<" && text[i + 1] === "<" && HEREDOC.test(text.slice(i, i + 200))) {
      const m = HEREDOC.exec(text.slice(i, i + 200)) as RegExpExecArray;
      const end = heredocEnd(text, i, m[1] as string, m[0].length);
      line.tokens.push({ kind: "heredoc", start: i, end });
      i = end;
    } else if (c === "{" || c === "[" || c === "(") {
      line.tokens.push({ kind: "open", start: i, end: i + 1 });
      i++;
    } else if (c === "}" || c === "]" || c === ")") {
      line.tokens.push({ kind: "close", start: i, end: i + 1 });
      i++;
    } else if (c === "=") {
      const next = text[i + 1];
      const prev = line.tokens.length > 0 ? text[i - 1] : undefined;
      if (next === "=" || next === ">") {
        line.tokens.push({ kind: "other", start: i, end: i + 2 });
        i += 2;
      } else if (prev === "!" || prev === "<" || prev === ">" || prev === "=") {
        line.tokens.push({ kind: "other", start: i, end: i + 1 });
        i++;
      } else {
        line.tokens.push({ kind: "eq", start: i, end: i + 1 });
        i++;
      }
    } else {
      // A word, a number or an operator: one token up to the next character that starts another.
      let j = i + 1;
      while (j < text.length && !/[\s"#={}[\]()/<]/.test(text[j] as string)) j++;
      line.tokens.push({ kind: "other", start: i, end: j });
      i = j;
    }
  }
  lines.push(line);
  return lines;
}

/** The cells of a line: where its lead ends and its `=` or comment begins, as hclwrite cuts them. */
function cells(line: FormatLine): { assign?: Token; leadEnd?: number; comment?: Token; restEnd?: number } {
  let tokens = line.tokens;
  let comment: Token | undefined;
  const last = tokens[tokens.length - 1];
  if (tokens.length > 1 && last?.kind === "comment") {
    comment = last;
    tokens = tokens.slice(0, -1);
  }
  const out: { assign?: Token; leadEnd?: number; comment?: Token; restEnd?: number } = {};
  if (comment) {
    out.comment = comment;
    out.restEnd = (tokens[tokens.length - 1] as Token).end;
  }
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== "eq") continue;
    let net = 0;
    for (const u of tokens.slice(i)) {
      if (u.kind === "heredoc") break;
      if (u.kind === "open") net++;
      else if (u.kind === "close") net--;
    }
    if (net === 0) {
      out.assign = t;
      out.leadEnd = (tokens[i - 1] as Token).end;
    }
    break;
  }
  return out;
}

/** Columns a piece of text takes, as hclwrite counts them (grapheme clusters). */
function columns(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII test
  if (/^[\x00-\x7f]*$/.test(s)) return s.length;
  return [...new Intl.Segmenter().segment(s)].length;
}

/**
 * `text` with the chains that hold a touched line aligned as `terraform fmt` would. `touched` are
 * [start, end) offsets in `text` of what the fix wrote.
 */
export function alignTouched(text: string, touched: ReadonlyArray<readonly [number, number]>): string {
  if (touched.length === 0) return text;
  const lines = formatLines(text);
  const isTouched = (l: FormatLine, next: FormatLine | undefined): boolean => {
    const end = next ? next.start : text.length;
    return touched.some(([s, e]) => s < end && e > l.start);
  };
  const info = lines.map((l, i) => ({ line: l, cells: cells(l), touched: isTouched(l, lines[i + 1]) }));
  // Edits as [start, end, text], made from the end of the file.
  const edits: Array<[number, number, string]> = [];
  const respaced = new Set<number>();
  // Assign chains.
  for (let i = 0; i < info.length; ) {
    if (!info[i]?.cells.assign) {
      const item = info[i] as (typeof info)[number];
      // A written line whose `=` opens a multi-line value: one space before it, as fmt writes it.
      const eq = item.line.tokens.find((t, k) => k > 0 && t.kind === "eq");
      if (item.touched && eq) {
        const before = item.line.tokens[item.line.tokens.indexOf(eq) - 1] as Token;
        if (text.slice(before.end, eq.start) !== " ") {
          edits.push([before.end, eq.start, " "]);
          respaced.add(i);
        }
      }
      i++;
      continue;
    }
    let j = i;
    while (j < info.length && info[j]?.cells.assign) j++;
    const chain = info.slice(i, j);
    if (chain.some((c) => c.touched)) {
      const width = Math.max(...chain.map((c) => columns(text.slice(c.line.start, c.cells.leadEnd))));
      chain.forEach((c, k) => {
        const lead = columns(text.slice(c.line.start, c.cells.leadEnd));
        const spaces = " ".repeat(width - lead + 1);
        const eq = c.cells.assign as Token;
        if (text.slice(c.cells.leadEnd, eq.start) !== spaces) {
          edits.push([c.cells.leadEnd as number, eq.start, spaces]);
          respaced.add(i + k);
        }
      });
    }
    i = j;
  }
  let out = applyEdits(text, edits);
  if (respaced.size === 0 && !info.some((c) => c.touched && c.cells.comment)) return out;
  // Comment chains, on the text as re-spaced: those that hold a touched or re-spaced line.
  const again = formatLines(out).map((l) => ({ line: l, cells: cells(l) }));
  const comments: Array<[number, number, string]> = [];
  for (let i = 0; i < again.length; ) {
    if (!again[i]?.cells.comment) {
      i++;
      continue;
    }
    let j = i;
    while (j < again.length && again[j]?.cells.comment) j++;
    const chain = again.slice(i, j);
    const hit = chain.some((_, k) => respaced.has(i + k) || info[i + k]?.touched);
    if (hit) {
      const width = Math.max(...chain.map((c) => columns(out.slice(c.line.start, c.cells.restEnd))));
      for (const c of chain) {
        const rest = columns(out.slice(c.line.start, c.cells.restEnd));
        const spaces = " ".repeat(width - rest + 1);
        const comment = c.cells.comment as Token;
        if (out.slice(c.cells.restEnd, comment.start) !== spaces)
          comments.push([c.cells.restEnd as number, comment.start, spaces]);
      }
    }
    i = j;
  }
  out = applyEdits(out, comments);
  return out;
}

function applyEdits(text: string, edits: Array<[number, number, string]>): string {
  let out = text;
  for (const [s, e, t] of [...edits].sort((a, b) => b[0] - a[0])) out = out.slice(0, s) + t + out.slice(e);
  return out;
}
