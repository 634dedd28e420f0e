import { parseVariables, type TemplatePart } from "../iam/variables.js";
import type { BaseOperator, ConditionEntry, PrincipalSpec, Statement, ValueList } from "../model/policy.js";
import { isNegatedOperator } from "../model/policy.js";
import { type PolicyValue, SELF_ACCOUNT, SELF_ORG, type ValueSymbol } from "../model/values.js";
import {
  arnPattern,
  charToken,
  exactPattern,
  type GlobPattern,
  globPattern,
  oneToken,
  starToken,
  type Union,
} from "./automaton.js";
import {
  ACTION_KEY,
  isAbsentForServices,
  PRINCIPAL_SERVICE_NAME,
  RESOURCE_ACCOUNT,
  RESOURCE_KEY,
  RESOURCE_ORG_ID,
  SOURCE_ARN,
} from "./keys.js";

/**
 * A statement, broken into constraints on request variables (condition keys, the principal's
 * service name, the action and the resource). A statement applies when all its atoms hold.
 */
export type Atom =
  | { kind: "const"; value: boolean; origin: string }
  | { kind: "presence"; key: string; present: boolean; origin: string }
  | MemberAtom;

export interface MemberAtom {
  kind: "member";
  key: string;
  /** The exact language of the values (used where the value must NOT be in it). */
  exact: Union;
  /** A sub-language used where the value must be in it (equal to `exact` except for StringLike on aws:SourceArn). */
  positive: Union;
  /** Result is `(value in language) XOR negate` when the key is present. */
  negate: boolean;
  /** Result when the key is absent. */
  absentResult: boolean;
  /** Numeric, Date and IP operators are not glob languages; they are solved by candidates. */
  typed?: { base: BaseOperator; values: string[] };
  /**
   * Keys of the policy variables in a negated operator's values that a request may lack: with one
   * absent the variable has no value, and a negated comparison with such a value is false (the
   * evaluator's and AWS's reading). A Deny with this condition does not apply then.
   */
  failsWithout?: string[];
  origin: string;
}

export interface AtomOptions {
  variablesEnabled: boolean;
  symbolText: (symbol: ValueSymbol) => string;
  /** Keep StringLike wildcards on aws:SourceArn inside their component where the value must match (see below). */
  narrowStringLikeArn?: boolean;
  /**
   * Lower-cased keys other than aws:SourceArn that carry the source's ARN in the service's own format
   * (`kms:EncryptionContext:aws:cloudtrail:arn`): `narrowStringLikeArn` applies to them too.
   */
  arnKeys?: ReadonlySet<string>;
  /**
   * Other services' ARN keys (lower-cased) to narrow whatever the principal: such a key carries an
   * ARN of its own service (`kms:EncryptionContext:aws:cloudtrail:arn` a trail's), whose names sit
   * in no ARN component but the last.
   */
  narrowKeys?: ReadonlySet<string>;
  /**
   * For a service whose aws:SourceArn never carries an account (an S3 bucket,
   * `arn:${Partition}:s3:::${BucketName}`): the ARN format. A wholly unknown aws:SourceArn value of
   * such a service is still trusted to be ours, and known to be an ARN of that shape: its account
   * field is empty, so it pins no account (CD103 when nothing else does).
   */
  accountlessArnFormat?: string;
  /**
   * Variables given a value (lower-cased key → value): a second search binds a variable to the value
   * its key has in a request the first one found (see searchForeignAccess).
   */
  bound?: ReadonlyMap<string, string>;
  /**
   * Variables whose key the request lacks (lower-cased keys): a value naming one reads its default,
   * or matches nothing (see searchForeignAccess).
   */
  absent?: ReadonlySet<string>;
}

/** The ARN a wholly unknown aws:SourceArn stands for, under `accountlessArnFormat`. */
function accountlessArn(format: string, token: string): string {
  return format.replace(/\$\{Partition\}/g, "aws").replace(/\$\{[A-Za-z]+\}/g, token);
}

