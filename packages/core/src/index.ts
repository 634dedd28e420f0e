/**
 * @packageDocumentation
 * deputyguard core: the policy model, IAM semantics, the cross-service confused-deputy analysis,
 * the rules and the reporters. No file I/O.
 */

export type { SourcePosition, SourceRange, Diagnostic } from "./model/source.js";
export type { PolicyValue, ValuePart, ValueSymbol, SymbolKind, Provenance } from "./model/values.js";
export { knownValue, symbolValue, isKnown, knownText, displayValue, normalizeParts, SELF_ACCOUNT } from "./model/values.js";
export type { SourceNode, ObjectNode, ArrayNode, ScalarNode, ValueNode, SourceEntry } from "./model/tree.js";
export { nodeFromPlain } from "./model/tree.js";
export type {
  Policy,
  Statement,
  ConditionEntry,
  ConditionOperator,
  BaseOperator,
  SetQualifier,
  PrincipalSpec,
  PrincipalEntry,
  ValueList,
} from "./model/policy.js";
export { BASE_OPERATORS, isNegatedOperator } from "./model/policy.js";
export { parseConditionOperator, suggestOperator } from "./model/operators.js";
export { parsePolicy, looksLikePolicy, type ParsedPolicy } from "./model/parse-policy.js";

export { parseJsonSource } from "./input/json-source.js";
export { policyJsonFormat } from "./input/policy-json-format.js";

export { matchGlob, hasWildcard } from "./iam/wildcard.js";
export { matchArnPattern, splitArn } from "./iam/arn.js";
export {
  evaluate,
  type EvaluationRequest,
  type EvaluationResult,
  type Decision,
  type StatementTrace,
  type ConditionTrace,
  type EvaluateOptions,
} from "./iam/evaluate.js";

export { findForeignAccess, type ForeignAccessQuery, type ForeignAccessResult, type Witness } from "./analysis/foreign-access.js";
export { statementFacts, type StatementFacts, type CoveredPrincipal } from "./analysis/statement-facts.js";

export { SERVICES } from "./knowledge/services.js";
export { findService, isServicePrincipalName } from "./knowledge/lookup.js";
export type { ServiceKnowledge, KeyPresence, AlternativeGuardKey } from "./knowledge/types.js";
export { DOCUMENTATION_EXAMPLE_ACCOUNTS, DOCUMENTATION_PLACEHOLDER_PHRASES } from "./knowledge/example-accounts.js";

export { RULES, findRule } from "./rules/index.js";
export { defineRule, SEVERITY_ORDER, type Rule, type RuleMeta, type RuleContext, type Severity } from "./rules/types.js";

export {
  checkSite,
  checkPolicy,
  checkPolicyText,
  lambdaPermissionPolicy,
  compareFindings,
  type CheckOptions,
  type CheckResult,
  type Finding,
  type PolicyFileResult,
} from "./engine/check.js";
export type { PolicySite, PolicySiteKind, LambdaPermission } from "./engine/site.js";
export type { InputFormat, ScanInput, ExtractResult } from "./engine/format.js";

export { type ScanReport, emptyReport, atLeast, isSeverity } from "./report/report.js";
export { renderJson } from "./report/json.js";
export { renderText, codeFrame, type Palette, type TextOptions, PLAIN } from "./report/text.js";
export { renderRuleDoc } from "./report/rule-doc.js";
