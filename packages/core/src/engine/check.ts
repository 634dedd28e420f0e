import type { Witness } from "../analysis/foreign-access.js";
import { guardsOf, isPositive, valueText } from "../analysis/guards.js";
import { RESOURCE_ACCOUNT, SOURCE_ORG_ID, SOURCE_ORG_PATHS } from "../analysis/keys.js";
import { DEFAULT_KNOWLEDGE, type StatementFacts, statementFacts } from "../analysis/statement-facts.js";
import { splitArn } from "../iam/arn.js";
import { hasWildcard } from "../iam/wildcard.js";
import { parseJsonSource } from "../input/json-source.js";
import type { ServiceKnowledge } from "../knowledge/types.js";
import { parseConditionOperator } from "../model/operators.js";
import { looksLikePolicy, parsePolicy } from "../model/parse-policy.js";
import type { ConditionEntry, Policy, Statement } from "../model/policy.js";
import type { Diagnostic, SourceRange } from "../model/source.js";
import {
  knownText,
  type PolicyValue,
  SELF_ORG,
  shortName,
  type ValueSymbol,
  wholeUnknown,
} from "../model/values.js";
import { RULES } from "../rules/index.js";
import type { ReportInput, Rule, Severity } from "../rules/types.js";
import type { TextEdit } from "./edit.js";
import { type ConditionBlock, createFixBuilder } from "./fix.js";
import type { LambdaPermission, PolicySite } from "./site.js";

/**
 * What counts as ours and which rules run; given to `checkSite`, `checkPolicy` and `checkPolicyText`.
 * Those functions throw a `TypeError` naming the value when `accounts` or `orgIds` is not an array
 * of well-formed ids: a slip there (`"111111111111"` for `["111111111111"]`, a trailing space) would
 * otherwise make the user's own account foreign and report it silently.
 */
export interface CheckOptions {
  /**
   * Accounts that count as ours (`--account`): 12-digit AWS account ids, exactly (no spaces); the
   * deploying account (SELF) resolves to the first.
   */
  accounts?: readonly string[];
  /** Organizations that count as ours (`--org-id`): ids of the form `o-` and 10 to 32 of `a-z0-9`. */
  orgIds?: readonly string[];
  /** Report PassRole-bound trust (lambda, edgelambda, ec2, ecs-tasks, iotevents) without a guard, at low. */
  strict?: boolean;
  /** Rules to run (default: all). */
  rules?: readonly Rule[];
  knowledge?: readonly ServiceKnowledge[];
}

/** One finding, as the JSON output carries it (see schemas/output.schema.json). */
export interface Finding {
  ruleId: string;
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  element?: { line: number; column: number };
  resource: string | null;
  /** Other places the finding concerns (the `.tf` source of a resource found in a plan). */
  related?: Array<{ file: string; line: number; column: number; message: string }>;
  /** Which variant of the input the finding holds for (an `Fn::If` branch, a CDK construct path). */
  variant?: string;
  /**
   * The statement as written: its 0-based index, its Sid, and without a Sid its `anchor` (its
   * principals as written and how many statements without a Sid before it in the policy name the
   * same, `Service:events.amazonaws.com#0`), which fingerprints use instead of the index, so that a
   * statement added or removed elsewhere in the policy does not change them.
   */
  statement: { index: number; sid?: string; anchor?: string } | null;
  principals: string[];
  witness?: { principal: string; action?: string; resource?: string; context: Record<string, string> };
  fix?: {
    description: string;
    text: string;
    condition?: ConditionBlock;
    permission?: { sourceAccount?: string; sourceArn?: string };
    /** Entries of `condition` the fix copies from the statement unchanged (see `Fix.unchanged`). */
    unchanged?: Array<{ operator: string; key: string }>;
    /** The edits that apply this fix alone, where the CLI could compute them (SARIF `fixes`). */
    edits?: TextEdit[];
  };
  /** Set when a suppression covers the finding; it is still reported, marked. */
  suppressed?: { kind: "inSource" | "external"; justification: string };
}

/** The findings and input diagnostics of one check, with the number of policies and statements read. */
export interface CheckResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
  policies: number;
  statements: number;
}

