import { splitArn } from "../iam/arn.js";
import { hasWildcard } from "../iam/wildcard.js";
import {
  DOCUMENTATION_EXAMPLE_ACCOUNTS,
  DOCUMENTATION_PLACEHOLDER_PHRASES,
} from "../knowledge/example-accounts.js";
import { SERVICES } from "../knowledge/services.js";
import type { ServiceKnowledge } from "../knowledge/types.js";
import type { ConditionEntry, Statement } from "../model/policy.js";
import { isNegatedOperator } from "../model/policy.js";
import type { PolicyValue, ValueSymbol } from "../model/values.js";
import {
  SOURCE_ACCOUNT,
  SOURCE_ARN,
  SOURCE_KEYS,
  SOURCE_ORG_ID,
  SOURCE_ORG_PATHS,
  SOURCE_OWNER,
} from "./keys.js";

const EXAMPLE_ACCOUNTS = new Set(DOCUMENTATION_EXAMPLE_ACCOUNTS.map((e) => e.account));

/** What a key's value names, for checking its shape. */
export type GuardKind = "account" | "arn" | "org" | "org-path" | "token";

/** The kind of value a guard key holds, or undefined when the key does not bind the caller's source. */
export function guardKind(keyLower: string, knowledge: readonly ServiceKnowledge[]): GuardKind | undefined {
  if (keyLower === SOURCE_ACCOUNT || keyLower === SOURCE_OWNER) return "account";
  if (keyLower === SOURCE_ARN) return "arn";
  if (keyLower === SOURCE_ORG_ID) return "org";
  if (keyLower === SOURCE_ORG_PATHS) return "org-path";
  // The built-in table is asked for every condition of every statement: its keys are read once.
  if (knowledge === SERVICES) {
    serviceGuardKinds ??= alternativeGuardKinds(SERVICES);
    return serviceGuardKinds.get(keyLower);
  }
  for (const k of knowledge) {
    for (const g of k.alternativeGuardKeys) {
      if (g.key.toLowerCase() === keyLower) return kindOfBinding(g.binds);
    }
  }
  return undefined;
}

function kindOfBinding(binds: ServiceKnowledge["alternativeGuardKeys"][number]["binds"]): GuardKind {
  return binds === "arn" ? "arn" : binds === "account" ? "account" : "token";
}

/** Each alternative guard key of the rows (lower-cased) with the kind its first row gives it. */
function alternativeGuardKinds(knowledge: readonly ServiceKnowledge[]): Map<string, GuardKind> {
  const kinds = new Map<string, GuardKind>();
  for (const k of knowledge)
    for (const g of k.alternativeGuardKeys) {
      const key = g.key.toLowerCase();
      if (!kinds.has(key)) kinds.set(key, kindOfBinding(g.binds));
    }
  return kinds;
}

let serviceGuardKinds: Map<string, GuardKind> | undefined;

export function isSourceKey(keyLower: string): boolean {
  return SOURCE_KEYS.includes(keyLower);
}

/** A guard condition: a condition on a key that binds the caller's source. */
export interface Guard {
  entry: ConditionEntry;
  kind: GuardKind;
}

export function guardsOf(stmt: Statement, knowledge: readonly ServiceKnowledge[]): Guard[] {
  const out: Guard[] = [];
  for (const entry of stmt.conditions) {
    const kind = guardKind(entry.keyLower, knowledge);
    if (kind) out.push({ entry, kind });
  }
  return out;
}

/** Text of a value with symbols rendered by `render`. */
export function valueText(v: PolicyValue, render: (s: ValueSymbol) => string): string {
  let s = "";
  for (const p of v.parts) s += typeof p === "string" ? p : render(p);
  return s;
}

export interface ValueProblem {
  value: PolicyValue;
  problem: string;
}

function placeholderIn(text: string, prose = false): string | undefined {
  const lower = text.toLowerCase();
  for (const phrase of DOCUMENTATION_PLACEHOLDER_PHRASES)
    if ((!prose || phrase.includes(" ")) && lower.includes(phrase)) return phrase;
  return undefined;
}

/**
 * The documentation placeholder in a guard value. In an ARN only its Region and account slots, where
 * AWS's examples put them, and prose anywhere: resource names hold such words in earnest
 * (`rule/sync-account-id-mapping`, `acme-source-region-replica`).
 */
function placeholderOf(kind: GuardKind, literal: string): string | undefined {
  const parts = kind === "arn" ? splitArn(literal) : null;
  if (parts?.[0] !== "arn") return placeholderIn(literal);
  return placeholderIn(`${parts[3] ?? ""}:${parts[4] ?? ""}`) ?? placeholderIn(literal, true);
}

function checkAccount(text: string, declared?: ReadonlySet<string>): string | undefined {
  // An account the user declared as theirs (`--account`) is not a placeholder, whatever page shows it.
  if (EXAMPLE_ACCOUNTS.has(text) && !declared?.has(text))
    return `${text} is an example account id from the AWS documentation`;
  if (hasWildcard(text)) return undefined;
  if (!/^\d{12}$/.test(text)) return `"${text}" is not an AWS account id (12 digits)`;
  return undefined;
}

