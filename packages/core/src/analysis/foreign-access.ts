import { clearArnCache, splitArn } from "../iam/arn.js";
import { matchOne } from "../iam/conditions.js";
import { evaluate } from "../iam/evaluate.js";
import { parseVariables } from "../iam/variables.js";
import { hasWildcard } from "../iam/wildcard.js";
import { SERVICES } from "../knowledge/services.js";
import type { ServiceKnowledge } from "../knowledge/types.js";
import type { Policy, PrincipalSpec, Statement } from "../model/policy.js";
import { type PolicyValue, SELF_ACCOUNT, SELF_ORG, type ValueSymbol } from "../model/values.js";
import { type Atom, type MemberAtom, negateAtom, principalAtom, statementAtoms } from "./atoms.js";
import {
  acceptsText,
  clearAutomatonCaches,
  DEFAULT_LIMITS,
  exactPattern,
  globPattern,
  literalOf,
  type SearchLimits,
  type SearchResult,
  type StringConstraints,
  type StringDomain,
  solveString,
  type Union,
} from "./automaton.js";
import { valueText } from "./guards.js";
import {
  ACTION_KEY,
  isAbsentForServices,
  MFA_PRESENT,
  PRINCIPAL_IS_AWS_SERVICE,
  PRINCIPAL_SERVICE_NAME,
  RESOURCE_ACCOUNT,
  RESOURCE_KEY,
  RESOURCE_ORG_ID,
  SOURCE_ACCOUNT,
  SOURCE_ARN,
  SOURCE_KEYS,
  SOURCE_ORG_ID,
  SOURCE_ORG_PATHS,
  SOURCE_OWNER,
} from "./keys.js";
import { knownDenies, policyMemo } from "./policy-memo.js";

/** A concrete request from a foreign account that the policy allows. */
export interface Witness {
  principal: string;
  action: string;
  resource?: string;
  /** Condition keys as AWS spells them, with the values the request carries. */
  context: Record<string, string>;
}

/** One Allow statement, one service principal, and what counts as ours: the question `findForeignAccess` answers. */
export interface ForeignAccessQuery {
  policy: Policy;
  statement: Statement;
  /** The service principal the statement covers, or null for `"*"` / `{"AWS":"*"}` (any service). */
  principal: string | null;
  knowledge?: ServiceKnowledge;
  /** Accounts and organizations that count as ours, as they appear after symbol substitution. */
  ourAccounts: ReadonlySet<string>;
  ourOrgs: ReadonlySet<string>;
  symbolText: (symbol: ValueSymbol) => string;
  limits?: SearchLimits;
  /** The policy is a role's trust policy: a service reaches it only by sts:AssumeRole. */
  trust?: boolean;
  /**
   * The deploying account is in no organization: requests to it carry no aws:ResourceOrgID, and
   * `${aws:ResourceOrgID}` has no value (otherwise it is our organization's).
   */
  noOrganization?: boolean;
}

/** Either a confirmed foreign request that gets through (the witness), or a proof that none does. */
export type ForeignAccessResult =
  | {
      reachable: true;
      witness: Witness;
      /** Source keys absent from the witness. */
      absentSourceKeys: string[];
      /** False when only an over-approximation found it (policy variables) and `evaluate` did not confirm it. */
      confirmed: boolean;
    }
  | {
      reachable: false;
      incomplete: boolean;
      /**
       * A request the over-approximation of policy variables found but `evaluate` rejected: the
       * statement is not proven safe, and no confirmed witness shows it open (see statementFacts).
       */
      unconfirmed?: Witness;
    };

/**
 * Whether one of the service's ARN formats has a name between two colons in its resource part
 * (`log-group:${LogGroupName}:*`), where a foreign resource can embed `:<account>:`. Unknown
 * services are assumed to have one.
 */
function namesSpanComponents(k: ServiceKnowledge | undefined): boolean {
  if (!k || k.sourceArnFormats.length === 0) return true;
  let span = spanning.get(k);
  if (span === undefined) {
    span = computeNamesSpanComponents(k);
    spanning.set(k, span);
  }
  return span;
}

const spanning = new WeakMap<ServiceKnowledge, boolean>();

/** The service's other keys that carry its source ARN (see `AtomOptions.arnKeys`), lower-cased. */
function alternativeArnKeys(k: ServiceKnowledge | undefined): ReadonlySet<string> {
  if (!k) return NO_KEYS;
  let keys = arnKeysOf.get(k);
  if (!keys) {
    keys = new Set(k.alternativeGuardKeys.filter((g) => g.binds === "arn").map((g) => g.key.toLowerCase()));
    arnKeysOf.set(k, keys);
  }
  return keys;
}

const NO_KEYS: ReadonlySet<string> = new Set();
const arnKeysOf = new WeakMap<ServiceKnowledge, ReadonlySet<string>>();

function computeNamesSpanComponents(k: ServiceKnowledge): boolean {
  return k.sourceArnFormats.some((format) => {
    const parts = splitArn(format.split(", ")[0] ?? format);
    return parts === null || /:\$\{[^}]+\}:/.test(`:${parts[5] ?? ""}`);
  });
}

export interface PolicyContext {
  spellings: Map<string, string>;
  /** For each Deny, the ways it can fail to apply: each a conjunction of atoms, one must hold. */
  denyChoices: Atom[][][];
  /** A Deny that applies to every request. */
  denyAll: boolean;
  /** The statement under analysis plus the Deny statements: what decides whether it gets through. */
  denies: Statement[];
}

/** The deploying organization, only to render it for the cache key below. */

/** Whether a policy has a Deny statement, found once per policy (it is asked once per statement). */
function hasDeny(policy: Policy): boolean {
  const memo = policyMemo(policy);
  memo.hasDeny ??= policy.statements.some((d) => d.effect === "Deny");
  return memo.hasDeny;
}

function policyContext(
  policy: Policy,
  o: {
    variablesEnabled: boolean;
    symbolText: (s: ValueSymbol) => string;
    narrowStringLikeArn?: boolean;
    arnKeys?: ReadonlySet<string>;
    narrowKeys?: ReadonlySet<string>;
    bound?: ReadonlyMap<string, string>;
    absent?: ReadonlySet<string>;
  },
): PolicyContext {
  // What every statement of a policy shares, computed once per policy (not once per statement).
  const memo = policyMemo(policy);
  let perPolicy = memo.contexts;
  if (!perPolicy) {
    perPolicy = new Map();
    memo.contexts = perPolicy;
  }
  // The symbol rendering is part of the key: the same policy may be checked with other --account
  // values; so is how the principal's ARNs narrow StringLike patterns (a Deny's as an Allow's).
  let key = `${o.variablesEnabled}|${o.symbolText(SELF_ACCOUNT)}|${o.symbolText(SELF_ORG)}`;
  if (o.narrowStringLikeArn && hasDeny(policy)) key += `|narrow|${[...(o.arnKeys ?? [])].join(",")}`;
  if (o.bound) for (const [k, v] of o.bound) key += `|bound|${piece(k)}${piece(v)}`;
  if (o.absent) for (const k of o.absent) key += `|absent|${piece(k)}`;
  let ctx = perPolicy.get(key);
  if (ctx) return ctx;
  const denyChoices: Atom[][][] = [];
  const denies: Statement[] = [];
  let denyAll = false;
  for (const d of policy.statements) {
    // A Deny whose reach depends on values not known before deployment may apply to no request: it
    // is not counted on (statementFacts says when a witness depends on it).
    if (d.effect !== "Deny" || d.uncertain) continue;
    denies.push(d);
    // Other services' ARN keys are narrowed whatever the options (they name no principal): the
    // same atoms whichever caller computes them first (queryKey passes no such options).
    const atoms = statementAtoms(d, { ...o, narrowKeys: narrowArnKeys() }, true);
    if (atoms.some((a) => a.kind === "const" && !a.value)) continue;
    const open = atoms.filter((a) => !(a.kind === "const" && a.value));
    if (open.length === 0) denyAll = true;
    const ways: Atom[][] = [];
    for (const a of open) {
      ways.push([negateAtom(a)]);
      // A negated condition is false, so the Deny does not apply, when its key is present and a
      // variable of its values has no value (its key absent).
      if (a.kind === "member" && a.failsWithout)
        for (const v of a.failsWithout)
          ways.push([
            { kind: "presence", key: a.key, present: true, origin: a.origin },
            { kind: "presence", key: v, present: false, origin: `${a.origin} (no ${v})` },
          ]);
    }
    denyChoices.push(ways);
  }
  ctx = { spellings: policySpellings(policy), denyChoices, denyAll, denies };
  perPolicy.set(key, ctx);
  return ctx;
}

