import type { Diagnostic } from "../model/source.js";
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
  const doc = {
    version: 1,
    tool,
    findings: report.findings,
    warnings: report.warnings.map(diagnosticJson),
    errors: report.errors.map(diagnosticJson),
    summary: report.summary,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
