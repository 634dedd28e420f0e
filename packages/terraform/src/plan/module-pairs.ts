import { resolve } from "node:path";
import type { Diagnostic, Finding, PolicySite } from "@deputyguard/core";
import { configAddress, covers } from "./addresses.js";

/** A site as one run checked it: what its check found and said. */
export interface CheckedSite {
  /** What tells its policy: the resource, the argument and the module directories from the root. */
  site: Pick<PolicySite, "resource" | "propertyPath" | "moduleDirs">;
  /** Read from a plan's values (a site in the plan file), rather than by a scan of a module's source. */
  fromPlan: boolean;
  findings: readonly Finding[];
  diagnostics: readonly Diagnostic[];
}

/**
 * A plan's `PolicyUnknown` warning → the warning of its module's source analysis that says the same
 * policy is unknown (at the `.tf` line), which a scan of that module gives too.
 */
export const sourceWarnings = new WeakMap<Diagnostic, Diagnostic>();

const SEVERITY_RANK: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3 };

/** The root module, resource (without instance keys) and argument of a Terraform site. */
function policyKey(site: CheckedSite["site"]): string | undefined {
  const root = site.moduleDirs?.[0];
  if (root === undefined || !site.resource) return undefined;
  return `${root}\u0000${configAddress(site.resource)}\u0000${site.propertyPath ?? ""}`;
}

function findingKey(site: CheckedSite["site"], f: Finding): string | undefined {
  const key = policyKey(site);
  return key === undefined
    ? undefined
    : `${key}\u0000${f.ruleId}\u0000${f.statement?.index ?? ""}\u0000${f.statement?.sid ?? ""}`;
}

/** Whether two findings name the same principals, or the first's hold one not known (`<...>`). */
function samePrincipals(source: Finding, plan: Finding): boolean {
  if (source.principals.some((p) => p.includes("<"))) return true;
  const a = [...new Set(source.principals)].sort();
  const b = [...new Set(plan.principals)].sort();
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/**
 * A plan scanned with the module it was made from (`check-iac plan.json infra/`, or a directory
 * that holds both) has each policy read twice: from the plan's values and from the `.tf` source.
 * The two readings of one policy are the sites of the same root module directory, resource and
 * argument, where the module's address is the plan's instance or holds it (a `count` or `for_each`
 * the source does not know leaves one unexpanded resource for all of the plan's instances).
 */
export class PlanModulePairs {
  private readonly moduleSites = new Map<string, CheckedSite[]>();
  private readonly siteOf = new Map<Finding, CheckedSite>();

  constructor(checked: readonly CheckedSite[]) {
    for (const c of checked) {
      for (const f of c.findings) this.siteOf.set(f, c);
      const key = c.fromPlan ? undefined : policyKey(c.site);
      if (key === undefined) continue;
      const list = this.moduleSites.get(key);
      if (list) list.push(c);
      else this.moduleSites.set(key, [c]);
    }
  }

  /** The module scan's readings of the policy a plan's site holds (none for a site of the module). */
  inModule(plan: CheckedSite): CheckedSite[] {
    const key = plan.fromPlan ? policyKey(plan.site) : undefined;
    if (key === undefined) return [];
    return (this.moduleSites.get(key) ?? []).filter((m) =>
      covers(m.site.resource as string, plan.site.resource as string),
    );
  }

  /**
   * The diagnostics of a plan's site that the module's check of the same policy gave too (same code
   * and message): said once, at the source.
   */
  repeatedDiagnostics(plan: CheckedSite): Diagnostic[] {
    const said = new Set(
      this.inModule(plan).flatMap((m) => m.diagnostics.map((d) => `${d.code}\u0000${d.message}`)),
    );
    return plan.diagnostics.filter((d) => said.has(`${d.code}\u0000${d.message}`));
  }

  /**
   * The plan warnings that a policy is unknown whose module's scan, among `warnings`, says so too at
   * the `.tf` line: said once, there.
   */
  repeatedWarnings(warnings: readonly Diagnostic[]): Diagnostic[] {
    const at = (d: Diagnostic) => `${d.code}\u0000${resolve(d.file)}\u0000${d.line}:${d.column}`;
    const plans = warnings.filter((d) => sourceWarnings.has(d));
    if (plans.length === 0) return [];
    const said = new Set(warnings.filter((d) => !sourceWarnings.has(d)).map(at));
    return plans.filter((d) => said.has(at(sourceWarnings.get(d) as Diagnostic)));
  }

  /**
   * The findings with each plan finding the module's scan found too (same rule, statement and
   * policy) folded into the module's finding: reported once, at the `.tf` line a fix edits, with the
   * plan's resource as a related location. Where the plan's reading says something else (its values
   * resolve what the source leaves unknown: a variable without a default, a data source read at plan
   * time), the finding says what the plan says, the most severe of the plan's instances that the
   * source line stands for. A plan finding the module scan did not make stays in the plan.
   */
  fold(findings: readonly Finding[]): Finding[] {
    const byKey = new Map<string, Finding[]>();
    for (const f of findings) {
      const c = this.siteOf.get(f);
      const key = c && !c.fromPlan ? findingKey(c.site, f) : undefined;
      if (key === undefined) continue;
      const list = byKey.get(key);
      if (list) list.push(f);
      else byKey.set(key, [f]);
    }
    /** Module finding → the plan findings folded into it. */
    const into = new Map<Finding, Finding[]>();
    for (const f of findings) {
      const c = this.siteOf.get(f);
      const key = c?.fromPlan ? findingKey(c.site, f) : undefined;
      const resource = f.resource;
      if (key === undefined || !resource) continue;
      // The same statement read twice: its principals agree, or the source's hold a value it does
      // not know (`<var.service>`). A plan older than the source (another principal written since)
      // is another statement: both findings stay.
      const candidates = (byKey.get(key) ?? []).filter(
        (m) => m.resource && covers(m.resource, resource) && samePrincipals(m, f),
      );
      const m =
        candidates.find((x) => x.message === f.message && x.resource === resource) ??
        candidates.find((x) => x.message === f.message) ??
        candidates.find((x) => x.resource === resource) ??
        candidates[0];
      if (!m) continue;
      const list = into.get(m);
      if (list) list.push(f);
      else into.set(m, [f]);
    }
    const folded = new Set<Finding>();
    for (const [m, plans] of into) {
      // The most severe of the plan's instances; the module's own words when they are the plan's.
      let worst = plans.find((f) => f.message === m.message) ?? (plans[0] as Finding);
      for (const f of plans)
        if ((SEVERITY_RANK[f.severity] ?? 0) > (SEVERITY_RANK[worst.severity] ?? 0)) worst = f;
      const chosen = worst.message === m.message ? undefined : worst;
      m.related ??= [];
      for (const f of plans) {
        folded.add(f);
        const why =
          f === chosen
            ? "whose values this finding is read from"
            : f.message === m.message
              ? "where its values give the same finding"
              : "where its values give this rule on the same statement too";
        if (!m.related.some((r) => r.file === f.file && r.line === f.line && r.column === f.column))
          m.related.push({
            file: f.file,
            line: f.line,
            column: f.column,
            message: `${f.resource} in the plan, ${why}`,
          });
      }
      if (!chosen) continue;
      m.severity = chosen.severity;
      m.message = chosen.message;
      m.principals = chosen.principals;
      if (chosen.witness) m.witness = chosen.witness;
      else delete m.witness;
      if (chosen.fix) m.fix = chosen.fix;
      else delete m.fix;
    }
    return folded.size === 0 ? [...findings] : findings.filter((f) => !folded.has(f));
  }
}