/** Operators under which a value without wildcards or variables matches only itself. */
const LITERAL_OPERATORS = new Set(["StringEquals", "StringLike", "ArnEquals", "ArnLike"]);

/**
 * A proof that no foreign request gets through, found without the search: the statement requires
 * (no IfExists, no set operator, not negated) that aws:SourceAccount or aws:SourceOwner is one of our
 * accounts, aws:SourceArn an ARN whose account is ours, or aws:SourceOrgID one of our organizations,
 * with literal values. A foreign request carries a foreign account (and an ARN of it, or none), or
 * lacks the key, and fails such a condition either way; Deny statements can only narrow that. The
 * search reaches the same answer after trying every Deny and presence combination; this is the
 * common guarded statement, decided in one pass.
 */
export function pinnedToOurs(q: ForeignAccessQuery): boolean {
  for (const c of q.statement.conditions) {
    const op = c.operator;
    if (op.base === null || op.ifExists || op.set !== null || !LITERAL_OPERATORS.has(op.base)) continue;
    const key = c.keyLower;
    const isArnKey = key === SOURCE_ARN;
    if (!isArnKey && key !== SOURCE_ACCOUNT && key !== SOURCE_OWNER && key !== SOURCE_ORG_ID) continue;
    if (c.values.length === 0) continue;
    const ours = key === SOURCE_ORG_ID ? q.ourOrgs : q.ourAccounts;
    let pinned = true;
    for (const v of c.values) {
      const text = valueText(v, q.symbolText);
      if (text.includes("$")) {
        pinned = false;
        break;
      }
      if (!isArnKey) {
        if (!ours.has(text) || (op.base === "StringLike" && hasWildcard(text))) pinned = false;
      } else {
        const parts = splitArn(text);
        const arnOperator = op.base === "ArnEquals" || op.base === "ArnLike";
        // Under ArnLike the first five components match on their own; under StringLike a wildcard
        // anywhere could span them, and under StringEquals it is literal.
        const literalHead =
          parts !== null &&
          (arnOperator
            ? !parts.slice(0, 5).some(hasWildcard)
            : op.base !== "StringLike" || !hasWildcard(text));
        if (!literalHead || !ours.has(parts?.[4] ?? "")) pinned = false;
      }
      if (!pinned) break;
    }
    if (pinned) return true;
  }
  return false;
}

type Reachable = Extract<ForeignAccessResult, { reachable: true }>;

/** Runs the string searches of one query and remembers whether any stopped at its bound. */
class Search {
  exhausted = false;
  constructor(readonly limits: SearchLimits) {}
  solve(constraints: StringConstraints, domain: StringDomain): SearchResult {
    const r = solveString(constraints, domain, this.limits);
    if (!r.found && r.exhausted) this.exhausted = true;
    return r;
  }
}

const MAX_COMBINATIONS = 4096;
const GENERIC_SERVICE = "attacker-chosen.amazonaws.com";

interface KeyConstraints {
  positives: Union[];
  negatives: Union[];
  typed: Array<{ atom: MemberAtom; want: boolean }>;
}

function emptyKeyConstraints(): KeyConstraints {
  return { positives: [], negatives: [], typed: [] };
}

/** {@link collectSpellings}, once per policy. */
function policySpellings(policy: Policy): Map<string, string> {
  const memo = policyMemo(policy);
  memo.spellings ??= collectSpellings(policy);
  return memo.spellings;
}

/** Display spelling of a lower-cased key in the witness: the spelling used in the policy. */
function collectSpellings(policy: Policy): Map<string, string> {
  const map = new Map<string, string>([
    [SOURCE_ACCOUNT, "aws:SourceAccount"],
    [SOURCE_ARN, "aws:SourceArn"],
    [SOURCE_ORG_ID, "aws:SourceOrgID"],
    [SOURCE_ORG_PATHS, "aws:SourceOrgPaths"],
    [SOURCE_OWNER, "aws:SourceOwner"],
    [PRINCIPAL_SERVICE_NAME, "aws:PrincipalServiceName"],
    [PRINCIPAL_IS_AWS_SERVICE, "aws:PrincipalIsAWSService"],
  ]);
  for (const s of policy.statements)
    for (const c of s.conditions) if (!map.has(c.keyLower)) map.set(c.keyLower, c.key);
  return map;
}

function presenceFor(key: string, knowledge: ServiceKnowledge | undefined, hasResource: boolean): boolean[] {
  if (key === ACTION_KEY || key === PRINCIPAL_SERVICE_NAME || key === PRINCIPAL_IS_AWS_SERVICE) return [true];
  // In every request: the time of the request.
  if (key === CURRENT_TIME || key === EPOCH_TIME) return [true];
  if (key === RESOURCE_KEY) return [hasResource];
  if (isAbsentForServices(key)) return [false];
  const sent = (k: keyof ServiceKnowledge["keysSent"]) => knowledge?.keysSent[k] ?? "unknown";
  const fromTable =
    key === SOURCE_ARN
      ? sent("sourceArn")
      : key === SOURCE_ACCOUNT
        ? sent("sourceAccount")
        : key === SOURCE_ORG_ID
          ? sent("sourceOrgId")
          : "unknown";
  if (fromTable === "always") return [true];
  if (fromTable === "never") return [false];
  // Present first for source keys: the most telling witness names the foreign source.
  return SOURCE_KEYS.includes(key) ? [true, false] : [false, true];
}

function typedCandidates(atoms: Array<{ atom: MemberAtom; want: boolean }>): string[] {
  const out = new Set<string>();
  for (const { atom } of atoms) {
    const base = atom.typed?.base ?? "";
    for (const v of atom.typed?.values ?? []) {
      out.add(v);
      if (base.startsWith("Numeric")) {
        const n = Number(v);
        if (!Number.isNaN(n)) for (const d of [-1, 1, -0.5, 0.5]) out.add(String(n + d));
      } else if (base.startsWith("Date")) {
        const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v);
        if (!Number.isNaN(ms)) for (const d of [-1000, 1000]) out.add(new Date(ms + d).toISOString());
      } else {
        const slash = v.indexOf("/");
        const addr = slash >= 0 ? v.slice(0, slash) : v;
        out.add(addr);
      }
    }
  }
  for (const v of ["0", "203.0.113.7", "2001:db8::7", "1970-01-01T00:00:00Z", "2999-01-01T00:00:00Z"])
    out.add(v);
  return [...out];
}

/** Whether `candidate` meets every typed (Numeric, Date, Bool, IP, Binary) constraint. */
function typedAccepts(typed: KeyConstraints["typed"], candidate: string): boolean {
  return typed.every(({ atom, want }) => {
    const base = atom.typed?.base;
    if (!base) return false;
    const inLang = (atom.typed?.values ?? []).some((v) =>
      matchOne(base, candidate, { text: v, literalRuns: [] }),
    );
    return inLang === want;
  });
}

/**
 * A value meeting a key's typed and string constraints: a candidate from the typed values, or else
 * the string the patterns admit (a Deny's `NumericEquals aws:PrincipalServiceName "5"` does not
 * apply to `sns.amazonaws.com`, which is no number: that name is the value).
 */
