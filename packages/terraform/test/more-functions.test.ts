import { describe, expect, it } from "vitest";
import { elementText, SOURCE_ACCOUNT_PATH, scan, topicPolicy } from "./helpers.js";

// Functions that were not evaluated at all: a policy built with them was one unknown, trusted to be
// yours (CD301 only), whatever their known arguments made of it.

const SELF = 'data "aws_caller_identity" "current" {}';
const ACCT = 'variable "acct" {}';

async function sourceAccount(expr: string, extra = "") {
  const r = await scan({ "main.tf": topicPolicy(expr, extra) });
  return {
    value: elementText(r.sites[0]?.document, ...SOURCE_ACCOUNT_PATH),
    cd301: r.findings.filter((f) => f.ruleId === "CD301").map((f) => f.message),
  };
}

describe("functions evaluated on known arguments, as Terraform documents them", () => {
  it.each([
    // sort: lexicographic by Unicode code point (not by UTF-16 unit: U+FF41 sorts before U+1F600);
    // numbers and bools are converted to strings.
    ['sort(["b", "a", "B", "10", "9"])', '["10","9","B","a","b"]'],
    ['sort(["😀", "ａ"])', '["ａ","😀"]'],
    ['sort([10, 9, "a", true])', '["10","9","a","true"]'],
    // Set functions: a set of strings is listed lexicographically, of numbers by value; a string
    // among the elements makes them all strings.
    ['setunion(["b", "a"], ["c", "a"], ["d"])', '["a","b","c","d"]'],
    ["setunion([10, 2], [2, 1])", "[1,2,10]"],
    ['setunion(["a"], [1])', '["1","a"]'],
    ['setintersection(["a", "b", "c"], ["c", "b", "x"], ["b", "c", "y"])', '["b","c"]'],
    ['setsubtract(["c", "a", "b", "a"], ["b"])', '["a","c"]'],
    ['setunion([], ["b", "a"])', '["a","b"]'],
    // title: a letter after anything but a letter, digit or underscore is upper-cased.
    ['title("hello world-foo_bar don\'t")', "Hello World-Foo_bar Don'T"],
    ['title("HELLO WORLD")', "HELLO WORLD"],
    // trim: every character of the cutset, from both ends only.
    ['trim("?!hello?!", "!?")', "hello"],
    ['trim("foobar", "far")', "oob"],
    ['trim("   hello! world.!  ", "! ")', "hello! world."],
    ['trim("--", "-")', ""],
    // strrev: by character (grapheme cluster), so a combining mark stays on its letter.
    ['strrev("hello")', "olleh"],
    ['strrev("a ā")', "ā a"],
    // The result is in NFC, as every Terraform string.
    ['strrev("xe\u0301")', "\u00e9x"],
    ['base64encode("Hello World")', "SGVsbG8gV29ybGQ="],
    ['base64encode("ā")', "xIE="],
    ['base64decode("SGVsbG8gV29ybGQ=")', "Hello World"],
    ['base64decode(base64encode("210987654321"))', "210987654321"],
    ["abs(-12.4)", "12.4"],
    ["ceil(5.1)", "6"],
    ["floor(-1.5)", "-2"],
    ['sum([1, 2, "3"])', "6"],
    ['chunklist(["a", "b", "c", "d", "e"], 2)', '[["a","b"],["c","d"],["e"]]'],
    ['chunklist(["a", "b"], 0)', '[["a","b"]]'],
    ["chunklist([], 3)", "[]"],
  ])("%s is %s", async (expr, expected) => {
    expect((await sourceAccount(expr)).value).toBe(expected);
  });

  // An argument not known before apply: no value is guessed; a computation is a new unknown named
  // after it (never the value it was computed from), and trim() keeps what known text settles.
  it.each([
    ['sort(["a", var.acct])', "<sort(var.acct)>", ACCT],
    ['setunion(["210987654321"], var.acct)', "<setunion(var.acct)>", ACCT],
    ['setsubtract(["210987654321", var.acct], ["x"])', "<setsubtract(var.acct)>", ACCT],
    ["strrev(data.aws_caller_identity.current.account_id)", "<strrev(SELF)>", SELF],
    ['title("x${var.acct}")', "<title(var.acct)>", ACCT],
    ["base64decode(var.acct)", "<base64decode(var.acct)>", ACCT],
    ['trim("x${var.acct}x", "-")', "x<var.acct>x", ACCT],
    ['trim("-${data.aws_caller_identity.current.account_id}", "x")', "-<SELF>", SELF],
    ['trim("${var.acct}-", "-")', "<trim(var.acct)>", ACCT],
    ['trim(data.aws_caller_identity.current.account_id, "0")', "<trim(SELF)>", SELF],
  ])("%s stays %s", async (expr, expected, extra) => {
    expect((await sourceAccount(expr, extra)).value).toBe(expected);
  });

  // What Terraform rejects is an unknown that says why.
  it.each([
    ['base64decode("SGVsbG8")', "the argument is not standard Base64 with padding"],
    ['base64decode("SGVsbG8=x")', "the argument is not standard Base64 with padding"],
    ['base64decode("/w==")', "the decoded bytes are not valid UTF-8"],
    ['sort(["a", null])', "a null string cannot be sorted"],
    ["sum([])", "sum of an empty list"],
    ['chunklist(["a"], -1)', "the size must be a whole number, 0 or more"],
    ["setunion([true], [1])", "the sets hold numbers and bools, which Terraform cannot unify"],
    ['title("élan")', "title is evaluated on ASCII text only"],
  ])("%s: %s", async (expr, reason) => {
    const r = await sourceAccount(expr);
    expect(r.value).toMatch(/^<.+\(\.\.\.\)>$/);
    expect(r.cd301).toHaveLength(1);
    expect(r.cd301[0]).toContain(`(${reason})`);
  });
});

