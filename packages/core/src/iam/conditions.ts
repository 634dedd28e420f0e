import type { BaseOperator, ConditionEntry } from "../model/policy.js";
import { isNegatedOperator } from "../model/policy.js";
import { matchArnPattern, splitArn } from "./arn.js";
import { ipInCidr } from "./ip.js";
import { parseVariables, substituteVariables } from "./variables.js";
import { matchGlob } from "./wildcard.js";

/** Request context values by lower-cased key. */
export type ContextMap = ReadonlyMap<string, string | readonly string[]>;

/** How one resolved policy value reads: its text, and which runs of it are literal (from variables). */
export interface ResolvedValue {
  text: string;
  literalRuns: Array<[number, number]>;
}

/**
 * Resolves the policy variables of one condition value. Undefined: a variable has no value, so the
 * value never matches (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
 */
export function resolveValue(
  text: string,
  context: ContextMap,
  variablesEnabled: boolean,
): ResolvedValue | undefined {
  if (!variablesEnabled) return { text, literalRuns: [] };
  const parts = parseVariables(text);
  if (!parts) return { text, literalRuns: [] };
  return substituteVariables(parts, context);
}

function operatorTakesVariables(base: BaseOperator): boolean {
  return base.startsWith("String") || base.startsWith("Arn") || base === "Bool";
}

function literalMask(pattern: ResolvedValue): boolean[] {
  const literal = new Array<boolean>(pattern.text.length).fill(false);
  for (const [a, b] of pattern.literalRuns) for (let i = a; i < b; i++) literal[i] = true;
  return literal;
}

/** Glob where runs inserted by variables are literal: a `*` from a variable is not a wildcard. */
function globWithLiterals(
  pattern: ResolvedValue,
  text: string,
  ignoreCase: boolean,
  noColon = false,
): boolean {
  if (pattern.literalRuns.length === 0) return matchGlob(pattern.text, text, { ignoreCase, noColon });
  return globMasked(pattern.text, literalMask(pattern), text, ignoreCase, noColon);
}

/**
 * ArnLike after variable substitution: a `:`, `*` or `?` that came from a request value is a plain
 * character, so components are split only at the policy's own colons.
 */
function arnWithLiterals(pattern: ResolvedValue, arn: string): boolean {
  if (pattern.literalRuns.length === 0) return matchArnPattern(pattern.text, arn);
  const mask = literalMask(pattern);
  const cuts: number[] = [];
  for (let i = 0; i < pattern.text.length && cuts.length < 5; i++)
    if (pattern.text[i] === ":" && !mask[i]) cuts.push(i);
  if (cuts.length < 5) return false;
  const arnParts = splitArn(arn);
  if (!arnParts) return false;
  let start = 0;
  for (let k = 0; k < 6; k++) {
    const end = k < 5 ? (cuts[k] as number) : pattern.text.length;
    const ok = globMasked(
      pattern.text.slice(start, end),
      mask.slice(start, end),
      arnParts[k] as string,
      false,
      k < 5,
    );
    if (!ok) return false;
    start = end + 1;
  }
  return true;
}

function globMasked(
  patternText: string,
  literal: boolean[],
  text: string,
  ignoreCase: boolean,
  noColon: boolean,
): boolean {
  const p = ignoreCase ? patternText.toLowerCase() : patternText;
  const t = ignoreCase ? text.toLowerCase() : text;
  // Small dynamic programme; only used when a substituted value contains wildcard characters.
  let prev = new Array<boolean>(t.length + 1).fill(false);
  prev[0] = true;
  for (let i = 0; i < p.length; i++) {
    const cur = new Array<boolean>(t.length + 1).fill(false);
    const c = p[i];
    const star = c === "*" && !literal[i];
    const one = c === "?" && !literal[i];
    if (star) cur[0] = prev[0] ?? false;
    for (let j = 1; j <= t.length; j++) {
      const wild = !(noColon && t[j - 1] === ":");
      if (star) cur[j] = (wild && (cur[j - 1] ?? false)) || (prev[j] ?? false);
      else cur[j] = (prev[j - 1] ?? false) && ((one && wild) || t[j - 1] === c);
    }
    prev = cur;
  }
  return prev[t.length] ?? false;
}

