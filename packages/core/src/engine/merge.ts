import { type CheckOptions, type CheckResult, checkSite, type Finding } from "./check.js";
import type { PolicySite } from "./site.js";

/**
 * The branches of one resource repeat their shared statements: report each finding once. A finding
 * found twice (a module scanned with its plan: `check-iac plan.json infra/`) keeps the related
 * locations of both, such as the plan's resource whose policy was analysed from the source.
 */
const SEVERITY_RANK: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3 };

/**
 * One finding per place, rule, resource, statement and element, as `check-iac` reports them. The
 * same finding again (a plan's resource also found in its module) is one; so is the same rule on the
 * same statement in several variants of one policy (both branches of an Fn::If, each value a
 * Terraform conditional may take): it names the variants it holds in, none when it holds in all
 * that policy was analysed in, and its witness and message are the most severe variant's.
 * `variantsOf` gives a finding's policy's variants (undefined: the finding's policy has one).
 * The findings kept are changed in place (their `variant`, and the worse variant's message).
 */
export function mergeVariantFindings(
  variantsOf: (f: Finding) => ReadonlySet<string | undefined> | undefined,
  findings: Finding[],
): Finding[] {
  const holds = new Map<Finding, Set<string | undefined>>();
  // The kept findings, indexed for the three ways a finding matches one (below): a policy written as
  // one JSON string reports all its statements at one position, and a search of every kept finding
  // at that position for each new one was quadratic (20,000 statements took 28 s).
  /** By position, statement, element, message and own variant (the first way). */
  const exact = new Map<string, { g: Finding; order: number }>();
  /** By position, statement, element and message: the first kept (the third way). */
  const byMessage = new Map<string, { g: Finding; order: number }>();
  /** By position and principals, the kept findings that have a variant, in order (the second way). */
  const withVariant = new Map<string, { list: Finding[]; cursor: Map<string | undefined, number> }>();
  const order = new Map<Finding, number>();
  const holdsVariant = (g: Finding, v: string | undefined) => holds.get(g)?.has(v) ?? g.variant === v;
  const place = (g: Finding, key = positionKey(g)) =>
    `${key}\u0000${g.statement?.index}\u0000${g.element?.line}:${g.element?.column}\u0000${g.message}`;
  const positionOf = new Map<Finding, string>();
  const index = (g: Finding, at = place(g)) => {
    const n = order.get(g) ?? 0;
    const same = exact.get(`${at}\u0000${g.variant}`);
    if (!same || same.order > n) exact.set(`${at}\u0000${g.variant}`, { g, order: n });
    const earlier = byMessage.get(at);
    if (!earlier || earlier.order > n) byMessage.set(at, { g, order: n });
  };
  const out: Finding[] = [];
  for (const f of findings) {
    // The statement is part of the key: two statements of a policy written on one line (a JSON
    // string, a plan's attribute) are reported at one position, and each is a finding of its own.
    // The element is not: a variant may take its value from another line (a map's entry).
    // The statement's index is not in the key: an Fn::If that removes an earlier statement shifts
    // it between variants. Within one variant two statements at one position stay two findings.
    const key = positionKey(f);
    const at = place(f, key);
    const group = `${key}\u0000${f.principals.join("\u0000")}`;
    // 1. The same message in the same variant, statement and element.
    let first: Finding | undefined = exact.get(`${at}\u0000${f.variant}`)?.g;
    // 2. A finding of another variant that does not hold this one yet, for the same principals.
    if (!first && f.variant !== undefined) {
      const candidates = withVariant.get(group);
      if (candidates) {
        // A kept finding never stops holding a variant: each is passed once per variant.
        let i = candidates.cursor.get(f.variant) ?? 0;
        while (i < candidates.list.length && holdsVariant(candidates.list[i] as Finding, f.variant)) i++;
        candidates.cursor.set(f.variant, i);
        first = candidates.list[i];
      }
    }
    // 3. The same message, statement and element in any variant.
    first ??= byMessage.get(at)?.g;
    if (first) {
      // The variants a kept finding holds in, made only when a second one comes (most never do).
      let variants = holds.get(first);
      if (!variants) {
        variants = new Set([first.variant]);
        holds.set(first, variants);
      }
      if (!variants.has(f.variant)) {
        variants.add(f.variant);
        if (
          first.message !== f.message &&
          (SEVERITY_RANK[f.severity] ?? 0) > (SEVERITY_RANK[first.severity] ?? 0)
        ) {
          const { variant: _v, related: _r, ...worse } = f;
          Object.assign(first, worse);
          if (!f.witness) delete first.witness;
          if (!f.fix) delete first.fix;
          // Its message changed: it is found by the new one now (and no longer by the old).
          const was = positionOf.get(first);
          if (was !== undefined) {
            if (exact.get(`${was}\u0000${first.variant}`)?.g === first)
              exact.delete(`${was}\u0000${first.variant}`);
            if (byMessage.get(was)?.g === first) byMessage.delete(was);
          }
          const now = place(first);
          index(first, now);
          positionOf.set(first, now);
        }
      }
      for (const r of f.related ?? []) {
        first.related ??= [];
        if (!first.related.some((x) => x.file === r.file && x.line === r.line && x.column === r.column))
          first.related.push(r);
      }
      continue;
    }
    order.set(f, out.length);
    index(f, at);
    positionOf.set(f, at);
    if (f.variant !== undefined) {
      const candidates = withVariant.get(group);
      if (candidates) candidates.list.push(f);
      else withVariant.set(group, { list: [f], cursor: new Map() });
    }
    out.push(f);
  }
  for (const f of out) {
    const variants = holds.get(f);
    if (!variants || variants.size < 2) continue;
    const all = variantsOf(f);
    if (variants.has(undefined)) delete f.variant;
    else if (all && [...all].every((v) => variants.has(v))) {
      // Holds in every variant: only what they all say stays (a resource's condition, a CDK
      // construct path, written first and ended by "; ").
      const parts = [...variants].map((v) => (v ?? "").split("; "));
      const common: string[] = [];
      for (let i = 0; parts.every((p) => i < p.length - 1 && p[i] === parts[0]?.[i]); i++)
        common.push(parts[0]?.[i] as string);
      if (common.length > 0) f.variant = common.join("; ");
      else delete f.variant;
    } else f.variant = [...variants].join("; or ");
  }
  return out;
}