const TOKEN_OPEN = "\uE000";
const TOKEN_CLOSE = "\uE001";

function tokenFor(symbol: ValueSymbol): string {
  return `${TOKEN_OPEN}${symbol.name}${TOKEN_CLOSE}`;
}

/** The deploying account's token (`tokenFor` of a symbol named SELF): ours whatever --account says. */
const SELF_TOKEN = `${TOKEN_OPEN}SELF${TOKEN_CLOSE}`;

/** Whether a text is exactly one symbol token (a value not known before deployment, whole). */
function isOneToken(text: string): boolean {
  return (
    text.startsWith(TOKEN_OPEN) &&
    text.indexOf(TOKEN_CLOSE) === text.length - 1 &&
    text.indexOf(TOKEN_OPEN, 1) < 0
  );
}

/** Replaces symbol tokens by `<NAME>` for messages. */
function displayTokens(text: string): string {
  let out = "";
  let i = 0;
  for (;;) {
    const a = text.indexOf(TOKEN_OPEN, i);
    if (a < 0) break;
    const b = text.indexOf(TOKEN_CLOSE, a);
    if (b < 0) break;
    out += `${text.slice(i, a)}<${text.slice(a + 1, b)}>`;
    i = b + 1;
  }
  return out + text.slice(i);
}

/**
 * Whether a condition names values the policy trusts: what an Allow requires positively, or what a
 * Deny excludes with a negated operator (Deny unless aws:SourceAccount is X trusts X).
 */
function trusts(stmt: Statement, entry: ConditionEntry): boolean {
  const base = entry.operator.base;
  if (base === null || base === "Null" || base.startsWith("Numeric")) return false;
  return stmt.effect === "Allow" ? isPositive(entry) : !isPositive(entry);
}

function collectTrusted(
  policy: Policy,
  knowledge: readonly ServiceKnowledge[],
  render: (s: ValueSymbol) => string,
) {
  const accounts = new Set<string>();
  const orgs = new Set<string>();
  for (const stmt of policy.statements) {
    for (const g of guardsOf(stmt, knowledge)) {
      if (!trusts(stmt, g.entry)) continue;
      for (const v of g.entry.values) {
        const text = valueText(v, render);
        const key = g.entry.keyLower;
        if (hasWildcard(text) && g.kind !== "arn" && g.kind !== "org-path") continue;
        if (g.kind === "account" && /^\d{12}$/.test(text)) accounts.add(text);
        else if (g.kind === "arn") {
          const acct = splitArn(text)?.[4];
          if (acct && /^\d{12}$/.test(acct)) accounts.add(acct);
        } else if (key === SOURCE_ORG_ID) orgs.add(text);
        else if (key === SOURCE_ORG_PATHS) {
          // The organization is the first segment: an id, or a value not known before deployment
          // that the policy names as its own (`${data.aws_organizations_organization.org.id}/*`).
          const org = text.split("/")[0] ?? "";
          if ((org.startsWith("o-") || isOneToken(org)) && !hasWildcard(org)) orgs.add(org);
        }
      }
    }
    // The account a statement names as the resource's owner is the deploying account: the policy
    // protects that account's resource (`"aws:ResourceAccount": "111122223333"`).
    for (const c of stmt.conditions) {
      if (c.keyLower !== RESOURCE_ACCOUNT || c.operator.set === "ForAnyValue" || !trusts(stmt, c)) continue;
      for (const v of c.values) {
        const text = valueText(v, render);
        if (/^\d{12}$/.test(text)) accounts.add(text);
      }
    }
  }
  return { accounts, orgs };
}

