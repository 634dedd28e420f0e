import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { applySuppressions } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { applyTerraformFixesWithNotes } from "../src/index.js";
import { elementText, scan, terraformInstalled, topicPolicy, writeTree } from "./helpers.js";

// From a real-world hunt (session 17): functions the evaluator did not implement made the
// statements built with them not analysed (setproduct), a "*" guard pass as an unknown trusted to
// be yours (regex replace), impossible branches of known conditions reported (can(regex(...)),
// jsonencode(...) == ""), a distinct() list of documents unknown, and format("%012d") drop its
// padding. Each value below is what `terraform console` 1.11 gives (checked by the last test where
// terraform is installed).

const SELF = 'data "aws_caller_identity" "current" {}';
const VAR = 'variable "x" {\n  type = string\n}';

/** The value of `[expr]` where a guard value is written: JSON, unknowns as "<name>". */
async function guardValue(expr: string, extra = "") {
  const r = await scan({ "main.tf": topicPolicy(`[${expr}]`, extra) });
  const text = elementText(
    r.sites[0]?.document,
    "Statement",
    0,
    "Condition",
    "StringEquals",
    "aws:SourceAccount",
  );
  return {
    text,
    cd301: r.findings.filter((f) => f.ruleId === "CD301").map((f) => f.message),
  };
}

