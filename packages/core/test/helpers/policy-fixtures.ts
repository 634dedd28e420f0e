import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkPolicyText, emptyReport, type ScanReport } from "../../src/index.js";

/** The policy JSON files under `dir` (expected-output files left out), sorted. */
export function policyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...policyFiles(p));
    else if (name.endsWith(".json") && !name.endsWith(".expected.json")) out.push(p);
  }
  return out.sort();
}

/** A report of checking each of `files` as a policy JSON file, as the CLI would make it. */
export function scanPolicies(files: string[]): ScanReport {
  const report = emptyReport();
  for (const f of files) {
    const r = checkPolicyText(readFileSync(f, "utf8"), f);
    report.findings.push(...r.findings);
    for (const d of r.diagnostics) (d.severity === "error" ? report.errors : report.warnings).push(d);
    report.summary.files++;
  }
  report.summary.findings = report.findings.length;
  return report;
}
