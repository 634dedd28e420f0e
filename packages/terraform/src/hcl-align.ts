/**
 * The alignment `terraform fmt` gives the lines a fix writes, so that a fixed file still passes
 * `terraform fmt -check`. It follows hclwrite's rules (format.go, `formatCells`):
 * - a line's "assign" cell begins at its first `=` (not the first token) when the brackets opened
 *   from there to the end of the line close on it: `a = 1` and `policy = <<EOT` have one,
 *   `Condition = {` does not;
 * - consecutive lines that have one form a chain, and the `=` of each line of a chain stands one
 *   column after the longest lead (indentation and key) of the chain;
 * - a line's "comment" cell is a `#` or `//` comment that ends it after other tokens (not a
 *   block comment); consecutive lines with one form a chain, whose comments stand one column after
 *   the longest rest of the line;
 * - a heredoc's body belongs to the line that opens it (up to a newline inside one of its `${ }`),
 *   and a blank line, a comment line or a line without an assign cell ends a chain.
 * Only the chains that hold a line the fix wrote, or are next to one, are aligned, and a written
 * line with a `=` but no assign cell gets one space before it, so the rest of a file keeps its own
 * layout.
 */

interface Token {
  /** `comment` ends its line (`#`, `//`); a block comment is `other`. */
  kind: "eq" | "open" | "close" | "comment" | "other";
  start: number;
  end: number;
}

interface FormatLine {
  /** Offset of the line's first character. */
  start: number;
  tokens: Token[];
}

const HEREDOC = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/;

/**
 * The text cut into the lines hclwrite formats, each with the tokens that matter for alignment. As
 * in hclwrite, a line ends at every newline of the code, including one inside a template's `${ }`
 * or `%{ }`, but not at the newlines of a quoted string's or a heredoc's literal text: a heredoc's
 * body belongs to the line that opens it, up to a newline inside one of its interpolations.
 */
function formatLines(text: string): FormatLine[] {
  const lines: FormatLine[] = [];
  let line: FormatLine = { start: 0, tokens: [] };
  const push = (kind: Token["kind"], start: number, end: number) => line.tokens.push({ kind, start, end });
  // Contexts: code (depth of `{` to match inside an interpolation), a quoted template, a heredoc.
  type Ctx = { kind: "code"; braces: number } | { kind: "quoted" } | { kind: "heredoc"; marker: string };
  const stack: Ctx[] = [{ kind: "code", braces: 0 }];
  let i = 0;
  // Where the literal text of a template being read began (its token runs to the next interpolation).
  let literal = -1;
  const flushLiteral = (end: number) => {
    if (literal >= 0 && end > literal) push("other", literal, end);
    literal = -1;
  };
  while (i < text.length) {
    const ctx = stack[stack.length - 1] as Ctx;
    const c = text[i] as string;
    if (ctx.kind === "quoted" || ctx.kind === "heredoc") {
      if (ctx.kind === "heredoc" && (i === 0 || text[i - 1] === "\n")) {
        // A line of the body: the closing marker ends the heredoc.
        const nl = text.indexOf("\n", i);
        const body = text.slice(i, nl < 0 ? text.length : nl).replace(/\r$/, "");
        if (body.trim() === ctx.marker) {
          flushLiteral(i);
          const end = i + body.length;
          push("other", i, end);
          stack.pop();
          i = end;
          continue;
        }
      }
      if (ctx.kind === "quoted" && c === "\\") {
        if (literal < 0) literal = i;
        i += 2;
      } else if (ctx.kind === "quoted" && (c === '"' || c === "\n")) {
        flushLiteral(i);
        if (c === '"') push("other", i, i + 1);
        stack.pop();
        if (c === '"') i++;
      } else if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") {
        if (literal < 0) literal = i;
        i += 3;
      } else if ((c === "$" || c === "%") && text[i + 1] === "{") {
        flushLiteral(i);
        push("open", i, i + 2);
        stack.push({ kind: "code", braces: 0 });
        i += 2;
      } else {
        if (literal < 0) literal = i;
        i++;
      }
      continue;
    }
    if (c === "\n") {
      i++;
      lines.push(line);
      line = { start: i, tokens: [] };
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      const nl = text.indexOf("\n", i);
      const end = nl < 0 ? text.length : nl;
      push("comment", i, text[end - 1] === "\r" ? end - 1 : end);
      i = end;
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      const end = close < 0 ? text.length : close + 2;
      push("other", i, end);
      i = end;
    } else if (c === '"') {
      push("other", i, i + 1);
      stack.push({ kind: "quoted" });
      i++;
    } else if (c === "<" && text[i + 1] === "<" && HEREDOC.test(text.slice(i, i + 200))) {
      const m = HEREDOC.exec(text.slice(i, i + 200)) as RegExpExecArray;
      push("other", i, i + m[0].length - (m[0].endsWith("\r\n") ? 2 : 1));
      stack.push({ kind: "heredoc", marker: m[2] as string });
      i += m[0].length;
    } else if (c === "{" || c === "[" || c === "(") {
      if (c === "{") (ctx as { braces: number }).braces++;
      push("open", i, i + 1);
      i++;
    } else if (c === "}" && ctx.kind === "code" && ctx.braces === 0 && stack.length > 1) {
      // The end of an interpolation: back to its template.
      push("close", i, i + 1);
      stack.pop();
      i++;
    } else if (c === "}" || c === "]" || c === ")") {
      if (c === "}" && ctx.kind === "code") ctx.braces--;
      push("close", i, i + 1);
      i++;
    } else if (c === "=") {
      const next = text[i + 1];
      const prev = line.tokens.length > 0 ? text[i - 1] : undefined;
      if (next === "=" || next === ">") {
        push("other", i, i + 2);
        i += 2;
      } else {
        push(prev === "!" || prev === "<" || prev === ">" || prev === "=" ? "other" : "eq", i, i + 1);
        i++;
      }
    } else {
      // A word, a number or an operator: one token up to the next character that starts another.
      let j = i + 1;
      while (j < text.length && !/[\s"#={}[\]()/<~]/.test(text[j] as string)) j++;
      push("other", i, j);
      i = j;
    }
  }
  flushLiteral(i);
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

const segmenter = new Intl.Segmenter();

/**
 * Columns a piece of text takes, as hclwrite counts them: grapheme clusters, token by token (a
 * quote is a token of its own, so a combining mark after it is not joined to it). hclwrite's
 * Unicode tables may be older than Node's: a few scripts (Indic conjuncts) may count differently.
 */
function columns(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII test
  if (/^[\x00-\x7f]*$/.test(s)) return s.length;
  let n = 0;
  for (const piece of s.split('"')) n += [...segmenter.segment(piece)].length;
  return n + s.split('"').length - 1;
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
    // A chain with a written line, or next to one: a written line that is not one-line may have
    // split a chain in two, and fmt aligns each part anew.
    if (chain.some((c) => c.touched) || info[i - 1]?.touched || info[j]?.touched) {
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
  // Comment chains, on the text as re-spaced: those that hold a touched or re-spaced line, or are
  // next to a touched one.
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
    const hit =
      chain.some((_, k) => respaced.has(i + k) || info[i + k]?.touched) ||
      info[i - 1]?.touched ||
      info[j]?.touched;
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
