/**
 * A small XML 1.0 well-formedness check (no DTDs): one root element, tags nest and close, attributes
 * are quoted and unique, `<` and `&` appear only as markup or entity/character references, and no
 * character XML forbids. Returns the first problem, or undefined when the text is well formed.
 */
export function xmlProblem(text: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters.
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.exec(text);
  if (bad) return `forbidden character U+${bad[0].charCodeAt(0).toString(16)} at ${bad.index}`;
  const name = "[A-Za-z_:][-A-Za-z0-9_:.]*";
  const entity = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const checkText = (s: string, at: number): string | undefined => {
    for (let k = s.indexOf("&"); k >= 0; k = s.indexOf("&", k + 1))
      if (!entity.test(s.slice(k))) return `bare "&" at ${at + k}`;
    return undefined;
  };
  if (text.startsWith("<?xml")) {
    const end = text.indexOf("?>");
    if (end < 0) return "unterminated XML declaration";
    i = end + 2;
  }
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    const p = checkText(chunk, i);
    if (p) return p;
    if (stack.length === 0 && chunk.trim() !== "") return `text outside the root element at ${i}`;
    if (lt < 0) break;
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt);
      if (end < 0) return "unterminated comment";
      i = end + 3;
      continue;
    }
    if (text.startsWith("<![CDATA[", lt)) {
      const end = text.indexOf("]]>", lt);
      if (end < 0 || stack.length === 0) return "bad CDATA section";
      i = end + 3;
      continue;
    }
    const gt = text.indexOf(">", lt);
    if (gt < 0) return `unterminated tag at ${lt}`;
    const tag = text.slice(lt + 1, gt);
    if (tag.startsWith("/")) {
      const closing = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== closing) return `</${closing}> closes <${open ?? "nothing"}> at ${lt}`;
    } else {
      const selfClosing = tag.endsWith("/");
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = new RegExp(`^(${name})((?:\\s+${name}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*$`).exec(body);
      if (!m) return `malformed tag <${tag.slice(0, 60)}> at ${lt}`;
      const seen = new Set<string>();
      for (const a of (m[2] ?? "").matchAll(new RegExp(`(${name})\\s*=\\s*("[^"<]*"|'[^'<]*')`, "g"))) {
        if (seen.has(a[1] as string)) return `duplicate attribute ${a[1]} at ${lt}`;
        seen.add(a[1] as string);
        const p2 = checkText((a[2] as string).slice(1, -1), lt);
        if (p2) return p2;
      }
      if (stack.length === 0) roots++;
      if (roots > 1) return `a second root element at ${lt}`;
      if (!selfClosing) stack.push(m[1] as string);
    }
    i = gt + 1;
  }
  if (stack.length > 0) return `unclosed <${stack[stack.length - 1]}>`;
  if (roots !== 1) return "no root element";
  return undefined;
}

/** Attributes of every element named `tag` (a flat regex read, for well-formed input). */
export function elements(text: string, tag: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const m of text.matchAll(new RegExp(`<${tag}((?:\\s+[^\\s=>/]+="[^"]*")*)\\s*/?>`, "g"))) {
    const attrs: Record<string, string> = {};
    for (const a of (m[1] ?? "").matchAll(/([^\s=]+)="([^"]*)"/g)) attrs[a[1] as string] = a[2] as string;
    out.push(attrs);
  }
  return out;
}
