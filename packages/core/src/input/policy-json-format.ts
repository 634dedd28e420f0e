import type { InputFormat } from "../engine/format.js";
import type { PolicySite } from "../engine/site.js";
import { looksLikePolicy } from "../model/parse-policy.js";
import { parseJsonSource } from "./json-source.js";

/** Quick content test: the first non-blank character opens JSON and the text names Statement or Effect. */
function mayBePolicyJson(text: string): boolean {
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  const c = text[i];
  if (c !== "{" && c !== "[") return false;
  return text.includes('"Statement"') || text.includes('"Effect"');
}

/** IAM policy JSON files: a policy document, a single statement, or a list of statements. */
export const policyJsonFormat: InputFormat = {
  name: "iam-policy-json",
  extensions: [".json"],
  recognises(input) {
    return mayBePolicyJson(input.text);
  },
  extract(input) {
    const parsed = parseJsonSource(input.text, input.file);
    if (!parsed.node) return { sites: [], diagnostics: parsed.diagnostics };
    if (!looksLikePolicy(parsed.node)) {
      return {
        sites: [],
        diagnostics: [
          ...parsed.diagnostics,
          {
            code: "NotRecognised",
            severity: "error",
            file: input.file,
            line: 1,
            column: 1,
            message:
              "not an IAM policy: expected a document with Statement, a statement with Effect, or a list of statements",
          },
        ],
      };
    }
    const site: PolicySite = { file: input.file, resource: null, kind: "policy", document: parsed.node };
    if (parsed.node.range) site.range = parsed.node.range;
    return { sites: [site], diagnostics: parsed.diagnostics };
  },
};
