import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PackedRange, plainRange, type SourceRange } from "../model/source.js";
import type { SourceNode } from "../model/tree.js";
import { parseJsonSource } from "./json-source.js";

const FILE = "policy.json";

/** The plain value of a parsed tree, built like `JSON.parse` builds it (own `__proto__` included). */
function toPlain(node: SourceNode): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "array":
      return node.items.map(toPlain);
    case "object": {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) {
        Object.defineProperty(out, e.key, {
          value: toPlain(e.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw new Error("unexpected value node");
  }
}

function parseOk(text: string): SourceNode {
  const result = parseJsonSource(text, FILE);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  if (!result.node) throw new Error("no node");
  return result.node;
}

/** The parser's ranges are packed (one object of numbers), so the expected ones are built the same way. */
function range(sl: number, sc: number, el: number, ec: number): SourceRange {
  return new PackedRange(FILE, sl, sc, el, ec);
}

/**
 * Where `actual` first differs from `expected` (`Object.is` on scalars, own keys on objects), or undefined.
 * Hand-written because vitest's strict equality compares `constructor` properties, which JSON may define.
 */
function firstDifference(actual: unknown, expected: unknown, path = "$"): string | undefined {
  if (typeof actual !== "object" || actual === null || typeof expected !== "object" || expected === null) {
    return Object.is(actual, expected) ? undefined : `${path}: ${String(actual)} !== ${String(expected)}`;
  }
  if (Array.isArray(actual) !== Array.isArray(expected)) return `${path}: array vs object`;
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return `${path}: prototypes differ`;
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = Object.keys(e);
  if (Object.keys(a).join("\u0000") !== keys.join("\u0000")) return `${path}: keys differ`;
  for (const k of keys) {
    const d = firstDifference(a[k], e[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

function expectSameAsJsonParse(text: string, source = text): void {
  expect(firstDifference(toPlain(parseOk(source)), JSON.parse(text))).toBeUndefined();
}

describe("parseJsonSource values", () => {
  it.each([
    "0",
    "-0",
    "1",
    "-1",
    "123456789012345",
    "1234567890123456789",
    "-9007199254740993",
    "1.5",
    "-0.0",
    "1e3",
    "1E-3",
    "1e+308",
    "1e309",
    "-1e400",
    "5e-324",
    "2.2250738585072014e-308",
    "0.1",
    "12345678901234567890.123456789e-5",
    "true",
    "false",
    "null",
    '""',
    '"abc"',
    '"\\" \\\\ \\/ \\b \\f \\n \\r \\t"',
    '"\\u0041\\u00e9\\u4e2d\\ud83d\\ude00"',
    '"\\uD83D"',
    '"\\uDE00x"',
    '"\ud83d"',
    '"a\\u0000b"',
    '"😀 emoji and ünïcödé"',
    "[]",
    "{}",
    "[ ]",
    "{ }",
    '[1, "two", true, null, {"a": [ ]}]',
    '{"a": {"b": {"c": [1, [2, [3]]]}}}',
    ' \t\n\r {"k" : "v"} \n ',
    '{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}, "toString": 2}',
    '{"": 1, " ": 2}',
  ])("matches JSON.parse on %s", (text) => {
    expectSameAsJsonParse(text);
  });

  it("matches JSON.parse on arbitrary JSON text (fc.json)", () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: "binary" }), (text) => {
        expectSameAsJsonParse(text);
      }),
      { numRuns: 300 },
    );
  });

  it("matches JSON.parse on arbitrary values in every layout (fc.jsonValue + stringify variants)", () => {
    const layout = fc.constantFrom<(v: unknown) => string>(
      (v) => JSON.stringify(v),
      (v) => JSON.stringify(v, null, 2),
      (v) => JSON.stringify(v, null, "\t"),
      (v) => JSON.stringify(v, null, 4).replace(/\n/g, "\r\n"),
      (v) => JSON.stringify(v, null, 1).replace(/\n/g, "\r"),
      (v) => `\ufeff \n${JSON.stringify(v, null, 3)}\n\n`,
    );
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "grapheme" }), layout, (value, stringify) => {
        const text = stringify(value);
        expectSameAsJsonParse(text.replace(/^\ufeff/, ""), text);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps __proto__ and constructor as ordinary entries without touching prototypes", () => {
    const node = parseOk('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}');
    expect(node.kind === "object" && node.entries.map((e) => e.key)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getPrototypeOf(node)).toBe(Object.prototype);
  });
});