/** Expression, and the JSON of its value as Terraform's jsonencode gives it. */
const KNOWN: Array<[string, string]> = [
  ['setproduct(["a", "b"], ["x", "y"])', '[["a","x"],["a","y"],["b","x"],["b","y"]]'],
  ['setproduct(["a", "a"], ["x"])', '[["a","x"],["a","x"]]'],
  ['setproduct([], ["x"])', "[]"],
  ['setproduct(["a"], ["b"], ["c"])', '[["a","b","c"]]'],
  ['setproduct(["a", 1], [true])', '[["a",true],["1",true]]'],
  ['index(["a", "b", "a"], "a")', "0"],
  ['index(["a", "b", "a"], "b")', "1"],
  ['matchkeys(["i-1", "i-2", "i-3"], ["us", "eu", "us"], ["us"])', '["i-1","i-3"]'],
  ['matchkeys(["a", "b"], [1, 2], ["1"])', '["a"]'],
  ['matchkeys(["a", "b"], ["x", "y"], [])', "[]"],
  ['transpose({ a = ["1", "2"], b = ["2", "3"] })', '{"1":["a"],"2":["a","b"],"3":["b"]}'],
  ['transpose({ b = ["1"], a = ["1", "1"] })', '{"1":["a","a","b"]}'],
  ["transpose({})", "{}"],
  ["alltrue([])", "true"],
  ['alltrue([true, "true"])', "true"],
  ["alltrue([true, null])", "false"],
  ["anytrue([])", "false"],
  ['anytrue([false, "true"])', "true"],
  ["anytrue([null])", "false"],
  ['strcontains("hello", "ll")', "true"],
  ['strcontains("hello", "")', "true"],
  ['strcontains("hello", "x")', "false"],
  ['regex("^arn:", "arn:aws")', '"arn:"'],
  [String.raw`regex("(\\d+)-(\\d+)", "12-34")`, '["12","34"]'],
  [String.raw`regex("(?P<a>\\d+)-(?P<b>\\d+)", "12-34")`, '{"a":"12","b":"34"}'],
  [String.raw`regex("(?<n>\\d)", "1")`, '{"n":"1"}'],
  [String.raw`regex("(\\d)(x)?", "1")`, '["1",null]'],
  ['regex("(a|ab)(c|bcd)", "abcd")', '["a","bcd"]'],
  ['regex("a*?", "aaa")', '""'],
  ['regex(".", "😀x")', '"😀"'],
  ['regexall("[a-z]+", "ab 12 cd")', '["ab","cd"]'],
  [String.raw`regexall("(\\d)(x)?", "1 2x")`, '[["1",null],["2","x"]]'],
  [String.raw`regexall("(?P<n>\\d)", "1 2")`, '[{"n":"1"},{"n":"2"}]'],
  ['regexall("", "😀x")', '["","",""]'],
  ['regexall("a*", "baaac")', '["","aaa",""]'],
  ['regexall("a|ab", "ab")', '["a"]'],
  ['regexall("x", "abc")', "[]"],
  ['can(regex("^arn:", "arn:aws:sns"))', "true"],
  ['can(regex("^arn:", "orders"))', "false"],
  [String.raw`replace("a b  c", "/\\s/", "")`, '"abc"'],
  ['replace("hello world", "/(o)/", "[$1]")', '"hell[o] w[o]rld"'],
  ['replace("hello world", "/(?P<x>o)/", "[$${x}]")', '"hell[o] w[o]rld"'],
  ['replace("hello world", "/(o)/", "$0-$2-$$")', '"hello--$ wo--$rld"'],
  ['replace("hello", "/l+/", "$1x")', '"heo"'],
  ['replace("ab", "//", "-")', '"-a-b-"'],
  ['replace("baaac", "/a*/", "-")', '"-b-c-"'],
  ['replace("ab", "/b", "-")', '"ab"'],
  ['replace("a/b", "/", "-")', '"a-b"'],
  ['jsonencode({ a = 1 }) == ""', "false"],
  ['jsonencode({ b = 1, a = 2, B = 3 }) == "{\\"B\\":3,\\"a\\":2,\\"b\\":1}"', "true"],
  ['jsonencode("<&>") == "\\"\\\\u003c\\\\u0026\\\\u003e\\""', "true"],
  ['distinct([jsonencode({ a = 1 }), jsonencode({ a = 1 }), "x"])', '["{\\"a\\":1}","x"]'],
  ['format("%012d", 12345678901)', '"012345678901"'],
  ['format("%5d|%-5d|%05d|%+d|% d", 42, 42, -42, 42, 42)', '"   42|42   |-0042|+42| 42"'],
  ['format("%.3d|%08.3d|%-8d|%+05d", 7, 7, -7, 7)', '"007|     007|-7      |+0007"'],
  ['format("%#08x|%#o|%#b|%08b|%x|% x", 255, 8, 5, 5, -255, 255)', '"0x0000ff|010|0b101|00000101|-ff| ff"'],
  ['format("%x %X %o %b", 255, 255, 8, 5)', '"ff FF 10 101"'],
  ['format("%5s|%-5s|%.2s|%05s|%5.1s|", "ab", "ab", "abcd", "ab", "abc")', '"   ab|ab   |ab|000ab|    a|"'],
  ['format("%q|%.2q|%10q|%q", "a\\"b", "abc", "a", 1)', '"\\"a\\\\\\"b\\"|\\"ab\\"|       \\"a\\"|\\"1\\""'],
  ['format("%q", "<&>")', '"\\"\\\\u003c\\\\u0026\\\\u003e\\""'],
  [
    'format("%v|%v|%v|%v|%v", 1000000, 12345678901, 999999, -1200000, true)',
    '"1e+06|1.2345678901e+10|999999|-1.2e+06|true"',
  ],
  ['format("%5v|%05v|%-5v|", 1, "a", "x")', '"    1|0000a|x    |"'],
  ['format("%v|%#v", ["a", 1], "a")', '"[\\"a\\",1]|\\"a\\""'],
  ['format("%t|%5t|%s|%s", "true", true, true, 1.5)', '"true|true|true|1.5"'],
  ['format("%[2]s %[1]s|%[4]d %d", "a", "b", 1, 2, 3)', '"b a|2 3"'],
  ['format("%.0d|%.d|%d|%d", 0, 1, "12", 1e3)', '"|1|12|1000"'],
  [
    'format("%s|%v|%3s|%-4v|", jsonencode({ a = 1 }), jsonencode("x"), jsonencode(1), jsonencode(2))',
    '"{\\"a\\":1}|\\"x\\"|  1|2   |"',
  ],
  ['provider::aws::arn_parse("arn:aws:sns:us-east-1:210987654321:a:b").account_id', '"210987654321"'],
  ['provider::aws::arn_parse("arn:aws:sns:us-east-1:210987654321:a:b").resource', '"a:b"'],
  ['provider::aws::arn_parse("arn:aws:s3:::bucket").region', '""'],
];