function solveTyped(
  c: KeyConstraints,
  search: Search,
  constraints: StringConstraints = c,
  domain: StringDomain = { kind: "free" },
  key = "",
): string | undefined {
  // The time of a request to come is not in the past (an Allow whose DateLessThan has passed lets
  // no one in any more; a Deny from a past date applies from now on).
  const now = Date.now();
  const notPast = (v: string) =>
    key === CURRENT_TIME ? Date.parse(v) >= now : key === EPOCH_TIME ? Number(v) * 1000 >= now : true;
  const fits = (candidate: string) =>
    notPast(candidate) &&
    typedAccepts(c.typed, candidate) &&
    constraints.positives.every((u) => u.some((p) => acceptsText(p, candidate))) &&
    !constraints.negatives.some((u) => u.some((p) => acceptsText(p, candidate)));
  // A candidate must also be of the key's kind (an account, an organization id) as the search's
  // domain says; a free key takes any.
  const ofKind = (v: string) =>
    domain.kind === "free" ||
    (domain.kind === "account" && /^\d{12}$/.test(v)) ||
    (domain.kind === "org" && /^o-[a-z0-9]{10,32}$/.test(v));
  // (For the time keys, now and a far future are candidates too.)
  const times =
    key === CURRENT_TIME
      ? [new Date(now).toISOString(), "2999-01-01T00:00:00Z"]
      : key === EPOCH_TIME
        ? [String(Math.ceil(now / 1000)), "32503680000"]
        : [];
  for (const candidate of [...typedCandidates(c.typed), ...times])
    if (ofKind(candidate) && fits(candidate)) return candidate;
  if (constraints.positives.length === 0 && domain.kind === "free") return undefined;
  const r = search.solve(constraints, domain);
  return r.found && fits(r.value) ? r.value : undefined;
}

/**
 * Decides whether some request from a foreign account makes `statement` apply without any Deny
 * statement of the policy applying, and returns such a request. See docs/design/analysis.md.
 */
export function findForeignAccess(q: ForeignAccessQuery): ForeignAccessResult {
  if (pinnedToOurs(q)) return { reachable: false, incomplete: false };
  const key = q.limits ? undefined : queryKey(q);
  // Long statements (a Resource list of hundreds of ARNs) are rarely repeated: not worth the memory.
  if (key === undefined || key.length > MAX_KEY_LENGTH) return searchForeignAccess(q);
  let result = answers.get(key);
  if (!result) {
    result = searchForeignAccess(q);
    if (answers.size >= MAX_ANSWERS) answers.clear();
    answers.set(key, result);
  }
  return result;
}

/**
 * Answers by query text: templates repeat statements (every role a construct library makes trusts
 * the same service the same way), and the answer depends only on what `queryKey` writes down.
 */
const answers = new Map<string, ForeignAccessResult>();

/**
 * Forgets every answer and search kept between calls, so that the next check starts as a fresh
 * process would. Results never depend on these caches; benchmarks call this before each run so a
 * repeated run is not measured as a cache hit.
 */
export function clearAnalysisCaches(): void {
  answers.clear();
  clearAutomatonCaches();
  clearArnCache();
}
const MAX_ANSWERS = 4096;
const MAX_KEY_LENGTH = 8192;
const knowledgeIds = new WeakMap<ServiceKnowledge, number>();
let nextKnowledgeId = 1;

/** `text` with its length first: keys built from such pieces cannot run two pieces together. */
function piece(text: string): string {
  return `${text.length}:${text}`;
}

function valuesKey(values: readonly PolicyValue[], render: (s: ValueSymbol) => string): string {
  let k = `${values.length}[`;
  for (const v of values) k += piece(valueText(v, render));
  return k;
}

function principalKey(p: PrincipalSpec | undefined, render: (s: ValueSymbol) => string): string {
  if (!p) return "-";
  if (p.star) return "*";
  let k = `${p.entries.length}{`;
  for (const e of p.entries) k += piece(e.type) + valuesKey(e.values, render);
  return k;
}

/** Everything about a statement that the search reads, as text (symbols rendered as the search renders them). */
function statementKey(
  s: Statement,
  render: (s: ValueSymbol) => string,
  spellings: Map<string, string>,
): string {
  let k = `${s.effect}|${principalKey(s.principal, render)}|${principalKey(s.notPrincipal, render)}`;
  for (const list of [s.action, s.notAction, s.resource, s.notResource])
    k += `|${list ? valuesKey(list.values, render) : "-"}`;
  k += `|${s.conditions.length}(`;
  for (const c of s.conditions)
    k +=
      piece(c.operator.text) +
      piece(c.key) +
      piece(spellings.get(c.keyLower) ?? "") +
      valuesKey(c.values, render);
  return k;
}

function queryKey(q: ForeignAccessQuery): string {
  const render = q.symbolText;
  const variablesEnabled = q.policy.version === "2012-10-17";
  // What the search reads of the policy besides the statement: the Denies it counts on, and the
  // spellings of the keys (the witness's names), both found once per policy.
  const spellings = policySpellings(q.policy);
  const denies = knownDenies(q.policy);
  let id = 0;
  if (q.knowledge) {
    id = knowledgeIds.get(q.knowledge) ?? 0;
    if (id === 0) {
      id = nextKnowledgeId++;
      knowledgeIds.set(q.knowledge, id);
    }
  }
  let k = `${variablesEnabled}|${q.trust === true}|${q.noOrganization === true}|${q.principal === null ? "*" : piece(q.principal)}|${id}|`;
  k += piece(render(SELF_ACCOUNT)) + piece(render(SELF_ORG));
  k += `${q.ourAccounts.size}[`;
  for (const a of q.ourAccounts) k += piece(a);
  k += `${q.ourOrgs.size}[`;
  for (const o of q.ourOrgs) k += piece(o);
  k += statementKey(q.statement, render, spellings);
  k += `${denies.length}(`;
  for (const d of denies) k += statementKey(d, render, spellings);
  return k;
}

/** `findForeignAccess` without its shortcut for pinned statements: the search alone (for tests). */
export function searchForeignAccess(q: ForeignAccessQuery): ForeignAccessResult {
  const result = searchWith(q, undefined);
  if (!result.reachable || result.confirmed) return result;
  // Found only by widening policy variables, and not confirmed. A value may have to repeat another
  // key of the same request (`ArnLike aws:SourceArn "arn:aws:sns:*:*:alerts-${aws:SourceAccount}"`):
  // give each variable the value its key has in that request, require the key to hold it, and
  // search again. What this finds is confirmed like any witness; otherwise the first answer stands.
  // The variables the statement or a Deny uses (but those whose value every request decides alike).
  const statements = [q.statement, ...q.policy.statements.filter((d) => d.effect === "Deny")];
  const used = [...new Set(conditionVariables(statements, q.symbolText))].filter(
    (k) => k !== RESOURCE_ACCOUNT && k !== RESOURCE_ORG_ID,
  );
  const bound = variableBindings(used, result.witness, NO_KEYS);
  if (bound.size > 0) {
    const again = searchWith(q, bound);
    if (again.reachable && again.confirmed) return again;
  }
  // A variable whose key the request lacks makes a value naming it match nothing (or read its
  // default), but widening gave it `*`: a witness without `aws:SourceOrgID` for
  // `aws:SourceOrgPaths "${aws:SourceOrgID}/*"` is refused, and one with `aws:SourceOwner` may be
  // refused where only its default lets the request in. So each variable's key is taken present
  // (bound to what a request carrying it holds) or absent, a few such readings in turn.
  const variables = used.filter((k) => !isAbsentForServices(k)).slice(0, MAX_READ_VARIABLES);
  for (let mask = 0; mask < 1 << variables.length; mask++) {
    const absent = new Set(variables.filter((_, i) => (mask >> i) & 1));
    const present = variables.filter((k) => !absent.has(k));
    const carrying = searchWith(q, undefined, present, absent);
    if (!carrying.reachable) continue;
    if (carrying.confirmed) return carrying;
    const rebound = variableBindings(used, carrying.witness, absent);
    if (rebound.size === 0) continue;
    const again = searchWith(q, rebound, [], absent);
    if (again.reachable && again.confirmed) return again;
  }
  return result;
}