function textOf(v: PolicyValue, o: AtomOptions): string {
  let s = "";
  for (const p of v.parts) s += typeof p === "string" ? p : o.symbolText(p);
  return s;
}

/**
 * Whether a StringLike pattern writes the five colons that separate an ARN's six components. With
 * fewer, a real ARN matches only where a wildcard spans colons (`arn:aws:cloudtrail:*:trail/*`
 * covers the region and the account): such a pattern is searched as written.
 */
function hasAllArnComponents(text: string): boolean {
  let colons = 0;
  for (let i = text.indexOf(":"); i >= 0 && colons < 5; i = text.indexOf(":", i + 1)) colons++;
  return colons >= 5;
}

/**
 * StringLike on aws:SourceArn: a wildcard before the last `:` of the pattern can span ARN components
 * only through a resource whose name sits between colons and embeds `:<account>:`
 * (`arn:aws:logs:r:<foreign>:log-group:<ours>:*`). When the service's ARN formats have no such name
 * (`trail/${TrailName}`), no real request spans components, and the search keeps such wildcards
 * inside their component: the language only shrinks, so every witness found is still real. CD105
 * still reports the operator.
 */
function stringLikeWithinComponents(text: string): GlobPattern {
  const lastColon = text.lastIndexOf(":");
  const tokens: GlobPattern["tokens"] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const confined = i < lastColon;
    if (c === "*") tokens.push(starToken(confined));
    else if (c === "?") tokens.push(oneToken(confined));
    else tokens.push(charToken(c, false));
  }
  return { tokens, source: text, key: `s:${text}` };
}

function patternFor(base: BaseOperator, text: string, positive: boolean, narrow: boolean): GlobPattern {
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
    case "BinaryEquals":
      return exactPattern(text);
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
    case "Bool":
      return exactPattern(text, true);
    case "StringLike":
    case "StringNotLike":
      return narrow && positive && hasAllArnComponents(text)
        ? stringLikeWithinComponents(text)
        : globPattern(text);
    case "ArnEquals":
    case "ArnLike":
    case "ArnNotEquals":
    case "ArnNotLike":
      return arnPattern(text);
    default:
      return { tokens: [], empty: true, source: text, key: "0" };
  }
}

function isTyped(base: BaseOperator): boolean {
  return (
    base.startsWith("Numeric") || base.startsWith("Date") || base === "IpAddress" || base === "NotIpAddress"
  );
}

/**
 * The variables whose value the analysis knows in every request it decides. `${aws:ResourceAccount}`
 * is the deploying account (the resource is ours), so it becomes that account's text;
 * `${aws:ResourceOrgID}` becomes our organization's. A variable of
 * a key a service principal's request never carries (`${aws:PrincipalAccount}`) has no value and no
 * default: AWS says any match against such a value fails, so the value matches nothing (`null`).
 * Otherwise the text with those variables replaced, or the parts unchanged when others remain.
 */
function knownVariables(
  parts: TemplatePart[],
  o: AtomOptions,
  like = false,
): { text: string } | { parts: TemplatePart[] } | null {
  let text = "";
  let open = false;
  for (const p of parts) {
    if ("literal" in p) {
      text += p.literal;
      continue;
    }
    const key = p.variable.toLowerCase();
    if (p.variable !== "" && (isAbsentForServices(key) || o.absent?.has(key))) {
      // Never in a service's request (or not in the requests searched, see searchForeignAccess):
      // no value matches, or the default the policy gives replaces it.
      if (p.fallback === undefined) return null;
      // A default is compared as written: its `*` or `?` would read as a wildcard in the pattern's
      // text, so such a value is widened instead (and `evaluate` decides).
      if (like && /[*?]/.test(p.fallback)) {
        open = true;
        continue;
      }
      text += p.fallback;
      continue;
    }
    const given = o.bound?.get(key);
    if (given !== undefined) {
      text += given;
      continue;
    }
    if (key === RESOURCE_ACCOUNT) {
      text += o.symbolText(SELF_ACCOUNT);
      continue;
    }
    // Our organization. The reading with the account in none (no value) is searched apart
    // (`ForeignAccessQuery.noOrganization`): a negated comparison in a Deny decides it otherwise.
    if (key === RESOURCE_ORG_ID) {
      text += o.symbolText(SELF_ORG);
      continue;
    }
    open = true;
  }
  return open ? { parts } : { text };
}

