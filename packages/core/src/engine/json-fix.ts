import { createTwoFilesPatch } from "diff";
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
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, "", "", { context: 3 });
}
