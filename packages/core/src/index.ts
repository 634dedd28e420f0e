/**
 * @packageDocumentation
 * deputyguard core: the policy model, IAM semantics, the cross-service confused-deputy analysis,
 * the rules and the reporters. No file I/O.
 */

export {
  clearAnalysisCaches,
  type ForeignAccessQuery,
  type ForeignAccessResult,
  findForeignAccess,
  type Witness,
} from "./analysis/foreign-access.js";
export { type GuardKind, guardKind } from "./analysis/guards.js";
export { type CoveredPrincipal, type StatementFacts, statementFacts } from "./analysis/statement-facts.js";
export {
  type CheckOptions,
  type CheckResult,
  checkPolicy,
  checkPolicyText,
  checkSite,
  compareFindings,
  type Finding,
  lambdaPermissionPolicy,
  type PolicyFileResult,
} from "./engine/check.js";
export {
  type Choice,
  ChoiceRun,
  type Chooser,
  chooseAlternatives,
  enumerateVariants,
  expandAlternatives,
  hasAlternatives,
  MAX_VARIANTS,
  ONE_CHOICE_FACTOR,
  type VariantOutcomes,
} from "./engine/choices.js";
export { editBetween, type TextEdit } from "./engine/edit.js";
export { type ConditionBlock, contestedPlaces, type Fix, fixNeedsUserValue } from "./engine/fix.js";
export type { DirectoryResult, ExtractResult, InputFormat, ScanInput, ScanOptions } from "./engine/format.js";
export { applyPolicyJsonFixes, unifiedDiff } from "./engine/json-fix.js";
export { checkSites, mergeVariantFindings, PolicyVariants } from "./engine/merge.js";
export type {
  GeneratedPermissionSource,
  LambdaPermission,
  LambdaPermissionField,
  PolicySite,
  PolicySiteKind,
  RelatedLocation,
} from "./engine/site.js";
export { matchArnPattern, splitArn } from "./iam/arn.js";
export {
  type ConditionTrace,
  type Decision,
  type EvaluateOptions,
  type EvaluationRequest,
  type EvaluationResult,
  evaluate,
  type StatementTrace,
} from "./iam/evaluate.js";
export { hasWildcard, matchGlob } from "./iam/wildcard.js";
export { wideTextProblem } from "./input/encoding.js";
export { parseJsonSource } from "./input/json-source.js";
export { policyJsonFormat } from "./input/policy-json-format.js";
export { ELB_LOG_DELIVERY_ACCOUNTS } from "./knowledge/elb-accounts.js";
export {
  DOCUMENTATION_EXAMPLE_ACCOUNTS,
  DOCUMENTATION_PLACEHOLDER_PHRASES,
} from "./knowledge/example-accounts.js";
export { findService, isServicePrincipalName } from "./knowledge/lookup.js";
export {
  renderServicesDoc,
  renderServicesTable,
  type ServiceJson,
  servicesAsJson,
} from "./knowledge/render.js";
export { SERVICES } from "./knowledge/services.js";
export type { AlternativeGuardKey, KeyPresence, ServiceKnowledge } from "./knowledge/types.js";
export { LineIndex } from "./model/line-index.js";
export { parseConditionOperator, suggestOperator } from "./model/operators.js";
export { looksLikePolicy, type ParsedPolicy, parsePolicy } from "./model/parse-policy.js";
export type {
  BaseOperator,
  ConditionEntry,
  ConditionOperator,
  Policy,
  PrincipalEntry,
  PrincipalSpec,
  SetQualifier,
  Statement,
  ValueList,
} from "./model/policy.js";
export { BASE_OPERATORS, isNegatedOperator } from "./model/policy.js";
export type { Diagnostic, SourcePosition, SourceRange } from "./model/source.js";
export { dedupeDiagnostics, diagnosticAt, PackedRange, plainRange } from "./model/source.js";
export type { ArrayNode, ObjectNode, ScalarNode, SourceEntry, SourceNode, ValueNode } from "./model/tree.js";
export { nodeFromPlain } from "./model/tree.js";
export type { PolicyValue, Provenance, SymbolKind, ValuePart, ValueSymbol } from "./model/values.js";
export {
  displayValue,
  isKnown,
  knownText,
  knownValue,
  normalizeParts,
  provenanceText,
  SELF_ACCOUNT,
  symbolValue,
  wholeUnknown,
} from "./model/values.js";
export { applyBaseline, type Baseline, createBaseline, parseBaseline } from "./report/baseline.js";
export { findingFingerprint } from "./report/fingerprint.js";
export { renderJson, renderJsonChunks } from "./report/json.js";
export { batched, jsonChunks } from "./report/json-chunks.js";
export { atLeast, emptyReport, isSeverity, type ScanReport } from "./report/report.js";
export { renderRuleDoc, renderRuleIndex } from "./report/rule-doc.js";
export { renderJunit, renderSarif, renderSarifChunks, type SarifOptions } from "./report/sarif.js";
export { applySuppressions, type Suppression, type SuppressionOutcome } from "./report/suppress.js";
export { codeFrame, type Palette, PLAIN, renderText, type TextOptions } from "./report/text.js";
export { findRule, RULES, suggestRule } from "./rules/index.js";
export {
  defineRule,
  type Rule,
  type RuleContext,
  type RuleMeta,
  SEVERITY_ORDER,
  type Severity,
} from "./rules/types.js";
