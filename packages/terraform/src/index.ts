/**
 * @packageDocumentation
 * deputyguard's Terraform adapter: finds every IAM policy in Terraform / OpenTofu modules and in
 * `terraform show -json` plans, with expressions and references resolved and exact positions.
 */

export {
  analyseModule,
  type ModuleAnalysis,
  type TerraformOptions,
  type UnanalysedModule,
} from "./analysis.js";
export {
  applyTerraformFixes,
  applyTerraformFixesWithNotes,
  type TerraformFixResult,
} from "./fix.js";
export { terraformFormat } from "./hcl-format.js";
export { type CheckedSite, PlanModulePairs } from "./plan/module-pairs.js";
export { type PlanScanOptions, planSites, terraformPlanFormat } from "./plan-format.js";