/** Turns a Lambda permission into the statement Lambda writes into the function's policy. */
export function lambdaPermissionPolicy(p: LambdaPermission, range: SourceRange | undefined): Policy {
  const principalText = valueText(p.principal, (s) => `<${s.name}>`);
  // The deploying account (`!Ref AWS::AccountId`, `data.aws_caller_identity...account_id`) is an account.
  const [only, ...rest] = p.principal.parts;
  const isSelf = rest.length === 0 && typeof only === "object" && only.kind === "self-account";
  const isService =
    principalText === "*" || isSelf
      ? false
      : !/^\d{12}$/.test(principalText) && !principalText.startsWith("arn:");
  // A Principal argument not known before deployment may be an account or a service: analysed as a service.
  const unknown = isSelf ? [] : (wholeUnknown(p.principal) ?? []);
  const stmt: Statement = {
    index: 0,
    effect: "Allow",
    principal:
      principalText === "*"
        ? { star: true, entries: [], ...(p.principal.range ? { range: p.principal.range } : {}) }
        : {
            star: false,
            entries: [{ type: isService ? "Service" : "AWS", values: [p.principal] }],
            ...(unknown.length > 0 ? { unknown } : {}),
          },
    action: { values: [p.action ?? { parts: ["lambda:InvokeFunction"] }] },
    conditions: [],
  };
  if (range) stmt.range = range;
  if (p.mayBeAbsent?.length) stmt.conditionUnknown = p.mayBeAbsent;
  // Lambda turns SourceArn into ArnLike and SourceAccount into StringEquals
  // (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html).
  const add = (operator: string, key: string, value: LambdaPermission["sourceArn"]) => {
    if (!value) return;
    const c: ConditionEntry = {
      operator: parseConditionOperator(operator),
      key,
      keyLower: key.toLowerCase(),
      values: [value],
    };
    if (value.range) {
      c.range = value.range;
      c.keyRange = value.range;
      c.operatorRange = value.range;
    }
    stmt.conditions.push(c);
  };
  add("ArnLike", "AWS:SourceArn", p.sourceArn);
  add("StringEquals", "AWS:SourceAccount", p.sourceAccount);
  add("StringEquals", "aws:PrincipalOrgID", p.principalOrgId);
  add("StringEquals", "lambda:EventSourceToken", p.eventSourceToken);
  // The function URL arguments (AddPermission's FunctionUrlAuthType and InvokedViaFunctionUrl).
  add("StringEquals", "lambda:FunctionUrlAuthType", p.functionUrlAuthType);
  add("Bool", "lambda:InvokedViaFunctionUrl", p.invokedViaFunctionUrl);
  return { version: "2012-10-17", statements: [stmt], form: "statement" };
}

/**
 * Whether a Lambda permission opens the function's URL to anyone, as the Lambda guide's "Control
 * access to Lambda function URLs" page has it for AuthType NONE: `Principal: "*"` with
 * `lambda:InvokeFunctionUrl` and FunctionUrlAuthType NONE, or (required since October 2025) with
 * `lambda:InvokeFunction` and InvokedViaFunctionUrl true. Anyone may then call the URL without a
 * service acting for them, so there is no confused deputy, and a source guard would shut the URL.
 * The second form admits only calls through the URL, which the first kind of statement governs; so
 * does `lambda:InvokeFunction` with FunctionUrlAuthType NONE, if it admits any request at all.
 * Values not known before deployment do not count.
 */
export function isPublicFunctionUrl(p: LambdaPermission): boolean {
  const literalText = (v: PolicyValue | undefined) => (v ? knownText(v) : undefined);
  if (literalText(p.principal) !== "*") return false;
  const action = literalText(p.action)?.toLowerCase();
  if (action === "lambda:invokefunctionurl") return literalText(p.functionUrlAuthType) === "NONE";
  // FunctionUrlAuthType NONE on InvokeFunction: the key is sent with the URL's actions only (the
  // Service Authorization Reference), so the statement admits no other InvokeFunction request.
  if (action === "lambda:invokefunction")
    return (
      literalText(p.invokedViaFunctionUrl)?.toLowerCase() === "true" ||
      literalText(p.functionUrlAuthType) === "NONE"
    );
  return false;
}

/**
 * Whether every action of a statement is one an NFS client of an EFS file system asks for
 * (`elasticfilesystem:ClientMount`, `ClientWrite`, `ClientRootAccess`, or `Client*`): those are
 * authorized for the IAM identity of the client that mounts the file system (EFS user guide,
 * "Using IAM to control NFS access to Amazon EFS"), never for a service principal acting for a
 * customer, so no service can be made a deputy through them. aws-cdk-lib writes such a statement
 * for `Principal "*"` on every file system (the console's "prevent anonymous access" policy), which
 * was CD101 high with a fix EFS does not enforce for NFS clients.
 */