describe("firstDifference (test helper)", () => {
  it("tells apart what JSON.parse results can differ in", () => {
    expect(firstDifference(-0, 0)).toBeDefined();
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })).toBeDefined();
    expect(firstDifference([1], { 0: 1 })).toBeDefined();
    expect(firstDifference({ a: [1, { b: "x" }] }, { a: [1, { b: "y" }] })).toBe("$.a.1.b: x !== y");
    expect(firstDifference({ a: [Number.NaN] }, { a: [Number.NaN] })).toBeUndefined();
  });
});

describe("parseJsonSource positions", () => {
  it("puts a range on every node and a key range on every entry", () => {
    const text = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {"Effect": "Allow", "N": -1.5e3}',
      "  ]",
      "}",
    ].join("\n");
    const root = parseOk(text);
    expect(root).toStrictEqual({
      kind: "object",
      range: range(1, 1, 6, 2),
      entries: [
        {
          key: "Version",
          keyRange: range(2, 3, 2, 12),
          value: { kind: "scalar", value: "2012-10-17", range: range(2, 14, 2, 26) },
        },
        {
          key: "Statement",
          keyRange: range(3, 3, 3, 14),
          value: {
            kind: "array",
            range: range(3, 16, 5, 4),
            items: [
              {
                kind: "object",
                range: range(4, 5, 4, 37),
                entries: [
                  {
                    key: "Effect",
                    keyRange: range(4, 6, 4, 14),
                    value: { kind: "scalar", value: "Allow", range: range(4, 16, 4, 23) },
                  },
                  {
                    key: "N",
                    keyRange: range(4, 25, 4, 28),
                    value: { kind: "scalar", value: -1500, range: range(4, 30, 4, 36) },
                  },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it("shares the file name string between ranges", () => {
    const root = parseOk('{"a": [1, 2]}');
    if (root.kind !== "object") throw new Error("object expected");
    expect(root.range?.file).toBe(FILE);
    expect(root.entries[0]?.keyRange?.file).toBe(FILE);
  });

  it.each([
    ["\\n", "\n"],
    ["\\r\\n", "\r\n"],
    ["\\r", "\r"],
  ])("counts %s as one line break", (_name, eol) => {
    const root = parseOk(`{${eol}${eol}  "a":${eol} 1${eol}}`);
    expect(root.range).toEqual(range(1, 1, 5, 2));
    if (root.kind !== "object") throw new Error("object expected");
    expect(root.entries[0]?.keyRange).toEqual(range(3, 3, 3, 6));
    expect(root.entries[0]?.value.range).toEqual(range(4, 2, 4, 3));
  });

  it("reads packed ranges as plain ones: start, end, toJSON and plainRange", () => {
    const root = parseOk('{\n  "a": [1]\n}');
    if (root.kind !== "object") throw new Error("object expected");
    const plain = { file: FILE, start: { line: 2, column: 8 }, end: { line: 2, column: 11 } };
    const r = root.entries[0]?.value.range;
    if (!r) throw new Error("range expected");
    expect(r.start).toEqual(plain.start);
    expect(r.end).toEqual(plain.end);
    expect(JSON.parse(JSON.stringify(r))).toEqual(plain);
    expect(plainRange(r)).toEqual(plain);
    expect(Object.getPrototypeOf(plainRange(r))).toBe(Object.prototype);
  });

  it("skips a leading byte order mark without giving it a column", () => {
    const root = parseOk('\ufeff{"a": 1}');
    expect(root.range).toEqual(range(1, 1, 1, 9));
    if (root.kind !== "object") throw new Error("object expected");
    expect(root.entries[0]?.keyRange).toEqual(range(1, 2, 1, 5));
  });

  it("counts columns in UTF-16 code units (an emoji takes two)", () => {
    const root = parseOk('["😀", 1, "é"]');
    if (root.kind !== "array") throw new Error("array expected");
    expect(root.items.map((n) => n.range)).toEqual([
      range(1, 2, 1, 6),
      range(1, 8, 1, 9),
      range(1, 11, 1, 14),
    ]);
    const obj = parseOk('{"😀😀": "😀"}');
    if (obj.kind !== "object") throw new Error("object expected");
    expect(obj.entries[0]?.keyRange).toEqual(range(1, 2, 1, 8));
    expect(obj.entries[0]?.value.range).toEqual(range(1, 10, 1, 14));
  });

  it("gives escaped strings the range of their source text", () => {
    const root = parseOk('["\\u0041\\n"]');
    if (root.kind !== "array") throw new Error("array expected");
    expect(root.items[0]).toEqual({ kind: "scalar", value: "A\n", range: range(1, 2, 1, 12) });
  });
});

describe("parseJsonSource errors", () => {
  it.each<[string, string, number, number]>([
    ['{"a": }', "unexpected character '}' (expected a value)", 1, 7],
    ["[,1]", "unexpected character ',' (expected a value)", 1, 2],
    ["[1,]", "trailing comma is not allowed in JSON", 1, 3],
    ['{"a": 1,\n}', "trailing comma is not allowed in JSON", 1, 8],
    ['"abc', "unterminated string (reached the end of input)", 1, 1],
    ['"abc\\', "unterminated string (reached the end of input)", 1, 1],
    [
      '{"a": "abc\n}',
      "unterminated string (the line ends first; write \\n for a line break inside a string)",
      1,
      7,
    ],
    [
      '{\n  "a": {\n    "b": 1\n',
      "unexpected end of input (an object opened at line 2, column 8 is not closed)",
      4,
      1,
    ],
    ["[", "unexpected end of input (an array opened at line 1, column 1 is not closed)", 1, 2],
    ["[1,", "unexpected end of input (an array opened at line 1, column 1 is not closed)", 1, 4],
    ["[[1]", "unexpected end of input (an array opened at line 1, column 1 is not closed)", 1, 5],
    ["{", "unexpected end of input (an object opened at line 1, column 1 is not closed)", 1, 2],
    ['{"a"', "unexpected end of input (an object opened at line 1, column 1 is not closed)", 1, 5],
    ['{"a":', "unexpected end of input (an object opened at line 1, column 1 is not closed)", 1, 6],
    ['{"a":1', "unexpected end of input (an object opened at line 1, column 1 is not closed)", 1, 7],
    ["", "empty input (expected a JSON value)", 1, 1],
    [" \n  ", "empty input (expected a JSON value)", 2, 3],
    ["[1 2]", "unexpected character '2' (expected ',' or ']' after an array item)", 1, 4],
    ['{"a": 1 "b": 2}', "unexpected character '\"' (expected ',' or '}' after an object entry)", 1, 9],
    ['{"a" 1}', "unexpected character '1' (expected ':' after the property name)", 1, 6],
    ["{a: 1}", "unexpected character 'a' (expected a property name in double quotes)", 1, 2],
    [
      '{"a": 1, b: 2}',
      "unexpected character 'b' (expected a property name in double quotes after ',')",
      1,
      10,
    ],
    [
      "{'a': 1}",
      "unexpected character ''' (expected a property name in double quotes; JSON strings use double quotes)",
      1,
      2,
    ],
    ["['a']", "unexpected character ''' (expected a value; JSON strings use double quotes)", 1, 2],
    ["[01]", "invalid number: leading zeros are not allowed in JSON", 1, 2],
    ["[-]", "invalid number: expected a digit after '-', found character ']'", 1, 3],
    ["[1.]", "invalid number: expected a digit after the decimal point, found character ']'", 1, 4],
    ["[1.e5]", "invalid number: expected a digit after the decimal point, found character 'e'", 1, 4],
    ["[1e]", "invalid number: expected a digit in the exponent, found character ']'", 1, 4],
    ["[1e+]", "invalid number: expected a digit in the exponent, found character ']'", 1, 5],
    ["[.5]", "unexpected character '.' (expected a value; JSON numbers start with '-' or a digit)", 1, 2],
    ["[+1]", "unexpected character '+' (expected a value; JSON numbers start with '-' or a digit)", 1, 2],
    ["[-Infinity]", "unexpected word '-Infinity' (expected a value)", 1, 2],
    [
      "[NaN]",
      "unexpected word 'NaN' (expected a value; the JSON literals are true, false and null, and strings need double quotes)",
      1,
      2,
    ],
    [
      "[True]",
      "unexpected word 'True' (expected a value; the JSON literals are true, false and null, and strings need double quotes)",
      1,
      2,
    ],
    [
      "[nullx]",
      "unexpected word 'nullx' (expected a value; the JSON literals are true, false and null, and strings need double quotes)",
      1,
      2,
    ],
    [
      '["\\x"]',
      "invalid escape '\\'x'' in string (JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)",
      1,
      3,
    ],
    ['["ab\\u12G4"]', "invalid unicode escape in string (\\u must be followed by four hex digits)", 1, 5],
    ['["a\tb"]', "control character U+0009 must be escaped inside a JSON string (write \\t)", 1, 4],
    ['["a\u001fb"]', "control character U+001F must be escaped inside a JSON string", 1, 4],
    ["// comment\n{}", "unexpected character '/' (expected a value; comments are not allowed in JSON)", 1, 1],
    [
      '{/* c */"a": 1}',
      "unexpected character '/' (expected a property name in double quotes; comments are not allowed in JSON)",
      1,
      2,
    ],
    [
      "{}\n x",
      "unexpected character 'x' after the end of the JSON value (a JSON text holds exactly one value)",
      2,
      2,
    ],
    [
      "{} {}",
      "unexpected character '{' after the end of the JSON value (a JSON text holds exactly one value)",
      1,
      4,
    ],
    ["[1]\ufeff", "unexpected character '\ufeff' after the end of the JSON value", 1, 4],
    ["\ufeff\ufeff[]", "unexpected character '\ufeff' (expected a value)", 1, 1],
    ["[\u00a0]", "unexpected character '\u00a0' (expected a value)", 1, 2],
    ["\r\n\r\n  ]", "unexpected character ']' (expected a value)", 3, 3],
    ['{"😀": #}', "unexpected character '#' (expected a value)", 1, 8],
  ])("reports %j", (text, message, line, column) => {
    const result = parseJsonSource(text, FILE);
    expect(result.node).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ code: "ParseError", severity: "error", file: FILE, line, column });
    expect(d?.message.startsWith(message)).toBe(true);
  });

  it("reports binary content at the first NUL byte", () => {
    const result = parseJsonSource('{"a":\r\n "b\u0000"}', FILE);
    expect(result).toEqual({
      diagnostics: [
        {
          code: "ParseError",
          severity: "error",
          message: "binary content (NUL byte at line 2, column 4) is not JSON",
          file: FILE,
          line: 2,
          column: 4,
        },
      ],
    });
  });

  it("never throws on arbitrary text and agrees with JSON.parse on whether it is JSON", () => {
    const alphabet = fc.constantFrom(..."{}[],:\"\\ 0123456789-+.eEtrufalsn\n\r\tu/ab'".split(""));
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.array(alphabet, { maxLength: 3 }))
      .map(([t, at, ins]) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + ins.join("") + t.slice(i + 1);
      });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabet }), mutated), (text) => {
        let expected: unknown;
        let valid = true;
        try {
          expected = JSON.parse(text);
        } catch {
          valid = false;
        }
        const result = parseJsonSource(text, FILE);
        if (valid) {
          expect(result.node && firstDifference(toPlain(result.node), expected)).toBeUndefined();
        } else {
          expect(result.node).toBeUndefined();
          expect(result.diagnostics[0]?.code).toBe("ParseError");
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseJsonSource depth limit", () => {
  it.each([10_000, 1_000_000])("refuses %i nested arrays at depth 513 without overflowing", (n) => {
    const text = "[".repeat(n) + "]".repeat(n);
    const result = parseJsonSource(text, FILE);
    expect(result.node).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        code: "ParseError",
        severity: "error",
        message: "nesting is deeper than the limit of 512 levels (this array is at depth 513)",
        file: FILE,
        line: 1,
        column: 513,
      },
    ]);
  });

  it.each([10_000, 1_000_000])("refuses %i nested objects at depth 513", (n) => {
    const text = `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
    const [d] = parseJsonSource(text, FILE).diagnostics;
    expect(d).toMatchObject({
      code: "ParseError",
      message: "nesting is deeper than the limit of 512 levels (this object is at depth 513)",
      line: 1,
      column: 512 * 5 + 1,
    });
  });

  it("accepts exactly maxDepth levels and refuses one more", () => {
    expect(parseJsonSource("[[[]]]", FILE, { maxDepth: 3 }).diagnostics).toEqual([]);
    expect(parseJsonSource("[[[[]]]]", FILE, { maxDepth: 3 }).diagnostics[0]).toMatchObject({ column: 4 });
    expect(parseJsonSource("1", FILE, { maxDepth: 0 }).node).toEqual({
      kind: "scalar",
      value: 1,
      range: range(1, 1, 1, 2),
    });
    expect(parseJsonSource("[]", FILE, { maxDepth: 0 }).diagnostics[0]?.code).toBe("ParseError");
    const deep = "[".repeat(512) + "]".repeat(512);
    expect(parseJsonSource(deep, FILE).diagnostics).toEqual([]);
  });

  it.each([10_000, 1_000_000])("parses %i nested levels iteratively when the limit allows", (n) => {
    const text = `${'{"a":['.repeat(n / 2)}7${"]}".repeat(n / 2)}`;
    const result = parseJsonSource(text, FILE, { maxDepth: Number.POSITIVE_INFINITY });
    expect(result.diagnostics).toEqual([]);
    let node = result.node;
    let depth = 0;
    while (node && node.kind !== "scalar") {
      depth++;
      node =
        node.kind === "object" ? node.entries[0]?.value : node.kind === "array" ? node.items[0] : undefined;
    }
    expect(depth).toBe(n);
    expect(node).toEqual({ kind: "scalar", value: 7, range: range(1, 3 * n + 1, 1, 3 * n + 2) });
  });
});

describe("parseJsonSource duplicate keys", () => {
  it("keeps the last value in the first slot and warns at the duplicate", () => {
    const text = '{"a": 1, "b": 2, "a": 3}';
    const result = parseJsonSource(text, FILE);
    const root = result.node;
    if (root?.kind !== "object") throw new Error("object expected");
    expect(root.entries.map((e) => [e.key, toPlain(e.value)])).toEqual([
      ["a", 3],
      ["b", 2],
    ]);
    expect(root.entries[0]?.keyRange).toEqual(range(1, 18, 1, 21));
    expect(firstDifference(toPlain(root), JSON.parse(text))).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        code: "DuplicateKey",
        severity: "warning",
        message:
          'duplicate key "a" in this object: this later value is used and the earlier one at line 1, column 2 is ignored (as JSON.parse does); remove one of them',
        file: FILE,
        line: 1,
        column: 18,
      },
    ]);
  });

  it("finds duplicates in large objects and nested objects separately", () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`);
    const text = `{${keys.join(",")},\n"k3": "late", "inner": {"k3": 1, "k3": 2}}`;
    const result = parseJsonSource(text, FILE);
    expect(result.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["DuplicateKey", 2, 1],
      ["DuplicateKey", 2, 34],
    ]);
    if (!result.node) throw new Error("no node");
    expect(firstDifference(toPlain(result.node), JSON.parse(text))).toBeUndefined();
  });

  it("does not treat the same key in sibling objects as a duplicate", () => {
    expect(parseJsonSource('[{"a": 1}, {"a": 2}]', FILE).diagnostics).toEqual([]);
  });
});
