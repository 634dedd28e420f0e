import { splitArn } from "../iam/arn.js";
import { matchOne } from "../iam/conditions.js";
import { type EvaluationRequest, evaluate, toContextMap, traceStatement } from "../iam/evaluate.js";
import { hasWildcard } from "../iam/wildcard.js";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../knowledge/elb-accounts.js";
import { findService, isServicePrincipalName } from "../knowledge/lookup.js";
import { SERVICES } from "../knowledge/services.js";
import type { ServiceKnowledge } from "../knowledge/types.js";
import { parseConditionOperator } from "../model/operators.js";
import type { ConditionEntry, Policy, Statement } from "../model/policy.js";
import type { PolicyValue, ValueSymbol } from "../model/values.js";
import { SELF_ACCOUNT } from "../model/values.js";
import {
  type ForeignAccessQuery,
  type ForeignAccessResult,
  findForeignAccess,
  isTrustStatement,
  pinnedToOurs,
  readsResourceOrgId,
  type Witness,
} from "./foreign-access.js";
import {
  type Guard,
  guardsOf,
  isExactStringOperator,
  isPositive,
  isRequiredPositive,
  passesWhenAbsent,
  valueProblem,
  valueText,
} from "./guards.js";
import {
  RESOURCE_ACCOUNT,
  SOURCE_ACCOUNT,
  SOURCE_ARN,
  SOURCE_ORG_ID,
  SOURCE_ORG_PATHS,
  SOURCE_OWNER,
} from "./keys.js";
import { policyMemo } from "./policy-memo.js";

/** One service principal a statement covers. `name` is `*` for `"Principal": "*"` / `{"AWS": "*"}`. */
export interface CoveredPrincipal {
  name: string;
  knowledge?: ServiceKnowledge;
  element?: PolicyValue;
  /** Trust for a principal whose role must be passed by the same account (lambda, ec2, ...). */
  passRoleBound: boolean;
  /**
   * The service principal an AWS principal acts for, and is analysed as: an Elastic Load Balancing
   * log-delivery account (`arn:aws:iam::127311923021:root`) writes the access logs of every load
   * balancer of its Region, whoever owns it.
   */
  standsFor?: string;
}

export type AccessDiagnosis = "CD101" | "CD102" | "CD103" | "CD104";

export interface PrincipalVerdict {
  principal: CoveredPrincipal;
  result: ForeignAccessResult;
  diagnoses: Set<AccessDiagnosis>;
  /** The guard condition that let the witness through, per diagnosis. */
  culprits: Map<AccessDiagnosis, ConditionEntry>;
}

export interface ValueFinding {
  guard: Guard;
  value: PolicyValue;
  problem: string;
}

/** Everything the rules need to know about one Allow statement: principals, guards, problems, verdicts. */
export interface StatementFacts {
  statement: Statement;
  principals: CoveredPrincipal[];
  /** `"Principal": "*"` or `{"AWS": "*"}`. */
  isPublic: boolean;
  /** A role trust policy statement (of a trust policy site, or sts:AssumeRole* with no Resource). */
  isTrust: boolean;
  guards: Guard[];
  denyGuards: Guard[];
  invalidOperators: ConditionEntry[];
  valueProblems: ValueFinding[];
  exactWildcards: ValueFinding[];
  accountMismatch?: {
    sourceAccount: ConditionEntry;
    sourceArn: ConditionEntry;
    accounts: string[];
    arnAccounts: string[];
  };
  stringLikeArns: ValueFinding[];
  serviceMismatches: Array<{
    principal: CoveredPrincipal;
    value: PolicyValue;
    service: string;
    expected: string[];
  }>;
  unknowns: Array<{ value: PolicyValue; symbol: ValueSymbol }>;
  /**
   * Set when a witness gets through only because Deny statements whose reach is not known before
   * deployment were not counted on (their known form stops it): what those Denies depend on.
   */
  uncertainDenies?: ValueSymbol[];
  /**
   * Whether the statement, with the exact operators CD201 names switched to their Like forms (the
   * operator-only fix), would let a foreign account in: then that fix must pin the caller instead.
   */
  likeAdmitsForeign?: boolean;
  /**
   * The statement with each invalid operator written as the one it was likely meant to be (CD203's
   * fix), when that statement would let a foreign account in: then that fix must pin the caller too.
   */
  correctedAdmitsForeign?: Statement;
  /**
   * CD201–CD204 make the guard one that never matches or is not valid IAM. With an invalid operator
   * or a SourceAccount/SourceArn mismatch there is no access verdict; otherwise a verdict is kept
   * only for a foreign request that does not carry the faulty value.
   */
  blocked: boolean;
  verdicts: PrincipalVerdict[];
  /**
   * Set when no foreign request gets through only because the account is taken to be in an
   * organization (the policy compares with aws:ResourceOrgID, which requests to an account in none
   * do not carry) and the user did not name one: the request that gets through otherwise.
   */
  outsideOrganization?: { principal: string; witness: Witness };
}