const policy = (key: string, operator: string, value: string) => ({
  "main.tf": `variable "strict" { type = bool }
variable "env" { type = string }
locals {
  accounts = { prod = "210987654321", dev = "*" }
  regional = { "prod-eu" = "210987654321", "prod-us" = "210987654321", "dev-eu" = "*" }
}
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
      Condition = { ${operator} = { "${key}" = ${value} } } },
  ] })
}
`,
});

async function findings(value: string, key = "aws:SourceAccount", operator = "StringLike") {
  const r = await scan(policy(key, operator, value), { accounts: ["210987654321"] });
  return r.findings.map((f) => `${f.ruleId} ${f.severity}${f.variant ? ` when ${f.variant}` : ""}`);
}

describe("a guard written with these functions is judged on its value", () => {
  it.each([
    ['sort(["210987654321", "*"])', ["CD102 high"]],
    ['sort(["210987654321"])', []],
    ['setunion(["210987654321"], ["987654321098"])', ["CD102 high"]],
    ['setsubtract(["210987654321", "987654321098"], ["210987654321"])', ["CD102 high"]],
    ['setsubtract(["210987654321", "987654321098"], ["987654321098"])', []],
    ['setintersection(["210987654321", "987654321098"], ["210987654321", "*"])', []],
    ['base64decode("OTg3NjU0MzIxMDk4")', ["CD102 high"]],
    ['base64decode("MjEwOTg3NjU0MzIx")', []],
    ['strrev("890123456789")', ["CD102 high"]],
    ['strrev("123456789012")', []],
    ["tostring(sum([210987654321, 777000000000]))", ["CD102 high"]],
    ["tostring(abs(-210987654321))", []],
    // Not Base64: still an unknown, trusted to be yours, as before.
    ['base64decode("MjEwOTg3NjU0MzIx=")', ["CD301 info"]],
  ])("aws:SourceAccount = %s", async (value, expected) => {
    expect(await findings(value)).toEqual(expected);
  });

  it.each([
    ['trim(" arn:aws:events:us-east-1:987654321098:rule/x ", " ")', ["CD102 high"]],
    ['trim(" arn:aws:events:us-east-1:210987654321:rule/x ", " ")', []],
  ])("aws:SourceArn = %s", async (value, expected) => {
    expect(await findings(value, "aws:SourceArn", "ArnLike")).toEqual(expected);
  });

  it('a principal list computed with a set function: "*" left in it is found, our account alone is not', async () => {
    const principals = (remove: string) => ({
      "main.tf": `resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = "sns:Publish", Resource = "*",
      Principal = { AWS = setsubtract(["*", "arn:aws:iam::210987654321:root"], ["${remove}"]) } },
  ] })
}
`,
    });
    const rules = async (remove: string) =>
      (await scan(principals(remove), { accounts: ["210987654321"] })).findings.map(
        (f) => `${f.ruleId} ${f.severity}`,
      );
    expect(await rules("arn:aws:iam::210987654321:root")).toEqual(["CD101 high"]);
    expect(await rules("*")).toEqual([]);
  });
});

describe("an argument one of several known values: each is analysed", () => {
  it.each([
    'sort([var.strict ? "210987654321" : "*"])',
    'setunion(["210987654321"], [var.strict ? "210987654321" : "*"])',
    'slice(var.strict ? ["210987654321", "x"] : ["*", "x"], 0, 1)',
    'strrev(var.strict ? "123456789012" : "*")',
    'trim(var.strict ? " 210987654321 " : " * ", " ")',
    'base64decode(var.strict ? "MjEwOTg3NjU0MzIx" : "Kg==")',
    'lookup(local.accounts, var.strict ? "prod" : "dev")',
    'lookup(var.strict ? { a = "210987654321" } : { a = "*" }, "a", "x")',
  ])("%s", async (value) => {
    expect(await findings(value)).toEqual(["CD102 high when var.strict: false"]);
  });

  it("choices that all pin our account give no finding", async () => {
    expect(await findings('sort([var.strict ? "210987654321" : "210987654321"])')).toEqual([]);
    expect(await findings('lookup(local.accounts, var.strict ? "prod" : "prod")')).toEqual([]);
  });
});

describe("lookup with a key partly known before apply", () => {
  // Any entry whose key it may turn out to be, or the default, may be picked: the known text around
  // the unknown part leaves out the entries it cannot be.
  it("is analysed with each entry it may pick, and the default", async () => {
    expect(await findings('lookup(local.regional, "${var.env}-eu", "210987654321")')).toEqual([
      "CD102 high when ${var.env}-eu: dev-eu",
    ]);
    expect(await findings('lookup(local.regional, "${var.env}-eu", "*")')).toEqual([
      "CD102 high when ${var.env}-eu: dev-eu",
      "CD102 high when ${var.env}-eu: (default)",
    ]);
    expect(await findings('lookup(local.accounts, lower(var.env), "210987654321")')).toEqual([
      "CD102 high when ${lower(var.env)}: dev",
    ]);
  });

  it("gives no finding when every entry it may pick is ours", async () => {
    expect(await findings('lookup(local.regional, "prod-${var.env}", "210987654321")')).toEqual([]);
  });

  it("stays unknown when the map has keys not known before apply (the key may be one of them)", async () => {
    expect(
      await findings(
        'lookup({ "prod-eu" = "210987654321", (var.env) = "*" }, "${var.env}-eu", "210987654321")',
      ),
    ).toEqual(["CD301 info"]);
  });
});
