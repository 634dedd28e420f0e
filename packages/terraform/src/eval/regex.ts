import { createRequire } from "node:module";
import type { RE2JS } from "re2js";

/**
 * RE2JS is loaded on the first pattern: most configurations have none, and loading its Unicode
 * tables with every run cost the CLI's cold start some 50 ms.
 */
let engine: typeof RE2JS | undefined;
function re2js(): typeof RE2JS {
  engine ??= (createRequire(import.meta.url)("re2js") as { RE2JS: typeof RE2JS }).RE2JS;
  return engine;
}

/**
 * Terraform's `regex`, `regexall` and `replace("/re/")` run Go's regexp package (RE2 syntax,
 * leftmost-first, linear time). RE2JS is a port of it: the same syntax (what Go rejects, such as
 * lookarounds and backreferences, it rejects too) and the same matching, so patterns from input run
 * in linear time and give Terraform's results. What differs is only the unit of positions (UTF-16
 * code units here, bytes in Go), which `goMatches` steps over as Go steps over runes.
 */
export interface GoRegexp {
  /** The capture groups' names, by group number (1-based; "" for an unnamed group). */
  groupNames: string[];
  matcher: RE2JS;
}

/** A compiled pattern, or the reason Go's regexp rejects it. */
export function compileGo(pattern: string): GoRegexp | { error: string } {
  let re: RE2JS;
  try {
    re = re2js().compile(pattern);
  } catch (e) {
    return {
      error: `invalid regexp pattern: ${(e as Error).message.replace(/^error parsing regexp: /, "")}`,
    };
  }
  const groupNames: string[] = Array.from({ length: re.groupCount() + 1 }, () => "");
  for (const [name, i] of Object.entries(re.namedGroups() as Record<string, number>)) groupNames[i] = name;
  return { groupNames, matcher: re };
}

/** One match: the text of each group (0 the whole match), null for a group that did not take part. */
export interface GoMatch {
  start: number;
  end: number;
  groups: Array<string | null>;
}

/**
 * Every match, as Go's `FindAllStringSubmatchIndex` finds them: after a match the search goes on
 * at its end, an empty match goes one character (code point) further, and an empty match right
 * after a match is not one. `limit` bounds the count (a match per character at most).
 */
export function goMatches(re: GoRegexp, s: string, limit = Number.POSITIVE_INFINITY): GoMatch[] {
  const out: GoMatch[] = [];
  const m = re.matcher.matcher(s);
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && out.length < limit) {
    if (!m.find(pos)) break;
    const start = m.start();
    const end = m.end();
    let accept = true;
    if (end === pos) {
      if (start === prevEnd) accept = false;
      pos += pos < s.length ? ((s.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1) : 1;
    } else pos = end;
    prevEnd = end;
    if (accept) {
      const groups: Array<string | null> = [];
      for (let g = 0; g < re.groupNames.length; g++) groups.push(m.group(g));
      out.push({ start, end, groups });
    }
  }
  return out;
}

/**
 * Go's `Regexp.ReplaceAllString`: each match replaced by the template with `$1`, `$name` and
 * `${name}` expanded (`$name` takes the longest run of letters, digits and `_`; a group that did not
 * take part, or a name or number that is not a group, is empty; `$$` is `$`; a `$` not followed by
 * a name is kept), except an empty match right after a match.
 */
export function goReplaceAll(re: GoRegexp, s: string, template: string): string {
  let out = "";
  let last = 0;
  for (const m of goMatches(re, s)) {
    out += s.slice(last, m.start);
    // Go's ReplaceAll also skips an empty match right after a match (goMatches has dropped it).
    out += expand(re, template, m);
    last = m.end;
  }
  return out + s.slice(last);
}

const NAME = /^[\p{L}\p{Nd}_]+/u;

function expand(re: GoRegexp, template: string, m: GoMatch): string {
  let out = "";
  let t = template;
  for (;;) {
    const i = t.indexOf("$");
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i + 1);
    if (t.startsWith("$")) {
      out += "$";
      t = t.slice(1);
      continue;
    }
    const brace = t.startsWith("{");
    const name = NAME.exec(brace ? t.slice(1) : t)?.[0];
    if (!name || (brace && t[1 + name.length] !== "}")) {
      // Malformed: the `$` is text.
      out += "$";
      continue;
    }
    t = t.slice(name.length + (brace ? 2 : 0));
    const num = /^(0|[1-9][0-9]{0,7})$/.test(name) ? Number(name) : -1;
    const g = num >= 0 ? num : re.groupNames.indexOf(name, 1);
    if (g >= 0) out += m.groups[g] ?? "";
  }
  return out + t;
}