export interface AnalysisSettings {
  ourAccounts: ReadonlySet<string>;
  ourOrgs: ReadonlySet<string>;
  symbolText: (symbol: ValueSymbol) => string;
  strict: boolean;
  knowledge: readonly ServiceKnowledge[];
  /** The policy is a role's trust policy (the site's kind): a service reaches it only by sts:AssumeRole. */
  trustPolicy?: boolean;
  /** The accounts the user declared (`--account`): never documentation placeholders (CD204). */
  declaredAccounts?: ReadonlySet<string>;
  /** The user named the organization (`--org-id`): the account is in one. */
  organizationDeclared?: boolean;
}

function coveredPrincipals(stmt: Statement): { principals: CoveredPrincipal[]; isPublic: boolean } {
  const out: CoveredPrincipal[] = [];
  let isPublic = false;
  const spec = stmt.principal;
  if (!spec) {
    // An Allow with NotPrincipal applies to every principal it does not name, services included:
    // public but for those (the search excludes them).
    if (stmt.notPrincipal && stmt.effect === "Allow" && !stmt.notPrincipal.star) {
      out.push({ name: "*", passRoleBound: false });
      isPublic = true;
    }
    return { principals: out, isPublic };
  }
  if (spec.star) {
    isPublic = true;
  }
  for (const entry of spec.entries) {
    for (const v of entry.values) {
      const text = valueText(v, (s) => `<${s.name}>`);
      if (entry.type === "AWS" && text === "*") isPublic = true;
      if (entry.type === "AWS") {
        const elb = elbDeliveryAccount(v);
        if (elb)
          out.push({ name: text, element: v, passRoleBound: false, knowledge: elb, standsFor: ELB_SERVICE });
        continue;
      }
      if (entry.type !== "Service") continue;
      if (!isServicePrincipalName(text) && !text.includes("<")) continue;
      const knowledge = findService(text);
      const cp: CoveredPrincipal = {
        name: text,
        element: v,
        passRoleBound: knowledge?.passRoleBound ?? false,
      };
      if (knowledge) cp.knowledge = knowledge;
      out.push(cp);
    }
  }
  if (isPublic) out.unshift({ name: "*", passRoleBound: false });
  return { principals: out, isPublic };
}

/** The service principal an ELB log-delivery account stands for (the Regions that have none use it). */
const ELB_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

const ELB_ACCOUNTS: ReadonlySet<string> = new Set(ELB_LOG_DELIVERY_ACCOUNTS.map((e) => e.account));

/**
 * The knowledge row of Elastic Load Balancing access-log delivery, when `v` names one of its
 * per-Region accounts as AWS's bucket policies write them (`arn:<partition>:iam::<account>:root`,
 * the partition written or the deploy's, or the account alone), or is what Terraform's
 * `aws_elb_service_account` data source gives (the account of the provider's Region).
 */
function elbDeliveryAccount(v: PolicyValue): ServiceKnowledge | undefined {
  const text = valueText(v, (s) => (s.kind === "partition" ? "aws" : `<${s.name}>`));
  if (/^<data\.aws_elb_service_account\.[\w-]+\.(arn|id)>$/.test(text)) return findService(ELB_SERVICE);
  const m = /^(?:arn:aws[a-z-]*:iam::)?(\d{12})(?::root)?$/.exec(text);
  if (!m || !ELB_ACCOUNTS.has(m[1] as string) || (m[0] !== m[1] && !text.endsWith(":root"))) return undefined;
  return findService(ELB_SERVICE);
}

