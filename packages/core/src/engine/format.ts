import type { Diagnostic } from "../model/source.js";
import type { CheckOptions } from "./check.js";
import type { PolicySite } from "./site.js";

/** One file handed to a format: its path as given and its text. */
export interface ScanInput {
  file: string;
  text: string;
}

export interface ExtractResult {
  sites: PolicySite[];
  diagnostics: Diagnostic[];
}

/**
 * An input format (IAM policy JSON, CloudFormation, Terraform, ...). The CLI asks each format in
 * turn whether it recognises a file by its content, then checks the sites it extracts. Adapters
 * implement this interface; rules never see the format.
 */
export interface InputFormat {
  name: string;
  /** File name endings worth reading in a directory walk, e.g. `.json`. */
  extensions: readonly string[];
  /** Cheap test on name and content. */
  recognises(input: ScanInput): boolean;
  extract(input: ScanInput, options: CheckOptions): Promise<ExtractResult> | ExtractResult;
}
