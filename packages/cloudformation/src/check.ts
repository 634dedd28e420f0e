import {
  applySuppressions,
  type CheckOptions,
  checkSites,
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
 * Extracts and checks a template in one call (for library users and tests), as the CLI does (see
 * `checkSites`): a finding repeated by several variants of its resource (`Fn::If` branches) is
 * reported once, and one that holds only in some names them (`variant`, and at the end of the
 * message), as does one of a CDK construct. A
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
  const suppressions = extracted.sites.flatMap((site) => site.suppressions ?? []);
  // As the CLI does: a finding true in every variant of its resource is reported once, without a
  // label; one true in some names those.
  const checked = checkSites(extracted.sites, options);
  const diagnostics = [...extracted.diagnostics, ...checked.diagnostics];
  const findings = checked.findings.map((f) =>
    f.variant ? { ...f, message: `${f.message} (${f.variant})` } : f,
  );
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
