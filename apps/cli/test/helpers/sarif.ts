import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "./cli.js";

/** The SARIF 2.1.0 schema (draft-04) in the shared folder beside the repository; CI has it. */
export const SARIF_SCHEMA = join(ROOT, "..", "shared", "schemas", "sarif-schema-2.1.0.json");
export const hasSarifSchema = existsSync(SARIF_SCHEMA);

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
type AjvLike = { compile(schema: unknown): Validate };
// ajv-draft-04 is a devDependency of packages/core, not of the CLI: resolve it (and ajv-formats) from there.
const requireFromCore = createRequire(join(ROOT, "packages", "core", "package.json"));
// Both packages are CommonJS; the class or function sits on `default` once, twice or not at all.
const unwrap = <T>(m: unknown): T => {
  const d = (m as { default?: unknown }).default ?? m;
  return ((d as { default?: unknown }).default ?? d) as T;
};

let validate: Validate | undefined;

/** Validates a SARIF log against the official schema; `errors` is empty when it is valid. */
export function validateSarif(doc: unknown): { ok: boolean; errors: string } {
  if (!validate) {
    const Ajv = unwrap<new (options: object) => AjvLike>(requireFromCore("ajv-draft-04"));
    const addFormats = unwrap<(ajv: AjvLike) => void>(requireFromCore("ajv-formats"));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, "utf8")));
  }
  const ok = validate(doc);
  return { ok, errors: ok ? "" : JSON.stringify(validate.errors?.slice(0, 10), null, 2) };
}

export interface SarifLog {
  version: string;
  runs: Array<{
    tool: {
      driver: {
        name: string;
        rules: Array<{
          id: string;
          name: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          help: { text: string };
          helpUri: string;
          properties: { "security-severity": string; precision: string };
        }>;
      };
    };
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: unknown[] }>;
    results: Array<{
      ruleId: string;
      ruleIndex?: number;
      level: string;
      message: { text: string };
      locations: Array<{
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; startColumn: number };
        };
      }>;
      partialFingerprints: Record<string, string>;
      suppressions?: Array<{ kind: string; status?: string; justification?: string }>;
      properties: { severity: string; "security-severity": string };
    }>;
  }>;
}
