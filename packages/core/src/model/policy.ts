import type { SourceRange } from "./source.js";
import type { PolicyValue, ValueSymbol } from "./values.js";

/** The IAM condition operators without `IfExists` and set prefixes. */
export const BASE_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Null",
] as const;

/** An IAM condition operator name without `IfExists` or a set prefix. */
export type BaseOperator = (typeof BASE_OPERATORS)[number];

/** The set operator prefixes for multi-valued keys. */
export type SetQualifier = "ForAnyValue" | "ForAllValues";

/** A condition operator as parsed. `base` is null when the text is not an IAM operator (CD203). */
export interface ConditionOperator {
  /** The text as written, e.g. `" ArnEquals"` or `ForAnyValue:StringLikeIfExists`. */
  text: string;
  base: BaseOperator | null;
  ifExists: boolean;
  set: SetQualifier | null;
  /** For an invalid operator: the operator most likely intended, if any. */
  suggestion?: string;
  /** Why it is invalid. */
  problem?: string;
}

/** One key under one operator: `"StringEquals": { "aws:SourceAccount": ["1", "2"] }`. */
export interface ConditionEntry {
  operator: ConditionOperator;
  operatorRange?: SourceRange;
  /** The key as written. */
  key: string;
  /** Lower-cased key: condition keys are case-insensitive. */
  keyLower: string;
  keyRange?: SourceRange;
  /** The values (OR for positive operators, NOR for negated ones). */
  values: PolicyValue[];
  range?: SourceRange;
}

export type PrincipalType = "AWS" | "Service" | "Federated" | "CanonicalUser";

/** One principal type (`Service`, `AWS`, ...) and its values. */
export interface PrincipalEntry {
  type: string;
  values: PolicyValue[];
  range?: SourceRange;
}

/** `"Principal": "*"` has `star` set; otherwise entries per type. */
export interface PrincipalSpec {
  star: boolean;
  entries: PrincipalEntry[];
  range?: SourceRange;
  /**
   * Set when the whole principal is a value not known before deployment (its type too): what it
   * depends on. It is analysed as a service principal that may be any, though it may be an account.
   */
  unknown?: ValueSymbol[];
}

/** The values of Action, Resource and similar elements. */
export interface ValueList {
  values: PolicyValue[];
  range?: SourceRange;
}

/** One policy statement with every element and its source range. */
export interface Statement {
  /** 0-based, as written in the document. */
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  action?: ValueList;
  notAction?: ValueList;
  resource?: ValueList;
  notResource?: ValueList;
  conditions: ConditionEntry[];
  /** Where the condition block is written (its value, and its `"Condition"` key). */
  conditionRange?: SourceRange;
  conditionKeyRange?: SourceRange;
  /**
   * Set when the whole Condition element, or the block of keys under one of its operators, is a
   * value not known before deployment (a Terraform conditional, an import): what it depends on. It
   * may hold no guard, so the statement is judged without it, its weakest form.
   */
  conditionUnknown?: ValueSymbol[];
  /** Set when the Effect is not known before deployment (then `effect` is "Allow"): what it depends on. */
  effectUnknown?: ValueSymbol[];
  /**
   * Set on a Deny whose reach depends on values not known before deployment (its Condition, a whole
   * Principal or NotPrincipal, a wholly unknown NotAction or NotResource value): it
   * may apply to fewer requests than its known form, so the analysis does not count on it.
   */
  uncertain?: ValueSymbol[];
  range?: SourceRange;
}

/** A parsed policy: its statements as written, with positions. */
export interface Policy {
  /** `2012-10-17`, `2008-10-17` or undefined when absent. */
  version?: string;
  id?: string;
  statements: Statement[];
  /** How the input was written: a whole document, one statement or a list of statements. */
  form: "document" | "statement" | "statements";
  range?: SourceRange;
}

/** Whether an operator is a negated one (NOR over its values; true when the key is absent). */
export function isNegatedOperator(base: BaseOperator): boolean {
  return (
    base === "StringNotEquals" ||
    base === "StringNotEqualsIgnoreCase" ||
    base === "StringNotLike" ||
    base === "NumericNotEquals" ||
    base === "DateNotEquals" ||
    base === "NotIpAddress" ||
    base === "ArnNotEquals" ||
    base === "ArnNotLike"
  );
}
