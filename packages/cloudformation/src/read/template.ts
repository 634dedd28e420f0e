import { type Diagnostic, getEntryOf, type ObjectNode, parseJsonSource, type SourceNode } from "../tree.js";
import { MAX_TEMPLATE_DEPTH, readYamlTemplate } from "./yaml-template.js";

export interface ParsedTemplate {
  root?: ObjectNode;
  diagnostics: Diagnostic[];
}

function firstNonBlank(text: string): string {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else break;
  }
  return text[i] ?? "";
}

const TEMPLATE_VERSION = /["']?AWSTemplateFormatVersion["']?\s*:/;
const RESOURCES_KEY = /(^|[\s{,])["']?Resources["']?\s*:/m;
const AWS_TYPE = /["']?Type["']?\s*:\s*["']?(AWS|Custom|Alexa)::/;

/**
 * True when the text is a CloudFormation template: it names `AWSTemplateFormatVersion`, or it has
 * `Resources` holding a `Type: AWS::...`. Decided by content, whatever the file is called.
 */
export function looksLikeTemplate(text: string): boolean {
  const head = text.length > 1_000_000 ? text.slice(0, 1_000_000) : text;
  if (TEMPLATE_VERSION.test(head)) return true;
  return RESOURCES_KEY.test(head) && AWS_TYPE.test(head);
}

/** Parses a template in JSON (by its first character) or YAML, keeping positions. */
export function parseTemplate(text: string, file: string): ParsedTemplate {
  const c = firstNonBlank(text);
  let node: SourceNode | undefined;
  let diagnostics: Diagnostic[];
  if (c === "{" || c === "[") {
    const parsed = parseJsonSource(text, file, { maxDepth: MAX_TEMPLATE_DEPTH });
    node = parsed.node;
    diagnostics = parsed.diagnostics;
    // A template written as JSON but with YAML features (comments, trailing commas) is valid YAML.
    if (!node && c === "{") {
      const yaml = readYamlTemplate(text, file);
      if (yaml.node) {
        node = yaml.node;
        diagnostics = yaml.diagnostics;
      }
    }
  } else {
    const parsed = readYamlTemplate(text, file);
    node = parsed.node;
    diagnostics = parsed.diagnostics;
  }
  if (!node) return { diagnostics };
  if (node.kind !== "object") {
    return {
      diagnostics: [
        ...diagnostics,
        {
          code: "TemplateShape",
          severity: "error",
          file,
          message: "a CloudFormation template is a mapping with a Resources section",
          ...(node.range ? { line: node.range.start.line, column: node.range.start.column } : {}),
        },
      ],
    };
  }
  if (!getEntryOf(node, "Resources")) {
    diagnostics = [
      ...diagnostics,
      {
        code: "TemplateShape",
        severity: "warning",
        file,
        message: "the template has no Resources section",
        line: node.range?.start.line ?? 1,
        column: node.range?.start.column ?? 1,
      },
    ];
  }
  return { root: node, diagnostics };
}
