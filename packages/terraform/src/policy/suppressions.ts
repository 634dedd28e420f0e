import type { SourceRange, Suppression } from "@deputyguard/core";

/**
 * `# deputyguard:ignore CD101 -- reason` (also `//` and `/* … *\/`, several rules separated by commas,
 * and an optional `until=YYYY-MM-DD` before `--`) on the line of a resource block, the line above it, or
 * any line inside it (the line of an attribute or the line above an attribute) suppresses those rules
 * for that resource. The pattern below is fixed, not built from input, and has no nested quantifiers.
 */
const COMMENT =
  /(?:#|\/\/|\/\*)\s*deputyguard:ignore\s+([A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*)(?:\s+until=(\S+))?(?:\s+--\s*(.*?))?\s*(?:\*\/)?\s*$/;

/** The lines of the file last asked about: every block of a file asks in turn. */
let cached: { text: string; lines: string[] } | undefined;

function linesOf(text: string): string[] {
  if (cached?.text !== text) cached = { text, lines: text.split(/\r\n|\r|\n/) };
  return cached.lines;
}

export function commentSuppressions(text: string, block: SourceRange, resource: string): Suppression[] {
  // Most files have no suppression at all: skip the line split for them.
  if (!text.includes("deputyguard:ignore")) return [];
  const lines = linesOf(text);
  const out: Suppression[] = [];
  const first = Math.max(1, block.start.line - 1);
  for (let line = first; line <= block.end.line && line <= lines.length; line++) {
    const source = lines[line - 1] ?? "";
    if (!source.includes("deputyguard:ignore")) continue;
    const m = COMMENT.exec(source);
    if (!m) continue;
    const column = source.indexOf("deputyguard:ignore") + 1;
    for (const rule of (m[1] ?? "").split(",")) {
      const s: Suppression = {
        rule: rule.trim(),
        kind: "inSource",
        origin: { file: block.file, line, column },
        scope: { file: (f) => f === block.file, resource },
      };
      if (m[3]?.trim()) s.reason = m[3].trim();
      if (m[2]) s.until = m[2];
      out.push(s);
    }
  }
  return out;
}
