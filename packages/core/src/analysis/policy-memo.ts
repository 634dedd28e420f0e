import type { Policy, Statement } from "../model/policy.js";
import type { PolicyValue, ValueSymbol } from "../model/values.js";
import type { PolicyContext } from "./foreign-access.js";
import type { Guard } from "./guards.js";

/**
 * What the analysis derives from a whole policy, found once per policy (every statement of a
 * policy asks for it, and a generated policy may have thousands): one record per policy, filled as
 * the analysis asks, rather than an entry per policy in a weak map for each of these.
 */
export interface PolicyMemo {
  /** The Deny statements known before deployment (in order): those the analysis counts on. */
  knownDenies?: Statement[];
  /** Display spelling of each lower-cased condition key: the spelling the policy uses first. */
  spellings?: Map<string, string>;
  /** The guards of the Deny statements known before deployment. */
  denyGuards?: Guard[];
  /** The unknowns of those guards that decide whose account or organization they name. */
  denyUnknowns?: Array<{ value: PolicyValue; symbol: ValueSymbol }>;
  /** The Deny statements whose reach is not known before deployment. */
  uncertainDenies?: Statement[];
  /** The Deny statements known before deployment that have a guard. */
  guardedDenies?: Statement[];
  /** What every statement shares in the search, by the options it was computed with. */
  contexts?: Map<string, PolicyContext>;
  /** Whether the policy has a Deny statement. */
  hasDeny?: boolean;
  /** Whether a Deny statement reads aws:ResourceOrgID, as a key or a variable. */
  deniesReadOrg?: boolean;
}

const memos = new WeakMap<Policy, PolicyMemo>();

/** The record of what has been derived from `policy` so far. */
export function policyMemo(policy: Policy): PolicyMemo {
  let memo = memos.get(policy);
  if (!memo) {
    memo = {};
    memos.set(policy, memo);
  }
  return memo;
}

/** The Deny statements of the policy known before deployment, in order (see `PolicyMemo.knownDenies`). */
export function knownDenies(policy: Policy): Statement[] {
  const memo = policyMemo(policy);
  memo.knownDenies ??= policy.statements.filter((d) => d.effect === "Deny" && !d.uncertain);
  return memo.knownDenies;
}
