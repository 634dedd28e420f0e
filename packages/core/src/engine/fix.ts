import { guardKind, isPositive, valueText } from "../analysis/guards.js";
import type { CoveredPrincipal, StatementFacts } from "../analysis/statement-facts.js";
import { splitArn } from "../iam/arn.js";
import { hasWildcard } from "../iam/wildcard.js";
import { isRegionName } from "../knowledge/lookup.js";
import type { ServiceKnowledge } from "../knowledge/types.js";
import type { ConditionEntry, Statement } from "../model/policy.js";
import type { PolicyValue, ValueSymbol } from "../model/values.js";
import type { Finding } from "./check.js";
import type { GeneratedPermissionSource, PolicySiteKind } from "./site.js";

/** A Condition element: operator → key → value(s). */
export type ConditionBlock = Record<string, Record<string, string | string[]>>;

/** A fix for a finding: prose, a text in the input's terms, and structured data that `--fix` applies. */
export interface Fix {
  description: string;
  text: string;
  /** The statement's whole Condition after the fix, for tools that apply it (`--fix`). */
  condition?: ConditionBlock;
  /**
   * For a Lambda permission: the SourceArn and the SourceAccount to set (at least one). The
   * SourceArn of a service whose ARNs name the account, as AWS's Lambda guide advises; SourceAccount
   * for one whose ARNs do not (an S3 bucket), or where the permission already sets it.
   */
  permission?: { sourceAccount?: string; sourceArn?: string };
  /**
   * Entries of `condition` copied from the statement unchanged (operator and key as written):
   * `--fix` keeps their text as the input writes it (references, intrinsics, variables), since
   * `condition` can only show such values as `<NAME>` or as the value they resolved to.
   */
  unchanged?: Array<{ operator: string; key: string }>;
}

/**
 * Whether an aws:SourceArn value already names our account, or a resource whose ARN has none: its
 * account field is empty, one of `accounts` (any 12-digit account when none is declared), the
 * deploying account, or not known before deployment; or the whole value is not known before
 * deployment. The analysis trusts such unknowns as ours (CD301 says so), and a fix keeps them.
 */
export function sourceArnKeepsOwner(v: PolicyValue, accounts: readonly string[]): boolean {
  const only = v.parts.length === 1 ? v.parts[0] : undefined;
  if (only !== undefined && typeof only !== "string") return true;
  const account = valueText(v, () => "\u0000").split(":")[4];
  if (account === undefined) return false;
  if (account === "" || account === "\u0000") return true;
  return /^\d{12}$/.test(account) && (accounts.length === 0 || accounts.includes(account));
}

/**
 * The values of the statement's required aws:SourceAccount guards when each names our account (the
 * deploying one, as `<SELF>`, or one of `accounts`): a fix keeps them rather than writing the
 * account it was given (or a placeholder) over `!Ref AWS::AccountId` or a caller-identity lookup.
 */
