import type { ObjectNode } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { generateTemplate, toYaml } from "../bench/generate.js";
import {
  checkCloudFormation,
  cloudFormationFormat,
  extractCloudFormation,
  looksLikeTemplate,
  parseTemplate,
} from "../src/index.js";

describe("recognition by content", () => {
  it.each([
    ['{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}', true],
    ["Resources:\n  B:\n    Type: AWS::S3::Bucket\n", true],
    ["Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n", true],
    ['{"Version": "2012-10-17", "Statement": []}', false],
    ['{"name": "pkg", "version": "1.0.0"}', false],
    ["key: value\nlist: [1, 2]\n", false],
  ])("%s → %s", (text, want) => {
    expect(looksLikeTemplate(text)).toBe(want);
    expect(cloudFormationFormat.recognises({ file: "x", text })).toBe(want);
  });
});

describe("bad input gives a diagnostic with line and column, never a crash", () => {
  it("a YAML alias bomb is refused quickly", async () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(
        `${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    lines.push("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: { Tags: *i }");
    const start = performance.now();
    const r = await extractCloudFormation("bomb.yaml", lines.join("\n"));
    expect(performance.now() - start).toBeLessThan(2000);
    expect(r.sites).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({
      code: "ParseError",
      severity: "error",
      message: expect.stringContaining("alias bomb"),
    });
    expect(r.diagnostics[0]?.line).toBeGreaterThan(0);
  });

  it("a small alias is expanded", async () => {
    const r = await checkCloudFormation(
      "alias.yaml",
      `Resources:
  P:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - &open { Effect: Allow, Principal: { Service: events.amazonaws.com }, Action: sns:Publish, Resource: "*" }
          - *open
`,
    );
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([
      ["CD101", 8, 19],
      ["CD101", 9, 13],
    ]);
  });

  // From a hunt: `<<: *base` was read as a key "<<" ("not a statement element", "statement 1 has no
  // Effect"), so the merged statement, whose empty Condition drops the base's guard, was not checked.
  it("a YAML merge key is expanded (own keys win), with a warning that CloudFormation rejects it", async () => {
    const r = await checkCloudFormation(
      "merge.yaml",
      `Resources:
  P:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - &base
            Sid: Base
            Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: "*"
            Condition: { StringEquals: { aws:SourceAccount: !Ref AWS::AccountId } }
          - <<: *base
            Sid: Merged
            Condition: {}
          - <<: [*base, { Sid: Ignored, Action: sqs:SendMessage }]
            Sid: Kept
`,
    );
    expect(r.findings.map((f) => [f.ruleId, f.statement])).toEqual([["CD101", { index: 1, sid: "Merged" }]]);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["YamlMerge", 15, 13]]);
    const kept = r.sites[0]?.document;
    const statements =
      kept?.kind === "object" ? kept.entries.find((e) => e.key === "Statement")?.value : undefined;
    const third = statements?.kind === "array" ? statements.items[2] : undefined;
    expect(third?.kind === "object" ? third.entries.map((e) => e.key) : []).toEqual([
      "Sid",
      "Effect",
      "Principal",
      "Action",
      "Resource",
      "Condition",
    ]);
  });

  it.each([1_000, 100_000])("nesting %i deep is an error, not a stack overflow", async (depth) => {
    const yaml = `Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      X: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
    const json = `{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"X": ${"[".repeat(depth)}${"]".repeat(depth)}}}}}`;
    for (const [file, text] of [
      ["deep.yaml", yaml],
      ["deep.json", json],
    ] as const) {
      const r = await extractCloudFormation(file, text);
      const error = r.diagnostics.find((d) => d.severity === "error");
      expect(error, file).toMatchObject({
        code: "ParseError",
        line: expect.any(Number),
        column: expect.any(Number),
      });
    }
  });

  it("an unknown tag is kept as Fn::Tag with a warning at its position", async () => {
    const r = await extractCloudFormation(
      "tag.yaml",
      `Resources:
  P:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: !Rain::Embed topic.txt
`,
    );
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "warning",
        line: 11,
        column: 23,
        message: expect.stringContaining("Fn::Rain::Embed"),
      }),
    );
    expect(r.sites).toHaveLength(1);
  });

  it("duplicate keys: a warning at the later key, the later value used (YAML and JSON)", async () => {
    const yaml = await extractCloudFormation(
      "dup.yaml",
      "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Type: AWS::SNS::Topic\n",
    );
    expect(yaml.diagnostics).toContainEqual(
      expect.objectContaining({ code: "DuplicateKey", line: 4, column: 5 }),
    );
    const json = await extractCloudFormation(
      "dup.json",
      '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Type": "AWS::SNS::Topic"}}}',
    );
    expect(json.diagnostics).toContainEqual(
      expect.objectContaining({ code: "DuplicateKey", line: 1, column: 49 }),
    );
  });

  it("wrong intrinsic shapes are errors where they are written", async () => {
    const r = await extractCloudFormation(
      "shapes.yaml",
      `Resources:
  P:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Join [",", a, b]
      Action: !Select [x, [a]]
      Principal: !If [OnlyTwo, a]
      SourceArn: !FindInMap [M, a]
      SourceAccount: { "Fn::Sub": 42 }
`,
    );
    const errors = r.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => [d.line, d.column, d.message.split(" ")[0]]);
    expect(errors).toEqual([
      [5, 21, "Fn::Join"],
      [6, 15, "the"],
      [7, 18, "Fn::If"],
      [8, 18, "Fn::FindInMap"],
      [9, 22, "Fn::Sub"],
    ]);
  });

  it("Fn::ForEach over a collection unknown before deploy is a warning (and one copy is checked)", async () => {
    const r = await extractCloudFormation(
      "each.yaml",
      `Transform: AWS::LanguageExtensions
Parameters: { Names: { Type: CommaDelimitedList } }
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic\${Name}: { Type: AWS::SNS::Topic }
`,
    );
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ code: "UnsupportedConstruct", line: 4, column: 3 }),
    );
  });

  it("a template with 10,000 resources is read in bounded time and memory", async () => {
    const template = generateTemplate(10_000);
    for (const [file, text] of [
      ["big.json", JSON.stringify(template, null, 1)],
      ["big.yaml", toYaml(template)],
    ] as const) {
      const before = process.memoryUsage().heapUsed;
      const start = performance.now();
      const r = await extractCloudFormation(file, text);
      const ms = performance.now() - start;
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(r.sites).toHaveLength(6_000);
      expect(ms, file).toBeLessThan(20_000);
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(1_500_000_000);
    }
  });
});

