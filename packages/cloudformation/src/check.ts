import {
  type CheckOptions,
  checkSite,
  compareFindings,
  type Diagnostic,
  dedupeDiagnostics,
  type Finding,
  type ScanOptions,
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
 * the end of the message, and a finding repeated by several variants is reported once.
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
  for (const site of extracted.sites) {
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
  // The variants of one resource (Fn::If branches) repeat the diagnostics of what they share.
  return { findings, diagnostics: dedupeDiagnostics(diagnostics), sites: extracted.sites };
}
