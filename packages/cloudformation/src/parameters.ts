import { parseJsonSource } from "@deputyguard/core";
import { getOf, type SourceNode, scalarText } from "./tree.js";

/** A parameters file or argument that cannot be used; `code` is stable for the CLI. */
export class ParameterError extends Error {
  readonly code = "ConfigError";
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

function text(node: SourceNode | undefined): string | undefined {
  if (node?.kind === "array") {
    const items = node.items.map(scalarText);
    return items.every((i) => i !== undefined) ? items.join(",") : undefined;
  }
  return scalarText(node);
}

/**
 * Reads `--parameters file.json` in any of the shapes the AWS tools write:
 * - `[{"ParameterKey": "Env", "ParameterValue": "prod"}]` (aws cloudformation create-stack);
 * - `{"Parameters": {"Env": "prod"}}` (a CodePipeline template configuration file);
 * - `{"Env": "prod"}`.
 * List values may be written as JSON lists; they become comma-delimited, as CloudFormation reads them.
 */
export function parseParametersFile(content: string, file: string): Record<string, string> {
  const parsed = parseJsonSource(content, file);
  if (!parsed.node) {
    const d = parsed.diagnostics[0];
    throw new ParameterError(`${file}: ${d?.message ?? "not JSON"}`, d?.line, d?.column);
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const root = parsed.node;
  const fail = (message: string, node: SourceNode): never => {
    throw new ParameterError(`${file}: ${message}`, node.range?.start.line, node.range?.start.column);
  };
  if (root.kind === "array") {
    for (const item of root.items) {
      const key = scalarText(getOf(item, "ParameterKey"));
      const value = text(getOf(item, "ParameterValue"));
      if (key === undefined) fail("each item needs ParameterKey and ParameterValue", item);
      if (value === undefined) {
        if (scalarText(getOf(item, "UsePreviousValue")) === "true") continue;
        fail(`parameter ${key} has no ParameterValue`, item);
      }
      out[key as string] = value as string;
    }
    return out;
  }
  if (root.kind !== "object")
    fail("expected a list of {ParameterKey, ParameterValue} or an object of values", root);
  const obj = root.kind === "object" ? root : undefined;
  const params = getOf(obj, "Parameters");
  const source = params?.kind === "object" ? params : obj;
  if (source?.kind !== "object") return out;
  for (const e of source.entries) {
    const value = text(e.value);
    if (value === undefined)
      fail(`the value of ${e.key} must be a string, a number or a list of them`, e.value);
    out[e.key] = value as string;
  }
  return out;
}

/** Reads `--parameter Key=Value` (the value may contain `=`). */
export function parseParameterArgument(argument: string): [string, string] {
  const eq = argument.indexOf("=");
  if (eq <= 0) throw new ParameterError(`--parameter takes Key=Value, not "${argument}"`);
  return [argument.slice(0, eq), argument.slice(eq + 1)];
}