/**
 * Builds the languages of one condition's values. A value with a policy variable is not a fixed
 * language: where it must match it is widened to `*` for the variable, where it must not match it is
 * left out. Both choices over-approximate what a request can do; `evaluate` confirms every witness.
 * Variables whose value is known in every request the analysis decides are replaced first (see
 * {@link knownVariables}).
 */
function languages(
  base: BaseOperator,
  key: string,
  values: PolicyValue[],
  o: AtomOptions,
): { exact: Union; positive: Union; valueless: boolean; failsWithout: string[] } {
  const exact: Union = [];
  const positive: Union = [];
  /** A value whose variable never has one (a key no service sends, without a default). */
  let valueless = false;
  const failsWithout = new Set<string>();
  const like = base.includes("Like") || base.startsWith("Arn");
  const takesVariables = base.startsWith("String") || base.startsWith("Arn") || base === "Bool";
  for (const v of values) {
    let text = textOf(v, o);
    const only = v.parts.length === 1 ? v.parts[0] : undefined;
    if (key === SOURCE_ARN && o.accountlessArnFormat && typeof only === "object" && only.kind === "unknown")
      text = accountlessArn(o.accountlessArnFormat, text);
    // Only String, Arn and Bool operators read policy variables (as `evaluate` does); under a typed
    // or Binary operator `${...}` is text.
    const vars = o.variablesEnabled && takesVariables ? parseVariables(text) : undefined;
    if (vars) {
      const known = knownVariables(vars, o, like);
      if (known === null) {
        valueless = true;
        continue;
      }
      if ("parts" in known) {
        for (const p of known.parts)
          if ("variable" in p && p.variable !== "" && p.fallback === undefined) {
            const k = p.variable.toLowerCase();
            if (k !== RESOURCE_ACCOUNT && k !== RESOURCE_ORG_ID && !o.bound?.has(k)) failsWithout.add(k);
          }
        // A variable may be any text; the literal text around it keeps its meaning: wildcards under
        // a Like or Arn operator, and under an exact one a `*` or `?` that is one character (read as `?`,
        // which admits it and others: the search over-approximates, `evaluate` confirms).
        // (ArnEquals matches wildcards as ArnLike does: the evaluator and AWS alike.)
        const widened = vars
          .map((p) => ("literal" in p ? (like ? p.literal : p.literal.replace(/[*?]/g, "?")) : "*"))
          .join("");
        positive.push(
          base.startsWith("Arn") ? arnPattern(widened) : globPattern(widened, base.includes("IgnoreCase")),
        );
        continue;
      }
      text = known.text;
    }
    exact.push(patternFor(base, text, false, false));
    const arnKey = key === SOURCE_ARN || (o.arnKeys?.has(key) ?? false);
    const narrow = (arnKey && o.narrowStringLikeArn === true) || (o.narrowKeys?.has(key) ?? false);
    positive.push(patternFor(base, text, true, narrow));
  }
  return { exact, positive, valueless, failsWithout: [...failsWithout] };
}