describe("YAML nested beyond what the yaml package parses safely", () => {
  // Its recursive parser overflows the stack at about 800 levels; an overflow inside V8's regular
  // expression compiler aborted the whole test process ("RegExpCompiler Allocation failed - process
  // out of memory", seen with the 100,000-deep case above under load). Such text is refused first.
  const head = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n";
  const block = (depth: number) => {
    const lines = [head.trimEnd()];
    for (let i = 0; i < depth; i++) lines.push(`${" ".repeat(6 + i)}k:`);
    lines.push(`${" ".repeat(6 + depth)}v`);
    return lines.join("\n");
  };
  it.each([
    ["flow sequences", `${head}      X: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`, 5],
    ["flow mappings", `${head}      X: ${"{a: ".repeat(100_000)}1${"}".repeat(100_000)}\n`, 5],
    ["compact sequences", `${head}      X:\n        ${"- ".repeat(100_000)}x\n`, 6],
    ["block mappings", block(3_000), 402],
  ])("%s: an error at the line where it gets too deep, at once", async (_name, text, line) => {
    const start = performance.now();
    const r = await extractCloudFormation("deep.yaml", text);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: "ParseError", severity: "error", line, column: expect.any(Number) }),
    ]);
    expect(r.diagnostics[0]?.message).toContain("nesting deeper than 400 levels");
  });

  it("brackets in quoted scalars and comments do not count; templates within the limit are read", async () => {
    const text = `${head}      X: "${"[".repeat(1000)}"\n      Y: '${"{".repeat(1000)}'\n      # ${"[".repeat(1000)}\n`;
    const r = await extractCloudFormation("ok.yaml", text);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const nested = await extractCloudFormation(
      "ok.yaml",
      `${head}      X: ${"[".repeat(150)}${"]".repeat(150)}\n`,
    );
    expect(nested.diagnostics.filter((d) => d.message.includes("nesting deeper"))).toEqual([]);
  });
});

describe("YAML syntax errors", () => {
  it("give the yaml package's message once, without repeating the line and column the diagnostic carries", async () => {
    // From a hand-broken template: "Flow sequence in block collection must be sufficiently indented
    // and end with a ] at line 6, column 1:" was printed after "6:1".
    const r = await extractCloudFormation(
      "broken.yaml",
      'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::SNS::Topic\n    Properties: [a, b\n',
    );
    expect(r.diagnostics).toEqual([
      {
        code: "ParseError",
        severity: "error",
        file: "broken.yaml",
        message: "YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
        line: 6,
        column: 1,
      },
    ]);
  });
});

// From a fuzz hunt: each alias walked the whole document to find its anchor (the yaml package's
// Alias.resolve), so 10,000 aliases in a 30 KB file took 10 s. Anchors are now collected once.
describe("many aliases", () => {
  it("10,000 aliases of one anchor are read in well under a second", () => {
    const text = `Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      A: &a x\n      L: [${Array(10_000).fill("*a").join(",")}]\n`;
    const t = performance.now();
    const r = parseTemplate(text, "t.yaml");
    expect(performance.now() - t).toBeLessThan(1500);
    expect(r.diagnostics).toEqual([]);
  });

  it("a name anchored twice: each alias takes the nearest anchor before it", () => {
    const text =
      "Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      A: &a x\n      B: *a\n      C: &a y\n      D: *a\n";
    const r = parseTemplate(text, "t.yaml");
    const entry = (n: unknown, key: string): ObjectNode =>
      (n as ObjectNode).entries.find((e) => e.key === key)?.value as ObjectNode;
    const resources = entry(r.root, "Resources");
    const p = entry(resources.entries[0]?.value, "Properties").entries;
    expect(p.map((e) => [e.key, e.value.kind === "scalar" ? e.value.value : e.value.kind])).toEqual([
      ["A", "x"],
      ["B", "x"],
      ["C", "y"],
      ["D", "y"],
    ]);
  });
});
