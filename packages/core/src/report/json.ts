import type { Diagnostic } from "../model/source.js";
import { jsonChunks } from "./json-chunks.js";
import type { ScanReport } from "./report.js";

function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = { file: d.file };
  if (d.line !== undefined) out.line = d.line;
  if (d.column !== undefined) out.column = d.column;
  out.code = d.code;
  out.message = d.message;
  return out;
}

/** The JSON output (version 1), documented by `schemas/output.schema.json`. */
export function renderJson(report: ScanReport, tool: { name: string; version: string }): string {
  return `${JSON.stringify(jsonDocument(report, tool), null, 2)}\n`;
}

/**
 * {@link renderJson}'s text in pieces (joined, the same text), for writing a large report without
 * holding it whole.
 */
export function* renderJsonChunks(
  report: ScanReport,
  tool: { name: string; version: string },
): Generator<string> {
  yield* jsonChunks(jsonDocument(report, tool));
  yield "\n";
}

function jsonDocument(report: ScanReport, tool: { name: string; version: string }): unknown {
  return {
    version: 1,
    tool,
    findings: report.findings,
    warnings: report.warnings.map(diagnosticJson),
    errors: report.errors.map(diagnosticJson),
    summary: report.summary,
  };
}
