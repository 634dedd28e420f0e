import type { Diagnostic, InputFormat } from "@deputyguard/core";
import { scanCloudAssemblies, stackAccountOf, stackFileAssetsOf } from "./cdk.js";
import { extractCloudFormation } from "./extract.js";
import { looksLikeTemplate } from "./read/template.js";

/**
 * CloudFormation templates (JSON or YAML, SAM, nested stacks) and CDK cloud assemblies. Files are
 * recognised by content: `AWSTemplateFormatVersion`, or `Resources` holding a `Type: AWS::...`.
 */
export const cloudFormationFormat: InputFormat = {
  name: "cloudformation",
  extensions: [".json", ".yaml", ".yml", ".template", ".cfn"],
  recognises(input) {
    return looksLikeTemplate(input.text);
  },
  async extract(input, options) {
    // A CDK template named by itself: its nested stacks through its stack's asset manifest too.
    const read: Diagnostic[] = [];
    const cdkFileAssets = input.text.includes("AWS::CloudFormation::Stack")
      ? stackFileAssetsOf(input.file, read)
      : undefined;
    const { sites, diagnostics } = await extractCloudFormation(input.file, input.text, {
      ...options,
      ...(cdkFileAssets ? { cdkFileAssets } : {}),
    });
    diagnostics.push(...read);
    // A CDK template named by itself: its stack's account from the manifest beside it.
    const own = sites.length > 0 ? stackAccountOf(input.file) : undefined;
    if (own !== undefined) for (const site of sites) site.ownAccount = own;
    return { sites, diagnostics };
  },
  scanDirectory(dir, options) {
    return scanCloudAssemblies(dir, options);
  },
};
