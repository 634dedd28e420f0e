import type { Finding } from "../engine/check.js";
import { findService, isServicePrincipalName } from "../knowledge/lookup.js";
import type { Diagnostic } from "../model/source.js";
import type { ScanReport } from "./report.js";

/** Colour functions; identity functions when colour is off. */
export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  gray(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

/** A palette without colour. */
export const PLAIN: Palette = {
  red: (s) => s,
  yellow: (s) => s,
  blue: (s) => s,
  gray: (s) => s,
  bold: (s) => s,
  cyan: (s) => s,
};

/** Options of `renderText`. */
export interface TextOptions {
  palette?: Palette;
  /** The text of a file, for code frames. */
  source?: (file: string) => string | undefined;
  /** Findings and errors only; warnings of the codes in `keepWarnings` are still shown. */
  quiet?: boolean;
  /** Warning codes `quiet` keeps (the notes of a `--fix` the user asked for). */
  keepWarnings?: readonly string[];
  /** Findings left out because a suppression covers them (shown in the summary). */
  suppressed?: number;
}

function severityLabel(f: Finding, p: Palette): string {
  switch (f.severity) {
    case "high":
      return p.red("high");
    case "medium":
      return p.yellow("medium");
    case "low":
      return p.blue("low");
    default:
      return p.gray("info");
  }
}

/**
 * Control characters (escape, bell, carriage return, ...) and bidirectional overrides from the
 * input, shown as `\u{1b}`: an input must not recolour, retitle or rewrite the terminal or CI log
 * the report is printed to.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the input made safe to print (see CONTROL). */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/** Line breaks and tabs, which a one-line field (a file name, a Sid, a message) must not carry. */
const BREAKS = /[\n\t\u2028\u2029]/g;

/** Text from the input for a one-line field: also without line breaks (a Sid must not print a fake finding line). */
export function printableLine(s: string): string {
  return printable(s).replace(BREAKS, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/** The lines of the last text framed: a report frames many findings of one file in a row. */
let framed: { text: string; lines: string[] } | undefined;

function linesOf(text: string): string[] {
  if (framed?.text !== text) framed = { text, lines: text.split(/\r\n|\r|\n/) };
  return framed.lines;
}

/** How many characters of a source line a frame shows. */
const FRAME_WIDTH = 160;

/**
 * A few lines of source around `line`, with a caret under `column`. A line longer than the frame (a
 * minified policy) is shown around the column, with `...` where it is cut, so the caret stays on
 * the text it points at; only that window is made printable.
 */
export function codeFrame(text: string, line: number, column: number, p: Palette = PLAIN): string {
  const lines = linesOf(text);
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const width = String(last).length;
  const focus = lines[line - 1] ?? "";
  const keep = FRAME_WIDTH - 6;
  // One start for every line of the frame, so that the lines stay aligned under each other.
  const start = focus.length <= FRAME_WIDTH ? 0 : Math.max(0, Math.min(column - 1 - 60, focus.length - keep));
  const out: string[] = [];
  let caret = Math.max(0, Math.min(column - 1, FRAME_WIDTH));
  for (let n = first; n <= last; n++) {
    const whole = lines[n - 1] ?? "";
    let shown: string;
    if (whole.length <= FRAME_WIDTH && start === 0) shown = printable(whole.replace(/\t/g, "  "));
    else {
      const cut = whole.slice(start, start + keep);
      const before = start > 0 && whole.length > start ? "..." : "";
      const after = start + keep < whole.length ? "..." : "";
      shown = `${before}${printable(cut.replace(/\t/g, "  "))}${after}`;
      if (n === line) caret = Math.max(0, column - 1 - start + before.length);
    }
    const mark = n === line ? p.red(">") : " ";
    out.push(`  ${mark} ${p.gray(String(n).padStart(width))} | ${shown}`);
    if (n === line) out.push(`    ${" ".repeat(width)} | ${" ".repeat(caret)}${p.red("^")}`);
  }
  return out.join("\n");
}

function diagnosticLine(d: Diagnostic, p: Palette): string {
  const where = d.line !== undefined ? `${d.file}:${d.line}:${d.column ?? 1}` : d.file;
  const label = d.severity === "error" ? p.red("error") : p.yellow("warning");
  return `${printableLine(`${where}: `)}${label} ${d.code}: ${printableLine(d.message)}`;
}

/** Human-readable output, grouped by file, with code frames. */
export function renderText(report: ScanReport, options: TextOptions = {}): string {
  const p = options.palette ?? PLAIN;
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  for (const [file, findings] of byFile) {
    out.push(p.bold(p.cyan(printableLine(file))));
    const text = options.source?.(file);
    for (const f of findings) {
      const at = f.element ?? { line: f.line, column: f.column };
      const where = `${f.line}:${f.column}`;
      const res = f.resource ? ` ${p.gray(`[${printableLine(f.resource)}]`)}` : "";
      const stmt = f.statement
        ? p.gray(
            ` statement ${f.statement.index}${f.statement.sid ? ` (${printableLine(f.statement.sid)})` : ""}`,
          )
        : "";
      out.push(`  ${where}  ${severityLabel(f, p)}  ${p.bold(f.ruleId)} ${p.gray(f.rule)}${res}${stmt}`);
      out.push(`    ${printableLine(f.message)}`);
      if (f.variant) out.push(p.gray(`    when: ${printableLine(f.variant)}`));
      for (const r of f.related ?? [])
        out.push(p.gray(printableLine(`    ${r.message}: ${r.file}:${r.line}:${r.column}`)));
      const unknown = f.principals.filter((x) => x !== "*" && isServicePrincipalName(x) && !findService(x));
      if (unknown.length > 0) {
        out.push(
          p.gray(
            `    note: ${printableLine(unknown.join(", "))} ${unknown.length > 1 ? "are" : "is"} not in the service knowledge table (deputyguard services): generic rules only, no CD205`,
          ),
        );
      }
      if (text !== undefined) out.push(codeFrame(text, at.line, at.column, p));
      if (f.witness) {
        const ctx = Object.entries(f.witness.context)
          .filter(([k]) => !/^aws:Principal(IsAWSService|ServiceName)$/i.test(k))
          .map(([k, v]) => `${k}=${v}`)
          .join(", ");
        out.push(
          p.gray(
            printableLine(
              `    witness: ${f.witness.principal} ${f.witness.action ?? ""}${ctx ? ` with ${ctx}` : " with no source keys"}`,
            ),
          ),
        );
      }
      if (f.fix) {
        out.push(p.gray("    fix:"));
        for (const l of f.fix.text.split("\n")) out.push(`      ${printable(l)}`);
      }
      out.push("");
    }
  }
  for (const d of report.warnings)
    if (!options.quiet || options.keepWarnings?.includes(d.code)) out.push(diagnosticLine(d, p));
  for (const d of report.errors) out.push(diagnosticLine(d, p));
  if (!options.quiet) {
    const counts = new Map<string, number>();
    for (const f of report.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
    const parts = ["high", "medium", "low", "info"]
      .filter((s) => counts.has(s))
      .map((s) => `${counts.get(s)} ${s}`);
    const s = report.summary;
    const unresolved = report.findings.filter((f) => f.ruleId === "CD301").length;
    out.push(
      `${report.findings.length} finding${report.findings.length === 1 ? "" : "s"}${parts.length ? ` (${parts.join(", ")})` : ""} in ${s.files} file${s.files === 1 ? "" : "s"}, ${s.policies} polic${s.policies === 1 ? "y" : "ies"}, ${s.statements} statement${s.statements === 1 ? "" : "s"}${options.suppressed ? `; ${options.suppressed} suppressed` : ""}${unresolved ? `; ${unresolved} unresolved assumption${unresolved === 1 ? "" : "s"} (CD301)` : ""}${s.errors ? `; ${s.errors} error${s.errors === 1 ? "" : "s"}` : ""}`,
    );
  }
  return `${out.join("\n")}\n`;
}