/**
 * A statement as the service an AWS principal stands for sees it: that principal written as the
 * service principal (the request it makes is the one the service makes for a load balancer's owner).
 */
function asService(stmt: Statement, p: CoveredPrincipal): Statement {
  const spec = stmt.principal;
  if (!spec || !p.standsFor || !p.element) return stmt;
  const element = p.element;
  const entries = spec.entries.map((e) =>
    e.type === "AWS" ? { ...e, values: e.values.filter((v) => v !== element) } : e,
  );
  entries.push({ type: "Service", values: [{ parts: [p.standsFor] }] });
  return { ...stmt, principal: { ...spec, entries } };
}

/**
 * The unknowns of a guard value that decide whose account or organization it names: the whole value
 * of an account or org guard, or the account component of an ARN. An unknown resource name in an
 * ARN whose account is known (`arn:aws:sns:<REGION>:<SELF>:<Topic.Name>`) decides nothing.
 */
function accountDecidingUnknowns(kind: Guard["kind"], v: PolicyValue): ValueSymbol[] {
  const unknown = v.parts.filter((p): p is ValueSymbol => typeof p !== "string" && p.kind === "unknown");
  if (unknown.length === 0) return [];
  if (kind !== "arn") return unknown;
  // The parts that fall in the account component (between the 4th and 5th colon).
  let colons = 0;
  const out: ValueSymbol[] = [];
  for (const p of v.parts) {
    if (typeof p === "string") {
      colons += p.split(":").length - 1;
      if (colons >= 5) break;
      continue;
    }
    // An unknown before the account component may hold colons itself: the account is unknown too.
    if (colons < 4 && p.kind === "unknown") return unknown;
    if (colons === 4 && p.kind === "unknown") out.push(p);
  }
  return out;
}

function accountsOf(entry: ConditionEntry, render: (s: ValueSymbol) => string): string[] | undefined {
  const out: string[] = [];
  for (const v of entry.values) {
    const t = valueText(v, render);
    if (!/^\d{12}$/.test(t)) return undefined;
    out.push(t);
  }
  return out;
}

function arnAccountsOf(entry: ConditionEntry, render: (s: ValueSymbol) => string): string[] | undefined {
  const out: string[] = [];
  for (const v of entry.values) {
    const parts = splitArn(valueText(v, render));
    const acct = parts?.[4];
    if (acct === undefined || !/^\d{12}$/.test(acct)) return undefined;
    out.push(acct);
  }
  return out;
}

/** The service components of a row's source ARN formats, without repeats (a row is asked at every statement). */
function arnServicesOf(k: ServiceKnowledge): readonly string[] {
  let services = arnServices.get(k);
  if (!services) {
    services = [...new Set(k.sourceArnFormats.map((f) => f.split(":")[2] ?? "").filter((x) => x !== ""))];
    arnServices.set(k, services);
  }
  return services;
}

const arnServices = new WeakMap<ServiceKnowledge, readonly string[]>();

function serviceMismatches(
  principals: CoveredPrincipal[],
  guards: Guard[],
): StatementFacts["serviceMismatches"] {
  // With several principals, a list of ARNs may hold one for each: a value is wrong only when it fits
  // none of the known principals.
  const known: Array<{ principal: CoveredPrincipal; expected: readonly string[] }> = [];
  for (const p of principals) {
    const k = p.knowledge;
    if (!k || k.sourceArnFormats.length === 0) return [];
    const expected = arnServicesOf(k);
    if (expected.length === 0 || expected.some((x) => x.includes("$"))) return [];
    known.push({ principal: p, expected });
  }
  const first = known[0];
  if (!first) return [];
  const out: StatementFacts["serviceMismatches"] = [];
  for (const g of guards) {
    if (g.entry.keyLower !== SOURCE_ARN || !isPositive(g.entry)) continue;
    for (const v of g.entry.values) {
      const parts = splitArn(valueText(v, () => "\u0000"));
      const service = parts?.[2];
      if (service === undefined || service === "" || service.includes("\u0000") || hasWildcard(service))
        continue;
      if (!known.some((k) => k.expected.includes(service))) {
        out.push({
          principal: first.principal,
          value: v,
          service,
          expected: [...new Set(known.flatMap((k) => k.expected))],
        });
      }
    }
  }
  return out;
}