/** How many variables' keys are read present or absent in turn (2^n readings at most). */
const MAX_READ_VARIABLES = 3;

/** The policy variables (lower-cased names) the conditions of these statements use. */
function* conditionVariables(
  statements: readonly Statement[],
  render: (s: ValueSymbol) => string,
): Generator<string> {
  for (const st of statements)
    for (const c of st.conditions)
      for (const v of c.values)
        for (const part of parseVariables(valueText(v, render)) ?? [])
          if ("variable" in part && part.variable !== "") yield part.variable.toLowerCase();
}

/** Whether the statement or a Deny of the policy reads aws:ResourceOrgID, as a key or a variable. */
export function readsResourceOrgId(
  policy: Policy,
  statement: Statement,
  render: (s: ValueSymbol) => string,
): boolean {
  if (readResourceKeys([statement], render).has(RESOURCE_ORG_ID)) return true;
  // The Denies' answer once per policy: it is asked for each of its statements (thousands).
  const memo = policyMemo(policy);
  memo.deniesReadOrg ??= readResourceKeys(
    policy.statements.filter((d) => d.effect === "Deny"),
    render,
  ).has(RESOURCE_ORG_ID);
  return memo.deniesReadOrg;
}

/** Which of aws:ResourceAccount and aws:ResourceOrgID (lower-cased) the statements read, as a key or a variable. */
function readResourceKeys(statements: readonly Statement[], render: (s: ValueSymbol) => string): Set<string> {
  const out = new Set<string>();
  for (const st of statements)
    for (const c of st.conditions)
      if (c.keyLower === RESOURCE_ACCOUNT || c.keyLower === RESOURCE_ORG_ID) out.add(c.keyLower);
  for (const key of conditionVariables(statements, render))
    if (key === RESOURCE_ACCOUNT || key === RESOURCE_ORG_ID) out.add(key);
  return out;
}

/** Each of the variables (lower-cased keys) with the value its key has in `witness`, but `absent` ones. */
function variableBindings(
  variables: readonly string[],
  witness: Witness,
  absent: ReadonlySet<string>,
): Map<string, string> {
  const context = new Map<string, string>();
  for (const [k, v] of Object.entries(witness.context)) context.set(k.toLowerCase(), v);
  const bound = new Map<string, string>();
  for (const key of variables) {
    const value = context.get(key);
    if (value !== undefined && !absent.has(key)) bound.set(key, value);
  }
  return bound;
}

/** A statement shaped like a role trust policy's: no Resource or NotResource, and only STS actions. */
export function isTrustStatement(stmt: Statement): boolean {
  if (stmt.resource || stmt.notResource || !stmt.action) return false;
  return stmt.action.values.every((v) =>
    valueText(v, () => "")
      .toLowerCase()
      .startsWith("sts:"),
  );
}

function searchWith(
  q: ForeignAccessQuery,
  bound: ReadonlyMap<string, string> | undefined,
  required: readonly string[] = [],
  absentKeys: ReadonlySet<string> = NO_KEYS,
): ForeignAccessResult {
  const absent = q.noOrganization ? new Set([...absentKeys, RESOURCE_ORG_ID]) : absentKeys;
  const search = new Search(q.limits ?? DEFAULT_LIMITS);
  const variablesEnabled = q.policy.version === "2012-10-17";
  const o = {
    variablesEnabled,
    symbolText: q.symbolText,
    narrowStringLikeArn: !namesSpanComponents(q.knowledge),
    arnKeys: alternativeArnKeys(q.knowledge),
    narrowKeys: narrowArnKeys(),
    ...(bound ? { bound } : {}),
    ...(absent.size > 0 ? { absent } : {}),
  };
  const allowAtoms = statementAtoms(
    q.statement,
    {
      ...o,
      ...(q.knowledge?.accountInArn === false && q.knowledge.sourceArnFormats[0]
        ? { accountlessArnFormat: q.knowledge.sourceArnFormats[0] }
        : {}),
    },
    false,
  );
  const hasResource = !!(q.statement.resource || q.statement.notResource);
  const arnLanguages = sourceArnLanguages(allowAtoms);
  const shared = policyContext(q.policy, o);
  const spellings = shared.spellings;
  if (shared.denyAll) return { reachable: false, incomplete: false };
  // Each Deny must fail: one of its atoms must be false.
  const denyChoices = shared.denyChoices;

  const base: Atom[] = [...allowAtoms];
  base.push({
    kind: "member",
    key: PRINCIPAL_IS_AWS_SERVICE,
    exact: [exactPattern("true", true)],
    positive: [exactPattern("true", true)],
    negate: false,
    absentResult: false,
    origin: "service principal",
  });
  if (q.statement.notPrincipal) {
    // Allow with NotPrincipal: the service must not be one it names.
    base.push(principalAtom(q.statement.notPrincipal, true, o, "NotPrincipal"));
  }
  // The name a service's request carries is its principal name in lower case, exactly (a Deny on
  // StringEquals aws:PrincipalServiceName "events.amazonaws.com" applies to every such request).
  if (q.principal) {
    const p = [exactPattern(q.principal.toLowerCase())];
    base.push({
      kind: "member",
      key: PRINCIPAL_SERVICE_NAME,
      exact: p,
      positive: p,
      negate: false,
      absentResult: false,
      origin: "principal",
    });
  } else {
    // Any service principal: the name must at least look like one.
    // (At least one character before the suffix: `.amazon.com` names no service.)
    const p = [
      globPattern("?*.amazonaws.com"),
      globPattern("?*.amazon.com"),
      globPattern("?*.amazonaws.com.cn"),
    ];
    base.push({
      kind: "member",
      key: PRINCIPAL_SERVICE_NAME,
      exact: p,
      positive: p,
      negate: false,
      absentResult: false,
      origin: "principal",
    });
    // Nor an empty label (`..amazon.com`).
    const odd = [globPattern(".*"), globPattern("*..*")];
    base.push({
      kind: "member",
      key: PRINCIPAL_SERVICE_NAME,
      exact: odd,
      positive: odd,
      negate: true,
      absentResult: false,
      origin: "principal",
    });
  }
  const mentionsResourceAccount =
    allowAtoms.some((a) => a.kind !== "const" && a.key === RESOURCE_ACCOUNT) ||
    denyChoices.some((c) =>
      c.some((way) => way.some((a) => a.kind !== "const" && a.key === RESOURCE_ACCOUNT)),
    );
  if (mentionsResourceAccount) {
    // The resource is ours: aws:ResourceAccount is present and holds one of our accounts (the
    // deploying account, --account, or an account the policy itself names as ours).
    // (The deploying account as it renders: with --account, that account, never also its token.)
    const selfText = q.symbolText(SELF_ACCOUNT);
    const self = [...new Set([selfText, ...q.ourAccounts])]
      .filter((a) => a === selfText || /^\d{12}$/.test(a))
      .map((a) => exactPattern(a));
    base.push({
      kind: "member",
      key: RESOURCE_ACCOUNT,
      exact: self,
      positive: self,
      negate: false,
      absentResult: false,
      origin: "resource owner",
    });
  }
  if (!q.statement.action && !q.statement.notAction) {
    // No Action element is not valid IAM, but keep the action variable defined.
    base.push({ kind: "const", value: true, origin: "Action" });
  }
  if (q.trust || isTrustStatement(q.statement)) {
    // A trust policy (a role's, or no Resource and STS actions): the service assumes the role, the
    // only request it makes of one. sts:TagSession or sts:SetSourceIdentity alone, or any other
    // action a NotAction or a wildcard allows, lets no one in.
    const assume = [exactPattern("sts:assumerole", true)];
    base.push({
      kind: "member",
      key: ACTION_KEY,
      exact: assume,
      positive: assume,
      negate: false,
      absentResult: false,
      origin: "trust",
    });
  }
  // A bound variable's key holds the value it was bound to (see searchForeignAccess).
  for (const [key, value] of bound ?? []) {
    const p = [exactPattern(value)];
    base.push({
      kind: "member",
      key,
      exact: p,
      positive: p,
      negate: false,
      absentResult: false,
      origin: "binding",
    });
  }

  // Keys the request must carry (a variable's, so that a value naming it can match).
  for (const key of required) base.push({ kind: "presence", key, present: true, origin: "variable" });
  for (const key of absent) base.push({ kind: "presence", key, present: false, origin: "variable" });

  let combinations = 1;
  for (const c of denyChoices) combinations *= c.length;
  const incomplete = combinations > MAX_COMBINATIONS;
  let unconfirmed: Reachable | undefined;

  const choice = new Array<number>(denyChoices.length).fill(0);
  let tried = 0;
  for (;;) {
    if (tried++ >= MAX_COMBINATIONS) break;
    const atoms = [...base, ...denyChoices.flatMap((c, i) => c[choice[i] ?? 0] as Atom[])];
    const result = solveBranch(atoms, q, hasResource, search, spellings, arnLanguages);
    if (result) {
      if (result.confirmed) return result;
      unconfirmed ??= result;
    }
    // Next combination.
    let i = 0;
    while (i < choice.length) {
      choice[i] = (choice[i] ?? 0) + 1;
      if ((choice[i] ?? 0) < (denyChoices[i]?.length ?? 0)) break;
      choice[i] = 0;
      i++;
    }
    if (i === choice.length) break;
  }
  return unconfirmed ?? { reachable: false, incomplete: incomplete || search.exhausted };
}