function onlyNfsClientActions(stmt: Statement): boolean {
  if (!stmt.action || stmt.notAction || stmt.action.values.length === 0) return false;
  return stmt.action.values.every((v) => {
    const text = knownText(v);
    return text !== undefined && /^elasticfilesystem:client(mount|write|rootaccess|\*)$/i.test(text);
  });
}

/**
 * Checks one policy site: every Allow statement that lets a service principal act. Throws a
 * `TypeError` when `options.accounts` or `options.orgIds` is malformed (see {@link CheckOptions}).
 */
export function checkSite(site: PolicySite, options: CheckOptions = {}): CheckResult {
  validateOwnership(options);
  const diagnostics: Diagnostic[] = [];
  let policy: Policy | undefined;
  if (site.permission) policy = lambdaPermissionPolicy(site.permission, site.range);
  else if (site.document) {
    const parsed = parsePolicy(site.document, site.file);
    diagnostics.push(...parsed.diagnostics);
    policy = parsed.policy;
  }
  if (!policy) return { findings: [], diagnostics, policies: 0, statements: 0 };
  // The policy's own diagnostics first, then the analysis's (AnalysisIncomplete): both reach the caller.
  const checked = checkPolicy(policy, site, options);
  return { ...checked, diagnostics: [...diagnostics, ...checked.diagnostics] };
}

const ACCOUNT_ID = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/** Throws a `TypeError` naming the value when `accounts` or `orgIds` is not a list of well-formed ids. */
function validateOwnership(options: CheckOptions): void {
  const check = (name: "accounts" | "orgIds", pattern: RegExp, one: string, many: string): void => {
    const list: unknown = options[name];
    if (list === undefined) return;
    if (!Array.isArray(list)) {
      const hint = typeof list === "string" ? ` (write [${JSON.stringify(list)}])` : "";
      throw new TypeError(
        `CheckOptions.${name} must be an array of ${many}, not ${describeValue(list)}${hint}`,
      );
    }
    for (const v of list as unknown[])
      if (typeof v !== "string" || !pattern.test(v))
        throw new TypeError(`CheckOptions.${name}: ${describeValue(v)} is not ${one}`);
  };
  check("accounts", ACCOUNT_ID, "a 12-digit AWS account id", "12-digit AWS account ids");
  check(
    "orgIds",
    ORG_ID,
    "an organization id (o- and 10 to 32 of a-z0-9)",
    "organization ids (o- and 10 to 32 of a-z0-9)",
  );
}

function describeValue(v: unknown): string {
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (v === null) return "null";
  return typeof v === "object" ? "an object" : `the ${typeof v} ${String(v)}`;
}

/**
 * Checks a parsed policy as found at `site`: every Allow statement that lets a service principal act.
 * Throws a `TypeError` when `options.accounts` or `options.orgIds` is malformed (see {@link CheckOptions}).
 */