describe("functions evaluated on known arguments, as terraform console gives them", () => {
  it.each(KNOWN)("%s is %s", async (expr, expected) => {
    const v = await guardValue(expr);
    expect(v.cd301).toEqual([]);
    expect(JSON.parse(v.text ?? "null")).toEqual([JSON.parse(expected)]);
  });
});

/** Expressions Terraform rejects, and why (the value stays an unknown that says so). */
const ERRORS: Array<[string, string]> = [
  ['setproduct(["a"])', "at least two arguments are required"],
  ['index(["a", "b"], "c")', "item not found"],
  ['index([1, 2], "2")', "item not found"],
  ['matchkeys(["a", "b"], ["x"], ["x"])', "length of keys and values should be equal"],
  ['alltrue(["x"])', "a bool is required"],
  ['regex("x", "abc")', "pattern did not match any part of the given string"],
  [String.raw`regex("(?P<a>\\d+)-(\\d+)", "12-34")`, "cannot mix both named and unnamed capture groups"],
  ['regex("(?=a)", "ab")', "invalid or unsupported Perl syntax"],
  ['regex("(?<=a)b", "ab")', "invalid named capture"],
  [String.raw`regex("(a)\\1", "aa")`, "invalid escape sequence"],
  ['regex("a++", "aa")', "invalid nested repetition operator"],
  ['regex("a{2,1001}", "aa")', "invalid repeat count"],
  ['replace("x", "/(/", "")', "missing closing )"],
  ['format("%d", 1.5)', "an integer is required"],
  ['format("%d", "abc")', "a number is required"],
  ['format("%d", true)', "a number is required"],
  ['format("%s", ["a"])', "string required"],
  ['format("%s")', "not enough arguments"],
  ['format("%[3]s", "a")', "need index 3 but have 1 total"],
  ['format("%d", 5, 6)', "too many arguments; only 1 used by format string"],
  ['format("%%d", 5)', "too many arguments; no verbs in format string"],
  ['format("%", 5)', "invalid format string starting at offset 1"],
  ['format("%y", 1)', "unsupported format verb 'y'"],
  ['provider::aws::arn_parse("x").account_id', '"x" is not an ARN'],
];

describe("what Terraform rejects stays an unknown that says why", () => {
  it.each(ERRORS)("%s: %s", async (expr, reason) => {
    const v = await guardValue(expr);
    expect(v.text).toMatch(/^\["<.+\(\.\.\.\)>"\]$/);
    expect(v.cd301).toHaveLength(1);
    expect(v.cd301[0]).toContain(reason);
  });
});

describe("an argument not known before apply: an unknown named after the computation, never a guess", () => {
  it.each([
    ['setproduct(var.x, ["a"])', "<setproduct(var.x)>", 'variable "x" {}'],
    ['index(["a", var.x], "b")', "<index(var.x)>", VAR],
    ['matchkeys(["a"], [var.x], ["b"])', "<matchkeys(var.x)>", VAR],
    ['alltrue([true, var.x == "a"])', "<alltrue(expression(var.x))>", VAR],
    ['regex("^(\\\\d+)$", var.x)', "<regex(var.x)>", VAR],
    ['regexall(var.x, "a")', "<regexall(var.x)>", VAR],
    ['replace(var.x, "/\\\\s/", "")', "<replace(var.x)>", VAR],
    ['replace("${var.x}1", "/1/", "2")', "<replace(var.x)>", VAR],
    ['format("%012d", data.aws_caller_identity.current.account_id)', "<format(SELF)>", SELF],
    ['format("%.3s", var.x)', "<format(var.x)>", VAR],
    ['format("%f", 1.5)', "<format(...)>", ""],
    [
      'provider::aws::arn_parse("arn:aws:sns:us-east-1:${var.x}:t").account_id',
      "<provider::aws::arn_parse(var.x).account_id>",
      VAR,
    ],
  ])("%s stays %s", async (expr, expected, extra) => {
    expect(JSON.parse((await guardValue(expr, extra)).text ?? "null")).toEqual([expected]);
  });

  it.each([
    // Known text settles it, the unknown part aside.
    ['strcontains("arn:${var.x}", "arn:")', true, VAR],
    ['"x-${var.x}" == ""', false, VAR],
    // An unknown that may hold no `:` (the deploying account) does not move the sections.
    [
      'provider::aws::arn_parse("arn:aws:sns:us-east-1:${data.aws_caller_identity.current.account_id}:t").account_id',
      "<SELF>",
      SELF,
    ],
    [
      'provider::aws::arn_parse("arn:aws:sns:us-east-1:210987654321:${var.x}").account_id',
      "210987654321",
      VAR,
    ],
  ])("%s is %s", async (expr, expected, extra) => {
    expect(JSON.parse((await guardValue(expr, extra)).text ?? "null")).toEqual([expected]);
  });

  it("can() of a regex over a value not known before apply is a test of its own", async () => {
    const r = await scan({
      "main.tf": topicPolicy(`can(regex("^arn:", var.x)) ? "210987654321" : "*"`, VAR),
    });
    expect(
      r.findings.map((f) => `${f.ruleId} ${f.severity}${f.variant ? ` when ${f.variant}` : ""}`),
    ).toEqual(['CD201 high when can(regex("^arn:", var.x)): false']);
  });
});