function solveBranch(
  atoms: Atom[],
  q: ForeignAccessQuery,
  hasResource: boolean,
  search: Search,
  spellings: Map<string, string>,
  arnLanguages: Union[],
): Reachable | undefined {
  if (atoms.some((a) => a.kind === "const" && !a.value)) return undefined;
  let unconfirmed: Reachable | undefined;
  const keys = new Set<string>([ACTION_KEY, PRINCIPAL_SERVICE_NAME, PRINCIPAL_IS_AWS_SERVICE]);
  if (hasResource) keys.add(RESOURCE_KEY);
  for (const a of atoms) if (a.kind !== "const") keys.add(a.key);
  const keyList = [...keys];
  const options = keyList.map((k) => presenceFor(k, q.knowledge, hasResource));

  const presence = new Map<string, boolean>();
  const idx = new Array<number>(keyList.length).fill(0);
  for (;;) {
    for (let i = 0; i < keyList.length; i++)
      presence.set(keyList[i] as string, options[i]?.[idx[i] ?? 0] ?? false);
    const r = solvePresence(atoms, presence, q, search, spellings, arnLanguages);
    if (r?.confirmed) return r;
    if (r) unconfirmed ??= r;
    let i = 0;
    while (i < idx.length) {
      idx[i] = (idx[i] ?? 0) + 1;
      if ((idx[i] ?? 0) < (options[i]?.length ?? 1)) break;
      idx[i] = 0;
      i++;
    }
    if (i === idx.length) return unconfirmed;
  }
}

/** What a request's resource is: some text. */
const REQUEST_RESOURCE: Union = [globPattern("?*")];

function solvePresence(
  atoms: Atom[],
  presence: Map<string, boolean>,
  q: ForeignAccessQuery,
  search: Search,
  spellings: Map<string, string>,
  arnLanguages: Union[],
): Reachable | undefined {
  const perKey = new Map<string, KeyConstraints>();
  const get = (k: string): KeyConstraints => {
    let c = perKey.get(k);
    if (!c) {
      c = emptyKeyConstraints();
      perKey.set(k, c);
    }
    return c;
  };
  for (const a of atoms) {
    if (a.kind === "const") {
      if (!a.value) return undefined;
      continue;
    }
    const present = presence.get(a.key) ?? false;
    if (a.kind === "presence") {
      if (a.present !== present) return undefined;
      continue;
    }
    if (!present) {
      if (!a.absentResult) return undefined;
      continue;
    }
    const want = !a.negate;
    const c = get(a.key);
    if (a.typed) c.typed.push({ atom: a, want });
    else if (want) c.positives.push(a.positive);
    else c.negatives.push(a.exact);
  }

  // Any service (`Principal: "*"`): a service's name is lower-case letters, digits, `-` and `.`. A
  // character outside them that the policy writes literally (`StringEquals aws:PrincipalServiceName
  // "*.amazonaws.com"`, where `*` is no wildcard) names no service, so no witness may carry it.
  const serviceName = q.principal === null ? perKey.get(PRINCIPAL_SERVICE_NAME) : undefined;
  if (serviceName) serviceName.negatives.push(...foreignNameCharacters(serviceName.positives));
  // The resource of a request is never empty, which a Deny's `?*` leaves out while the Allow's `*`
  // takes it. (Not an ARN shape: API Gateway policies write `execute-api:/*`, which the analysis
  // reads as written.)
  if (presence.get(RESOURCE_KEY)) get(RESOURCE_KEY).positives.push(REQUEST_RESOURCE);
  // A key only a Null condition requires present still needs a value in the request.
  for (const [k, present] of presence)
    if (present && !perKey.has(k) && !VALUED_ELSEWHERE.has(k)) perKey.set(k, emptyKeyConstraints());
  const accountConstraints: StringConstraints = { positives: [], negatives: ours(q.ourAccounts) };
  // Typed operators on the account (`NumericLessThanEquals aws:SourceAccount ...`) are not part of
  // the string search: its account is checked against them, then accounts they name or border.
  const accountTyped: KeyConstraints["typed"] = [];
  for (const k of [SOURCE_ACCOUNT, SOURCE_OWNER]) {
    if (!presence.get(k)) continue;
    const c = perKey.get(k);
    if (!c) continue;
    accountTyped.push(...c.typed);
    accountConstraints.positives.push(...c.positives);
    accountConstraints.negatives.push(...c.negatives);
  }
  const numeric = numericAccounts(accountTyped);
  if (numeric) accountConstraints.numeric = numeric;
  const arnConstraints = perKey.get(SOURCE_ARN) ?? emptyKeyConstraints();

  const accountOk = (a: string) =>
    typedAccepts(accountTyped, a) &&
    accountConstraints.positives.every((u) => u.some((p) => acceptsText(p, a))) &&
    !accountConstraints.negatives.some((u) => u.some((p) => acceptsText(p, a)));
  const attempt = (forced: string | undefined) =>
    solveAccountKeys(perKey, presence, q, search, accountConstraints, arnConstraints, accountOk, forced);

  let solved = attempt(undefined);
  if (!solved.values) {
    // An account another key pins (the trail ARN of a KMS encryption context, an account a typed
    // operator names): solve that key with the account free, then every key with its account.
    for (const forced of [...solved.accounts, ...typedAccountCandidates(accountTyped)]) {
      if (!accountOk(forced)) continue;
      solved = attempt(forced);
      if (solved.values) break;
    }
  }
  const values = solved.values;
  if (!values) return undefined;
  const account = solved.account as string;
  for (const k of [ACTION_KEY, PRINCIPAL_SERVICE_NAME, RESOURCE_KEY]) {
    if (!presence.get(k) || values.has(k)) continue;
    const r = search.solve({ positives: [], negatives: [] }, { kind: "free" });
    if (r.found) values.set(k, r.value);
  }
  if (!values.has(PRINCIPAL_SERVICE_NAME))
    values.set(PRINCIPAL_SERVICE_NAME, q.principal?.toLowerCase() ?? GENERIC_SERVICE);
  values.set(PRINCIPAL_IS_AWS_SERVICE, "true");

  // A witness names the foreign source even where the policy does not ask for it.
  if (presence.get(SOURCE_ACCOUNT) === undefined && q.knowledge?.keysSent.sourceAccount !== "never")
    values.set(SOURCE_ACCOUNT, account);

  return confirm(values, q, spellings, arnLanguages);
}

/**
 * For each character the patterns admit by writing it (or, under IgnoreCase, its upper case) that no
 * service name has, the language of texts containing it.
 */