function diagnose(
  verdict: ForeignAccessResult,
  guards: Guard[],
  denyGuards: Guard[],
): { diagnoses: Set<AccessDiagnosis>; culprits: Map<AccessDiagnosis, ConditionEntry> } {
  const diagnoses = new Set<AccessDiagnosis>();
  const culprits = new Map<AccessDiagnosis, ConditionEntry>();
  if (!verdict.reachable) return { diagnoses, culprits };
  if (guards.length === 0 && denyGuards.length === 0) {
    diagnoses.add("CD101");
    return { diagnoses, culprits };
  }
  const w = verdict.witness;
  const present = new Map<string, string>();
  for (const [k, v] of Object.entries(w.context)) present.set(k.toLowerCase(), v);
  const sourceArn = present.get(SOURCE_ARN);
  const arnAccount = sourceArn !== undefined ? splitArn(sourceArn)?.[4] : undefined;
  const ownerPinned = guards.some(
    (g) =>
      [SOURCE_ACCOUNT, SOURCE_OWNER, SOURCE_ORG_ID, SOURCE_ORG_PATHS].includes(g.entry.keyLower) &&
      isRequiredPositive(g.entry),
  );
  if (arnAccount === "" && !ownerPinned) {
    const g = guards.find((x) => x.entry.keyLower === SOURCE_ARN);
    // A wildcard in the resource name (`arn:aws:s3:::*`, `arn:aws:s3:::logs-*`) admits resources
    // another account simply creates: the guard admits a foreign value (CD102). Only names written
    // out in full are open just to a takeover of the name (CD103).
    const open = guards.some(
      (x) =>
        x.entry.keyLower === SOURCE_ARN &&
        isPositive(x.entry) &&
        x.entry.values.some((v) => hasWildcard(arnResourceText(valueText(v, () => "\u0000")))),
    );
    const rule = open ? "CD102" : "CD103";
    diagnoses.add(rule);
    if (g) culprits.set(rule, g.entry);
  }
  for (const g of guards) {
    const key = g.entry.keyLower;
    if (present.has(key)) {
      if (key === SOURCE_ARN && arnAccount === "") continue;
      diagnoses.add("CD102");
      if (!culprits.has("CD102")) culprits.set("CD102", g.entry);
    } else if (passesWhenAbsent(g.entry)) {
      diagnoses.add("CD104");
      if (!culprits.has("CD104")) culprits.set("CD104", g.entry);
    } else if (g.entry.operator.base !== null && !isPositive(g.entry) && g.entry.operator.base !== "Null") {
      // A negated operator in an Allow passes when the key is missing: it admits any other account.
      diagnoses.add("CD102");
      if (!culprits.has("CD102")) culprits.set("CD102", g.entry);
    }
  }
  if (diagnoses.size === 0) {
    diagnoses.add("CD102");
    const g = guards[0] ?? denyGuards[0];
    if (g) culprits.set("CD102", g.entry);
  }
  return { diagnoses, culprits };
}

/**
 * The statement without these values in its conditions. A condition left with none matches no value
 * of a present key, but an IfExists one still holds when the key is absent: it stays, empty.
 */
function withoutValues(stmt: Statement, values: readonly PolicyValue[]): Statement {
  const conditions: ConditionEntry[] = [];
  for (const c of stmt.conditions) {
    const kept = c.values.filter((v) => !values.includes(v));
    conditions.push(kept.length === c.values.length ? c : { ...c, values: kept });
  }
  return { ...stmt, conditions };
}

/**
 * Whether a value of the statement that decides who gets in holds a symbol (a value not known
 * before deployment): its principals, actions or conditions. Its Resource's (a queue's ARN whose
 * name CloudFormation chooses) does not: the search and `evaluate` read it alike.
 */
