/**
 * Policy variables (`${aws:username}`, `${aws:SourceAccount, 'default'}`, escapes `${*}`, `${?}`,
 * `${$}`) work only in policies with Version 2012-10-17; otherwise `${...}` is literal text
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
 */

export type TemplatePart = { literal: string } | { variable: string; fallback?: string };

const ESCAPES: Record<string, string> = { "*": "*", "?": "?", $: "$" };

/** Splits a value into literal text and variables. Returns undefined when it has no variable. */
export function parseVariables(text: string): TemplatePart[] | undefined {
  if (!text.includes("${")) return undefined;
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  let found = false;
  while (i < text.length) {
    const start = text.indexOf("${", i);
    if (start < 0) break;
    const end = text.indexOf("}", start + 2);
    if (end < 0) break;
    literal += text.slice(i, start);
    const inner = text.slice(start + 2, end).trim();
    const esc = Object.hasOwn(ESCAPES, inner) ? ESCAPES[inner] : undefined;
    if (esc !== undefined) {
      parts.push({ literal: literal }, { variable: "", fallback: esc });
      literal = "";
    } else {
      const comma = inner.indexOf(",");
      if (comma >= 0) {
        const name = inner.slice(0, comma).trim();
        const def = inner.slice(comma + 1).trim();
        const quoted = /^'(.*)'$/.exec(def);
        parts.push({ literal }, quoted ? { variable: name, fallback: quoted[1] ?? "" } : { variable: name });
      } else {
        parts.push({ literal }, { variable: inner });
      }
      literal = "";
    }
    found = true;
    i = end + 1;
  }
  if (!found) return undefined;
  literal += text.slice(i);
  parts.push({ literal });
  return parts.filter((p) => !("literal" in p) || p.literal !== "");
}

/**
 * Substitutes variables from a request context (lower-cased keys). Returns undefined when a
 * variable has no value and no default: AWS says any attempt to match such a value fails.
 * `literalRuns` marks which character ranges came from substitution, since a `*` inserted by a
 * variable is not a wildcard.
 */
export function substituteVariables(
  parts: readonly TemplatePart[],
  context: ReadonlyMap<string, string | readonly string[]>,
): { text: string; literalRuns: Array<[number, number]> } | undefined {
  let text = "";
  const literalRuns: Array<[number, number]> = [];
  for (const part of parts) {
    if ("literal" in part) {
      text += part.literal;
      continue;
    }
    let value: string | undefined;
    if (part.variable === "") value = part.fallback;
    else {
      const v = context.get(part.variable.toLowerCase());
      if (typeof v === "string") value = v;
      else if (Array.isArray(v) && v.length === 1) value = v[0];
      else value = part.fallback;
    }
    if (value === undefined) return undefined;
    literalRuns.push([text.length, text.length + value.length]);
    text += value;
  }
  return { text, literalRuns };
}