/** Findings as "rule severity [resource] statement", for the repros. */
async function findingsOf(main: string, options = {}) {
  const r = await scan({ "main.tf": main }, options);
  return {
    findings: r.findings.map(
      (f) => `${f.ruleId} ${f.severity} ${f.resource ?? ""}${f.variant ? ` when ${f.variant}` : ""}`,
    ),
    diagnostics: r.diagnostics.map((d) => `${d.code}: ${d.message}`),
    sites: r.sites.length,
    r,
  };
}

describe("the hunt's repros", () => {
  it("setproduct(): the statements built from it are analysed (were not: warning only, exit 0)", async () => {
    const r = await findingsOf(`variable "publishers" {
  type    = list(string)
  default = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
}
variable "topics" {
  type    = list(string)
  default = ["alerts", "audit"]
}
locals {
  grants = setproduct(var.publishers, var.topics)
}
resource "aws_sns_topic" "t" {
  for_each = toset(var.topics)
  name     = each.key
}
resource "aws_sns_topic_policy" "t" {
  for_each = toset(var.topics)
  arn      = aws_sns_topic.t[each.key].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for g in local.grants : {
      Effect    = "Allow"
      Principal = { Service = g[0] }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.t[each.key].arn
    } if g[1] == each.key]
  })
}
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.findings).toEqual([
      'CD101 high aws_sns_topic_policy.t["alerts"]',
      'CD101 high aws_sns_topic_policy.t["alerts"]',
      'CD101 high aws_sns_topic_policy.t["audit"]',
      'CD101 high aws_sns_topic_policy.t["audit"]',
    ]);
    const principals = r.r.sites.map((s) =>
      [0, 1].map((i) => elementText(s.document, "Statement", i, "Principal", "Service")),
    );
    expect(principals).toEqual([
      ["events.amazonaws.com", "cloudwatch.amazonaws.com"],
      ["events.amazonaws.com", "cloudwatch.amazonaws.com"],
    ]);
  });

  it('replace() with a /regex/: a "*" account in the list is CD102 (was CD301 info only)', async () => {
    const r = await findingsOf(`variable "allowed_accounts" {
  type    = string
  default = "210987654321, *"
}
locals {
  accounts = [for a in split(",", var.allowed_accounts) : replace(a, "/\\\\s/", "")]
}
resource "aws_sns_topic" "alerts" {
  name = "alerts"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventsPublish"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "*"
      Condition = { StringLike = { "aws:SourceAccount" = local.accounts } }
    }]
  })
}
`);
    expect(r.findings).toEqual(["CD102 high aws_sns_topic.alerts"]);
    expect(
      elementText(r.r.sites[0]?.document, "Statement", 0, "Condition", "StringLike", "aws:SourceAccount"),
    ).toBe('["210987654321","*"]');
  });

  it('can(regex(...)) and jsonencode(...) == "" over known values pick one branch (both were reported)', async () => {
    const r = await findingsOf(`data "aws_caller_identity" "current" {}
variable "source_topic" {
  type    = string
  default = "arn:aws:sns:eu-west-1:210987654321:orders"
}
locals {
  source_topic_arn = can(regex("^arn:", var.source_topic)) ? var.source_topic : "arn:aws:sns:*:*:\${var.source_topic}"
  extra_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  source_account = local.extra_policy == "" ? "*" : data.aws_caller_identity.current.account_id
}
resource "aws_sqs_queue" "q" {
  name = "orders"
}
resource "aws_sqs_queue_policy" "q" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "FromTopic"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.q.arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.source_topic_arn } }
      },
      {
        Sid       = "FromEvents"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.q.arn
        Condition = { StringLike = { "aws:SourceAccount" = local.source_account } }
      }
    ]
  })
}
`);
    expect(r.findings).toEqual([]);
    expect(r.diagnostics).toEqual([]);
  });

  it('local.p == "" ? null : local.p with a jsonencode() policy: no `when:` label, and a fix', async () => {
    const r = await findingsOf(`variable "policy" {
  type    = string
  default = ""
}
locals {
  topic_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CW"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "*"
    }]
  })
}
resource "aws_sns_topic" "a" {
  name   = "a"
  policy = local.topic_policy == "" ? null : local.topic_policy
}
`);
    expect(r.findings).toEqual(["CD101 high aws_sns_topic.a"]);
    // The fix is applied (it was refused: "that value is picked at apply").
    const file = r.r.findings[0]?.file as string;
    const { files, notes } = await applyTerraformFixesWithNotes(
      new Map([[file, readFileSync(file, "utf8")]]),
      r.r.findings,
    );
    expect(notes).toEqual([]);
    expect(files.get(file)).toContain('"aws:SourceAccount" = "ACCOUNT_ID"');
  });

  it("distinct() over known document JSON: merged into the repository policy, its suppression applies", async () => {
    const r = await findingsOf(`variable "lambda_accounts" {
  type    = list(string)
  default = ["210987654321"]
}
data "aws_iam_policy_document" "empty" {}
data "aws_iam_policy_document" "lambda_access" {
  statement {
    sid     = "LambdaECRImageRetrieval"
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
data "aws_iam_policy_document" "resource" {
  source_policy_documents = [data.aws_iam_policy_document.empty.json]
  override_policy_documents = distinct([
    length(var.lambda_accounts) > 0 ? data.aws_iam_policy_document.lambda_access.json : data.aws_iam_policy_document.empty.json,
    data.aws_iam_policy_document.empty.json,
    data.aws_iam_policy_document.empty.json,
  ])
}
resource "aws_ecr_repository" "r" {
  name = "app"
}
# deputyguard:ignore CD101 -- accepted for this repository
resource "aws_ecr_repository_policy" "r" {
  repository = aws_ecr_repository.r.name
  policy     = data.aws_iam_policy_document.resource.json
}
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.sites).toBe(1);
    expect(r.findings).toEqual(["CD101 high aws_ecr_repository_policy.r"]);
    const suppressions = r.r.sites.flatMap((x) => x.suppressions ?? []);
    const out = applySuppressions(r.r.findings, suppressions, "2026-01-01");
    expect(out.findings.map((f) => f.suppressed?.justification)).toEqual(["accepted for this repository"]);
  });

  it('format("%012d", n) keeps the zero padding of an account id held as a number (was CD204)', async () => {
    const r = await findingsOf(`variable "account_id" {
  type    = number
  default = 021098765432
}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:021098765432:alerts"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Events"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:us-east-1:021098765432:alerts"
      Condition = { StringEquals = { "aws:SourceAccount" = format("%012d", var.account_id) } }
    }]
  })
}
`);
    expect(r.findings).toEqual([]);
    expect(
      elementText(r.r.sites[0]?.document, "Statement", 0, "Condition", "StringEquals", "aws:SourceAccount"),
    ).toBe("021098765432");
  });
});

