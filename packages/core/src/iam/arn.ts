import { matchGlob } from "./wildcard.js";

/** `arn`, partition, service, region, account, resource. */
const ARN_COMPONENTS = 6;

/**
 * Splits an ARN at its first five colons into `arn`, partition, service, region, account and
 * resource; the resource is the rest and may itself contain colons (`function:name:alias`).
 * Returns null when there are fewer than five colons. The first component is not checked to be `arn`:
 * `ArnLike` compares it like any other component.
 */
export function splitArn(value: string): string[] | null {
  const parts: string[] = [];
  let start = 0;
  for (let k = 0; k < ARN_COMPONENTS - 1; k++) {
    const colon = value.indexOf(":", start);
    if (colon < 0) return null;
    parts.push(value.slice(start, colon));
    start = colon + 1;
  }
  parts.push(value.slice(start));
  return parts;
}

const patternCache = new Map<string, string[] | null>();

/** Empties the split-pattern cache. */
export function clearArnCache(): void {
  patternCache.clear();
}

/**
 * `ArnLike` / `ArnEquals` (AWS documents them as identical): "Each of the six colon-delimited
 * components of the ARN is checked separately and each can include multi-character match wildcards
 * (*) or single-character match wildcards (?)."
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 *
 * So a `*` in the region cannot absorb `us-east-1:999999999999:endpoint` the way it can under
 * `StringLike`: each of the first five components is matched on its own and wildcards there never
 * cross ':'. The resource (everything after the fifth colon) is one component whose wildcards may
 * cross ':'. Matching is case-sensitive.
 *
 * A pattern with fewer than six components never matches, except the pattern `*`, which matches any
 * value. AWS does not say what `ArnLike "*"` does; treating it as match-all is the conservative
 * choice for this tool, as it never hides a statement that is open to everyone. A request value with
 * fewer than six components (not an ARN) therefore matches only `*`.
 */
export function matchArnPattern(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  let patternParts = patternCache.get(pattern);
  if (patternParts === undefined) {
    if (patternCache.size >= 4096) patternCache.clear();
    patternParts = splitArn(pattern);
    patternCache.set(pattern, patternParts);
  }
  const arnParts = splitArn(arn);
  if (patternParts === null || arnParts === null) return false;
  for (let k = 0; k < ARN_COMPONENTS - 1; k++) {
    if (!matchGlob(patternParts[k] as string, arnParts[k] as string, { noColon: true })) return false;
  }
  return matchGlob(patternParts[ARN_COMPONENTS - 1] as string, arnParts[ARN_COMPONENTS - 1] as string);
}