function parseDate(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseNumber(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

/** The positive form of an operator applied to one request value and one policy value. */
export function matchOne(base: BaseOperator, requestValue: string, policyValue: ResolvedValue): boolean {
  const pv = policyValue.text;
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return requestValue === pv;
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return requestValue.toLowerCase() === pv.toLowerCase();
    case "StringLike":
    case "StringNotLike":
      return globWithLiterals(policyValue, requestValue, false);
    case "ArnEquals":
    case "ArnLike":
    case "ArnNotEquals":
    case "ArnNotLike":
      return arnWithLiterals(policyValue, requestValue);
    case "NumericEquals":
    case "NumericNotEquals":
    case "NumericLessThan":
    case "NumericLessThanEquals":
    case "NumericGreaterThan":
    case "NumericGreaterThanEquals":
    case "DateEquals":
    case "DateNotEquals":
    case "DateLessThan":
    case "DateLessThanEquals":
    case "DateGreaterThan":
    case "DateGreaterThanEquals": {
      const parse = base.startsWith("Numeric") ? parseNumber : parseDate;
      const r = parse(requestValue);
      const p = parse(pv);
      if (r === undefined || p === undefined) return false;
      if (base.endsWith("NotEquals") || base.endsWith("Equals")) {
        if (base.endsWith("LessThanEquals")) return r <= p;
        if (base.endsWith("GreaterThanEquals")) return r >= p;
        return r === p;
      }
      if (base.endsWith("LessThan")) return r < p;
      return r > p;
    }
    case "Bool":
      return requestValue.toLowerCase() === pv.toLowerCase();
    case "BinaryEquals":
      return requestValue === pv;
    case "IpAddress":
    case "NotIpAddress":
      return ipInCidr(requestValue, pv);
    case "Null":
      return false;
  }
}

export type ConditionOutcome = boolean;

interface PreparedEntry {
  texts: string[];
  plain: ResolvedValue[];
  hasVariables: boolean;
}

/** Condition values do not change between evaluations: render them once per entry. */
const preparedEntries = new WeakMap<ConditionEntry, PreparedEntry>();

function prepare(entry: ConditionEntry): PreparedEntry {
  let p = preparedEntries.get(entry);
  if (!p) {
    p = preparedTexts(
      entry.values.map((v) =>
        v.parts.length === 1 && typeof v.parts[0] === "string"
          ? v.parts[0]
          : v.parts.map((x) => (typeof x === "string" ? x : `<${x.name}>`)).join(""),
      ),
    );
    preparedEntries.set(entry, p);
  }
  return p;
}

function preparedTexts(texts: string[]): PreparedEntry {
  return {
    texts,
    plain: texts.map((text) => ({ text, literalRuns: [] })),
    hasVariables: texts.some((t) => t.includes("${")),
  };
}

/**
 * Evaluates one condition entry against a request context, as the IAM documentation describes:
 * several values OR (NOR for negated operators); a missing key is false for positive operators,
 * true for negated ones, `IfExists` and `ForAllValues:`, false for `ForAnyValue:`; `Null` tests
 * presence. An operator that is not an IAM operator never matches (it would be rejected or inert).
 */
export function evaluateCondition(
  entry: ConditionEntry,
  context: ContextMap,
  variablesEnabled: boolean,
): boolean {
  return evaluatePrepared(entry, prepare(entry), context, variablesEnabled);
}

/**
 * `evaluateCondition` of the entry with its values written as `texts` (symbols rendered for this one
 * evaluation): such values are used once, so they are not kept per entry.
 */
export function evaluateConditionAs(
  entry: ConditionEntry,
  texts: string[],
  context: ContextMap,
  variablesEnabled: boolean,
): boolean {
  return evaluatePrepared(entry, preparedTexts(texts), context, variablesEnabled);
}

function evaluatePrepared(
  entry: ConditionEntry,
  prepared: PreparedEntry,
  context: ContextMap,
  variablesEnabled: boolean,
): boolean {
  const { base, ifExists, set } = entry.operator;
  if (!base) return false;
  const raw = context.get(entry.keyLower);
  const present = raw !== undefined && !(Array.isArray(raw) && raw.length === 0);
  const texts = prepared.texts;

  if (base === "Null") {
    return texts.some((t) => {
      const want = t.toLowerCase();
      if (want === "true") return !present;
      if (want === "false") return present;
      return false;
    });
  }
  const negated = isNegatedOperator(base);
  if (!present) {
    if (set === "ForAllValues") return true;
    if (set === "ForAnyValue") return false;
    return ifExists || negated;
  }
  const useVars = variablesEnabled && operatorTakesVariables(base) && prepared.hasVariables;
  const resolved: ReadonlyArray<ResolvedValue | undefined> = useVars
    ? texts.map((t) => resolveValue(t, context, true))
    : prepared.plain;
  const single = (requestValue: string): boolean => {
    if (negated) {
      // NOR over the values; an unresolvable variable makes the comparison fail.
      if (resolved.some((r) => r === undefined)) return false;
      return !resolved.some((r) => r !== undefined && matchOne(base, requestValue, r));
    }
    return resolved.some((r) => r !== undefined && matchOne(base, requestValue, r));
  };
  const values: readonly string[] = typeof raw === "string" ? [raw] : (raw as readonly string[]);
  if (set === "ForAnyValue") return values.some(single);
  if (set === "ForAllValues") return values.every(single);
  // A single-valued operator against a multi-valued context value does not match.
  if (values.length !== 1) return false;
  return single(values[0] as string);
}