function hasSymbols(stmt: Statement): boolean {
  const values: PolicyValue[] = [];
  for (const list of [stmt.action, stmt.notAction]) if (list) values.push(...list.values);
  for (const spec of [stmt.principal, stmt.notPrincipal])
    for (const e of spec?.entries ?? []) values.push(...e.values);
  for (const c of stmt.conditions) values.push(...c.values);
  return (
    stmt.conditionUnknown !== undefined ||
    stmt.effectUnknown !== undefined ||
    values.some((v) => v.parts.some((part) => typeof part !== "string"))
  );
}

/** The resource part of an ARN (after the fifth colon), or the whole text when it has fewer parts. */
function arnResourceText(text: string): string {
  let at = -1;
  for (let i = 0; i < 5; i++) {
    at = text.indexOf(":", at + 1);
    if (at < 0) return text;
  }
  return text.slice(at + 1);
}

/** Above this many guarded Denies in a policy, which of them cover a witness is not traced. */
const MAX_TRACED_DENIES = 32;

/** Everything the rules need to know about one Allow statement. */
export function statementFacts(policy: Policy, stmt: Statement, s: AnalysisSettings): StatementFacts {
  const { principals, isPublic } = coveredPrincipals(stmt);
  const guards = guardsOf(stmt, s.knowledge);
  // The Deny statements' guards and their unknowns, once per policy.
  const memo = policyMemo(policy);
  let denyGuards = memo.denyGuards;
  if (!denyGuards) {
    denyGuards = policy.statements
      .filter((d) => d.effect === "Deny" && !d.uncertain)
      .flatMap((d) => guardsOf(d, s.knowledge));
    memo.denyGuards = denyGuards;
  }
  const invalidOperators = stmt.conditions.filter((c) => c.operator.base === null);

  const valueProblems: ValueFinding[] = [];
  const exactWildcards: ValueFinding[] = [];
  const stringLikeArns: ValueFinding[] = [];
  // A Deny's guard on a value not known before deployment is trusted to name ours, as an Allow's is:
  // the verdict depends on it as well (found once per policy: a policy may have many statements).
  let denyUnknowns = memo.denyUnknowns;
  if (!denyUnknowns) {
    denyUnknowns = [];
    for (const g of denyGuards)
      for (const v of g.entry.values)
        for (const symbol of accountDecidingUnknowns(g.kind, v)) denyUnknowns.push({ value: v, symbol });
    memo.denyUnknowns = denyUnknowns;
  }
  const unknowns: StatementFacts["unknowns"] = [];
  for (const g of guards) {
    for (const v of g.entry.values) {
      for (const symbol of accountDecidingUnknowns(g.kind, v)) unknowns.push({ value: v, symbol });
      if (g.entry.operator.base === null || g.entry.operator.base === "Null") continue;
      const problem = valueProblem(
        g.kind,
        v,
        g.entry.operator.base,
        policy.version === "2012-10-17",
        s.declaredAccounts,
      );
      if (problem) valueProblems.push({ guard: g, value: v, problem });
      const text = valueText(v, () => "");
      if (isExactStringOperator(g.entry) && isPositive(g.entry) && hasWildcard(text)) {
        exactWildcards.push({
          guard: g,
          value: v,
          problem: `"${text}" is compared literally by ${g.entry.operator.text}`,
        });
      }
      if (g.entry.keyLower === SOURCE_ARN && g.entry.operator.base === "StringLike") {
        const parts = text.split(":");
        const account = parts[4];
        const early = parts.slice(0, 5).some(hasWildcard);
        if (early && account !== undefined && !hasWildcard(account)) {
          stringLikeArns.push({ guard: g, value: v, problem: "StringLike lets * span ARN components" });
        }
      }
    }
  }

  let accountMismatch: StatementFacts["accountMismatch"];
  const sa = guards.find(
    (g) =>
      g.entry.keyLower === SOURCE_ACCOUNT &&
      isRequiredPositive(g.entry) &&
      g.entry.operator.base?.startsWith("String"),
  );
  const arn = guards.find((g) => g.entry.keyLower === SOURCE_ARN && isRequiredPositive(g.entry));
  if (sa && arn) {
    const accounts = accountsOf(sa.entry, s.symbolText);
    const arnAccounts = arnAccountsOf(arn.entry, s.symbolText);
    // An empty value list names no account (the condition matches nothing): no mismatch to name.
    if (accounts?.length && arnAccounts?.length && !accounts.some((a) => arnAccounts.includes(a))) {
      accountMismatch = { sourceAccount: sa.entry, sourceArn: arn.entry, accounts, arnAccounts };
    }
  }

  const blocked =
    invalidOperators.length > 0 ||
    valueProblems.length > 0 ||
    exactWildcards.length > 0 ||
    accountMismatch !== undefined;
  const facts: StatementFacts = {
    statement: stmt,
    principals,
    isPublic,
    isTrust: s.trustPolicy === true || isTrustStatement(stmt),
    guards,
    denyGuards,
    invalidOperators,
    valueProblems,
    exactWildcards,
    stringLikeArns,
    serviceMismatches: serviceMismatches(principals, guards),
    unknowns,
    blocked,
    verdicts: [],
  };
  if (accountMismatch) facts.accountMismatch = accountMismatch;
  // An invalid operator (AWS rejects the policy) or a SourceAccount/SourceArn pair that no real
  // request meets decides the statement. A placeholder or a wildcard compared literally (CD204,
  // CD201) does not close the others: an IfExists, a negated operator or another value of the list
  // may still let a foreign account in, which the search finds; a request that gets in only by
  // carrying the faulty value itself is that finding's, not another.
  /** The question findForeignAccess answers for one principal of the statement (or a variant of it). */
  const queryFor = (p: CoveredPrincipal, statement: Statement): ForeignAccessQuery => {
    if (!p.standsFor) return plainQuery(p, statement);
    // The policy with the principal written as the service it stands for, so that the exact
    // evaluation of a witness sees the statement as the search did.
    const seen = asService(statement, p);
    const statements = policy.statements.map((x) => (x === stmt ? seen : x));
    if (!statements.includes(seen)) statements.push(seen);
    return { ...plainQuery(p, seen), policy: { ...policy, statements }, principal: p.standsFor };
  };
  const plainQuery = (p: CoveredPrincipal, statement: Statement): ForeignAccessQuery => ({
    policy,
    statement,
    principal: p.name === "*" ? null : p.name,
    ourAccounts: s.ourAccounts,
    ourOrgs: s.ourOrgs,
    symbolText: s.symbolText,
    ...(p.knowledge ? { knowledge: p.knowledge } : {}),
    ...(s.trustPolicy ? { trust: true } : {}),
  });
  if (invalidOperators.length > 0 && invalidOperators.every((c) => c.operator.suggestion)) {
    // CD203's fix writes the operators as meant: would the statement then admit another account
    // (`AWS:SourceAccount` of an account not ours beside a misspelt `ArnEqual`)?
    const corrected: Statement = {
      ...stmt,
      conditions: stmt.conditions.map((c) =>
        c.operator.base === null && c.operator.suggestion
          ? { ...c, operator: parseConditionOperator(c.operator.suggestion) }
          : c,
      ),
    };
    if (corrected.conditions.every((c) => c.operator.base !== null))
      for (const p of principals) {
        if (p.passRoleBound && facts.isTrust && !s.strict) continue;
        const found = findForeignAccess(queryFor(p, corrected));
        if (found.reachable && found.confirmed) {
          facts.correctedAdmitsForeign = corrected;
          break;
        }
      }
  }
  if (invalidOperators.length > 0 || accountMismatch !== undefined) return facts;
  const faulty = [...valueProblems, ...exactWildcards].filter((p) => isPositive(p.guard.entry));
  /** Whether the witness carries a value this faulty guard value itself admits. */
  const carries = (p: (typeof faulty)[number], w: Witness): boolean => {
    const entry = p.guard.entry;
    const got = Object.entries(w.context).find(([k]) => k.toLowerCase() === entry.keyLower)?.[1];
    return (
      got !== undefined &&
      entry.operator.base !== null &&
      matchOne(entry.operator.base, got, { text: valueText(p.value, s.symbolText), literalRuns: [] })
    );
  };
  /** Whether the witness gets in by carrying a value a faulty guard value itself admits. */
  const carriesFaulty = (w: Witness): boolean => faulty.some((p) => carries(p, w));

  // The operator-only fix of CD201 (`StringEquals` → `ArnLike`/`StringLike`, pattern kept): would
  // the statement then admit another account (`arn:aws:cloudtrail:*:<foreign>:trail/*`)?
  const liked =
    exactWildcards.length > 0
      ? {
          ...stmt,
          conditions: stmt.conditions.map((c) =>
            exactWildcards.some((g) => g.guard.entry === c)
              ? {
                  ...c,
                  operator: parseConditionOperator(c.keyLower === SOURCE_ARN ? "ArnLike" : "StringLike"),
                }
              : c,
          ),
        }
      : undefined;

  for (const p of principals) {
    if (p.passRoleBound && facts.isTrust && !s.strict) continue;
    const query = queryFor(p, stmt);
    // Only a request `evaluate` confirms is a witness (docs/design.md): one the widening of policy
    // variables found but the exact evaluation rejected leaves the statement not proven safe, which
    // checkPolicy reports as a warning, not as a finding.
    // Unknowns (symbols) are taken the wide way on purpose and `evaluate` cannot match them: their
    // unconfirmed requests stay findings.
    const search = (statement: Statement): ForeignAccessResult => {
      let found = findForeignAccess(statement === stmt ? query : queryFor(p, statement));
      // The request is the AWS principal's (an ELB log-delivery account), not the service's name.
      if (p.standsFor && found.reachable)
        found = { ...found, witness: { ...found.witness, principal: p.name } };
      return found.reachable && !found.confirmed && !p.name.includes("<") && !hasSymbols(stmt)
        ? { reachable: false, incomplete: true, unconfirmed: found.witness }
        : found;
    };
    if (liked && !facts.likeAdmitsForeign && search(liked).reachable) facts.likeAdmitsForeign = true;
    let result = search(stmt);
    // A request that carries a faulty value is that value's own finding (CD201/CD204): search again
    // without the values it carries, for a request another value (or an IfExists, a negated
    // operator) lets in. One value at a time: another faulty value may still let requests in
    // without being carried (`${aws:SourceOwner, '*'}` whose default a present key never uses).
    let rest = stmt;
    for (let round = 0; blocked && result.reachable && round < faulty.length; round++) {
      const w = result.witness;
      const carried = faulty.filter((p) => carries(p, w)).map((p) => p.value);
      if (carried.length === 0) break;
      rest = withoutValues(rest, carried);
      result = search(rest);
    }
    if (blocked && result.reachable && carriesFaulty(result.witness)) continue;
    // Closed despite a faulty value: that value's own finding says it all, unless the search could
    // not decide (then the statement is not proven safe, as any other).
    if (blocked && !result.reachable && !result.incomplete) continue;
    const { diagnoses, culprits } = diagnose(
      result,
      guards,
      result.reachable && guards.length === 0 && denyGuards.length > 0
        ? denyGuardsFor(policy, result.witness, s, denyGuards)
        : denyGuards,
    );
    facts.verdicts.push({ principal: p, result, diagnoses, culprits });
    // Closed with the account in an organization, which the user did not say: is it closed in none?
    if (
      !result.reachable &&
      !result.incomplete &&
      !s.organizationDeclared &&
      facts.outsideOrganization === undefined &&
      readsResourceOrgId(policy, stmt, s.symbolText)
    ) {
      const alone = findForeignAccess({ ...query, noOrganization: true });
      if (alone.reachable && alone.confirmed)
        facts.outsideOrganization = { principal: p.name, witness: alone.witness };
    }
    // Closed, but not by the statement's own guards: the Denies close it, so the verdict rests on
    // their values too (an unrelated Deny's unknown is no assumption of this statement's).
    if (!result.reachable && denyUnknowns.length > 0 && !pinnedToOurs(query))
      for (const u of denyUnknowns) if (!unknowns.some((x) => x.symbol === u.symbol)) unknowns.push(u);
    if (result.reachable) {
      const symbols = uncertainDeniesOf(policy, result.witness, s.symbolText);
      if (symbols.length > 0)
        facts.uncertainDenies = [...new Set([...(facts.uncertainDenies ?? []), ...symbols])];
    }
  }
  dropUndecidingUnknowns(facts, (p, statement) => findForeignAccess(queryFor(p, statement)));
  return facts;
}