const POLICY_TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": { "Service": "events.amazonaws.com" },
    "Action": "sns:Publish",
    "Resource": "*",
    "Condition": { "StringLike": { "aws:SourceAccount": "\${account}" } }
  }]
}
`;

/** A topic whose policy is `templatestring(<template>, <vars>)`. */
const templated = (template: string, vars: string, locals = "") => ({
  "policy.tpl": POLICY_TEMPLATE,
  "only.tpl": "${account}",
  "main.tf": `variable "acct" {}
locals {
  tpl = file("\${path.module}/policy.tpl")
${locals}
}
resource "aws_sns_topic" "t" {
  name   = "t"
  policy = templatestring(${template}, ${vars})
}
`,
});

describe("templatestring() (was not evaluated: CD301 only)", () => {
  it("a template read from a file is rendered with its vars, findings at their place in it", async () => {
    const r = await scan(templated("local.tpl", '{ account = "*" }'));
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.file.endsWith("policy.tpl"), f.line])).toEqual([
      ["CD102", "aws_sns_topic.t", true, 3],
    ]);
  });

  it("a value not known before apply in its vars stays a named unknown", async () => {
    const r = await scan(templated("local.tpl", "{ account = var.acct }"));
    expect(
      elementText(r.sites[0]?.document, "Statement", 0, "Condition", "StringLike", "aws:SourceAccount"),
    ).toBe("<var.acct>");
  });

  it.each([
    // Terraform takes the template only from a reference, never written in the call.
    [
      '"$${account}"',
      '{ account = "*" }',
      "",
      "must be a direct reference to a single string from elsewhere",
    ],
    ["local.tpl", "{ acct = 1 }", "", 'the vars map does not contain key "account"'],
    ["local.tpl", "null", "", "the vars argument must not be null"],
    // Unescaped text has no place in a file that what it makes could be reported at.
    ["local.t", '{ account = "*" }', '  t = "$${account}"', "not written as it is in a file"],
    ["local.t", '{ account = "*" }', '  t = join("", ["$", "{account}"])', "not written as it is in a file"],
    [
      "local.t",
      '{ account = ["*"] }',
      '  t = file("${path.module}/only.tpl")',
      "invalid template result: string required",
    ],
  ])("templatestring(%s, %s)%s: %s", async (template, vars, locals, reason) => {
    const r = await scan(templated(template, vars, locals));
    expect(r.findings).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["PolicyUnknown"]);
    expect(r.diagnostics[0]?.message).toContain(reason);
  });
});

/** `jsonencode(expr)` in terraform console, run in an empty directory: the JSON text, or its error. */
function terraformJson(expr: string, cwd: string): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn("terraform", ["console"], {
      cwd,
      env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" },
    });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.on("close", () => resolve(out.trim()));
    p.stdin.end(`jsonencode(${expr})\n`);
  });
}

describe.skipIf(!terraformInstalled)("the values above are terraform console's", () => {
  it("for every known expression (provider functions aside: the AWS provider is not installed)", {
    timeout: 120_000,
  }, async () => {
    const cases = KNOWN.filter(([e]) => !e.startsWith("provider::"));
    // A directory each: a console holds a lock on the directory's state.
    const got = await Promise.all(cases.map(([expr]) => terraformJson(expr, writeTree({}))));
    for (const [i, [expr, expected]] of cases.entries())
      expect([expr, JSON.parse(JSON.parse(got[i] as string))]).toEqual([expr, JSON.parse(expected)]);
  });
});

// Session-17 review: format() widths were not bounded: `%999999999s` threw (Invalid string length)
// and took the module's every finding with it (InternalError, exit 3); `%99999999d` took 27 s.
describe("format() with a huge width", () => {
  it("is an unknown, quickly, and the module is analysed", async () => {
    const t = performance.now();
    const s = await scan({
      "main.tf": `resource "aws_sqs_queue_policy" "p" {
  queue_url = "q"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = format("%999999999s", "x")
      Sid       = format("%99999999d", 1)
    }]
  })
}
`,
    });
    expect(performance.now() - t).toBeLessThan(5000);
    expect(s.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "high"]]);
  });
});