function foreignNameCharacters(positives: Union[]): Union[] {
  const seen = new Set<string>();
  for (const u of positives)
    for (const p of u)
      for (const t of p.tokens) {
        if (t.kind !== "char") continue;
        if (!/^[a-z0-9.-]$/.test(t.char)) seen.add(t.char);
        // An IgnoreCase pattern admits the upper case too, which no service's name has.
        const upper = t.char.toUpperCase();
        if (t.ignoreCase && upper !== t.char.toLowerCase()) seen.add(upper);
      }
  const star = { kind: "star" as const, noColon: false };
  return [...seen].map((c) => [
    {
      tokens: [star, { kind: "char" as const, char: c, ignoreCase: false }, star],
      source: `*${c}*`,
      key: `has:${c}`,
    },
  ]);
}

const ORG_PATH = globPattern("o-??????????*/r-????*/*");
/** (Every path ends with `/`: `o-…/r-…/` or `o-…/r-…/ou-…/`.) */
const ORG_PATH_END = globPattern("*/");

/** The ARN keys of services whose ARN formats put no name between colons (see AtomOptions.narrowKeys). */
function narrowArnKeys(): ReadonlySet<string> {
  if (!narrowKeysOfAll) {
    const keys = new Set<string>();
    for (const k of SERVICES)
      if (!namesSpanComponents(k))
        for (const g of k.alternativeGuardKeys) if (g.binds === "arn") keys.add(g.key.toLowerCase());
    narrowKeysOfAll = keys;
  }
  return narrowKeysOfAll;
}

let narrowKeysOfAll: ReadonlySet<string> | undefined;

type GuardKey = ServiceKnowledge["alternativeGuardKeys"][number];

/** A guard key some service binds (see ServiceKnowledge.alternativeGuardKeys), and that service, by the key's name. */
function anyServiceGuardKey(key: string): { key: GuardKey; owner: ServiceKnowledge } | undefined {
  if (!guardKeysByName) {
    guardKeysByName = new Map();
    for (const k of SERVICES)
      for (const g of k.alternativeGuardKeys)
        if (!guardKeysByName.has(g.key.toLowerCase()))
          guardKeysByName.set(g.key.toLowerCase(), { key: g, owner: k });
  }
  return guardKeysByName.get(key);
}

let guardKeysByName: Map<string, { key: GuardKey; owner: ServiceKnowledge }> | undefined;

/** Each of these values as a one-pattern union (our accounts or organizations, as negatives). */
function ours(set: ReadonlySet<string>): Union[] {
  return [...set].map((v) => [exactPattern(v)]);
}

/** The accounts a statement's Resource names right after `AWSLogs/`. */
function awsLogsAccounts(stmt: Statement, render: (s: ValueSymbol) => string): string[] {
  const out = new Set<string>();
  for (const v of stmt.resource?.values ?? [])
    for (const m of valueText(v, render).matchAll(/AWSLogs\/(\d{12})\//g)) out.add(m[1] as string);
  return [...out];
}

/** Whether the statement allows `s3:PutObject` alone (no NotAction, no wildcard, no other action). */
function onlyPutObject(stmt: Statement): boolean {
  return literalActions(stmt)?.every((a) => a === "s3:putobject") ?? false;
}

/** The statement's actions, lower-cased, when it has an Action and each is written out in it. */
function literalActions(stmt: Statement): string[] | undefined {
  const values = stmt.action?.values;
  if (stmt.notAction || !values || values.length === 0) return undefined;
  const out: string[] = [];
  for (const v of values) {
    if (v.parts.length !== 1 || typeof v.parts[0] !== "string") return undefined;
    out.push(v.parts[0].toLowerCase());
  }
  return out;
}

/** S3 actions whose resource is an object (the Service Authorization Reference's `object` type). */
const S3_OBJECT_ACTION =
  /^s3:((get|put|delete|restore|replicate)object[a-z]*|abortmultipartupload|listmultipartuploadparts)$/;

/** An object of a bucket, or one read through an access point (Multi-Region ones too). */
const S3_OBJECT_ARNS = [
  globPattern("arn:*:s3:::?*/?*"),
  globPattern("arn:*:s3:*:*:accesspoint/?*/object/?*"),
];

/**
 * Whether the statement allows only object-level S3 actions, each named without a wildcard, on
 * bucket ARNs alone, each written out (`arn:aws:s3:::my-bucket`, the partition may be the deploy's):
 * no request matches it. A value not known before deployment (a module's output, a parameter, even
 * in the bucket name's place) may name objects, so it is never taken for a bucket.
 */
function objectActionsOnBuckets(stmt: Statement): boolean {
  const actions = literalActions(stmt);
  const resources = stmt.resource?.values;
  if (!actions || stmt.notResource || !resources?.length) return false;
  return (
    actions.every((a) => S3_OBJECT_ACTION.test(a)) &&
    resources.every((v) => {
      if (v.parts.some((p) => typeof p !== "string" && p.kind !== "partition")) return false;
      return S3_BUCKET_ARN.test(valueText(v, () => "aws"));
    })
  );
}

/** A bucket's ARN, written out: no object key, no wildcard that could stand for one. */
const S3_BUCKET_ARN = /^arn:[a-z-]+:s3:::[^/*?$]+$/;

/** Keys a witness gets its value for elsewhere (the request itself, or what AWS adds to it). */
const VALUED_ELSEWHERE = new Set([
  ACTION_KEY,
  PRINCIPAL_SERVICE_NAME,
  PRINCIPAL_IS_AWS_SERVICE,
  RESOURCE_KEY,
  RESOURCE_ACCOUNT,
  RESOURCE_ORG_ID,
]);

const LAST_ACCOUNT = 999_999_999_999;
const CURRENT_TIME = "aws:currenttime";
const EPOCH_TIME = "aws:epochtime";

/**
 * The account numbers that the Numeric operators on the account allow, as ranges for the search
 * (`StringConstraints.numeric`); undefined when there are none. Each comparison with a value v is
 * constant for integers below, at and above v, so acceptance is constant between the breakpoints v
 * and v + 1 (⌊v⌋ + 1 for a fraction): testing one account of each stretch decides it whole. Other
 * typed operators on the account (an `IpAddress`, a Date) are left to the check of the account found.
 */
function numericAccounts(all: KeyConstraints["typed"]): Array<[number, number]> | undefined {
  const typed = all.filter(({ atom }) => atom.typed?.base.startsWith("Numeric"));
  if (typed.length === 0) return undefined;
  const starts = new Set<number>([0]);
  for (const { atom } of typed)
    for (const v of atom.typed?.values ?? []) {
      const n = v.trim() === "" ? Number.NaN : Number(v);
      if (!Number.isFinite(n)) continue;
      for (const b of Number.isInteger(n) ? [n, n + 1] : [Math.floor(n) + 1])
        if (b > 0 && b <= LAST_ACCOUNT) starts.add(b);
    }
  const sorted = [...starts].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i] as number;
    const to = i + 1 < sorted.length ? (sorted[i + 1] as number) - 1 : LAST_ACCOUNT;
    if (!typedAccepts(typed, String(from).padStart(12, "0"))) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === from - 1) last[1] = to;
    else ranges.push([from, to]);
  }
  return ranges;
}

/**
 * 12-digit accounts to try against typed operators on the account: each number they name and its
 * neighbours, the points between them and the two ends of the range, written with their leading
 * zeros (`NumericGreaterThan 010000000000` admits 010000000001).
 */
function typedAccountCandidates(typed: KeyConstraints["typed"]): string[] {
  if (typed.length === 0) return [];
  const account = (n: number): string | undefined =>
    Number.isInteger(n) && n >= 0 && n <= 999_999_999_999 ? String(n).padStart(12, "0") : undefined;
  const bounds = typed
    .flatMap(({ atom }) => atom.typed?.values ?? [])
    .map(Number)
    .filter((n) => Number.isFinite(n))
    .sort((a, b) => a - b);
  const out = new Set<string>(typedCandidates(typed).filter((v) => /^\d{12}$/.test(v)));
  for (const b of bounds)
    for (const d of [-1, 0, 1]) {
      const a = account(Math.floor(b) + d);
      if (a) out.add(a);
    }
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = account(Math.floor(((bounds[i] as number) + (bounds[i + 1] as number)) / 2));
    if (a) out.add(a);
  }
  out.add("000000000000");
  out.add("999999999999");
  return [...out];
}