/**
 * Forgets the statement's own unknowns when they decide nothing: closed for every principal, and
 * still closed without the conditions that hold them (dropping a condition of an Allow only widens
 * it), as when aws:SourceAccount pins our account beside an aws:SourceArn list not known before
 * deployment. CD301 would otherwise say the verdict assumes a value it does not depend on.
 */
function dropUndecidingUnknowns(
  facts: StatementFacts,
  search: (p: CoveredPrincipal, statement: Statement) => ForeignAccessResult,
): void {
  const stmt = facts.statement;
  if (facts.unknowns.length === 0) return;
  const own = new Set(stmt.conditions.flatMap((c) => c.values));
  const ownUnknowns = facts.unknowns.filter((u) => own.has(u.value));
  if (ownUnknowns.length === 0 || facts.verdicts.length === 0) return;
  if (facts.verdicts.some((v) => v.result.reachable || v.result.incomplete)) return;
  const holding = new Set(ownUnknowns.map((u) => u.value));
  const widened: Statement = {
    ...stmt,
    conditions: stmt.conditions.filter((c) => !c.values.some((v) => holding.has(v))),
  };
  for (const v of facts.verdicts) {
    const r = search(v.principal, widened);
    if (r.reachable || r.incomplete) return;
  }
  facts.unknowns = facts.unknowns.filter((u) => !holding.has(u.value));
}

