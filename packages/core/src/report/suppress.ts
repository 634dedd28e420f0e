import type { Finding } from "../engine/check.js";
import type { Diagnostic } from "../model/source.js";
import { findRule, suggestRule } from "../rules/index.js";

/**
 * An accepted risk, recorded once with a reason: in the source (a Terraform comment, CloudFormation
 * `Metadata.deputyguard.ignore`) or in the configuration file (for policy JSON files).
 */
export interface Suppression {
  /** Rule id, slug or former id. */
  rule: string;
  reason?: string;
  /** Last day it applies (YYYY-MM-DD); after that it stops suppressing. */
  until?: string;
  kind: "inSource" | "external";
  /** Where the suppression is written, for warnings. */
  origin: { file: string; line?: number; column?: number };
  /** Which findings it covers: a file, and optionally a resource and a line range. */
  scope: { file?: (file: string) => boolean; resource?: string; lines?: { first: number; last: number } };
}

/** The findings with suppressed ones marked, warnings about the suppressions, and the unused ones. */
export interface SuppressionOutcome {
  findings: Finding[];
  warnings: Diagnostic[];
  unused: Suppression[];
}

function covers(s: Suppression, f: Finding): boolean {
  const rule = findRule(s.rule);
  if (!rule || rule.meta.id !== f.ruleId) return false;
  if (s.scope.file && !s.scope.file(f.file)) return false;
  if (s.scope.resource !== undefined && s.scope.resource !== f.resource) return false;
  if (s.scope.lines && (f.line < s.scope.lines.first || f.line > s.scope.lines.last)) return false;
  return true;
}

/** `YYYY-MM-DD` naming a day of the calendar (`2099-13-45` has the shape but is no date). */
function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

/**
 * Marks the findings that suppressions cover. Suppressed findings stay in the list (JSON and SARIF
 * show them, marked); a suppression without a reason is a warning; an expired one no longer
 * suppresses and says so; one that covers nothing is returned as unused.
 */
export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  today: string,
): SuppressionOutcome {
  const warnings: Diagnostic[] = [];
  const used = new Set<Suppression>();
  const active: Suppression[] = [];
  // Sites that share a suppression (the resources using one policy document) each carry it.
  const distinct = [...new Set(suppressions)];
  for (const s of distinct) {
    const at = {
      file: s.origin.file,
      ...(s.origin.line !== undefined ? { line: s.origin.line } : {}),
      ...(s.origin.column !== undefined ? { column: s.origin.column } : {}),
    };
    if (!findRule(s.rule)) {
      warnings.push({
        code: "SuppressionUnknownRule",
        severity: "warning",
        ...at,
        message: `suppression names "${s.rule}", which is not a rule${suggestion(s.rule)}`,
      });
      continue;
    }
    if (!s.reason?.trim()) {
      warnings.push({
        code: "SuppressionWithoutReason",
        severity: "warning",
        ...at,
        // A configuration-file entry takes its reason in a "reason" key; "--" is the comment syntax.
        message:
          s.kind === "external"
            ? `suppression of ${s.rule} gives no reason; add a "reason" to it`
            : `suppression of ${s.rule} gives no reason; write one after "--"`,
      });
    }
    if (s.until !== undefined) {
      if (!isCalendarDate(s.until)) {
        warnings.push({
          code: "SuppressionBadDate",
          severity: "warning",
          ...at,
          message: `"until: ${s.until}" is not a date (YYYY-MM-DD); the suppression is ignored`,
        });
        continue;
      }
      if (s.until < today) {
        warnings.push({
          code: "SuppressionExpired",
          severity: "warning",
          ...at,
          message: `suppression of ${s.rule} expired on ${s.until}; the finding is reported again`,
        });
        used.add(s);
        continue;
      }
    }
    active.push(s);
  }
  const out = findings.map((f) => {
    const s = active.find((x) => covers(x, f));
    if (!s) return f;
    used.add(s);
    return { ...f, suppressed: { kind: s.kind, justification: s.reason?.trim() ?? "" } };
  });
  return {
    findings: out,
    warnings,
    unused: distinct.filter((s) => !used.has(s) && findRule(s.rule) !== undefined),
  };
}

/** ` (did you mean "CD101"?)` for a rule name a slip away from a rule's, else nothing. */
function suggestion(name: string): string {
  const near = suggestRule(name);
  return near ? ` (did you mean "${near}"?)` : "";
}