export function checkPolicy(policy: Policy, site: PolicySite, options: CheckOptions = {}): CheckResult {
  validateOwnership(options);
  const knowledge = options.knowledge ?? DEFAULT_KNOWLEDGE;
  const given = options.accounts ?? [];
  // The site's own account (a CDK stack's environment) is the deploying account, and one of ours.
  const own = site.ownAccount;
  const accounts = own !== undefined ? [own, ...given.filter((a) => a !== own)] : given;
  const orgIds = options.orgIds ?? [];
  const symbolText = (s: ValueSymbol): string => {
    if (s.kind === "self-account" && accounts[0]) return accounts[0];
    if (s.kind === "self-org" && orgIds[0]) return orgIds[0];
    return tokenFor(s);
  };
  const ourAccounts = new Set<string>(accounts);
  const declaredAccounts: ReadonlySet<string> = new Set(accounts);
  const ourOrgs = new Set<string>(orgIds);
  ourAccounts.add(SELF_TOKEN);
  ourOrgs.add(symbolText(SELF_ORG));
  const trusted = collectTrusted(policy, knowledge, symbolText);
  // Without --account, the accounts the policy names are taken as ours (a stack's own is not such a list).
  if (given.length === 0) for (const a of trusted.accounts) ourAccounts.add(a);
  if (orgIds.length === 0) for (const o of trusted.orgs) ourOrgs.add(o);

  const findings: Finding[] = [];
  const diagnostics: Diagnostic[] = [];
  const rules = options.rules ?? RULES;
  const fixes = createFixBuilder(
    site.kind,
    accounts,
    site.permission?.functionName ? [site.permission.functionName] : [],
    site.permission?.generatedFrom,
    policy.statements,
    site.deployPartition ? "<PARTITION>" : "aws",
  );
  if (site.kind === "trust-policy") {
    // IAM refuses a role's trust policy with a Resource (CreateRole: MalformedPolicyDocument "Has
    // prohibited field Resource"): such a template fails to deploy. The analysis does not know the
    // role's ARN, so its verdict on such a statement (or on one a Deny with a Resource decides) is
    // not to be relied on: the warning says so.
    for (const stmt of policy.statements) {
      const element = stmt.resource ? "Resource" : stmt.notResource ? "NotResource" : undefined;
      if (!element) continue;
      const range = inSiteFile(site, (stmt.resource ?? stmt.notResource)?.range ?? stmt.range);
      diagnostics.push({
        code: "PolicyShape",
        severity: "warning",
        file: site.file,
        message:
          element === "Resource"
            ? `statement ${stmt.index} of a role's trust policy has Resource: IAM rejects it ("Has prohibited field Resource"), so the role cannot be deployed as written; remove Resource, a trust policy applies to its role only. The analysis does not know the role's ARN: its verdict on this policy may be wrong.`
            : `statement ${stmt.index} of a role's trust policy has NotResource, which trust policies do not take (IAM rejects Resource in them: "Has prohibited field Resource"); remove it, a trust policy applies to its role only. The analysis does not know the role's ARN: its verdict on this policy may be wrong.`,
        ...startOf(range),
      });
    }
  }
  // A public function URL is public by design (see isPublicFunctionUrl). A Lambda layer's permission
  // names an account, an organization or every account (`*`: the layer is shared, on purpose, with
  // all), never a service: no service can be made a deputy through it.
  const notDeputy =
    site.permission !== undefined &&
    (isPublicFunctionUrl(site.permission) ||
      /LayerVersionPermission$|layer_version_permission$/.test(site.resourceType ?? ""));
  let anchors: Map<number, string> | undefined;
  const anchorOf = (stmt: Statement): string | undefined => {
    anchors ??= statementAnchors(policy);
    return anchors.get(stmt.index);
  };
  for (const stmt of policy.statements) {
    if (stmt.effect !== "Allow" || notDeputy || onlyNfsClientActions(stmt)) continue;
    const facts = statementFacts(policy, stmt, {
      ourAccounts,
      ourOrgs,
      symbolText,
      strict: options.strict ?? false,
      knowledge,
      trustPolicy: site.kind === "trust-policy",
      declaredAccounts,
      organizationDeclared: orgIds.length > 0,
    });
    if (facts.principals.length === 0) continue;
    for (const v of facts.verdicts) {
      if (!v.result.reachable && v.result.incomplete) {
        diagnostics.push({
          code: "AnalysisIncomplete",
          severity: "warning",
          file: site.file,
          message: v.result.unconfirmed
            ? `statement ${stmt.index}: a foreign request for ${v.principal.name} was found only by widening policy variables, and evaluating it exactly rejected it; the statement was not proven safe`
            : `statement ${stmt.index}: the search for a foreign request for ${v.principal.name} stopped at its limit; the statement was not proven safe`,
          ...startOf(inSiteFile(site, stmt.range)),
        });
      }
    }
    for (const rule of rules) {
      rule.check({
        site,
        policy,
        facts,
        strict: options.strict ?? false,
        display: displayTokens,
        fixes,
        report: (input: ReportInput) =>
          findings.push(
            toFinding(
              rule,
              withUncertainDenies(passRoleBound(input, facts, rule), facts.uncertainDenies, rule),
              site,
              stmt,
              anchorOf(stmt),
            ),
          ),
      });
    }
  }
  findings.sort(compareFindings);
  return { findings, diagnostics, policies: 1, statements: policy.statements.length };
}