/**
 * What the Denies left out of the analysis (their reach is not known before deployment) depend on,
 * for those whose known form would stop the witness: the request gets through only if they do not
 * apply, which the finding says.
 */
/**
 * The guards of the Denies whose principal, action and resource cover `witness` (their conditions
 * aside): a Deny of another service or resource has nothing to do with this statement's verdict.
 */
function denyGuardsFor(policy: Policy, witness: Witness, s: AnalysisSettings, all: Guard[]): Guard[] {
  const memo = policyMemo(policy);
  let guarded = memo.guardedDenies;
  if (!guarded) {
    guarded = policy.statements.filter(
      (d) => d.effect === "Deny" && !d.uncertain && guardsOf(d, s.knowledge).length > 0,
    );
    memo.guardedDenies = guarded;
  }
  if (guarded.length === 0) return [];
  // Many guarded Denies (a generated policy of thousands): all of them, as before, rather than a
  // trace of each for every statement.
  if (guarded.length > MAX_TRACED_DENIES) return all;
  const context = toContextMap(witness.context);
  const request = witnessRequest(witness, witness.context);
  const out: Guard[] = [];
  for (const d of guarded) {
    const t = traceStatement(d, request, context, policy.version === "2012-10-17", {
      symbolText: s.symbolText,
    });
    if (t.principal && t.action && t.resource) out.push(...guardsOf(d, s.knowledge));
  }
  return out;
}

