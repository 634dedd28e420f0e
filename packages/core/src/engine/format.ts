import type { Diagnostic } from "../model/source.js";
import type { CheckOptions } from "./check.js";
import type { PolicySite } from "./site.js";

/** One file handed to a format: its path as given and its text. */
export interface ScanInput {
  file: string;
  text: string;
}

/** The policy sites an input format found in a file, and the problems it met. */
export interface ExtractResult {
  sites: PolicySite[];
  diagnostics: Diagnostic[];
}

/** What the user gave for values the input leaves open. */
export interface ScanOptions extends CheckOptions {
  /** CloudFormation parameter values (`--parameters file.json`, `--parameter Key=Value`). */
  parameters?: Readonly<Record<string, string>>;
  /** Terraform variable values (`--var name=value`, `--var-file`), already parsed. */
  variables?: Readonly<Record<string, unknown>>;
  /** Terraform variable files to read (`--var-file`). */
  varFiles?: readonly string[];
  /**
   * Terraform variable values for one root module directory (from the configuration file's per-path
   * `variables`); applied after `*.auto.tfvars` and before `varFiles` and `variables`.
   */
  variablesFor?: (moduleDir: string) => Readonly<Record<string, unknown>> | undefined;
  /** Refuse files larger than this many bytes. */
  maxFileSize?: number;
  /**
   * For directory scans: whether a file is to be read at all (the CLI leaves out what `.gitignore`
   * and the configuration's include/exclude leave out). A Terraform directory none of whose files
   * is included is not a module of the scan.
   */
  includeFile?: (file: string) => boolean;
}

/** A directory a format reads as a whole (a Terraform module tree, a CDK `cdk.out` assembly). */
export interface DirectoryResult extends ExtractResult {
  /** Files this format consumed; the file-level walk skips them. */
  files: string[];
  /**
   * Other files read as part of these inputs (a policy template a Terraform module renders with
   * `templatefile()`): their policies are reported where they are used, so a directory walk does
   * not read them on their own; a file named explicitly still is.
   */
  embedded?: string[];
  /** Number of files read and recognised. */
  recognisedFiles: number;
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
  extract(input: ScanInput, options: ScanOptions): Promise<ExtractResult> | ExtractResult;
  /**
   * Optional: read a directory as a whole (before the file walk). Returns undefined when the format
   * has nothing there.
   */
  scanDirectory?(dir: string, options: ScanOptions): Promise<DirectoryResult | undefined>;
  /**
   * Optional: a file that only makes sense with its directory (a `.tf` file is part of a module):
   * the format reads the directory and reports only what concerns `file`.
   */
  scanFileInContext?(file: string, options: ScanOptions): Promise<DirectoryResult | undefined>;
}