/** The rules that say a foreign request gets through a guard; CD101 grades PassRole-bound trust itself. */
const WEAK_GUARD_RULES = new Set(["CD102", "CD103", "CD104", "CD105"]);

/**
 * A weak guard in a trust policy that only PassRole-bound services (lambda, ec2, ...) get through
 * is graded as CD101 grades no guard there: low, reported only with --strict (someone in the
 * account must pass the role). Before session 10 such a CD102 was high while CD101 was low.
 */
function passRoleBound(input: ReportInput, facts: StatementFacts, rule: Rule): ReportInput {
  if (!facts.isTrust || !WEAK_GUARD_RULES.has(rule.meta.id) || input.principals.length === 0) return input;
  const bound = input.principals.every((n) => facts.principals.find((p) => p.name === n)?.passRoleBound);
  if (!bound) return input;
  return {
    ...input,
    severity: "low",
    message: `${input.message} The role must be passed with iam:PassRole by someone in your account, so this is reported only with --strict.`,
  };
}

/**
 * A witness that gets through only because a Deny whose reach is not known before deployment was
 * not counted on: reported, one level lower, with what that Deny depends on.
 */
function withUncertainDenies(
  input: ReportInput,
  symbols: readonly ValueSymbol[] | undefined,
  rule: Rule,
): ReportInput {
  if (!symbols?.length || !input.witness) return input;
  const severity = input.severity ?? rule.meta.severity;
  const names = [...new Set(symbols.map((s) => `<${shortName(s.name)}>`))].join(", ");
  return {
    ...input,
    severity: severity === "high" ? "medium" : severity,
    message: `${input.message} A Deny of the policy that would stop this request depends on ${names}, not known before deployment; it may apply to no request, so it was not counted on.`,
  };
}

/** Each statement's principals as written (Principal and NotPrincipal), as one text. */
function principalText(st: Statement): string {
  const parts: string[] = [];
  for (const [spec, tag] of [
    [st.principal, ""],
    [st.notPrincipal, "not "],
  ] as const) {
    if (!spec) continue;
    if (spec.star) parts.push(`${tag}*`);
    for (const e of spec.entries)
      for (const v of e.values) parts.push(`${tag}${e.type}:${valueText(v, (x) => `<${x.name}>`)}`);
  }
  return [...new Set(parts)].sort().join(",");
}

/** The anchor of each statement without a Sid (see `Finding.statement`), by index. */
function statementAnchors(policy: Policy): Map<number, string> {
  const out = new Map<number, string>();
  const seen = new Map<string, number>();
  for (const st of policy.statements) {
    if (st.sid !== undefined) continue;
    const key = principalText(st);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    out.set(st.index, `${key}#${n}`);
  }
  return out;
}

/**
 * A range where the site's file holds it. A statement written in another file (a Terraform source
 * document read with file()) has no place in the site's file: its line and column would point at
 * unrelated text there, so what is reported of it is at the site (the argument or document that
 * holds the policy).
 */
function inSiteFile(site: PolicySite, range: SourceRange | undefined): SourceRange | undefined {
  if (range && (range.file === site.file || range.file === "")) return range;
  return site.range;
}

function startOf(range: SourceRange | undefined): { line?: number; column?: number } {
  return range ? { line: range.start.line, column: range.start.column } : {};
}

