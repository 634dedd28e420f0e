import type { Witness } from "../analysis/foreign-access.js";
import type { StatementFacts } from "../analysis/statement-facts.js";
import type { Fix, FixBuilder } from "../engine/fix.js";
import type { PolicySite } from "../engine/site.js";
import type { Policy } from "../model/policy.js";
import type { SourceRange } from "../model/source.js";

/** A finding's severity. */
export type Severity = "high" | "medium" | "low" | "info";

/** Severities from least to most severe. */
export const SEVERITY_ORDER: readonly Severity[] = ["info", "low", "medium", "high"];

/** A rule's stable id, slug, default severity, documentation and references. */
export interface RuleMeta {
  /** Stable id, never reused: `CD101`. */
  id: string;
  /** Stable kebab-case name: `service-principal-without-source-guard`. */
  slug: string;
  /** Default severity; a rule may report a different one for some sites (documented in `severityNote`). */
  severity: Severity;
  severityNote?: string;
  title: string;
  /** What the rule finds and why it matters (Markdown). */
  description: string;
  /** How to fix it (Markdown). */
  howToFix: string;
  /** AWS documentation. */
  references: string[];
  /** Former ids, so that suppressions keep working after a rename. */
  aliases?: string[];
  /** Example policies for the docs: one that fires, one that does not. */
  examples: { invalid: string; valid: string };
}

export interface ReportInput {
  message: string;
  severity?: Severity;
  /** The offending condition, value or principal. */
  element?: SourceRange;
  principals: string[];
  witness?: Witness;
  fix?: Fix;
}

/** What a rule sees of one statement: the site, the policy, the statement facts, and `report`. */
export interface RuleContext {
  site: PolicySite;
  policy: Policy;
  facts: StatementFacts;
  strict: boolean;
  /** Renders a symbol or a trusted value for messages (`<SELF>` becomes the --account when given). */
  display: (text: string) => string;
  fixes: FixBuilder;
  report(input: ReportInput): void;
}

/** A rule: its metadata and a pure `check` that reports through its context. */
export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

/** Declares a rule; one file per rule under `rules/`. */
export function defineRule(rule: Rule): Rule {
  if (!/^CD\d{3}$/.test(rule.meta.id)) throw new Error(`rule id ${rule.meta.id} is not of the form CDnnn`);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.meta.slug))
    throw new Error(`rule slug ${rule.meta.slug} is not kebab-case`);
  return rule;
}