/**
 * Values for the source account, aws:SourceArn and the keys that bind an account or ARN in one
 * branch (see solvePresence), all naming one foreign account: `forced` when given, otherwise the one
 * the search finds first. When a key fails only because of that account, `accounts` holds the
 * accounts it would take on its own, for the caller to force.
 */
function solveAccountKeys(
  perKey: Map<string, KeyConstraints>,
  presence: Map<string, boolean>,
  q: ForeignAccessQuery,
  search: Search,
  accountConstraints: StringConstraints,
  arnConstraints: KeyConstraints,
  accountOk: (account: string) => boolean,
  forced: string | undefined,
): { values?: Map<string, string>; account?: string; accounts: string[] } {
  const accounts: string[] = [];
  const fail = () => ({ accounts });
  const values = new Map<string, string>();
  const typedArnOk = (v: string) => typedAccepts(arnConstraints.typed, v);

  let account = forced;
  if (presence.get(SOURCE_ARN)) {
    const { positives, negatives } = arnConstraints;
    // A service whose ARNs carry no account (S3 buckets) never sends one with an account field.
    const joint =
      q.knowledge?.accountInArn === false
        ? { found: false as const, exhausted: false }
        : search.solve(
            { positives, negatives },
            {
              kind: "arn",
              account: forced !== undefined ? { fixed: forced } : { joint: accountConstraints },
            },
          );
    if (joint.found && typedArnOk(joint.value)) {
      values.set(SOURCE_ARN, joint.value);
      account = joint.account ?? forced;
      if (account !== undefined && !accountOk(account)) {
        accounts.push(account);
        return fail();
      }
    } else {
      // An ARN without an account field (an S3 bucket, for example) says nothing about the owner;
      // a service whose ARNs always carry one never sends such an ARN.
      if (q.knowledge?.accountInArn === true) return fail();
      const empty = search.solve({ positives, negatives }, { kind: "arn", account: "empty" });
      if (!empty.found || !typedArnOk(empty.value)) return fail();
      values.set(SOURCE_ARN, empty.value);
    }
  }
  if (account === undefined) {
    const r = search.solve(accountConstraints, { kind: "account" });
    if (!r.found || !accountOk(r.value)) {
      if (r.found) accounts.push(r.value);
      return fail();
    }
    account = r.value;
  }
  for (const k of [SOURCE_ACCOUNT, SOURCE_OWNER]) if (presence.get(k)) values.set(k, account);

  for (const [key, c] of perKey) {
    if (values.has(key) || key === SOURCE_ACCOUNT || key === SOURCE_OWNER || key === SOURCE_ARN) continue;
    if (!presence.get(key)) continue;
    let domain: StringDomain = { kind: "free" };
    const constraints: StringConstraints = { positives: [...c.positives], negatives: [...c.negatives] };
    // The principal's own guard key, or another service's (under `Principal: "*"` or for another
    // principal, `kms:EncryptionContext:aws:cloudtrail:arn` still names a trail of the caller's
    // account, never a free string).
    const ownAlt = q.knowledge?.alternativeGuardKeys.find((g) => g.key.toLowerCase() === key);
    const other = ownAlt ? undefined : anyServiceGuardKey(key);
    const alt = ownAlt ?? other?.key;
    // The service whose ARNs the key carries: an ARN of it has an account field or not.
    const keyOwner = ownAlt ? q.knowledge : other?.owner;
    if (key === SOURCE_ORG_ID) {
      domain = { kind: "org" };
      constraints.negatives.push(...ours(q.ourOrgs));
    } else if (key === SOURCE_ORG_PATHS) {
      // Our organization's paths, and its bare id (no foreign request's path is that either). A path
      // is at least `o-<10 or more>/r-<4 or more>/`, as AWS Organizations writes it.
      constraints.positives.push([ORG_PATH], [ORG_PATH_END]);
      for (const org of q.ourOrgs) constraints.negatives.push([globPattern(`${org}/*`)], [exactPattern(org)]);
    } else if (key === RESOURCE_KEY && q.knowledge?.awsLogsKeyPrefix && onlyPutObject(q.statement)) {
      // Its objects' keys hold AWSLogs once, followed by the account it delivers for (ELB).
      constraints.positives.push([globPattern(`arn:*:s3:::*/AWSLogs/${account}/*`)]);
      constraints.negatives.push([globPattern("*AWSLogs*AWSLogs*")]);
    } else if (key === RESOURCE_KEY && objectActionsOnBuckets(q.statement)) {
      // An object-level S3 action is always for an object: `arn:…:s3:::bucket/key`, or
      // `arn:…:s3:region:account:accesspoint/name/object/key` through an access point. A statement
      // granting one on bucket ARNs alone matches no request (S3 refuses it: "Action does not apply
      // to any resource(s) in statement").
      constraints.positives.push(S3_OBJECT_ARNS);
    } else if (key === MFA_PRESENT) {
      constraints.positives.push([exactPattern("false")]);
    } else if (alt?.binds === "arn") {
      domain = { kind: "arn", account: { fixed: account } };
    } else if (alt?.binds === "account") {
      constraints.negatives.push(...ours(q.ourAccounts));
      domain = { kind: "account" };
    } else if (alt?.binds === "token") {
      // A token issued to its owner (an Alexa skill ID): a foreign caller carries its own, never
      // one this statement names literally. A wildcard names tokens of others too.
      for (const u of c.positives)
        if (u.length > 0 && u.every((p) => literalOf(p) !== undefined)) constraints.negatives.push(u);
    }
    if (c.typed.length > 0) {
      const v = solveTyped(c, search, constraints, domain, key);
      if (v === undefined) return fail();
      values.set(key, v);
      continue;
    }
    const r = search.solve(constraints, domain);
    if (!r.found) {
      if (alt?.binds === "arn") {
        if (forced === undefined) {
          // The ARN may name another foreign account than the one chosen: the caller forces it.
          const own = search.solve(constraints, { kind: "arn", account: { joint: accountConstraints } });
          if (own.found && own.account !== undefined) accounts.push(own.account);
        }
        if (keyOwner?.accountInArn === true) return fail();
        const empty = search.solve(constraints, { kind: "arn", account: "empty" });
        if (!empty.found) return fail();
        values.set(key, empty.value);
        continue;
      }
      // The path may name another foreign account than the one chosen: the caller forces it.
      if (key === RESOURCE_KEY && forced === undefined && q.knowledge?.awsLogsKeyPrefix)
        accounts.push(...awsLogsAccounts(q.statement, q.symbolText));
      return fail();
    }
    values.set(key, r.value);
  }
  return { values, account, accounts };
}

/**
 * For each atom of the Allow statement on aws:SourceArn, a language that holds every value it
 * accepts (its search language and its exact one together: one may be narrowed, the other may leave
 * out values with variables). A value outside one of them cannot make the statement apply. Only the
 * statement's own atoms count: a Deny can be escaped by another of its conditions than the one a
 * branch chose.
 */
function sourceArnLanguages(atoms: Atom[]): Union[] {
  const out: Union[] = [];
  for (const a of atoms) {
    if (a.kind !== "member" || a.key !== SOURCE_ARN || a.negate || a.typed) continue;
    out.push([...a.positive, ...a.exact]);
  }
  return out;
}

/**
 * The shortest strings the search finds leave ARN components empty (`arn::::000000000000:`). A
 * witness that reads like a real request is easier to believe: fill empty components with ordinary
 * values and keep the result only if the policy still allows it.
 */