function toFinding(
  rule: Rule,
  input: ReportInput,
  site: PolicySite,
  stmt: Statement,
  anchor: string | undefined,
): Finding {
  const range = site.permission ? (site.range ?? stmt.range) : inSiteFile(site, stmt.range);
  const f: Finding = {
    ruleId: rule.meta.id,
    rule: rule.meta.slug,
    severity: input.severity ?? rule.meta.severity,
    message: displayTokens(input.message),
    file: site.file,
    line: range?.start.line ?? 1,
    column: range?.start.column ?? 1,
    endLine: range?.end.line ?? range?.start.line ?? 1,
    endColumn: range?.end.column ?? range?.start.column ?? 1,
    resource: site.resource,
    statement: site.permission
      ? null
      : stmt.sid !== undefined
        ? { index: stmt.index, sid: stmt.sid }
        : anchor !== undefined
          ? { index: stmt.index, anchor }
          : { index: stmt.index },
    principals: input.principals,
  };
  const variant =
    stmt.index < (site.statementVariants?.length ?? 0) ? site.statementVariants?.[stmt.index] : site.variant;
  if (variant) f.variant = variant;
  if (site.related?.length) f.related = site.related.map((r) => ({ ...r }));
  // An element written in another file (a Terraform module input set by the caller) has no place in
  // this finding's file: its line and column would point at unrelated text there.
  if (input.element && (input.element.file === site.file || input.element.file === ""))
    f.element = { line: input.element.start.line, column: input.element.start.column };
  if (input.witness) f.witness = witnessForOutput(input.witness);
  if (input.fix) {
    f.fix = { description: displayTokens(input.fix.description), text: displayTokens(input.fix.text) };
    if (input.fix.condition) f.fix.condition = displayBlock(input.fix.condition);
    if (input.fix.permission) {
      const p = input.fix.permission;
      f.fix.permission = {};
      if (p.sourceAccount !== undefined) f.fix.permission.sourceAccount = displayTokens(p.sourceAccount);
      if (p.sourceArn !== undefined) f.fix.permission.sourceArn = displayTokens(p.sourceArn);
    }
    if (input.fix.unchanged)
      f.fix.unchanged = input.fix.unchanged.map((u) => ({
        operator: displayTokens(u.operator),
        key: displayTokens(u.key),
      }));
  }
  return f;
}

/** Sets a property as JSON.parse would, `__proto__` included (as an own property). */
function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__")
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** A copy of a Condition block with symbol tokens shown as `<NAME>`, in keys and values alike. */
function displayBlock(block: ConditionBlock): ConditionBlock {
  const out: ConditionBlock = {};
  for (const op of Object.keys(block)) {
    const keys = block[op] as Record<string, string | string[]>;
    const copy: Record<string, string | string[]> = {};
    for (const k of Object.keys(keys)) {
      const v = keys[k] as string | string[];
      setOwn(copy, displayTokens(k), typeof v === "string" ? displayTokens(v) : v.map(displayTokens));
    }
    setOwn(out, displayTokens(op), copy);
  }
  return out;
}

function witnessForOutput(w: Witness): NonNullable<Finding["witness"]> {
  const context: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.context)) context[k] = displayTokens(v);
  const out: NonNullable<Finding["witness"]> = {
    principal: w.principal,
    action: displayTokens(w.action),
    context,
  };
  if (w.resource !== undefined) out.resource = displayTokens(w.resource);
  return out;
}

/** Orders findings by file, line, column and rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** `checkPolicyText`'s result; `recognised` is false for JSON that is not a policy. */
export interface PolicyFileResult extends CheckResult {
  /** False when the text is valid JSON but not shaped like a policy. */
  recognised: boolean;
}

/**
 * Checks the text of an IAM policy JSON file (a document, a statement or a list of statements).
 * Throws a `TypeError` when `options.accounts` or `options.orgIds` is malformed (see {@link CheckOptions}).
 */
export function checkPolicyText(text: string, file: string, options: CheckOptions = {}): PolicyFileResult {
  validateOwnership(options);
  const parsed = parseJsonSource(text, file);
  if (!parsed.node)
    return { findings: [], diagnostics: parsed.diagnostics, policies: 0, statements: 0, recognised: true };
  if (!looksLikePolicy(parsed.node)) {
    return { findings: [], diagnostics: parsed.diagnostics, policies: 0, statements: 0, recognised: false };
  }
  const site: PolicySite = { file, resource: null, kind: "policy", document: parsed.node };
  if (parsed.node.range) site.range = parsed.node.range;
  const result = checkSite(site, options);
  return { ...result, diagnostics: [...parsed.diagnostics, ...result.diagnostics], recognised: true };
}
