// The quick YAML reader (yaml-fast.ts: the yaml package's syntax tree turned straight into our tree)
// must give exactly what the composer path gives (tree, ranges, warnings), or give up. Checked on
// every YAML file of the corpus and the fixtures, and on generated and mutated documents that use
// every construct either reader knows, including broken ones.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LineIndex } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { Parser } from "yaml";
import { readYamlFast } from "../src/read/yaml-fast.js";
import { readYamlTemplate } from "../src/read/yaml-template.js";

const ROOT = join(import.meta.dirname, "../../..");
const CORPUS = join(ROOT, "../shared/corpus/cloudformation");

function yamlFiles(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.(ya?ml|template)$/.test(name)) out.push(path);
  }
  return out;
}

/** Both readers on one text: equal results, and whether the quick one read it. */
function both(text: string, file = "t.yaml"): { fast: boolean } {
  const quick = readYamlTemplate(text, file);
  const composer = readYamlTemplate(text, file, { composer: true });
  expect(quick, text).toEqual(composer);
  return { fast: readYamlFast([...new Parser().parse(text)], text, file, new LineIndex(text)) !== undefined };
}

describe("the quick YAML reader gives what the composer gives", () => {
  it("on every YAML file of the corpus, the fixtures and the examples, reading almost all of them", () => {
    const files = [
      ...yamlFiles(join(ROOT, "test-fixtures")),
      ...yamlFiles(join(ROOT, "examples")),
      ...yamlFiles(join(ROOT, "packages")),
      ...yamlFiles(CORPUS),
    ];
    expect(files.length).toBeGreaterThan(80);
    const slow: string[] = [];
    for (const f of files) if (!both(readFileSync(f, "utf8"), f).fast) slow.push(f);
    // What it leaves to the composer: anchors and aliases, and tags it does not know (`!Rain::Embed`).
    for (const f of slow)
      expect(readFileSync(f, "utf8")).toMatch(
        /(^|\s)[&*][A-Za-z]|!(?!Ref|Sub|GetAtt|If|Join|Select|Split|FindInMap|ImportValue|GetAZs|Base64|Cidr|Condition|Equals|And|Or|Not|Transform|ToJsonString|Length|ForEach)[A-Za-z]/,
      );
    expect(slow.length).toBeLessThan(files.length / 10);
  });

  it("on hand-written documents with each construct", () => {
    const cases = [
      "a: 1\nb: 1.0\nc: 0x1F\nd: 0o17\ne: 012\nf: 089\ng: 1_000\nh: 1:30\ni: .inf\nj: -.INF\nk: .nan\nl: 1e3\n",
      "a: yes\nb: No\nc: ON\nd: off\ne: y\nf: true\ng: False\nh: ~\ni: null\nj:\nk: ''\n",
      "1: a\ntrue: b\n~: c\n0x10: d\n1.50: e\n",
      "a: !Ref X\nb: !GetAtt A.B.C\nc: !Sub 'x-${AWS::Region}'\nd: !Join [',', [a, b]]\ne: !If\n  - C\n  - x\n  - !Ref AWS::NoValue\n",
      "a: !Sub |\n  line ${X}\n  two\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\n",
      'a: "esc \\" \\n \\t \\u0041"\nb: \'it\'\'s\'\nc: "multi\n  line"\nd: plain\n  continued\n',
      'a: {x: 1, y: [1, 2, {z: 3}], }\nb: [a, b, ]\nc: {}\nd: []\ne: {"q":1}\n',
      "a:\n- 1\n- - 2\n  - 3\n- x: 1\n  y: 2\n-\n- !Ref R\n",
      "# head\n---\na: 1 # c\n# tail\n",
      "a: 1\n...\n",
      "%YAML 1.2\n---\na: 1\n",
      "a: &x 1\nb: *x\n",
      "a: 1\na: 2\nb: {c: 1, c: 2}\n",
      "<<: {a: 1}\nb: 2\n",
      "? a\n: 1\n",
      "a:\tb\n",
      "a: 1\n b: 2\n",
      "a: [1, 2\n",
      "a: !Unknown x\n",
      "a: !!str 1\n",
      "a: !Ref\n",
      "- a\n- b\n",
      "just text\n",
      "",
      "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
      "\ufeffa: 1\n",
      "a: b: c\n",
      "a:\n  b: 1\n c: 2\n",
      "a: 'x'#c\n",
      "\"a\": 1\n'b': 2\n",
      `${"k".repeat(1030)}: 1\n`,
      "a: !Sub\n  - '${x}'\n  - x: !Ref Y\n",
      "a: !Join\n- ','\n- [a, b]\n",
      "a: !If [C, !Ref X, !Ref AWS::NoValue]\n",
      "a: [!Ref X, !GetAtt Y.Arn]\n",
      "a: {b: !Ref X}\n",
      "a: !Equals [!Ref X, 'y']\n",
      "a: - b\n",
      "a: |\n b\n  c\n",
      "a: >2\n   x\n  y\n",
      "- [a, b]: c\n",
      "a: [b: c]\n",
      "a: {b}\n",
      "a: [,]\n",
      "a: [b,,c]\n",
      "a: # c\n  b: 1\n",
      "a: !Ref # c\n  X\n",
      // From the session-9 review: an empty value nested past 200 levels was read, not refused.
      `${"- ".repeat(200)}-\n`,
      `${"[".repeat(200)}{a: }${"]".repeat(200)}\n`,
      `${Array.from({ length: 201 }, (_, i) => `${" ".repeat(i)}a:`).join("\n")}\n`,
      `${"- ".repeat(199)}-\n`,
    ];
    for (const text of cases) both(text);
  });

  it("on generated and mutated documents (deterministic), reading most of the valid ones", () => {
    let seed = 20261128;
    // mulberry32: a small deterministic generator, so that a failure can be replayed.
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const scalars = [
      "x",
      "arn:aws:s3:::b/*",
      "'quoted'",
      '"dq \\" x"',
      "12",
      "012345678901",
      "017",
      "1.0",
      "yes",
      "~",
      "",
      "true",
      "0x1A",
      "1:20",
      ".5",
      "-3",
      "a b c",
      "!Ref R",
      "!GetAtt A.Arn",
      "!Sub '${A}'",
      "!Base64 x",
      "!Foo x",
      "&a x",
      "*a",
      "'it''s'",
      "x # comment",
    ];
    const keys = ["a", "Key", "'q'", '"d"', "1", "true", "null", "a b", "<<", "k-1", "~"];
    const gen = (depth: number, indent: string): string => {
      const r = random();
      if (depth > 3 || r < 0.35) return ` ${pick(scalars)}`;
      if (r < 0.5) {
        const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
          pick(scalars).replace(/ #.*/, ""),
        );
        return random() < 0.5
          ? ` [${items.join(", ")}${random() < 0.2 ? ", " : ""}]`
          : ` {${items.map((v, i) => `k${i}: ${v}`).join(", ")}}`;
      }
      if (r < 0.7) {
        const n = 1 + Math.floor(random() * 3);
        let s = random() < 0.2 ? ` ${pick(["!If", "!Join", "!Sub", "!Select"])}\n` : "\n";
        for (let i = 0; i < n; i++)
          s += `${indent}-${gen(depth + 1, `${indent}  `).replace(/^\n\s*/, " ")}\n`;
        return s.trimEnd();
      }
      if (r < 0.8)
        return ` ${pick(["|", ">", "|-", ">+", "|2"])}\n${indent}  line one\n${indent}  line two${random() < 0.3 ? "\n" : ""}`;
      const n = 1 + Math.floor(random() * 4);
      let s = random() < 0.1 ? " # c\n" : "\n";
      for (let i = 0; i < n; i++) {
        s += `${indent}${pick(keys)}:${gen(depth + 1, `${indent}  `)}\n`;
        if (random() < 0.1) s += `${indent}# comment\n`;
        if (random() < 0.05) s += "\n";
      }
      return s.trimEnd();
    };
    let fast = 0;
    let valid = 0;
    for (let i = 0; i < 1500; i++) {
      let text = `${random() < 0.2 ? "---\n" : ""}Resources:${gen(0, "  ")}\n`;
      if (random() < 0.1) text = text.replace(/\n/g, "\r\n");
      const composer = readYamlTemplate(text, "g.yaml", { composer: true });
      const ok = composer.node !== undefined;
      const r = both(text, "g.yaml");
      if (ok) valid++;
      if (ok && r.fast) fast++;
      // A mutation: a character dropped, doubled or replaced by one that matters to YAML.
      const at = Math.floor(random() * text.length);
      const m = pick([
        "",
        text[at] ?? "",
        " ",
        "\t",
        ":",
        "-",
        "#",
        "'",
        '"',
        "[",
        "}",
        ",",
        "\n",
        "!",
        "&",
        "*",
        "?",
      ]);
      both(text.slice(0, at) + m + text.slice(at + (random() < 0.5 ? 1 : 0)), "m.yaml");
    }
    expect(valid).toBeGreaterThan(1000);
    expect(fast).toBeGreaterThan(valid / 2);
  });
});