function readable(values: Map<string, string>, q: ForeignAccessQuery): Array<Map<string, string>> {
  if (q.principal === null && !values.get(PRINCIPAL_SERVICE_NAME)?.match(/^[a-z0-9-]{2,}\./)) {
    // A service a statement with NotPrincipal may exclude: the next one then reads as well.
    return READABLE_SERVICES.flatMap((service) => {
      const copy = new Map(values);
      copy.set(PRINCIPAL_SERVICE_NAME, service);
      const named = readableArn(copy, q, service) ?? copy;
      const actions = readableActions(named, q);
      return actions.length > 0 ? actions : [named];
    });
  }
  const nicer = readableArn(values, q);
  const actions = readableActions(nicer ?? values, q);
  return actions.length > 0 ? actions : nicer ? [nicer] : [];
}

/**
 * The shortest action the search finds for `Action: "*"` or a `NotAction` is the empty string, which
 * no request carries: a witness names an action the statement's own resources take (the service of
 * its Resource ARN, or of the trust policy), then common ones, each kept only if the policy still
 * allows the request. None when the action is not empty.
 */
function readableActions(values: Map<string, string>, q: ForeignAccessQuery): Array<Map<string, string>> {
  // The empty string, or a service prefix without a name (`sqs:` for `sqs:*`).
  const found = values.get(ACTION_KEY);
  if (found === undefined) return [];
  if (found !== "" && !found.endsWith(":")) {
    // An action matched without regard to case (`sts:AssUMEROLE` for `sts:assumerole`): the
    // statement's own spelling of it reads better, or else the usual spelling of a known one.
    const lower = found.toLowerCase();
    const written = [...(q.statement.action?.values ?? [])]
      .map((v) => valueText(v, () => ""))
      .find((a) => a.toLowerCase() === lower && !hasWildcard(a));
    const usual =
      Object.values(READABLE_ACTIONS).find((a) => a.toLowerCase() === lower) ??
      (lower === "sts:assumerole" ? "sts:AssumeRole" : undefined);
    const better = usual ?? written;
    if (!better || better === found) return [];
    const copy = new Map(values);
    copy.set(ACTION_KEY, better);
    return [copy];
  }
  const first: string[] = [];
  for (const v of q.statement.resource?.values ?? []) {
    const service = /^arn:[^:]*:([a-z0-9-]+):/.exec(valueText(v, () => ""))?.[1];
    const action = service ? READABLE_ACTIONS[service] : undefined;
    if (action) first.push(action);
  }
  if (q.statement.action === undefined && q.statement.notAction === undefined) return [];
  if (!q.statement.resource && !q.statement.notResource) first.push("sts:AssumeRole");
  // Then, for a prefix the search found (`sqs:`), other common names under it.
  const prefixed = found.endsWith(":") ? READABLE_NAMES.map((n) => `${found}${n}`) : [];
  return [...new Set([...first, ...Object.values(READABLE_ACTIONS), ...prefixed])].map((action) => {
    const copy = new Map(values);
    copy.set(ACTION_KEY, action);
    return copy;
  });
}

/** Action names a witness may take under a service prefix when the usual ones are refused. */
const READABLE_NAMES = [
  "ReceiveMessage",
  "GetObject",
  "Encrypt",
  "Decrypt",
  "GetQueueAttributes",
  "Subscribe",
];

/** An action a service is commonly asked to take on a resource of each service, for witnesses. */
const READABLE_ACTIONS: Record<string, string> = {
  s3: "s3:PutObject",
  sns: "sns:Publish",
  sqs: "sqs:SendMessage",
  lambda: "lambda:InvokeFunction",
  logs: "logs:PutLogEvents",
  kms: "kms:GenerateDataKey",
  events: "events:PutEvents",
  iam: "sts:AssumeRole",
  secretsmanager: "secretsmanager:GetSecretValue",
};

/** Service names a witness for "any service" tries, in order. */
const READABLE_SERVICES = [
  "sns.amazonaws.com",
  "events.amazonaws.com",
  "s3.amazonaws.com",
  "alexa-appkit.amazon.com",
  "sns.amazonaws.com.cn",
];

function readableArn(
  values: Map<string, string>,
  q: ForeignAccessQuery,
  anyService = "sns.amazonaws.com",
): Map<string, string> | undefined {
  const arn = values.get(SOURCE_ARN);
  if (arn === undefined) return undefined;
  const parts = splitArn(arn);
  if (!parts) return undefined;
  const principal = q.principal ?? anyService;
  const service = principal.split(".")[0] ?? "service";
  const fill = ["arn", "aws", service, "us-east-1", parts[4] ?? "", "attacker-resource"];
  let changed = false;
  const out = parts.map((p, i) => {
    if (p === "" && i !== 4) {
      changed = true;
      return fill[i] ?? p;
    }
    return p;
  });
  if (!changed) return undefined;
  const copy = new Map(values);
  copy.set(SOURCE_ARN, out.join(":"));
  return copy;
}

function confirm(
  values: Map<string, string>,
  q: ForeignAccessQuery,
  spellings: Map<string, string>,
  arnLanguages: Union[],
): Reachable {
  for (const nicer of readable(values, q)) {
    const arn = nicer.get(SOURCE_ARN);
    // A nicer ARN the statement's own aws:SourceArn condition rejects would not be confirmed: skip the replay.
    if (arn === undefined || arnLanguages.every((u) => u.some((p) => acceptsText(p, arn)))) {
      const r = confirmExact(nicer, q, spellings);
      if (r.confirmed) return r;
    }
  }
  return confirmExact(values, q, spellings);
}

function confirmExact(
  values: Map<string, string>,
  q: ForeignAccessQuery,
  spellings: Map<string, string>,
): Reachable {
  const context: Record<string, string> = {};
  for (const [k, v] of values) {
    if (k === ACTION_KEY || k === RESOURCE_KEY) continue;
    context[spellings.get(k) ?? k] = v;
  }
  const witness: Witness = {
    principal: values.get(PRINCIPAL_SERVICE_NAME) ?? q.principal ?? GENERIC_SERVICE,
    action: values.get(ACTION_KEY) ?? "",
    context,
  };
  const resource = values.get(RESOURCE_KEY);
  if (resource !== undefined) witness.resource = resource;
  // S applies and no Deny does: other Allow statements cannot change that, so only they are evaluated.
  const deciding: Policy = {
    ...q.policy,
    statements: [q.statement, ...knownDenies(q.policy)],
  };
  // The request AWS builds also carries the resource's account, ours (policy variables may read it),
  // and its organization's ID: a foreign request is decided alike whether the account is in an
  // organization (ours) or in none (the key is absent), see knownVariables in atoms.ts. A witness
  // names them too when a deciding statement reads them (a key, or a `${aws:ResourceAccount}`
  // variable), so that it replays as it was confirmed.
  const requestContext: Record<string, string> = { ...context };
  const read = readResourceKeys(deciding.statements, q.symbolText);
  const written = new Set(Object.keys(context).map((k) => k.toLowerCase()));
  for (const [key, spelled, symbol] of [
    [RESOURCE_ACCOUNT, "aws:ResourceAccount", SELF_ACCOUNT],
    [RESOURCE_ORG_ID, "aws:ResourceOrgID", SELF_ORG],
  ] as const) {
    if (written.has(key) || (key === RESOURCE_ORG_ID && q.noOrganization)) continue;
    requestContext[spelled] = q.symbolText(symbol);
    if (read.has(key)) context[spelled] = q.symbolText(symbol);
  }
  const result = evaluate(
    deciding,
    {
      principal: { type: "Service", id: witness.principal },
      action: witness.action,
      ...(resource !== undefined ? { resource } : {}),
      context: requestContext,
    },
    { symbolText: q.symbolText },
  );
  const statementApplies = result.trace.find((t) => t.index === q.statement.index)?.applies ?? false;
  const absentSourceKeys = SOURCE_KEYS.filter((k) => !values.has(k));
  return {
    reachable: true,
    witness,
    absentSourceKeys,
    confirmed: result.decision === "Allow" && statementApplies,
  };
}
