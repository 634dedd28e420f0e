import {
  applySuppressions,
  type CheckOptions,
  checkSite,
  compareFindings,
  type Diagnostic,
  dedupeDiagnostics,
  type Finding,
  type ScanOptions,
  type Suppression,
} from "@deputyguard/core";
import { extractCloudFormation } from "./extract.js";
import type { CloudFormationSite } from "./sites/find.js";

export interface CheckedTemplate {
  findings: Finding[];
  diagnostics: Diagnostic[];
  sites: CloudFormationSite[];
}

/**
 * Extracts and checks a template in one call (for library users and tests). Findings of a site
 * that is one variant of its resource (an `Fn::If` branch, a CDK construct) name that variant at
 * the end of the message, and a finding repeated by several variants is reported once. A
 * resource's `Metadata.deputyguard.ignore` applies as in the CLI: the findings it covers stay in
 * the list marked `suppressed`, and a suppression without a reason, expired or naming no rule is a
 * warning in `diagnostics`.
 */
export async function checkCloudFormation(
  file: string,
  text: string,
  options: ScanOptions & CheckOptions = {},
): Promise<CheckedTemplate> {
  const extracted = await extractCloudFormation(file, text, options);
  const diagnostics = [...extracted.diagnostics];
  const findings: Finding[] = [];
  const seen = new Map<string, Finding>();
  const suppressions: Suppression[] = [];
  for (const site of extracted.sites) {
    if (site.suppressions) suppressions.push(...site.suppressions);
    const result = checkSite(site, options);
    diagnostics.push(...result.diagnostics);
    for (const f of result.findings) {
      const key = `${f.file}|${f.line}|${f.column}|${f.ruleId}|${f.resource}|${f.message}`;
      const earlier = seen.get(key);
      if (earlier) continue;
      const out = site.variant ? { ...f, message: `${f.message} (${site.variant})` } : f;
      seen.set(key, out);
      findings.push(out);
    }
  }
  findings.sort(compareFindings);
  const suppressed = applySuppressions(findings, suppressions, new Date().toISOString().slice(0, 10));
  diagnostics.push(...suppressed.warnings);
  // The variants of one resource (Fn::If branches) repeat the diagnostics of what they share.
  return {
    findings: suppressed.findings,
    diagnostics: dedupeDiagnostics(diagnostics),
    sites: extracted.sites,
  };
}
