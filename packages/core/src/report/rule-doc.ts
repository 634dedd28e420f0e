import type { Rule } from "../rules/types.js";

/** The Markdown page of a rule, generated from its metadata (docs/rules/<ID>.md). */
export function renderRuleDoc(rule: Rule): string {
  const m = rule.meta;
  const lines = [
    `# ${m.id} ${m.slug}`,
    "",
    `**${m.title}** — severity: ${m.severity}${m.severityNote ? ` (${m.severityNote})` : ""}`,
    "",
    "## What it finds",
    "",
    m.description,
    "",
    "## How to fix",
    "",
    m.howToFix,
    "",
  ];
  if (m.examples.invalid) {
    lines.push("## Example", "", "Reported:", "", "```json", pretty(m.examples.invalid), "```", "");
  }
  if (m.examples.valid) lines.push("Not reported:", "", "```json", pretty(m.examples.valid), "```", "");
  lines.push("## References", "", ...m.references.map((r) => `- ${r}`), "");
  return lines.join("\n");
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** The rule list page (docs/rules/README.md). */
export function renderRuleIndex(rules: readonly Rule[]): string {
  const lines = [
    "# Rules",
    "",
    "Generated from the rules' metadata (`pnpm --filter @deputyguard/core docs`); ids are stable.",
    "",
    "| id | name | severity | what it finds |",
    "| --- | --- | --- | --- |",
    ...rules.map(
      (r) =>
        `| [${r.meta.id}](${r.meta.id}.md) | \`${r.meta.slug}\` | ${r.meta.severity} | ${r.meta.title} |`,
    ),
    "",
  ];
  return lines.join("\n");
}
