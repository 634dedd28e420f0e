import type { Finding } from "../engine/check.js";
import type { Diagnostic } from "../model/source.js";
import { SEVERITY_ORDER, type Severity } from "../rules/types.js";

/** The outcome of a scan over several files. */
export interface ScanReport {
  findings: Finding[];
  warnings: Diagnostic[];
  errors: Diagnostic[];
  /** `findings` counts every finding in the list, `suppressed` those of them a suppression covers. */
  summary: {
    files: number;
    policies: number;
    statements: number;
    findings: number;
    suppressed: number;
    errors: number;
  };
}

/** A report with no findings, for the CLI to fill. */
export function emptyReport(): ScanReport {
  return {
    findings: [],
    warnings: [],
    errors: [],
    summary: { files: 0, policies: 0, statements: 0, findings: 0, suppressed: 0, errors: 0 },
  };
}

/** Whether `severity` is at least `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);
}

/** Whether a string is a severity name. */
export function isSeverity(s: string): s is Severity {
  return (SEVERITY_ORDER as readonly string[]).includes(s);
}
