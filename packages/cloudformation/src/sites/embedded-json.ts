import { LineIndex, type SourcePosition, type ValueSymbol } from "@deputyguard/core";
import { fromParts, parseJsonSource, type SourceNode, type SourceRange, type ValuePart } from "../tree.js";

const TOKEN_OPEN = "\uE100";
const TOKEN_CLOSE = "\uE101";

/**
 * Parses a policy written as a JSON string (`AWS::Logs::ResourcePolicy`, a `!Sub |` block, a
 * `Fn::Join`). Unknown parts travel through the JSON parser as private-use tokens and come back as
 * symbols. Positions: inside a YAML block scalar, lines map one to one onto the template; inside a
 * double-quoted string on one line, the escapes are walked; otherwise every node points at the string.
 */
export function parseEmbeddedPolicy(
  parts: readonly ValuePart[],
  range: SourceRange | undefined,
  templateText: string,
): SourceNode | undefined {
  const r = readEmbeddedPolicy(parts, range, templateText);
  return "node" in r ? r.node : undefined;
}

/**
 * {@link parseEmbeddedPolicy}, telling apart a text that is no policy (no `Statement` in it) from one
 * that is not valid JSON: then the parser's message and its position inside the text.
 */
export function readEmbeddedPolicy(
  parts: readonly ValuePart[],
  range: SourceRange | undefined,
  templateText: string,
):
  | { node: SourceNode }
  | { notPolicy: true }
  | { error: string; line: number; column: number; unknown?: ValueSymbol } {
  const symbols: ValueSymbol[] = [];
  let text = "";
  for (const p of parts) {
    if (typeof p === "string") text += p;
    else {
      text += `${TOKEN_OPEN}${symbols.length}${TOKEN_CLOSE}`;
      symbols.push(p);
    }
  }
  if (!text.includes("Statement")) return { notPolicy: true };
  const parsed = parseJsonSource(text, range?.file ?? "");
  if (!parsed.node) {
    const d = parsed.diagnostics.find((x) => x.severity === "error");
    const line = d?.line ?? 1;
    const column = d?.column ?? 1;
    // A symbol's token stands where its value will be. Written outside quotes (a number, an object
    // from a parameter), it breaks the JSON only here: the deployed text may be valid.
    const at = new LineIndex(text).offset(line, column);
    const open = text.lastIndexOf(TOKEN_OPEN, at);
    const close = open < 0 ? -1 : text.indexOf(TOKEN_CLOSE, open);
    if (open >= 0 && close >= at - 1 && at - open <= 12) {
      const unknown = symbols[Number(text.slice(open + 1, close))];
      if (unknown) return { error: d?.message ?? "not valid JSON", line, column, unknown };
    }
    // Symbols inside the message (an excerpt of the text) are shown as the `${Name}` they stand for.
    const message = (d?.message ?? "not valid JSON").replace(
      /\uE100(\d+)\uE101?/g,
      (_m, i: string) => `\${${symbols[Number(i)]?.name ?? "?"}}`,
    );
    return { error: message, line, column };
  }
  const mapRange = quotedMapper(range, templateText, text) ?? rangeMapper(range, templateText, text);
  const rebuild = (n: SourceNode, depth: number): SourceNode => {
    const r = mapRange(n.range);
    switch (n.kind) {
      case "object":
        return {
          kind: "object",
          entries: n.entries.map((e) => {
            const keyRange = mapRange(e.keyRange);
            const value = depth > 64 ? e.value : rebuild(e.value, depth + 1);
            return keyRange ? { key: e.key, keyRange, value } : { key: e.key, value };
          }),
          ...(r ? { range: r } : {}),
        };
      case "array":
        return {
          kind: "array",
          items: n.items.map((i) => rebuild(i, depth + 1)),
          ...(r ? { range: r } : {}),
        };
      case "scalar": {
        if (typeof n.value === "string" && n.value.includes(TOKEN_OPEN)) {
          const out: ValuePart[] = [];
          for (const piece of n.value.split(TOKEN_OPEN)) {
            const close = piece.indexOf(TOKEN_CLOSE);
            if (close < 0) out.push(piece);
            else {
              const sym = symbols[Number(piece.slice(0, close))];
              if (sym) out.push(sym);
              out.push(piece.slice(close + 1));
            }
          }
          return fromParts(out, r);
        }
        return r ? { kind: "scalar", value: n.value, range: r } : { kind: "scalar", value: n.value };
      }
      default:
        return n;
    }
  };
  return { node: rebuild(parsed.node, 0) };
}