/** The request a witness stands for, with `context` as its condition keys. */
function witnessRequest(witness: Witness, context: Record<string, string>): EvaluationRequest {
  return {
    principal: { type: "Service", id: witness.principal },
    action: witness.action,
    ...(witness.resource !== undefined ? { resource: witness.resource } : {}),
    context,
  };
}

function uncertainDeniesOf(
  policy: Policy,
  witness: Witness,
  symbolText: (s: ValueSymbol) => string,
): ValueSymbol[] {
  const memo = policyMemo(policy);
  let uncertain = memo.uncertainDenies;
  if (!uncertain) {
    uncertain = policy.statements.filter((d) => d.effect === "Deny" && d.uncertain);
    memo.uncertainDenies = uncertain;
  }
  const out: ValueSymbol[] = [];
  for (const d of uncertain) {
    if (!d.uncertain) continue;
    const context: Record<string, string> = { ...witness.context };
    if (!Object.keys(context).some((k) => k.toLowerCase() === RESOURCE_ACCOUNT))
      context["aws:ResourceAccount"] = symbolText(SELF_ACCOUNT);
    const decision = evaluate({ ...policy, statements: [d] }, witnessRequest(witness, context), {
      symbolText,
    }).decision;
    if (decision === "ExplicitDeny") out.push(...d.uncertain);
  }
  return out;
}

export const DEFAULT_KNOWLEDGE: readonly ServiceKnowledge[] = SERVICES;
