import { displayValue, type SourceNode } from "@deputyguard/core";
import { extractCloudFormation } from "../src/index.js";

/** Text of a resolved node, unknowns as `<NAME>`, lists as JSON. */
export function show(node: SourceNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "value":
      return displayValue(node.value);
    case "array":
      return node.items.map(show);
    case "object":
      return Object.fromEntries(node.entries.map((e) => [e.key, show(e.value)]));
  }
}

export interface Resolved {
  values: Array<{ value: unknown; variant: string | undefined }>;
  diagnostics: Array<{ code: string; severity: string; message: string; line?: number; column?: number }>;
}

/**
 * Resolves a YAML expression by putting it where a statement's Resource goes in a topic policy,
 * with the given extra sections (Parameters, Conditions, Mappings, more Resources).
 */
export async function resolveYaml(
  expr: string,
  sections = "",
  parameters?: Record<string, string>,
): Promise<Resolved> {
  const text = `AWSTemplateFormatVersion: "2010-09-09"
${sections}
Resources:
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [arn:aws:sns:us-east-1:210987654321:t]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sns:Publish
            Resource: ${expr}
`;
  const r = await extractCloudFormation("t.yaml", text, parameters ? { parameters } : {});
  const values = r.sites
    .filter((s) => s.resource === "TopicPolicy")
    .map((s) => {
      const doc = s.document;
      const st = doc?.kind === "object" ? doc.entries.find((e) => e.key === "Statement")?.value : undefined;
      const first = st?.kind === "array" ? st.items[0] : undefined;
      const res =
        first?.kind === "object" ? first.entries.find((e) => e.key === "Resource")?.value : undefined;
      return { value: show(res), variant: s.variant };
    });
  return { values, diagnostics: r.diagnostics };
}