/**
 * Positions inside a policy written as one double-quoted string on one line (a JSON template's
 * `"PolicyDocument": "{\"Statement\": …}"`, a YAML `"…"`): the escapes are walked so that each
 * character of the text maps to its column in the template. Undefined when the string is not that,
 * or does not read back as `text` (a `Fn::Sub` whose `${…}` became symbols).
 */
function quotedMapper(
  outer: SourceRange | undefined,
  templateText: string,
  text: string,
): ((inner: SourceRange | undefined) => SourceRange | undefined) | undefined {
  if (!outer || outer.start.line !== outer.end.line) return undefined;
  const start = lineOffsets(templateText, outer.start.line, outer.start.line).get(outer.start.line);
  if (start === undefined) return undefined;
  // A byte order mark takes no column (see LineIndex).
  const lineStart = outer.start.line === 1 && templateText.charCodeAt(0) === 0xfeff ? start + 1 : start;
  const open = lineStart + outer.start.column - 1;
  if (templateText[open] === "'") return singleQuotedMapper(outer, templateText, text, open, lineStart);
  if (templateText[open] !== '"') return undefined;
  // columns[k]: the template column of the text's k-th character (and one past its end).
  const columns: number[] = [];
  let decoded = "";
  let i = open + 1;
  while (i < templateText.length && templateText[i] !== '"') {
    const c = templateText[i] as string;
    if (c === "\n" || c === "\r") return undefined;
    const column = i - lineStart + 1;
    if (c !== "\\") {
      columns.push(column);
      decoded += c;
      i++;
      continue;
    }
    const e = templateText[i + 1];
    const simple: Record<string, string> = {
      '"': '"',
      "\\": "\\",
      "/": "/",
      b: "\b",
      f: "\f",
      n: "\n",
      r: "\r",
      t: "\t",
    };
    if (e !== undefined && simple[e] !== undefined) {
      columns.push(column);
      decoded += simple[e];
      i += 2;
    } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(templateText.slice(i + 2, i + 6))) {
      columns.push(column);
      decoded += String.fromCharCode(Number.parseInt(templateText.slice(i + 2, i + 6), 16));
      i += 6;
    } else return undefined;
    if (decoded.length > text.length) return undefined;
  }
  if (decoded !== text) return undefined;
  columns.push(i - lineStart + 1);
  return columnMapper(outer, text, columns);
}

/** Positions in `text` mapped to the template columns `columns` gives each character, on `outer`'s line. */
function columnMapper(
  outer: SourceRange,
  text: string,
  columns: readonly number[],
): (inner: SourceRange | undefined) => SourceRange | undefined {
  const index = new LineIndex(text);
  const at = (p: SourcePosition): SourcePosition => ({
    line: outer.start.line,
    column: columns[Math.min(index.offset(p.line, p.column), columns.length - 1)] as number,
  });
  return (inner) => (inner ? { file: outer.file, start: at(inner.start), end: at(inner.end) } : outer);
}

/**
 * {@link quotedMapper} for a YAML single-quoted string on one line: `''` is one quote, every other
 * character stands for itself.
 */
function singleQuotedMapper(
  outer: SourceRange,
  templateText: string,
  text: string,
  open: number,
  lineStart: number,
): ((inner: SourceRange | undefined) => SourceRange | undefined) | undefined {
  const columns: number[] = [];
  let decoded = "";
  let i = open + 1;
  for (;;) {
    const c = templateText[i];
    if (c === undefined || c === "\n" || c === "\r") return undefined;
    if (c === "'") {
      if (templateText[i + 1] !== "'") break;
      columns.push(i - lineStart + 1);
      decoded += "'";
      i += 2;
      continue;
    }
    columns.push(i - lineStart + 1);
    decoded += c;
    i++;
    if (decoded.length > text.length) return undefined;
  }
  if (decoded !== text) return undefined;
  columns.push(i - lineStart + 1);
  return columnMapper(outer, text, columns);
}

/**
 * Where each character of a line of a `Fn::Sub` text stands on its template line: literal text maps
 * one to one, a `${Name}` the substitution replaced (by a symbol's token or by a value) maps to its
 * `${`, and `${!Literal}` to the `${Literal}` it writes. Undefined where the two cannot be told
 * apart (a substituted value right before another `${…}`).
 */
