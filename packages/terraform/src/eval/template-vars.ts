import { basename } from "node:path";
import type { Diagnostic, SourceRange } from "@deputyguard/core";
import type { LineMap } from "../hcl/line-map.js";
import type { TemplatePart } from "../hcl/syntax.js";
import { freeReferences } from "../hcl/traversals.js";
import { type TfValue, unknown } from "./value.js";

/**
 * The keys a template refers to that `templatefile`'s vars map lacks. Terraform checks every
 * reference, in branches taken or not, before it renders, and fails at plan ("vars map does not
 * contain key ...", internal/lang/funcs/filesystem.go): the policy never deploys, so it is an
 * error, and the text stays unknown rather than rendered with a guess. Not checked when the map's
 * keys are not all known.
 */
export function missingTemplateVars(
  parts: TemplatePart[],
  vars: TfValue,
  template: LineMap,
  path: string,
  call: SourceRange | undefined,
  diagnostics: Diagnostic[],
): TfValue | undefined {
  if (vars.kind !== "object" || vars.unknownKeys?.length) return undefined;
  const first = new Map<string, number>();
  for (const r of freeReferences(parts))
    if (!vars.entries.has(r.name) && !first.has(r.name)) first.set(r.name, r.span.start);
  if (first.size === 0) return undefined;
  const where = [...first].map(([name, offset]) => {
    const p = template.position(offset);
    return `"${name}" (${basename(template.file)}:${p.line}:${p.column})`;
  });
  const keys = `${first.size === 1 ? "key" : "keys"} ${where.join(", ")}`;
  const at = call?.start ?? template.position(first.values().next().value ?? 0);
  diagnostics.push({
    code: "ConfigError",
    severity: "error",
    file: call?.file ?? template.file,
    line: at.line,
    column: at.column,
    message: `the vars map of templatefile("${path}") does not contain the ${keys} that the template references, so Terraform fails at plan; give ${first.size === 1 ? "it" : "them"} in the vars map. The policy is not analysed`,
  });
  return unknown(
    `templatefile("${path}")`,
    `its vars map does not contain the ${keys} that the template references`,
    call,
  );
}
