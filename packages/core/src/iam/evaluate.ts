import type { Policy, PrincipalSpec, Statement, ValueList } from "../model/policy.js";
import type { PolicyValue, ValueSymbol } from "../model/values.js";
import { type ContextMap, evaluateCondition, evaluateConditionAs, resolveValue } from "./conditions.js";
import { matchGlob } from "./wildcard.js";

/** A concrete request, as a service principal (or any principal) makes it. */
export interface EvaluationRequest {
  /** `{ type: "Service", id: "cloudtrail.amazonaws.com" }` or `{ type: "AWS", id: "arn:aws:iam::111122223333:root" }`. */
  principal: { type: string; id: string };
  action: string;
  /** The resource ARN; absent for a role trust policy, whose statements have no Resource element. */
  resource?: string;
  /** Request context keys (any case) and their values. */
  context: Readonly<Record<string, string | readonly string[]>>;
}

/** The outcome of evaluating a policy for a request. */
export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

/** How one condition entry evaluated for a request. */
export interface ConditionTrace {
  operator: string;
  key: string;
  result: boolean;
}

/** How one statement evaluated for a request. */
export interface StatementTrace {
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
  principal: boolean;
  action: boolean;
  resource: boolean;
  conditions: ConditionTrace[];
  /** Principal, action, resource and every condition matched. */
  applies: boolean;
}

/** The decision of `evaluate` and the per-statement trace that led to it. */
export interface EvaluationResult {
  decision: Decision;
  trace: StatementTrace[];
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Text that stands for a symbol (deploying account, region, unknowns). Default: `<NAME>`. */
  symbolText?: (symbol: ValueSymbol) => string;
}

export function valueToText(value: PolicyValue, options?: EvaluateOptions): string {
  const only = value.parts[0];
  if (value.parts.length === 1 && typeof only === "string") return only;
  const render = options?.symbolText ?? ((s: ValueSymbol) => `<${s.name}>`);
  let out = "";
  for (const p of value.parts) out += typeof p === "string" ? p : render(p);
  return out;
}

/** Whether a Principal / NotPrincipal element names the request's principal. */
export function principalMatches(
  spec: PrincipalSpec,
  principal: { type: string; id: string },
  options?: EvaluateOptions,
): boolean {
  if (spec.star) return true;
  for (const entry of spec.entries) {
    for (const v of entry.values) {
      const text = valueToText(v, options);
      // {"AWS": "*"} covers every principal, services included (measured in iam-simulate; see evaluator.md a.2).
      if (entry.type === "AWS" && text === "*") return true;
      if (entry.type !== principal.type) continue;
      // Service principal names are compared without case: AWS does not document case sensitivity,
      // and treating `CloudTrail.amazonaws.com` as the service never hides a grant.
      if (
        entry.type === "Service" ? text.toLowerCase() === principal.id.toLowerCase() : text === principal.id
      )
        return true;
    }
  }
  return false;
}

function listMatches(list: ValueList, test: (text: string) => boolean, options?: EvaluateOptions): boolean {
  return list.values.some((v) => test(valueToText(v, options)));
}

function resourcePatternMatches(
  pattern: string,
  resource: string,
  context: ContextMap,
  variables: boolean,
): boolean {
  const resolved = resolveValue(pattern, context, variables);
  if (!resolved) return false;
  // In the Resource element `*` may span colons (unlike ArnLike in conditions): evaluator.md a.3.
  return matchGlob(resolved.text, resource);
}

export function toContextMap(
  context: Readonly<Record<string, string | readonly string[]>>,
): Map<string, string | readonly string[]> {
  const map = new Map<string, string | readonly string[]>();
  for (const key of Object.keys(context)) {
    const v = context[key];
    if (v !== undefined) map.set(key.toLowerCase(), v);
  }
  return map;
}

export function traceStatement(
  stmt: Statement,
  request: EvaluationRequest,
  context: ContextMap,
  variables: boolean,
  options?: EvaluateOptions,
): StatementTrace {
  let principal = true;
  if (stmt.principal) principal = principalMatches(stmt.principal, request.principal, options);
  else if (stmt.notPrincipal) principal = !principalMatches(stmt.notPrincipal, request.principal, options);
  let action = true;
  // Actions are matched without case (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
  if (stmt.action)
    action = listMatches(stmt.action, (t) => matchGlob(t, request.action, { ignoreCase: true }), options);
  else if (stmt.notAction)
    action = !listMatches(stmt.notAction, (t) => matchGlob(t, request.action, { ignoreCase: true }), options);
  let resource = true;
  const res = request.resource;
  if (stmt.resource)
    resource =
      res !== undefined &&
      listMatches(stmt.resource, (t) => resourcePatternMatches(t, res, context, variables), options);
  else if (stmt.notResource)
    resource =
      res === undefined ||
      !listMatches(stmt.notResource, (t) => resourcePatternMatches(t, res, context, variables), options);
  const conditions: ConditionTrace[] = [];
  let all = principal && action && resource;
  for (const c of stmt.conditions) {
    // Values with symbols are rendered by the caller's symbolText; plain ones keep the entry (and
    // its prepared form, cached per entry).
    const result =
      options?.symbolText && c.values.some((v) => v.parts.some((x) => typeof x !== "string"))
        ? evaluateConditionAs(
            c,
            c.values.map((v) => valueToText(v, options)),
            context,
            variables,
          )
        : evaluateCondition(c, context, variables);
    conditions.push({ operator: c.operator.text, key: c.key, result });
    if (!result) all = false;
  }
  const trace: StatementTrace = {
    index: stmt.index,
    effect: stmt.effect,
    principal,
    action,
    resource,
    conditions,
    applies: all,
  };
  if (stmt.sid !== undefined) trace.sid = stmt.sid;
  return trace;
}

/**
 * Evaluates a resource policy or trust policy for one request: Allow when an Allow statement
 * applies and no Deny statement does; a Deny that applies always wins
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 */
export function evaluate(
  policy: Policy,
  request: EvaluationRequest,
  options?: EvaluateOptions,
): EvaluationResult {
  const context = toContextMap(request.context);
  const variables = policy.version === "2012-10-17";
  const trace = policy.statements.map((s) => traceStatement(s, request, context, variables, options));
  let decision: Decision = "ImplicitDeny";
  if (trace.some((t) => t.applies && t.effect === "Deny")) decision = "ExplicitDeny";
  else if (trace.some((t) => t.applies && t.effect === "Allow")) decision = "Allow";
  return { decision, trace };
}