/**
 * Placeholder text, documentation example accounts and malformed account ids, ARNs or org ids in a
 * guard value (CD204). Symbols (resolved at deploy time) are not judged; the literal parts around
 * them are.
 */
export function valueProblem(
  kind: GuardKind,
  value: PolicyValue,
  operator?: string | null,
  variablesEnabled = true,
  declared?: ReadonlySet<string>,
): string | undefined {
  // Under an IgnoreCase operator `O-ABC…` and `ARN:AWS:…` match as their lower-case forms do.
  const written = valueText(value, () => "\u0000");
  const literal = operator?.endsWith("IgnoreCase") ? written.toLowerCase() : written;
  // Without Version 2012-10-17, `${...}` is literal text (IAM reads no policy variables then).
  const hasVariable = variablesEnabled && literal.includes("${");
  const hasSymbol = literal.includes("\u0000") || hasVariable;
  // As messages show it: a part known only at deploy time is "…", never the marker character.
  const shown = literal.replaceAll("\u0000", "…");
  if (!variablesEnabled && literal.includes("${") && (kind === "account" || kind === "arn")) {
    const problem = kind === "account" ? checkAccount(literal, declared) : undefined;
    if (kind === "arn" || problem)
      return `"${shown}" is compared literally: policy variables are read only with "Version": "2012-10-17", so it matches no real source`;
  }
  const phrase = placeholderOf(kind, literal);
  if (phrase) return `"${shown}" contains the documentation placeholder "${phrase}"`;
  switch (kind) {
    case "account":
      // Under a Numeric operator the value is a bound (`NumericGreaterThan "0"`), not an account id.
      return hasSymbol || operator?.startsWith("Numeric") ? undefined : checkAccount(literal, declared);
    case "org":
      if (hasSymbol || hasWildcard(literal)) return undefined;
      return /^o-[a-z0-9]{10,32}$/.test(literal)
        ? undefined
        : `"${shown}" is not an AWS organization id (o- followed by 10 to 32 lower-case letters or digits)`;
    case "org-path":
      return undefined;
    case "token":
      return undefined;
    case "arn": {
      // Policy variables may hold colons (`${aws:SourceAccount}`): the components are known only per request.
      if (literal === "*" || hasVariable) return undefined;
      const parts = splitArn(literal);
      if (parts?.[0] !== "arn") {
        // A pattern that can still match an ARN (`*:111122223333:rule/x`, `arn:*`): its text before the
        // first wildcard agrees with "arn:".
        // Under Arn* operators the pattern also needs the six components it is matched by.
        const wildcard = literal.search(/[*?]/);
        const head = wildcard < 0 ? literal : literal.slice(0, wildcard);
        const byComponents = operator?.startsWith("Arn") ?? false;
        const mayMatchArn =
          wildcard >= 0 &&
          ("arn:".startsWith(head) || head.startsWith("arn:")) &&
          (!byComponents || literal.split(":").length >= 6);
        return mayMatchArn || hasSymbol
          ? undefined
          : `"${shown}" is not an ARN (arn:partition:service:region:account:resource)`;
      }
      const empty = ["partition", "service"].find((_, i) => (parts[i + 1] ?? "") === "");
      if (empty) return `"${shown}" is not a valid ARN: its ${empty} component is empty`;
      const region = parts[3] ?? "";
      if (region.toLowerCase() === "region")
        return `the region component "${region}" is a documentation placeholder`;
      const account = parts[4] ?? "";
      if (account === "" || account.includes("\u0000") || hasWildcard(account)) return undefined;
      return checkAccount(account, declared);
    }
  }
}

/** Operators whose values are compared exactly: `*` and `?` are literal characters there. */
export function isExactStringOperator(entry: ConditionEntry): boolean {
  const b = entry.operator.base;
  return b === "StringEquals" || b === "StringEqualsIgnoreCase";
}

export function isPositive(entry: ConditionEntry): boolean {
  const b = entry.operator.base;
  return b !== null && b !== "Null" && !isNegatedOperator(b);
}

/** A guard that requires the key (no IfExists, no ForAllValues:). */
export function isRequiredPositive(entry: ConditionEntry): boolean {
  return isPositive(entry) && !entry.operator.ifExists && entry.operator.set !== "ForAllValues";
}

/** The forms that pass when the key is missing: IfExists, ForAllValues:, Null true. */
export function passesWhenAbsent(entry: ConditionEntry): boolean {
  const b = entry.operator.base;
  if (b === null) return false;
  if (b === "Null") return entry.values.some((v) => valueText(v, () => "").toLowerCase() === "true");
  if (isNegatedOperator(b)) return false;
  return entry.operator.ifExists || entry.operator.set === "ForAllValues";
}

export function accountOfArn(text: string): string | undefined {
  const parts = splitArn(text);
  return parts ? parts[4] : undefined;
}