/** Where a finding is reported: file, position, rule, resource and its statement's Sid. */
function positionKey(f: Finding): string {
  return `${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.ruleId}\u0000${f.resource}\u0000${f.statement?.sid ?? ""}`;
}

/**
 * The variants each policy was analysed in (its Fn::If branches, each value a Terraform conditional
 * may take) and which policy a finding is of: what {@link mergeVariantFindings} needs to tell a
 * finding that holds in every variant from one that holds in some. A policy is its site's file,
 * resource, property and position; a statement whose site labels it apart (`statementVariants`)
 * has variants of its own.
 */
export class PolicyVariants {
  private readonly byPolicy = new Map<string, Set<string | undefined>>();
  private readonly policyOf = new WeakMap<Finding, string>();

  /** Records a checked site and its findings; true the first time its policy is seen (count it then). */
  add(site: PolicySite, findings: readonly Finding[]): boolean {
    const key = `${site.file}\u0000${site.resource}\u0000${site.propertyPath ?? ""}\u0000${site.range?.start.line}:${site.range?.start.column}`;
    const first = !this.byPolicy.has(key);
    this.variantsAt(key).add(site.variant);
    // A statement's findings are labelled with its own choices: its variants are counted apart.
    site.statementVariants?.forEach((v, i) => {
      this.variantsAt(`${key}\u0000#${i}`).add(v);
    });
    if (site.variant !== undefined || site.statementVariants)
      for (const f of findings) this.policyOf.set(f, key);
    return first;
  }

  /** The variants of a finding's policy (or of its statement); undefined when it has one. */
  readonly of = (f: Finding): ReadonlySet<string | undefined> | undefined => {
    const key = this.policyOf.get(f);
    if (key === undefined) return undefined;
    return this.byPolicy.get(`${key}\u0000#${f.statement?.index ?? ""}`) ?? this.byPolicy.get(key);
  };

  private variantsAt(key: string): Set<string | undefined> {
    let set = this.byPolicy.get(key);
    if (!set) {
      set = new Set();
      this.byPolicy.set(key, set);
    }
    return set;
  }
}

/**
 * Checks the sites an adapter extracted (`extract`, `scanDirectory`) as `check-iac` does: each site
 * with {@link checkSite}, then the findings merged by {@link mergeVariantFindings} (a policy's
 * variants, its Fn::If branches or Terraform choices, are one policy: a finding true in every
 * branch is reported once, without a branch label), and the policies and statements counted once
 * per policy. Suppressions are not applied (see `applySuppressions` and `PolicySite.suppressions`).
 */
export function checkSites(sites: readonly PolicySite[], options: CheckOptions = {}): CheckResult {
  const variants = new PolicyVariants();
  const out: CheckResult = { findings: [], diagnostics: [], policies: 0, statements: 0 };
  for (const site of sites) {
    const r = checkSite(site, options);
    if (variants.add(site, r.findings)) {
      out.policies += r.policies;
      out.statements += r.statements;
    }
    out.diagnostics.push(...r.diagnostics);
    out.findings.push(...r.findings);
  }
  out.findings = mergeVariantFindings(variants.of, out.findings);
  return out;
}