function ownSourceAccounts(stmt: Statement, accounts: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const c of stmt.conditions) {
    if (c.keyLower !== "aws:sourceaccount" || !isPositive(c) || c.operator.set !== null) continue;
    for (const v of c.values) {
      const only = v.parts.length === 1 ? v.parts[0] : undefined;
      const text =
        only !== undefined && typeof only !== "string"
          ? only.kind === "self-account"
            ? `<${only.name}>`
            : undefined
          : valueText(v, () => "\u0000");
      if (text === undefined || (!text.startsWith("<") && !accounts.includes(text))) return undefined;
      if (!out.includes(text)) out.push(text);
    }
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The one account the values of a kept aws:SourceArn guard name (`<SELF>` for the deploying
 * account's symbol, or an account id), for the fix's aws:SourceAccount; undefined when they name
 * none (S3) or several.
 */
function arnAccountsOf(c: ConditionEntry): string[] | undefined {
  let account: string | undefined;
  for (const v of c.values) {
    const field = valueText(v, (s) => (s.kind === "self-account" ? `<${s.name}>` : "\u0000")).split(":")[4];
    if (field === undefined || (field !== "<SELF>" && !/^\d{12}$/.test(field))) return undefined;
    if (account !== undefined && field !== account) return undefined;
    account = field;
  }
  return account === undefined ? undefined : [account];
}

/** The statement's Condition as a plain block, with symbols as `<NAME>`. */
export function conditionBlockOf(
  conditions: readonly ConditionEntry[],
  rename?: (c: ConditionEntry) => string,
): ConditionBlock {
  const block: ConditionBlock = {};
  for (const c of conditions) {
    const op = rename ? rename(c) : c.operator.text;
    const values = c.values.map((v) => valueText(v, (s) => `<${s.name}>`));
    block[op] ??= {};
    (block[op] as Record<string, string | string[]>)[c.key] =
      values.length === 1 ? (values[0] as string) : values;
  }
  return block;
}

/**
 * Which places (a statement or a permission as written) stand for several whose findings ask for
 * different fixes: `placeOf` names the written place of a finding (undefined: not fixed there),
 * `whichOf` the one it stands for there (a variant, a `for_each` instance). Several findings of one
 * (CD102 and CD105 on one statement) are no conflict; one edit would give the others the same fix
 * only when two of them ask for different ones.
 */
export function contestedPlaces(
  findings: readonly Finding[],
  placeOf: (f: Finding) => string | undefined,
  whichOf: (f: Finding) => string,
): (place: string) => boolean {
  const fixesAt = new Map<string, Map<string, Set<string>>>();
  for (const f of findings) {
    const fix = f.fix?.condition ?? f.fix?.permission;
    const place = f.suppressed || !fix ? undefined : placeOf(f);
    if (place === undefined) continue;
    const each = fixesAt.get(place) ?? new Map<string, Set<string>>();
    const set = each.get(whichOf(f)) ?? new Set<string>();
    set.add(JSON.stringify(fix));
    each.set(whichOf(f), set);
    fixesAt.set(place, each);
  }
  return (place) =>
    new Set([...(fixesAt.get(place)?.values() ?? [])].map((x) => [...x].sort().join("\n"))).size > 1;
}

export interface FixBuilder {
  /** The guard that pins the listed principals to our account, in the site's own terms. */
  sourceGuard(facts: StatementFacts, principals: CoveredPrincipal[]): Fix;
}

const ACCOUNT_PLACEHOLDER = "ACCOUNT_ID";

/** An ARN pattern for the resources a service acts for, from the knowledge table. */
export function sourceArnPattern(
  k: ServiceKnowledge,
  account: string,
  partition = "aws",
): string | undefined {
  let perAccount = arnPatterns.get(k);
  if (!perAccount) {
    perAccount = new Map();
    arnPatterns.set(k, perAccount);
  }
  const key = `${partition}\u0000${account}`;
  if (perAccount.has(key)) return perAccount.get(key);
  const pattern = buildSourceArnPattern(k, account, partition);
  perAccount.set(key, pattern);
  return pattern;
}

/**
 * The partition a statement's ARNs are written in (`aws-us-gov`, `aws-cn`): a fix's source ARN is
 * in the same one. An ARN whose partition is the deploy-time one (`\${AWS::Partition}`,
 * `data.aws_partition`) gives `<PARTITION>`, which the adapters write back the same way, so that a
 * template deployed to aws-cn or aws-us-gov is fixed for that partition. When no ARN of the
 * statement names one: the ARNs of `also`, then `elsewhere()`: the policy's first ARN's (a key
 * policy's administrators, `arn:${AWS::Partition}:iam::…:root`), else the site's default.
 */
function partitionOf(stmt: Statement, also: readonly PolicyValue[], elsewhere: () => string): string {
  return arnPartition(arnValues(stmt)) ?? arnPartition(also) ?? elsewhere();
}

/** The values of a statement that may be ARNs: its Resource, Condition and Principal values. */
function arnValues(st: Statement): PolicyValue[] {
  const out: PolicyValue[] = [];
  for (const v of st.resource?.values ?? []) out.push(v);
  for (const c of st.conditions) for (const v of c.values) out.push(v);
  for (const p of [st.principal, st.notPrincipal])
    for (const e of p?.entries ?? []) for (const v of e.values) out.push(v);
  return out;
}

/** The partition of the first ARN among `values`, `<PARTITION>` for the deploy-time one. */
function arnPartition(values: readonly PolicyValue[]): string | undefined {
  for (const v of values) {
    const text = valueText(v, partitionOnly);
    const m = ARN_PARTITION.exec(text);
    if (m) return m[1] as string;
  }
  return undefined;
}

const ARN_PARTITION = /^arn:([a-z][a-z-]*|<PARTITION>):/;

/** Renders the deploy-time partition as `<PARTITION>` and any other symbol as a character no ARN has. */
function partitionOnly(s: ValueSymbol): string {
  return s.kind === "partition" ? "<PARTITION>" : "\u0000";
}

/** What a fix's text says of `<PARTITION>` and `<REGION>`, when it holds them. */
function partitionNote(text: string): string {
  return (
    (text.includes("<PARTITION>")
      ? " <PARTITION> is the partition that the ARNs written here are in (AWS::Partition, data.aws_partition)."
      : "") +
    (text.includes("<REGION>")
      ? " <REGION> is the Region the function is deployed in (AWS::Region, data.aws_region)."
      : "")
  );
}

/** The Region of the first ARN among `values` that writes one literally (the function's ARN). */
function literalRegion(values: readonly PolicyValue[]): string | undefined {
  for (const v of values) {
    const region = splitArn(valueText(v, () => "\u0000"))?.[3];
    if (region !== undefined && isRegionName(region)) return region;
  }
  return undefined;
}

/**
 * The source ARN a Lambda permission's fix sets for a service whose ARNs name the account: every
 * resource of the service in `account` and the function's Region (`<REGION>`), or undefined when a
 * principal's ARNs name no account (an S3 bucket: SourceAccount is AWS's advice there) or the table
 * does not know them. Not the Region `*` of {@link sourceArnPattern}: Lambda's AddPermission refuses
 * a SourceArn whose Region is `*` (its pattern takes a Region or none).
 */
function permissionSourceArn(
  principals: readonly CoveredPrincipal[],
  account: string,
  partition: string,
  region: string,
): string | undefined {
  const out = new Set<string>();
  for (const p of principals) {
    const arn =
      p.knowledge?.accountInArn === true && buildSourceArnPattern(p.knowledge, account, partition, region);
    if (!arn) return undefined;
    out.add(arn);
  }
  return out.size === 1 ? [...out][0] : undefined;
}

/** {@link sourceArnPattern} per row and account (the same few are asked for at every site). */
const arnPatterns = new WeakMap<ServiceKnowledge, Map<string, string | undefined>>();

/**
 * Every resource of the service in the account: `arn:<partition>:<service>:*:<account>:*`. AWS's
 * confused-deputy pages advise wildcards "for the unknown portions of the ARN" when the full ARN is
 * not known or several resources call (the IAM page's example ends in `<account ID>:*`). The
 * account pins the caller; naming one resource type (`trail/*`, `rule/*`, `training-job/*`) or a
 * fixed number of path segments (`<api>/<stage>/<method>/<path>`) would shut out the service's
 * other callers of the same account (event data stores, event buses, WebSocket routes, notebooks),
 * and the table does not list every shape a service sends. A Region left empty in the format
 * (CloudFront, Budgets) stays empty.
 */
function buildSourceArnPattern(
  k: ServiceKnowledge,
  account: string,
  partition: string,
  /** What stands in a Region the format has (`*`; a Lambda permission's fix names the function's). */
  region = "*",
): string | undefined {
  const format = k.sourceArnFormats.find((f) => /\$\{Account\}/.test(f));
  if (!format) return undefined;
  const [, , service, inFormat] = format.split(":");
  if (!service || inFormat === undefined) return undefined;
  return `arn:${partition}:${service}:${inFormat === "" ? "" : region}:${account}:*`;
}

/**
 * A PassRole-bound principal in the same statement may assume the role without source keys (AWS
 * documents them for ecs-tasks, not for lambda or ec2): a guard added to the shared statement could
 * lock it out, so the fix says to split the statement first.
 */
function passRoleNote(facts: StatementFacts, fixed: CoveredPrincipal[]): string {
  const bound = facts.principals.filter((p) => p.passRoleBound && !fixed.includes(p)).map((p) => p.name);
  if (bound.length === 0) return "";
  const many = bound.length > 1;
  return ` ${bound.join(", ")} ${many ? "are" : "is"} passed with iam:PassRole and may not send source keys, so the guard could lock ${many ? "them" : "it"} out: first move ${fixed.map((p) => p.name).join(", ")} into a statement of ${fixed.length > 1 ? "their" : "its"} own, and guard that one.`;
}

/** What stands for the caller's own token (an Alexa skill ID) in a fix. */
const TOKEN_PLACEHOLDER = "SKILL_ID";

/** What stands, in a generated permission's fix, for an ARN of one of the account's own resources. */
const OWN_ARN_PLACEHOLDER = "<an ARN in account ";

/**
 * Whether a fix's text holds a value only the user knows (a skill ID, an ARN of their own resource
 * to pick): no tool can apply it as it is.
 */
export function fixNeedsUserValue(fix: { text: string }): boolean {
  return (
    fix.text.includes(TOKEN_PLACEHOLDER) ||
    fix.text.includes(OWN_ARN_PLACEHOLDER) ||
    fix.text.includes(LOG_PREFIX_PLACEHOLDER)
  );
}

/** What stands for the key prefix a load balancer's access logs are configured with (none: nothing). */
const LOG_PREFIX_PLACEHOLDER = "<your prefix/>";

/**
 * The fix for a service that writes only under `[prefix/]AWSLogs/<account>/` (Elastic Load Balancing):
 * a Resource limited to that path with our account, which AWS's bucket policies use; they carry no
 * source condition, and the service may not send source keys.
 */
function awsLogsFix(facts: StatementFacts, account: string, accountNote: string): Fix {
  const buckets = new Set<string>();
  for (const v of facts.statement.resource?.values ?? []) {
    const m = /^(arn:[^:]*:s3:::[^/]+)/.exec(valueText(v, (s) => `<${s.name}>`));
    if (m) buckets.add(m[1] as string);
  }
  if (buckets.size === 0) buckets.add("arn:aws:s3:::<bucket>");
  const resources = [...buckets].map((b) => `${b}/${LOG_PREFIX_PLACEHOLDER}AWSLogs/${account}/*`);
  const text = `"Resource": ${JSON.stringify(resources.length === 1 ? resources[0] : resources, null, 2)}`;
  return {
    description: `Limit Resource to the keys Elastic Load Balancing writes for your own load balancers, [prefix/]AWSLogs/<your account>/* (drop ${LOG_PREFIX_PLACEHOLDER} when the access logs have no prefix): it writes under AWSLogs/<the load balancer's account>/ and refuses a prefix that holds AWSLogs, so no other account's load balancer can write there. AWS's bucket policies for it carry no source condition.${accountNote}`,
    text,
  };
}

/**
 * The key that binds every listed principal by a token of its own (Alexa's skill ID as
 * `lambda:EventSourceToken`), when they all have the same one: such a caller is pinned by its
 * token, not by source account keys it does not send.
 */
function tokenGuard(principals: readonly CoveredPrincipal[]): string | undefined {
  let key: string | undefined;
  for (const p of principals) {
    const k = p.knowledge?.alternativeGuardKeys.find((g) => g.binds === "token")?.key;
    if (!k || (key !== undefined && k !== key)) return undefined;
    key = k;
  }
  return key;
}

function tokenFix(
  kind: PolicySiteKind,
  facts: StatementFacts,
  principals: CoveredPrincipal[],
  key: string,
  generated: GeneratedPermissionSource | undefined,
): Fix {
  const names = principals.map((p) => p.name).join(", ");
  const tokenProperty = generated?.properties.eventSourceToken;
  if (kind === "lambda-permission" && generated && tokenProperty) {
    return {
      description: `Set ${tokenProperty} on ${generated.place} to your skill's ID (it becomes the permission's EventSourceToken), so that only your skill can invoke the function through ${names}. Replace ${TOKEN_PLACEHOLDER} with the skill ID.`,
      text: `${tokenProperty}: "${TOKEN_PLACEHOLDER}"`,
    };
  }
  if (kind === "lambda-permission") {
    return {
      description: `Set EventSourceToken on the permission to your skill's ID, so that only your skill can invoke the function through ${names}. Replace ${TOKEN_PLACEHOLDER} with the skill ID.`,
      text: `EventSourceToken: "${TOKEN_PLACEHOLDER}"`,
    };
  }
  const condition: ConditionBlock = conditionBlockOf(
    facts.statement.conditions.filter((c) => c.operator.base !== null && c.keyLower !== key.toLowerCase()),
  );
  condition.StringEquals = { ...(condition.StringEquals ?? {}), [key]: TOKEN_PLACEHOLDER };
  return {
    description: `Give the statement a Condition on ${key} with your skill's ID, so that only your skill can invoke through ${names}. Replace ${TOKEN_PLACEHOLDER} with the skill ID.`,
    text: `"Condition": ${JSON.stringify(condition, null, 2)}`,
    condition,
  };
}

/**
 * `alsoArns`: values beside the statement that name the partition the protected resource is in (a
 * Lambda permission's function ARN). `generated`: where a generated Lambda permission's arguments
 * are written (a SAM event), which its fix names instead of the permission.
 */
export function createFixBuilder(
  kind: PolicySiteKind,
  accounts: readonly string[],
  alsoArns: readonly PolicyValue[] = [],
  generated?: GeneratedPermissionSource,
  policyStatements: readonly Statement[] = [],
  fallbackPartition = "aws",
): FixBuilder {
  const account = accounts[0] ?? ACCOUNT_PLACEHOLDER;
  // The partition of the policy's first ARN, found once (a policy may have thousands of statements).
  let inPolicy: string | undefined;
  const policyPartition = (): string => {
    if (inPolicy !== undefined) return inPolicy;
    for (const st of policyStatements) {
      inPolicy = arnPartition(arnValues(st));
      if (inPolicy !== undefined) return inPolicy;
    }
    inPolicy = fallbackPartition;
    return inPolicy;
  };
  const accountNote =
    accounts.length > 0
      ? ""
      : ` Replace ${ACCOUNT_PLACEHOLDER} with the account that owns the calling resources (or pass --account).`;
  return {
    sourceGuard(facts, principals) {
      if (principals.length > 0 && principals.every((p) => p.knowledge?.awsLogsKeyPrefix))
        return awsLogsFix(facts, account, accountNote);
      const token = tokenGuard(principals);
      if (token) return tokenFix(kind, facts, principals, token, generated);
      // One source ARN pattern per service of the statement; none at all when a service of the
      // statement has none (an S3 bucket's ARN names no account, a service the table does not
      // know): an aws:SourceArn guard would shut that service out (CDK merges grants to several
      // services into one statement).
      const arnsFor = (acct: string): string[] => {
        const out = new Set<string>();
        for (const p of new Set([...principals, ...facts.principals])) {
          const arn =
            p.knowledge &&
            sourceArnPattern(p.knowledge, acct, partitionOf(facts.statement, alsoArns, policyPartition));
          if (!arn) return [];
          out.add(arn);
        }
        return [...out];
      };
      if (kind === "lambda-permission") {
        // Keep a SourceArn that already names an exact account of ours (or an account-less resource).
        const current = facts.statement.conditions.find((c) => c.keyLower === "aws:sourcearn");
        const sound = current?.values.every((v) => sourceArnKeepsOwner(v, accounts));
        const permission: NonNullable<Fix["permission"]> = {};
        // The permission's own SourceArn with our account, where it wrote one ARN with an account
        // field: the fix keeps the resource it named (`arn:aws:sns:eu-west-1:*:orders` becomes
        // `arn:aws:sns:eu-west-1:<ours>:orders`, not every topic of the account).
        // One we cannot rewrite so (it names a parameter) is left as it is: SourceAccount alone
        // pins the caller, and every resource of the service would widen what it names.
        const named = sound ? undefined : ownArnsWithAccount(facts.statement, account);
        // SourceAccount where the permission sets it already: corrected, and nothing added.
        const setsAccount = facts.statement.conditions.some((c) => c.keyLower === "aws:sourceaccount");
        if (named?.length === 1) permission.sourceArn = named[0] as string;
        else if (!current && !setsAccount && !generated) {
          // None written: AWS's Lambda guide pins a service whose ARNs hold the account with
          // SourceArn, and one whose ARNs do not (S3) with SourceAccount. Not SourceAccount for all:
          // EventBridge was reported to send none to Lambda, so such a permission stops every
          // invocation (awsdocs/aws-cloudformation-user-guide#481, terraform-provider-aws#4116).
          const arn = permissionSourceArn(
            [...new Set([...principals, ...facts.principals])],
            account,
            partitionOf(facts.statement, alsoArns, policyPartition),
            literalRegion(alsoArns) ?? "<REGION>",
          );
          if (arn) permission.sourceArn = arn;
        }
        // SourceAccount where no SourceArn pins the account, or where the permission sets it already.
        if (setsAccount || !permission.sourceArn) permission.sourceAccount = account;
        if (generated) return generatedPermissionFix(generated, permission, named, account, accountNote);
        const lines: string[] = [];
        if (permission.sourceAccount) lines.push(`SourceAccount: "${permission.sourceAccount}"`);
        if (permission.sourceArn) lines.push(`SourceArn: "${permission.sourceArn}"`);
        const set = [permission.sourceAccount && "SourceAccount", permission.sourceArn && "SourceArn"]
          .filter(Boolean)
          .join(" and ");
        const every = permission.sourceArn?.endsWith(":*") && !named;
        return {
          description: `Set ${set} on the permission so that only your own resources can invoke the function through the service${every ? " (better still, the ARN of the one resource that invokes it)" : ""}.${accountNote}${partitionNote(lines.join("\n"))}`,
          text: lines.join("\n"),
          permission,
        };
      }
      const context = encryptionContextFix(facts, principals, arnsFor(account), accountNote);
      if (context) return context;
      // Keep the statement's other conditions and an aws:SourceArn guard that already pins an exact
      // account (or names an account-less resource); replace the other source guards. An account
      // the statement already names as ours (`!Ref AWS::AccountId`) is the one the fix uses.
      const block = new Map<string, Map<string, string[]>>();
      // An ArnLike/ArnEquals aws:SourceArn guard that already names an exact account of ours (or an
      // account-less resource) is kept; written with IfExists (CD104) it is kept without it.
      const arnGuard = (c: ConditionEntry) =>
        c.keyLower === "aws:sourcearn" &&
        (c.operator.base === "ArnLike" || c.operator.base === "ArnEquals") &&
        c.operator.set === null;
      const keptArn = facts.statement.conditions.find(
        // Keep it only when its account is already the one the fix names (or the ARN has none).
        (c) => arnGuard(c) && c.values.every((v) => sourceArnKeepsOwner(v, accounts)),
      );
      const own = ownSourceAccounts(facts.statement, accounts) ?? (keptArn && arnAccountsOf(keptArn));
      const fixAccount = own?.length === 1 ? (own[0] as string) : account;
      const arns = arnsFor(fixAccount);
      const ownArns = keptArn ? undefined : ownArnsWithAccount(facts.statement, fixAccount);
      // An ArnLike/ArnEquals aws:SourceArn guard whose ARNs cannot be written with our account (a
      // parameter in them) is kept as it is: aws:SourceAccount pins the caller, and every resource
      // of the service would widen what it names.
      const heldArn =
        keptArn || ownArns
          ? undefined
          : facts.statement.conditions.find((c) => arnGuard(c) && !c.operator.ifExists);
      const unchanged: NonNullable<Fix["unchanged"]> = [];
      for (const c of facts.statement.conditions) {
        if (
          c.operator.base === null ||
          (c !== keptArn && c !== heldArn && guardKind(c.keyLower, []) !== undefined)
        )
          continue;
        const operator = c === keptArn && c.operator.ifExists ? (c.operator.base as string) : c.operator.text;
        const op = block.get(operator) ?? new Map<string, string[]>();
        op.set(
          c.key,
          c.values.map((v) => valueText(v, (s) => `<${s.name}>`)),
        );
        block.set(operator, op);
        if (operator === c.operator.text) unchanged.push({ operator, key: c.key });
      }
      const eq = block.get("StringEquals") ?? new Map<string, string[]>();
      eq.set("aws:SourceAccount", own ?? [account]);
      block.set("StringEquals", eq);
      if (arns.length > 0 && !keptArn && !heldArn) {
        const like = block.get("ArnLike") ?? new Map<string, string[]>();
        // The statement's own source ARNs with our account, where it wrote ARNs with an account
        // field: the fix keeps the resources it named (`arn:aws:sns:*:*:t` becomes
        // `arn:aws:sns:*:<ours>:t`, not every topic of the account).
        like.set("aws:SourceArn", ownArns ?? arns);
        block.set("ArnLike", like);
      }
      const obj: Record<string, Record<string, string | string[]>> = {};
      for (const [op, keys] of block) {
        obj[op] = {};
        for (const [k, vs] of keys)
          (obj[op] as Record<string, string | string[]>)[k] = vs.length === 1 ? (vs[0] as string) : vs;
      }
      const text = `"Condition": ${JSON.stringify(obj, null, 2)}`;
      const condition: ConditionBlock = obj;
      const what =
        (arns.length > 0 || keptArn) && !heldArn
          ? "aws:SourceAccount and aws:SourceArn"
          : "aws:SourceAccount";
      const note = own && (keptArn || arns.length === 0 || own.length === 1) ? "" : accountNote;
      return {
        description: `Give the statement a Condition on ${what} with your own account${facts.isPublic ? ', or name the service principal instead of "*"' : ""}.${note}${partitionNote(text)}${passRoleNote(facts, principals)}`,
        text,
        condition,
        ...(unchanged.length > 0 ? { unchanged } : {}),
      };
    },
  };
}

/**
 * The fix of a generated Lambda permission, in the properties that set its arguments where it is
 * generated. Where no property sets SourceAccount (a SAM SNS event's permission takes only the
 * Topic as its SourceArn), the source ARN must name our account: the one the permission names with
 * our account filled in, or a resource of ours the user picks.
 */
function generatedPermissionFix(
  generated: GeneratedPermissionSource,
  permission: NonNullable<Fix["permission"]>,
  named: readonly string[] | undefined,
  account: string,
  accountNote: string,
): Fix {
  const { place, properties } = generated;
  const lines: string[] = [];
  const set: string[] = [];
  if (properties.sourceAccount) {
    lines.push(`${properties.sourceAccount}: "${account}"`);
    set.push(properties.sourceAccount);
    if (permission.sourceArn && properties.sourceArn) {
      lines.push(`${properties.sourceArn}: "${permission.sourceArn}"`);
      set.push(properties.sourceArn);
    }
  } else if (properties.sourceArn && named?.length === 1) {
    lines.push(`${properties.sourceArn}: "${named[0]}"`);
    set.push(properties.sourceArn);
  }
  const text = lines.join("\n");
  if (set.length > 0)
    return {
      description: `Set ${set.join(" and ")} on ${place} so that only your own resources can invoke the function through the service.${accountNote}${partitionNote(text)}`,
      text,
    };
  const own = properties.sourceArn
    ? `name a resource of your own account in ${properties.sourceArn} there, or write the Lambda permission yourself`
    : "write the Lambda permission yourself";
  return {
    description: `${place.charAt(0).toUpperCase()}${place.slice(1)} sets no SourceAccount on the permission it generates: ${own}, with SourceAccount set to your own account.${accountNote}`,
    text: properties.sourceArn
      ? `${properties.sourceArn}: "${OWN_ARN_PLACEHOLDER}${account}>"`
      : `SourceAccount: "${account}"`,
  };
}

/**
 * For a KMS key statement (every action `kms:*`) whose services all name their resource in one
 * encryption-context key (`kms:EncryptionContext:aws:logs:arn`, `…:aws:cloudtrail:arn`,
 * `…:aws:events:event-bus:arn`): a condition on that key with our account. AWS's key policy
 * examples scope these services with it, and it is set on every call, where the source keys are not
 * documented for every path (CloudWatch Logs' aws:SourceAccount; CloudTrail Lake event data store
 * keys take none).
 */
function encryptionContextFix(
  facts: StatementFacts,
  principals: readonly CoveredPrincipal[],
  arns: readonly string[],
  accountNote: string,
): Fix | undefined {
  const stmt = facts.statement;
  const actions = stmt.action?.values.map((v) => valueText(v, () => "\u0000"));
  if (
    arns.length === 0 ||
    stmt.notAction ||
    !actions?.length ||
    !actions.every((a) => a.toLowerCase().startsWith("kms:") && !a.includes("\u0000"))
  )
    return undefined;
  const all = [...new Set([...principals, ...facts.principals])];
  const keys = new Set(
    all.map(
      (p) =>
        p.knowledge?.alternativeGuardKeys.find(
          (g) =>
            g.binds === "arn" && !g.setForOthers && g.key.toLowerCase().startsWith("kms:encryptioncontext:"),
        )?.key,
    ),
  );
  const [key] = keys;
  if (keys.size !== 1 || key === undefined) return undefined;
  const rows = all.flatMap((p) => (p.knowledge ? [p.knowledge] : []));
  const block = conditionBlockOf(
    stmt.conditions.filter((c) => c.operator.base !== null && guardKind(c.keyLower, rows) === undefined),
  );
  block.ArnLike = { ...(block.ArnLike ?? {}), [key]: arns.length === 1 ? (arns[0] as string) : [...arns] };
  const text = `"Condition": ${JSON.stringify(block, null, 2)}`;
  return {
    description: `Give the statement a Condition on ${key} with your own account: the service puts the ARN of the resource it encrypts for there on every call, and AWS's key policy examples scope it with that key.${accountNote}${partitionNote(text)}`,
    text,
    condition: block,
  };
}

/** Symbols a fix may write back as `<NAME>`: the adapters' fixers render them as references. */
const RENDERABLE: ReadonlySet<string> = new Set(["partition", "region", "url-suffix", "self-account"]);

/**
 * The statement's positive aws:SourceArn values, each with `account` in its account field; undefined
 * unless every one is an ARN with an account field (not an S3 bucket's empty one) whose other fields
 * are literal or pseudo parameters (`${AWS::Region}`), kept as `<REGION>` and the like.
 */
function ownArnsWithAccount(stmt: Statement, account: string): string[] | undefined {
  const out: string[] = [];
  for (const c of stmt.conditions) {
    if (c.keyLower !== "aws:sourcearn" || !isPositive(c)) continue;
    for (const v of c.values) {
      // A symbol in the account field is replaced below; elsewhere only pseudo parameters stay.
      const marked = valueText(v, (s) => (RENDERABLE.has(s.kind) ? `<${s.name}>` : "\u0000"));
      const parts = splitArn(marked);
      if (parts?.[0] !== "arn" || marked.includes("${")) return undefined;
      if (parts.some((p, i) => (i === 4 ? p !== "\u0000" : true) && p.includes("\u0000"))) return undefined;
      if (parts[4] === "" || parts.slice(1, 3).some((p) => p === "" || hasWildcard(p))) return undefined;
      if (/<(?!PARTITION>)/.test(parts.slice(1, 3).join(":"))) return undefined;
      parts[4] = account;
      const arn = parts.join(":");
      if (!out.includes(arn)) out.push(arn);
    }
  }
  return out.length > 0 ? out : undefined;
}
