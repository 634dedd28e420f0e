import { createTwoFilesPatch, formatPatch, type StructuredPatch, structuredPatch } from "diff";
import { parseJsonSource } from "../input/json-source.js";
import { LineIndex } from "../model/line-index.js";
import { parsePolicy } from "../model/parse-policy.js";
import type { SourcePosition } from "../model/source.js";
import { getEntry, type ObjectNode, type SourceNode } from "../model/tree.js";
import type { Finding } from "./check.js";
import type { ConditionBlock } from "./fix.js";

function offsetOf(lines: LineIndex, p: SourcePosition): number {
  return lines.offset(p.line, p.column);
}

function renderBlock(block: ConditionBlock, indent: string, unit: string, multiline: boolean): string {
  if (!multiline) return JSON.stringify(block).replace(/":/g, '": ').replace(/,"/g, ', "');
  const json = JSON.stringify(block, null, unit);
  return json.replace(/\n/g, `\n${indent}`);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function statementNodes(root: SourceNode): SourceNode[] {
  if (root.kind === "array") return root.items;
  if (root.kind !== "object") return [];
  const st = root.entries.find((e) => e.key === "Statement");
  if (!st) return root.entries.some((e) => e.key === "Effect") ? [root] : [];
  if (st.value.kind === "array") return st.value.items;
  return [st.value];
}

/**
 * Applies the structured fixes of findings (`fix.condition`) to an IAM policy JSON text: the
 * statement's Condition is replaced, or added before the statement's closing brace, in the file's
 * own indentation. Returns the new text, or undefined when nothing applies.
 */
export function applyPolicyJsonFixes(
  text: string,
  file: string,
  findings: readonly Finding[],
): string | undefined {
  const parsed = parseJsonSource(text, file);
  if (!parsed.node) return undefined;
  const policy = parsePolicy(parsed.node, file).policy;
  if (!policy) return undefined;
  const nodes = statementNodes(parsed.node);
  const starts = new LineIndex(text);
  const edits: Edit[] = [];
  const done = new Set<number>();
  for (const f of findings) {
    if (f.suppressed || !f.fix?.condition || !f.statement || done.has(f.statement.index)) continue;
    const node = nodes[f.statement.index];
    if (node?.kind !== "object" || !node.range) continue;
    done.add(f.statement.index);
    edits.push(editFor(text, starts, node, f.fix.condition, f.fix.unchanged ?? []));
  }
  if (edits.length === 0) return undefined;
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function editFor(
  text: string,
  starts: LineIndex,
  node: ObjectNode,
  block: ConditionBlock,
  unchanged: NonNullable<NonNullable<Finding["fix"]>["unchanged"]>,
): Edit {
  const range = node.range as NonNullable<ObjectNode["range"]>;
  const open = offsetOf(starts, range.start);
  const multiline = range.start.line !== range.end.line;
  const first = node.entries[0]?.keyRange;
  const lineText = text.slice(starts.lineStart((first ?? range).start.line));
  const indent = multiline ? (lineText.match(/^[ \t]*/)?.[0] ?? "") : "";
  const unit = multiline ? indentUnit(indent, range.start.column) : "";
  const condition = node.entries.find((e) => e.key === "Condition");
  if (condition?.keyRange && condition.value.range) {
    // Entries the fix keeps are copied as written (a heredoc's `${var.x}`, the file's own spacing).
    const kept: string[] = [];
    const marked: ConditionBlock = {};
    for (const [op, keys] of Object.entries(block)) {
      const copy: Record<string, string | string[]> = {};
      for (const [key, value] of Object.entries(keys)) {
        const written = unchanged.some((u) => u.operator === op && u.key === key)
          ? entryOf(entryOf(condition.value, op), key)
          : undefined;
        if (written?.range) {
          kept.push(text.slice(offsetOf(starts, written.range.start), offsetOf(starts, written.range.end)));
          copy[key] = `\uE100${kept.length - 1}\uE101`;
        } else copy[key] = value;
      }
      marked[op] = copy;
    }
    const rendered = renderBlock(marked, indent, unit, multiline).replace(
      /"\uE100(\d+)\uE101"/g,
      (_m, i: string) => kept[Number(i)] as string,
    );
    return {
      start: offsetOf(starts, condition.keyRange.start),
      end: offsetOf(starts, condition.value.range.end),
      text: `"Condition": ${rendered}`,
    };
  }
  const last = node.entries[node.entries.length - 1];
  const after = last?.value.range ? offsetOf(starts, last.value.range.end) : open + 1;
  const sep = last ? "," : "";
  const insert = multiline
    ? `${sep}\n${indent}"Condition": ${renderBlock(block, indent, unit, true)}`
    : `${sep} "Condition": ${renderBlock(block, "", "", false)}`;
  return { start: after, end: after, text: insert };
}

/** The value of `key` in an object node. */
function entryOf(node: SourceNode | undefined, key: string): SourceNode | undefined {
  return node?.kind === "object" ? getEntry(node, key)?.value : undefined;
}

/** The indentation step the file uses (two spaces when it cannot be told). */
function indentUnit(entryIndent: string, objectColumn: number): string {
  const step = entryIndent.length - (objectColumn - 1);
  if (entryIndent.startsWith("\t")) return "\t";
  return " ".repeat(step > 0 && step <= 8 ? step : 2);
}

/** A unified diff between two versions of a file. */
export function unifiedDiff(file: string, before: string, after: string): string {
  const cuts = before.length + after.length > LARGE_DIFF ? diffCuts(before, after) : [];
  if (cuts.length === 0)
    return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, "", "", { context: 3 });
  // Myers' diff takes time in the product of the size and the number of changes: a fix to thousands
  // of statements took minutes. The texts are diffed in pieces, cut where they agree for 4 lines on
  // each side (more than twice the context, so no hunk would have spanned the cut), and the hunks
  // joined: the same patch, in time about linear in the size.
  const patch: StructuredPatch = {
    oldFileName: `a/${file}`,
    newFileName: `b/${file}`,
    oldHeader: "",
    newHeader: "",
    hunks: [],
  };
  let from = { a: 0, b: 0, line: { a: 0, b: 0 } };
  for (const cut of [...cuts, undefined]) {
    const to = cut ?? { a: before.length, b: after.length, line: { a: 0, b: 0 } };
    const piece = structuredPatch("a", "b", before.slice(from.a, to.a), after.slice(from.b, to.b), "", "", {
      context: 3,
    });
    for (const h of piece.hunks)
      patch.hunks.push({ ...h, oldStart: h.oldStart + from.line.a, newStart: h.newStart + from.line.b });
    if (cut) from = cut;
  }
  return formatPatch(patch);
}

/** Texts larger than this (both together, in characters) are diffed in pieces. */
const LARGE_DIFF = 200_000;

/**
 * Places where `before` and `after` can be diffed apart: offsets (and the number of lines before
 * them) of a line the two texts share once each (patience diff's anchors, kept in the order both
 * texts have them) with 4 equal lines before and after it in both.
 */
function diffCuts(
  before: string,
  after: string,
): Array<{ a: number; b: number; line: { a: number; b: number } }> {
  const a = before.split("\n");
  const b = after.split("\n");
  const count = new Map<string, [number, number, number]>();
  a.forEach((l, i) => {
    const c = count.get(l) ?? [0, 0, i];
    c[0]++;
    c[2] = i;
    count.set(l, c);
  });
  const pairs: Array<[number, number]> = [];
  for (const l of b) {
    const c = count.get(l);
    if (c) c[1]++;
  }
  b.forEach((l, j) => {
    const c = count.get(l);
    if (c && c[0] === 1 && c[1] === 1) pairs.push([c[2], j]);
  });
  // The longest run of pairs increasing in both (pairs are in b's order; keep a increasing).
  const tails: number[] = [];
  const prev = new Array<number>(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    const ai = (pairs[k] as [number, number])[0];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((pairs[tails[mid] as number] as [number, number])[0] < ai) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1] as number;
    tails[lo] = k;
  }
  const chain: Array<[number, number]> = [];
  for (let k = tails.length > 0 ? (tails[tails.length - 1] as number) : -1; k >= 0; k = prev[k] as number)
    chain.push(pairs[k] as [number, number]);
  chain.reverse();
  // Offsets of each line's start.
  const startsOf = (lines: string[]) => {
    const out = new Array<number>(lines.length);
    let at = 0;
    for (let i = 0; i < lines.length; i++) {
      out[i] = at;
      at += (lines[i] as string).length + 1;
    }
    return out;
  };
  const sa = startsOf(a);
  const sb = startsOf(b);
  const cuts: Array<{ a: number; b: number; line: { a: number; b: number } }> = [];
  let last = 0;
  for (const [i, j] of chain) {
    if (i < 4 || j < 4 || i + 4 >= a.length || j + 4 >= b.length || i - last < 50) continue;
    let same = true;
    for (let d = -4; d <= 4 && same; d++) same = a[i + d] === b[j + d];
    if (!same) continue;
    cuts.push({ a: sa[i] as number, b: sb[j] as number, line: { a: i, b: j } });
    last = i;
  }
  return cuts;
}