function subLineColumns(template: string, text: string): number[] | undefined {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (j < text.length) {
    if (template.startsWith("${!", i)) {
      // `${!Literal}` writes `${Literal}`.
      out.push(i, i + 1);
      i += 3;
      j += 2;
      continue;
    }
    if (template.startsWith("${", i)) {
      const close = template.indexOf("}", i);
      if (close < 0) return undefined;
      let end: number;
      if (text[j] === TOKEN_OPEN) {
        const t = text.indexOf(TOKEN_CLOSE, j);
        if (t < 0) return undefined;
        end = t + 1;
      } else {
        // A value: it ends where the template's next literal text starts.
        const next = template.indexOf("${", close + 1);
        const literal = template.slice(close + 1, next < 0 ? template.length : next);
        if (literal === "") {
          if (next >= 0) return undefined;
          end = text.length;
        } else {
          const found = text.indexOf(literal, j);
          if (found < 0) return undefined;
          end = found;
        }
      }
      for (; j < end; j++) out.push(i);
      i = close + 1;
      continue;
    }
    if (template[i] !== text[j]) return undefined;
    out.push(i);
    i++;
    j++;
  }
  out.push(i);
  return out;
}

function rangeMapper(
  outer: SourceRange | undefined,
  templateText: string,
  text?: string,
): (inner: SourceRange | undefined) => SourceRange | undefined {
  if (!outer) return () => undefined;
  // A block scalar (`|`) spans lines: its content starts on the line after the indicator.
  const lineStarts = lineOffsets(templateText, outer.start.line, outer.end.line + 1);
  const startOffset = lineStarts.get(outer.start.line);
  const nextLine = lineStarts.get(outer.start.line + 1);
  const firstLine =
    startOffset === undefined ? "" : templateText.slice(startOffset, nextLine ?? templateText.length);
  // A literal block scalar (`|`, `|-`, `|+`) ends its first line; its content starts on the next one.
  if (outer.end.line > outer.start.line && /\|[-+0-9]*\s*$/.test(firstLine)) {
    // The block's indentation is that of its first content line; YAML strips it from every line.
    const contentStart = nextLine ?? 0;
    let indent = 0;
    while (templateText.charCodeAt(contentStart + indent) === 32) indent++;
    // A line where a `Fn::Sub` replaced `${…}`: its columns are walked (see subLineColumns).
    const lines = text?.split("\n");
    const walked = new Map<number, number[] | undefined>();
    // (The block's line starts, found once above: a search from the text's start per position
    // made a policy at line 32,000 take seconds.)
    const templateLineHasSub = (line: number): boolean => {
      const from = lineStarts.get(outer.start.line + line);
      if (from === undefined) return false;
      const end = templateText.indexOf("\n", from);
      return templateText.slice(from, end < 0 ? templateText.length : end).includes("${");
    };
    const columnOf = (p: SourcePosition): number => {
      const own = lines?.[p.line - 1];
      if (own === undefined || (!own.includes(TOKEN_OPEN) && !templateLineHasSub(p.line)))
        return p.column + indent;
      if (!walked.has(p.line)) {
        const from = lineStarts.get(outer.start.line + p.line);
        const to = lineStarts.get(outer.start.line + p.line + 1);
        const line =
          from === undefined
            ? undefined
            : templateText.slice(from + indent, (to ?? templateText.length + 1) - 1);
        walked.set(p.line, line === undefined ? undefined : subLineColumns(line.replace(/\r$/, ""), own));
      }
      const columns = walked.get(p.line);
      return columns
        ? (columns[Math.min(p.column - 1, columns.length - 1)] as number) + 1 + indent
        : p.column + indent;
    };
    const at = (p: SourcePosition): SourcePosition => ({
      line: outer.start.line + p.line,
      column: columnOf(p),
    });
    return (inner) => (inner ? { file: outer.file, start: at(inner.start), end: at(inner.end) } : outer);
  }
  return () => outer;
}

function lineOffsets(text: string, first: number, last: number): Map<number, number> {
  const out = new Map<number, number>();
  let line = 1;
  let i = 0;
  while (i <= text.length && line <= last) {
    if (line >= first) out.set(line, i);
    const nl = text.indexOf("\n", i);
    if (nl < 0) break;
    i = nl + 1;
    line++;
  }
  return out;
}
