/**
 * @packageDocumentation
 * deputyguard adapter for CloudFormation: templates in JSON and YAML (short-form tags), SAM, CDK
 * cloud assemblies and local nested stacks, with intrinsic functions resolved and every policy
 * handed to the core as a {@link PolicySite} with positions.
 */

export { findCloudAssemblies, findCloudAssembly, scanCloudAssemblies, scanCloudAssembly } from "./cdk.js";
export { type CheckedTemplate, checkCloudFormation } from "./check.js";
export {
  type CloudFormationExtractOptions,
  type CloudFormationExtractResult,
  extractCloudFormation,
} from "./extract.js";
export { applyCloudFormationFixes, cloudFormationFixPerFinding } from "./fix.js";
export { cloudFormationFormat } from "./format.js";
export { parseParameterArgument, parseParametersFile } from "./parameters.js";
export { looksLikeTemplate, parseTemplate } from "./read/template.js";
export { readYamlTemplate, YAML_PARSE_OPTIONS } from "./read/yaml-template.js";
export type { CloudFormationSite } from "./sites/find.js";
