import { BASE_OPERATORS, type BaseOperator, type ConditionOperator, type SetQualifier } from "./policy.js";

const EXACT = new Map<string, BaseOperator>(BASE_OPERATORS.map((op) => [op, op]));

/** Operators that take the `IfExists` suffix: all but Null. */
function takesIfExists(base: BaseOperator): boolean {
  return base !== "Null";
}

/**
 * Parses a condition operator such as `ForAnyValue:StringLikeIfExists`. Names are matched exactly,
 * case included: IAM refuses `stringEquals` ("MalformedPolicyDocument: Invalid Condition type :
 * stringEquals", ministryofjustice/modernisation-platform-environments#8893), and cfn-lint's E3512
 * likewise. Anything else, including surrounding white space, is not an operator (CD203 names the
 * one meant).
 */
export function parseConditionOperator(text: string): ConditionOperator {
  let rest = text;
  let set: SetQualifier | null = null;
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const prefix = rest.slice(0, colon);
    if (prefix === "ForAnyValue") set = "ForAnyValue";
    else if (prefix === "ForAllValues") set = "ForAllValues";
    else
      return invalid(
        text,
        `"${rest.slice(0, colon)}:" is not a set operator (ForAnyValue: or ForAllValues:)`,
      );
    rest = rest.slice(colon + 1);
  }
  let base = EXACT.get(rest);
  let ifExists = false;
  if (!base && rest.endsWith("IfExists")) {
    base = EXACT.get(rest.slice(0, -"IfExists".length));
    ifExists = base !== undefined;
    if (base && !takesIfExists(base)) return invalid(text, "Null does not take the IfExists suffix");
  }
  if (!base) return invalid(text, `"${text}" is not an IAM condition operator`);
  if (set && base === "Null") return invalid(text, "Null does not take a set operator");
  return { text, base, ifExists, set };
}

function invalid(text: string, problem: string): ConditionOperator {
  const suggestion = suggestOperator(text);
  return suggestion
    ? { text, base: null, ifExists: false, set: null, problem, suggestion }
    : { text, base: null, ifExists: false, set: null, problem };
}

/** The valid operator closest to a misspelt one (`ArnEqual` → `ArnEquals`, `" ArnEquals"` → `ArnEquals`). */
export function suggestOperator(text: string): string | undefined {
  const trimmed = text.trim().replace(/\s+/g, "");
  if (trimmed !== text) {
    const again = parseConditionOperator(trimmed);
    if (again.base) return trimmed;
  }
  let rest = trimmed;
  let prefix = "";
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const p = rest.slice(0, colon).toLowerCase();
    const close = closest(p, ["foranyvalue", "forallvalues"], 3);
    prefix = close === "foranyvalue" ? "ForAnyValue:" : close === "forallvalues" ? "ForAllValues:" : "";
    rest = rest.slice(colon + 1);
  }
  const candidates: string[] = [];
  for (const op of BASE_OPERATORS) {
    candidates.push(op);
    if (takesIfExists(op)) candidates.push(`${op}IfExists`);
  }
  const lower = rest.toLowerCase();
  const best = closest(
    lower,
    candidates.map((c) => c.toLowerCase()),
    Math.max(2, Math.floor(lower.length / 4)),
  );
  if (!best) return undefined;
  const found = candidates.find((c) => c.toLowerCase() === best);
  return found ? prefix + found : undefined;
}

/** The option nearest to `word` within `maxDistance` edits (Levenshtein), if any. */
export function closest(word: string, options: string[], maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const option of options) {
    const d = editDistance(word, option, bestDistance);
    if (d < bestDistance) {
      best = option;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? cap;
}
