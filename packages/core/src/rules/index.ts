import { closest } from "../model/operators.js";
import cd101 from "./cd101-service-principal-without-source-guard.js";
import cd102 from "./cd102-source-guard-admits-foreign-account.js";
import cd103 from "./cd103-source-arn-without-account.js";
import cd104 from "./cd104-source-guard-bypassed-when-absent.js";
import cd105 from "./cd105-source-arn-string-operator.js";
import cd201 from "./cd201-wildcard-with-exact-operator.js";
import cd202 from "./cd202-source-account-arn-mismatch.js";
import cd203 from "./cd203-invalid-condition-operator.js";
import cd204 from "./cd204-placeholder-or-malformed-guard-value.js";
import cd205 from "./cd205-source-arn-service-mismatch.js";
import cd301 from "./cd301-unresolved-guard-value.js";
import type { Rule } from "./types.js";

/** Every rule, in id order. */
export const RULES: readonly Rule[] = [
  cd101,
  cd102,
  cd103,
  cd104,
  cd105,
  cd201,
  cd202,
  cd203,
  cd204,
  cd205,
  cd301,
];

/** Finds a rule by id, slug or former id. */
export function findRule(idOrSlug: string): Rule | undefined {
  const key = idOrSlug.toUpperCase();
  return RULES.find((r) => r.meta.id === key || r.meta.slug === idOrSlug || r.meta.aliases?.includes(key));
}

/**
 * The rule id or slug a name that is no rule's is a slip away from (at most 2 edits, case aside):
 * `CD10l` → `CD101`, `source-arn-without-acount` → `source-arn-without-account`.
 */
export function suggestRule(name: string): string | undefined {
  const names = RULES.flatMap((r) => [r.meta.id, r.meta.slug]);
  const best = closest(
    name.toLowerCase(),
    names.map((n) => n.toLowerCase()),
    2,
  );
  return best === undefined ? undefined : names.find((n) => n.toLowerCase() === best);
}