export function conditionAtom(c: ConditionEntry, o: AtomOptions): Atom {
  const origin = `${c.operator.text} ${c.key}`;
  const base = c.operator.base;
  if (!base) return { kind: "const", value: false, origin };
  const texts = c.values.map((v) => textOf(v, o).toLowerCase());
  if (base === "Null") {
    const wantsAbsent = texts.includes("true");
    const wantsPresent = texts.includes("false");
    if (wantsAbsent && wantsPresent) return { kind: "const", value: true, origin };
    if (!wantsAbsent && !wantsPresent) return { kind: "const", value: false, origin };
    return { kind: "presence", key: c.keyLower, present: wantsPresent, origin };
  }
  const negate = isNegatedOperator(base);
  const set = c.operator.set;
  const absentResult =
    set === "ForAllValues" ? true : set === "ForAnyValue" ? false : c.operator.ifExists || negate;
  const { exact, positive, valueless, failsWithout } = languages(base, c.keyLower, c.values, o);
  // A negated comparison with a value that has none is false whenever the key is present (the
  // evaluator's reading of "any attempt to match it fails"): only an absent key can meet it.
  if (negate && valueless)
    return absentResult
      ? { kind: "presence", key: c.keyLower, present: false, origin }
      : { kind: "const", value: false, origin };
  const atom: MemberAtom = { kind: "member", key: c.keyLower, exact, positive, negate, absentResult, origin };
  if (isTyped(base)) atom.typed = { base, values: c.values.map((v) => textOf(v, o)) };
  if (negate && failsWithout.length > 0) atom.failsWithout = failsWithout;
  return atom;
}

export function principalAtom(spec: PrincipalSpec, negate: boolean, o: AtomOptions, origin: string): Atom {
  if (spec.star) return { kind: "const", value: !negate, origin };
  const union: Union = [];
  for (const e of spec.entries) {
    for (const v of e.values) {
      const text = textOf(v, o);
      if (e.type === "AWS" && text === "*") return { kind: "const", value: !negate, origin };
      if (e.type === "Service") union.push(exactPattern(text, true));
    }
  }
  if (union.length === 0) return { kind: "const", value: negate, origin };
  return {
    kind: "member",
    key: PRINCIPAL_SERVICE_NAME,
    exact: union,
    positive: union,
    negate,
    absentResult: false,
    origin,
  };
}

function listAtom(
  key: string,
  list: ValueList,
  negate: boolean,
  ignoreCase: boolean,
  o: AtomOptions,
  origin: string,
): Atom {
  const union: Union = [];
  const positive: Union = [];
  for (const v of list.values) {
    const text = textOf(v, o);
    const vars = key === RESOURCE_KEY && o.variablesEnabled ? parseVariables(text) : undefined;
    if (vars) {
      positive.push(globPattern(vars.map((p) => ("literal" in p ? p.literal : "*")).join(""), ignoreCase));
      continue;
    }
    const pattern = globPattern(text, ignoreCase);
    union.push(pattern);
    positive.push(pattern);
  }
  // A missing resource (trust policies) does not match Resource and does match NotResource.
  return { kind: "member", key, exact: union, positive, negate, absentResult: negate, origin };
}

/** All atoms of a statement: principal (when `withPrincipal`), action, resource, conditions. */
export function statementAtoms(stmt: Statement, o: AtomOptions, withPrincipal: boolean): Atom[] {
  const atoms: Atom[] = [];
  if (withPrincipal) {
    if (stmt.principal) atoms.push(principalAtom(stmt.principal, false, o, "Principal"));
    else if (stmt.notPrincipal) atoms.push(principalAtom(stmt.notPrincipal, true, o, "NotPrincipal"));
  }
  if (stmt.action) atoms.push(listAtom(ACTION_KEY, stmt.action, false, true, o, "Action"));
  else if (stmt.notAction) atoms.push(listAtom(ACTION_KEY, stmt.notAction, true, true, o, "NotAction"));
  if (stmt.resource) atoms.push(listAtom(RESOURCE_KEY, stmt.resource, false, false, o, "Resource"));
  else if (stmt.notResource)
    atoms.push(listAtom(RESOURCE_KEY, stmt.notResource, true, false, o, "NotResource"));
  for (const c of stmt.conditions) atoms.push(conditionAtom(c, o));
  return atoms;
}

export function negateAtom(a: Atom): Atom {
  switch (a.kind) {
    case "const":
      return { ...a, value: !a.value };
    case "presence":
      return { ...a, present: !a.present };
    case "member":
      return { ...a, negate: !a.negate, absentResult: !a.absentResult };
  }
}
