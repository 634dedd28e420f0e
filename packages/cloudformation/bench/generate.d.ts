/** A template with about `resources` resources: buckets with policies, topics, roles, Lambda permissions. */
export function generateTemplate(resources: number): {
  AWSTemplateFormatVersion: string;
  Resources: Record<string, unknown>;
};
/** The same value as YAML with short-form tags. */
export function toYaml(value: unknown, indent?: string): string;
