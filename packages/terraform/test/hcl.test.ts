import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSite, type PolicySite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformFormat } from "../src/index.js";
import { elementText, plainDocument, SOURCE_ACCOUNT_PATH, scan, topicPolicy, writeTree } from "./helpers.js";

const sa = async (expr: string, extra = "", options = {}) => {
  const r = await scan({ "main.tf": topicPolicy(expr, extra) }, options);
  return elementText(r.sites[0]?.document, ...SOURCE_ACCOUNT_PATH);
};

describe("expression evaluation", () => {
  it.each([
    ['"210987654321"', "", "210987654321"],
    ["data.aws_caller_identity.current.account_id", 'data "aws_caller_identity" "current" {}', "<SELF>"],
    ["local.acct", 'locals {\n  acct = "2109${"87654321"}"\n}', "210987654321"],
    ['format("%s%s", "2109", "87654321")', "", "210987654321"],
    ['join("", ["2109", "8765", "4321"])', "", "210987654321"],
    ['element(concat(["210987654321"], ["x"]), 0)', "", "210987654321"],
    ['lookup({ prod = "210987654321" }, "prod", "none")', "", "210987654321"],
    ['lookup({ prod = "210987654321" }, "dev", "135792468024")', "", "135792468024"],
    ['try(local.m.x, "210987654321")', "locals {\n  m = {}\n}", "210987654321"],
    // A reference to an undeclared local is rejected before try() runs (terraform 1.11.4 validate:
    // "Reference to undeclared local value"): the fallback is never the value.
    ['try(local.missing.x, "210987654321")', "", "<local.missing>"],
    ['coalesce("", null, "210987654321")', "", "210987654321"],
    ['replace("2109-8765-4321", "-", "")', "", "210987654321"],
    ['lower(upper("abc"))', "", "abc"],
    ['tolist(toset(["210987654321", "210987654321"]))', "", '["210987654321"]'],
    ['flatten([["210987654321"], [["246813579135"]]])', "", '["210987654321","246813579135"]'],
    ['merge({ a = "1" }, { a = "210987654321" }).a', "", "210987654321"],
    ['jsondecode(jsonencode({ a = "210987654321" })).a', "", "210987654321"],
    ['true ? "210987654321" : "246813579135"', "", "210987654321"],
    ['1 + 1 == 2 && !false ? "210987654321" : "x"', "", "210987654321"],
    // Operator precedence and left associativity (hclsyntax's table).
    ['1 + 2 * 3 == 7 && 10 - 4 - 3 == 3 && 7 % 4 * 2 == 6 ? "210987654321" : "x"', "", "210987654321"],
    ['!(1 < 2) || 2 >= 3 || 1 <= 0 == true ? "x" : "210987654321"', "", "210987654321"],
    ['8 / 2 / 2 == 2 && -1 + 3 > 1 ? "210987654321" : "x"', "", "210987654321"],
    ['[for a in ["210987654321", "x"] : a if a != "x"]', "", '["210987654321"]'],
    ['{ for k, v in { a = "210987654321" } : v => k }["210987654321"]', "", "a"],
    ['[{ id = "210987654321" }, { id = "246813579135" }][*].id', "", '["210987654321","246813579135"]'],
    ["var.acct", 'variable "acct" {\n  default = "210987654321"\n}', "210987654321"],
    ["var.acct", 'variable "acct" {}', "<var.acct>"],
    [
      '"${data.aws_region.r.name}-${data.aws_partition.p.partition}"',
      'data "aws_region" "r" {}\ndata "aws_partition" "p" {}',
      "<REGION>-<PARTITION>",
    ],
    // "x" is not an ARN: Terraform fails, and the value stays an unknown named after the call.
    ['provider::aws::arn_parse("x").account_id', "", "<provider::aws::arn_parse(...)>"],
    // From a hunt: a computation over the deploying account is not the account (it counted as ours,
    // so a StringLike "<first four digits>*" guard passed as pinned).
    [
      "substr(data.aws_caller_identity.current.account_id, 0, 4)",
      'data "aws_caller_identity" "current" {}',
      "<substr(SELF)>",
    ],
    // From a hunt: a function that changes a plain unknown gave the unknown itself, so a StringLike
    // guard on the first digits of var.acct was judged as var.acct. Its result is a new unknown,
    // unless the function cannot change it (the deploying account's digits through lower, known
    // text that settles a trim).
    ['"${substr(var.acct, 0, 4)}*"', 'variable "acct" {}', "<substr(var.acct)>*"],
    ['trimprefix(var.acct, "12")', 'variable "acct" {}', "<trimprefix(var.acct)>"],
    ['trimsuffix("x${var.acct}", "12")', 'variable "acct" {}', "<trimsuffix(var.acct)>"],
    ["trimspace(var.acct)", 'variable "acct" {}', "<trimspace(var.acct)>"],
    ["lower(var.acct)", 'variable "acct" {}', "<lower(var.acct)>"],
    ['replace(var.acct, "-", "")', 'variable "acct" {}', "<replace(var.acct)>"],
    ['trimprefix("ab${var.acct}ab", "ab")', 'variable "acct" {}', "<var.acct>ab"],
    ['trimsuffix("${var.acct}-x", "-x")', 'variable "acct" {}', "<var.acct>"],
    [
      'lower(replace(trimspace(data.aws_caller_identity.current.account_id), "-", ""))',
      'data "aws_caller_identity" "current" {}',
      "<SELF>",
    ],
    // From a hunt: coalescelist takes the first non-empty list in argument order; an unknown first
    // argument may be it (it was skipped for the known list after it).
    [
      'coalescelist(var.accounts, ["210987654321"])',
      'variable "accounts" {\n  type = list(string)\n}',
      "<var.accounts>",
    ],
    ['coalescelist([], null, ["210987654321"])', "", '["210987654321"]'],
    // From a hunt: provider::aws::arn_build with literal arguments was an unknown (CD301 only).
    [
      'split(":", provider::aws::arn_build("aws", "events", "us-east-1", "999988887777", "rule/*"))[4]',
      "",
      "999988887777",
    ],
    [
      'provider::aws::arn_build("aws", "events", data.aws_region.r.name, data.aws_caller_identity.c.account_id, "rule/x")',
      'data "aws_region" "r" {}\ndata "aws_caller_identity" "c" {}',
      "arn:aws:events:<REGION>:<SELF>:rule/x",
    ],
  ])("aws:SourceAccount = %s", async (expr, extra, want) => {
    expect(await sa(expr, extra)).toBe(want);
  });

  // From a hunt (never miss): a choice between known values by a selector not known before apply
  // became one unknown, trusted as ours, so a "*" branch was never seen. Each value is a variant.
  it.each([
    [
      'var.flag ? "210987654321" : "246813579135"',
      'variable "flag" {}',
      [
        ["210987654321", "var.flag: true"],
        ["246813579135", "var.flag: false"],
      ],
    ],
    [
      "local.guard[var.env]",
      'variable "env" {}\nlocals {\n  guard = { prod = "210987654321", dev = "*" }\n}',
      [
        ["*", "var.env: dev"],
        ["210987654321", "var.env: prod"],
      ],
    ],
    [
      'coalesce(var.acct, "*")',
      'variable "acct" {}',
      [
        ["<var.acct>", "coalesce(var.acct, ...): var.acct"],
        ["*", 'coalesce(var.acct, ...): "*"'],
      ],
    ],
  ])("aws:SourceAccount = %s: one site per value", async (expr, extra, want) => {
    const r = await scan({ "main.tf": topicPolicy(expr, extra) });
    expect(r.sites.map((s) => [elementText(s.document, ...SOURCE_ACCOUNT_PATH), s.variant])).toEqual(want);
  });

  it("gives resource attributes of known types their ARN templates", async () => {
    const extra = `resource "aws_sns_topic" "t" {\n  name = "orders"\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}`;
    const r = await scan({
      "main.tf": `${extra}
resource "aws_sqs_queue_policy" "q" {
  queue_url = "x"
  policy = jsonencode({
    Statement = [{
      Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }, Action = "sqs:SendMessage"
      Condition = { ArnLike = { "aws:SourceArn" = [aws_sns_topic.t.arn, aws_s3_bucket.b.arn, aws_sns_topic.nope.arn] } }
    }]
  })
}
`,
    });
    expect(elementText(r.sites[0]?.document, "Statement", 0, "Condition", "ArnLike", "aws:SourceArn")).toBe(
      '["arn:<PARTITION>:sns:<REGION>:<SELF>:orders","arn:<PARTITION>:s3:::logs","<aws_sns_topic.nope.arn>"]',
    );
  });

  it("reads heredoc JSON with interpolation, keeping the heredoc's positions", async () => {
    const r = await scan(
      {
        "main.tf": `variable "acct" {
  default = "246813579135"
}
resource "aws_sns_topic_policy" "t" {
  arn    = "x"
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": { "Service": "events.amazonaws.com" },
          "Action": "sns:Publish",
          "Condition": { "StringEquals": { "aws:SourceAccount": "\${var.acct}" } }
        }
      ]
    }
  EOF
}
`,
      },
      { accounts: ["210987654321"] },
    );
    expect(elementText(r.sites[0]?.document, ...SOURCE_ACCOUNT_PATH)).toBe("246813579135");
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column, f.element?.line, f.element?.column])).toEqual([
      ["CD102", 10, 9, 14, 44],
    ]);
  });

  // From a hunt: `check-iac infra/` (a relative directory, as CI runs it) read
  // "${path.module}/policy.json" as infra/infra/policy.json and warned that it did not exist, so an
  // unguarded policy in a template file was missed. path.module is relative to the root module's
  // directory, as Terraform gives it.
  it("reads file() through path.module when the module directory is given as a relative path", async () => {
    const dir = writeTree({
      "infra/main.tf": `resource "aws_sns_topic_policy" "a" {
  arn    = "x"
  policy = templatefile("\${path.module}/policy.json.tftpl", { service = "s3.amazonaws.com" })
}
module "child" {
  source = "./modules/child"
}
`,
      "infra/policy.json.tftpl":
        '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "${service}"}, "Action": "sns:Publish"}]}\n',
      "infra/modules/child/main.tf": `resource "aws_sns_topic_policy" "b" {
  arn    = "x"
  policy = file("\${path.module}/policy.json")
}
output "where" {
  value = [path.module, path.root]
}
`,
      "infra/modules/child/policy.json":
        '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish"}]}\n',
    });
    // Scanned from the directory above, as "infra" (a relative path that does not climb to the root).
    const before = process.cwd();
    process.chdir(dir);
    let r: Awaited<ReturnType<NonNullable<typeof terraformFormat.scanDirectory>>>;
    try {
      r = await terraformFormat.scanDirectory?.("infra", {});
    } finally {
      process.chdir(before);
    }
    expect(r?.diagnostics).toEqual([]);
    const findings = (r?.sites ?? []).flatMap((s) => checkSite(s).findings);
    expect(findings.map((f) => [f.ruleId, f.file.split("/").slice(-2).join("/")])).toEqual([
      ["CD101", "infra/policy.json.tftpl"],
      ["CD101", "child/policy.json"],
    ]);
  });

  // From a hunt: the common `var.x == null ? [] : [var.x]` guard, with the module input set to the
  // deploying account, was judged undecidable (CD101 medium "may hold no guard"), and the finding of
  // the other instance pointed its element at a line of the caller's file inside the module's file.
  it("decides `x == null` for the deploying account, and keeps elements in the finding's own file", async () => {
    const r = await scan({
      "main.tf": `data "aws_caller_identity" "current" {}
module "guarded" {
  source         = "./modules/topic"
  publishers     = ["events.amazonaws.com"]
  source_account = data.aws_caller_identity.current.account_id
}
module "open" {
  source     = "./modules/topic"
  publishers = ["cloudwatch.amazonaws.com"]
}
`,
      "modules/topic/main.tf": `variable "publishers" {}
variable "source_account" {
  default = null
}
data "aws_iam_policy_document" "this" {
  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = var.publishers
    }
    dynamic "condition" {
      for_each = var.source_account == null ? [] : [var.source_account]
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [condition.value]
      }
    }
  }
}
resource "aws_sns_topic_policy" "this" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = data.aws_iam_policy_document.this.json
}
`,
    });
    expect(r.diagnostics).toEqual([]);
    expect(
      r.findings.map((f) => [f.ruleId, f.severity, f.resource, f.file.split("/").slice(-3).join("/")]),
    ).toEqual([["CD101", "high", "module.open.aws_sns_topic_policy.this", "modules/topic/main.tf"]]);
    // The principal list is written in the caller's main.tf: no element position in the module's file.
    expect(r.findings[0]?.element).toBeUndefined();
  });

  // From a hunt: optional(bool, true) attributes were missing instead of their default, so a guard
  // switched on by the default was judged "may hold no guard" (CD101 medium, false alarm), and an
  // optional(string) without default was a failed lookup instead of null.
  it("fills optional() object attributes of a variable's type with their defaults", async () => {
    const r = await scan({
      "main.tf": `data "aws_caller_identity" "current" {}
variable "topics" {
  type = map(object({
    publisher    = string
    guard_source = optional(bool, true)
    source_arn   = optional(string)
  }))
  default = {
    guarded = { publisher = "events.amazonaws.com" }
    open    = { publisher = "cloudwatch.amazonaws.com", guard_source = false }
  }
}
data "aws_iam_policy_document" "t" {
  for_each = var.topics
  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = [each.value.publisher]
    }
    dynamic "condition" {
      for_each = each.value.guard_source ? [1] : []
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }
    }
    dynamic "condition" {
      for_each = each.value.source_arn == null ? [] : [each.value.source_arn]
      content {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = [condition.value]
      }
    }
  }
}
resource "aws_sns_topic_policy" "t" {
  for_each = var.topics
  arn      = "arn:aws:sns:us-east-1:210987654321:\${each.key}"
  policy   = data.aws_iam_policy_document.t[each.key].json
}
`,
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.resource])).toEqual([
      ["CD101", "high", 'aws_sns_topic_policy.t["open"]'],
    ]);
  });

  it("reads file() and templatefile() inside the module and refuses files outside it", async () => {
    const r = await scan({
      "main.tf": `resource "aws_sns_topic_policy" "a" {
  arn    = "x"
  policy = file("\${path.module}/policy.json")
}
resource "aws_sns_topic_policy" "b" {
  arn    = "x"
  policy = templatefile("\${path.module}/policy.tpl", { account = "210987654321" })
}
resource "aws_sns_topic_policy" "c" {
  arn    = "x"
  policy = file("/etc/hostname")
}
`,
      "policy.json":
        '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish"}]}\n',
      "policy.tpl":
        '{\n  "Statement": [\n    {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish",\n     "Condition": {"StringEquals": {"aws:SourceAccount": "${account}"}}}\n  ]\n}\n',
    });
    expect(r.sites.map((s) => [s.resource, s.file.split("/").pop()])).toEqual([
      ["aws_sns_topic_policy.a", "policy.json"],
      ["aws_sns_topic_policy.b", "policy.tpl"],
    ]);
    expect(elementText(r.sites[1]?.document, ...SOURCE_ACCOUNT_PATH)).toBe("210987654321");
    expect(r.findings.map((f) => [f.ruleId, f.file.split("/").pop(), f.line, f.column])).toEqual([
      ["CD101", "policy.json", 1, 16],
    ]);
    expect(r.diagnostics.find((d) => d.code === "PolicyUnknown")?.message).toContain(
      "outside the module directory",
    );
  });
});

describe("variables", () => {
  const files = (extra: Record<string, string> = {}) => ({
    "main.tf": topicPolicy("var.acct", 'variable "acct" {\n  default = "000000000001"\n}'),
    ...extra,
  });
  const value = async (extra: Record<string, string>, options = {}) => {
    const r = await scan(files(extra), options);
    return elementText(r.sites[0]?.document, ...SOURCE_ACCOUNT_PATH);
  };
  it("follows Terraform's precedence: default < terraform.tfvars < *.auto.tfvars < --var-file < --var", async () => {
    expect(await value({})).toBe("000000000001");
    expect(await value({ "terraform.tfvars": 'acct = "000000000002"\n' })).toBe("000000000002");
    expect(
      await value({
        "terraform.tfvars": 'acct = "000000000002"\n',
        "a.auto.tfvars": 'acct = "000000000003"\n',
        "b.auto.tfvars.json": '{"acct": "000000000004"}',
      }),
    ).toBe("000000000004");
    const dir = writeTree({ "prod.tfvars": 'acct = "000000000005"\n' });
    expect(
      await value({ "a.auto.tfvars": 'acct = "000000000003"\n' }, { varFiles: [join(dir, "prod.tfvars")] }),
    ).toBe("000000000005");
    expect(
      await value(
        { "a.auto.tfvars": 'acct = "000000000003"\n' },
        { varFiles: [join(dir, "prod.tfvars")], variables: { acct: "000000000006" } },
      ),
    ).toBe("000000000006");
  });
  it("parses complex --var values as HCL", async () => {
    const r = await scan(
      { "main.tf": topicPolicy("var.accts", 'variable "accts" {\n  type = list(string)\n}') },
      { variables: { accts: '["210987654321", "246813579135"]' } },
    );
    expect(elementText(r.sites[0]?.document, ...SOURCE_ACCOUNT_PATH)).toBe('["210987654321","246813579135"]');
  });
  it("keeps a variable without a value unknown with provenance (CD301), never guessed", async () => {
    const r = await scan({ "main.tf": topicPolicy("var.acct", 'variable "acct" {}') });
    const f = r.findings.find((x) => x.ruleId === "CD301");
    expect(f?.message).toContain("var.acct (the variable has no default and no value was given");
  });
});

describe("unknown locals", () => {
  it("name an unknown computed inside a local after the local, keeping references' own names", async () => {
    // From terraform-aws-lambda iam.tf: the trust policy's principal list was reported as
    // <var.lambda_at_edge ? 2 : 1>, the condition deep inside the local that made it unknown.
    const r = await scan({
      "main.tf": `
variable "edge" {}
variable "extra" {}
locals {
  services = distinct(concat(slice(["events.amazonaws.com", "sns.amazonaws.com"], 0, var.edge ? 2 : 1), var.extra))
  direct   = var.extra
}
data "aws_iam_policy_document" "t" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = local.services
    }
  }
}
data "aws_iam_policy_document" "u" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = local.direct
    }
  }
}
resource "aws_iam_role" "t" { assume_role_policy = data.aws_iam_policy_document.t.json }
resource "aws_iam_role" "u" { assume_role_policy = data.aws_iam_policy_document.u.json }
`,
    });
    const t = r.findings.find((f) => f.resource === "aws_iam_role.t");
    const u = r.findings.find((f) => f.resource === "aws_iam_role.u");
    expect(t?.message).toContain("<local.services>");
    expect(t?.message).not.toContain("?");
    expect(u?.message).toContain("<var.extra>");
  });

  it("say which expression inside the local made it unknown, on one line", async () => {
    // terraform-aws-s3-bucket main.tf: a multi-line conditional inside local.policy.
    const r = await scan({
      "main.tf": `
variable "on" {}
locals {
  policy = var.on ? jsonencode({
    Statement = [{ Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }, Action = "sqs:SendMessage", Resource = "*" }]
  }) : null
}
resource "aws_sqs_queue_policy" "q" {
  queue_url = "https://example.com/q"
  policy    = local.policy
}
`,
    });
    // Since conditionals are analysed branch by branch, the policy is checked where it exists.
    expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([["CD101", "var.on: true"]]);
    expect(r.diagnostics).toEqual([]);
  });
});

describe("count and for_each", () => {
  const role = (meta: string, extra = "") => `${extra}
resource "aws_iam_role" "r" {
  ${meta}
  name = "r"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { Service = "states.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
`;
  it("expands literal collections", async () => {
    expect((await scan({ "main.tf": role("count = 2") })).sites.map((s) => s.resource)).toEqual([
      "aws_iam_role.r[0]",
      "aws_iam_role.r[1]",
    ]);
    expect(
      (await scan({ "main.tf": role('for_each = toset(["a", "b"])') })).sites.map((s) => s.resource),
    ).toEqual(['aws_iam_role.r["a"]', 'aws_iam_role.r["b"]']);
    expect((await scan({ "main.tf": role("count = 0") })).sites).toEqual([]);
  });
  it("analyses once when the collection is unknown", async () => {
    const r = await scan({ "main.tf": role("count = var.n", 'variable "n" {}') });
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_iam_role.r"]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
  });
  it("binds each.value in the policy", async () => {
    const r = await scan({
      "main.tf": topicPolicy("each.value", "").replace(
        'resource "aws_sns_topic_policy" "orders" {',
        'resource "aws_sns_topic_policy" "orders" {\n  for_each = { a = "210987654321" }',
      ),
    });
    expect(r.sites.map((s) => [s.resource, elementText(s.document, ...SOURCE_ACCOUNT_PATH)])).toEqual([
      ['aws_sns_topic_policy.orders["a"]', "210987654321"],
    ]);
  });
});

describe("aws_iam_policy_document", () => {
  it("builds statements from several principals, condition and dynamic blocks", async () => {
    const r = await scan({
      "main.tf": `locals {
  services = ["events.amazonaws.com", "sns.amazonaws.com"]
}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["sqs:SendMessage"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:sns:us-east-1:210987654321:a"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:events:us-east-1:210987654321:rule/b"]
    }
  }
  dynamic "statement" {
    for_each = local.services
    iterator = svc
    content {
      sid     = "S\${svc.key}"
      actions = ["sqs:SendMessage"]
      principals {
        type        = "Service"
        identifiers = [svc.value]
      }
    }
  }
}
resource "aws_sqs_queue_policy" "q" {
  queue_url = "x"
  policy    = data.aws_iam_policy_document.d.json
}
`,
    });
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_sqs_queue_policy.q"]);
    expect(plainDocument(r.sites[0])).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "sns.amazonaws.com"] },
          Action: ["sqs:SendMessage"],
          Condition: {
            ArnLike: {
              "aws:SourceArn": [
                "arn:aws:sns:us-east-1:210987654321:a",
                "arn:aws:events:us-east-1:210987654321:rule/b",
              ],
            },
          },
        },
        {
          Sid: "S0",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com"] },
          Action: ["sqs:SendMessage"],
        },
        {
          Sid: "S1",
          Effect: "Allow",
          Principal: { Service: ["sns.amazonaws.com"] },
          Action: ["sqs:SendMessage"],
        },
      ],
    });
    // The first statement's SourceArns hold one ARN for each principal, so no CD205 (a value is wrong only
    // when it fits none of them); the dynamic statements have no guard (CD101), reported at the dynamic block.
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([
      ["CD101", 26, 3],
      ["CD101", 26, 3],
    ]);
  });

  it("merges source and override documents by Sid as the provider does", async () => {
    const stmt = (sid: string, action: string) =>
      `  statement {\n    sid = "${sid}"\n    actions = ["${action}"]\n    resources = ["*"]\n  }\n`;
    const r = await scan({
      "main.tf": `data "aws_iam_policy_document" "source" {
${stmt("A", "s3:GetObject")}${stmt("B", "s3:PutObject")}}
data "aws_iam_policy_document" "override" {
${stmt("B", "s3:DeleteObject")}${stmt("D", "s3:ListBucket")}}
data "aws_iam_policy_document" "merged" {
  source_policy_documents   = [data.aws_iam_policy_document.source.json]
  override_policy_documents = [data.aws_iam_policy_document.override.json]
${stmt("A", "s3:GetObjectAcl")}${stmt("C", "s3:GetBucketPolicy")}}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.merged.json
}
`,
    });
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_iam_policy.p"]);
    const doc = plainDocument(r.sites[0]) as { Statement: Array<{ Sid: string; Action: string[] }> };
    expect(doc.Statement.map((s) => [s.Sid, s.Action[0]])).toEqual([
      ["A", "s3:GetObjectAcl"],
      ["B", "s3:DeleteObject"],
      ["C", "s3:GetBucketPolicy"],
      ["D", "s3:ListBucket"],
    ]);
  });

  it("reports a document no resource uses at the data source", async () => {
    const r = await scan({
      "main.tf": `data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
  }
}
`,
    });
    expect(r.sites.map((s) => [s.resource, s.kind])).toEqual([
      ["data.aws_iam_policy_document.trust", "trust-policy"],
    ]);
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column, f.resource])).toEqual([
      ["CD101", 2, 3, "data.aws_iam_policy_document.trust"],
    ]);
  });
});

describe("documents of a resource with no instance", () => {
  const files = (meta: string, policy: string) => ({
    "main.tf": `variable "enable_sns" {
  type    = bool
  default = false
}
variable "n" { type = number }
locals {
  policy = data.aws_iam_policy_document.d.json
}
data "aws_iam_policy_document" "base" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}
data "aws_iam_policy_document" "d" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
  }
}
resource "aws_sqs_queue_policy" "p" {
  ${meta}
  queue_url = "q"
  policy    = ${policy}
}
`,
  });

  // From a hunt: the documents of a resource that is not deployed were reported on their own, at
  // the data source, while the same policy written inline in the resource gives no finding.
  const direct = "data.aws_iam_policy_document.d.json";
  it.each([
    ["count = 0", direct],
    ["count = var.enable_sns ? 1 : 0", direct],
    ["for_each = {}", direct],
    ["for_each = toset([])", direct],
    ["count = 0", "local.policy"],
    ["count = 0", "jsonencode(jsondecode(data.aws_iam_policy_document.d.json))"],
  ])("are not reported on their own (%s, policy %s)", async (meta, policy) => {
    const r = await scan(files(meta, policy));
    expect(r.sites).toEqual([]);
    expect(r.findings).toEqual([]);
  });

  it("are analysed at the resource when its count is not known", async () => {
    const r = await scan(files("count = var.n", direct));
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_sqs_queue_policy.p"]);
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.principals])).toEqual([
      ["CD101", "aws_sqs_queue_policy.p", ["events.amazonaws.com"]],
      ["CD101", "aws_sqs_queue_policy.p", ["sns.amazonaws.com"]],
    ]);
  });
});

describe("policy parts not known before apply", () => {
  const role = (forEach: string, extra = "") => `
variable "guard" {}
${extra}
data "aws_iam_policy_document" "t" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    dynamic "condition" {
      for_each = ${forEach}
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = ["246813579135"]
      }
    }
  }
}
resource "aws_iam_role" "t" { assume_role_policy = data.aws_iam_policy_document.t.json }
`;

  it("are not counted on when their for_each is not known: the statement is judged without them", async () => {
    // Before, the one block analysed for an unknown for_each counted as present: no finding and no
    // warning, although `guard = false` leaves the role open to every account's EventBridge.
    const r = await scan({ "main.tf": role("var.guard ? [1] : []") });
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "medium"]]);
    expect(r.findings[0]?.message).toContain('Its Condition depends on <dynamic "condition">');
    const d = r.sites.flatMap((s) => checkSite(s).diagnostics).find((x) => x.code === "UnresolvedCondition");
    expect(d?.message).toContain('the dynamic "condition" for_each is not known before apply');
    expect(d?.message).toContain("var.guard");
    expect(d?.line).toBe(11);
  });

  it("with a key that binds no source, are left out without changing the verdict's severity", async () => {
    // terraform-aws-s3-bucket lb_log_delivery: an optional aws:ResourceOrgID names the bucket's own
    // organization, not the caller's: the statement is unguarded either way (CD101 high).
    const r = await scan({
      "main.tf": `
variable "orgs" {}
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::logs/*"]
    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
    dynamic "condition" {
      for_each = length(var.orgs) > 0 ? [true] : []
      content {
        test     = "StringEquals"
        variable = "aws:ResourceOrgID"
        values   = var.orgs
      }
    }
  }
}
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = data.aws_iam_policy_document.p.json
}
`,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "high"]]);
    expect(r.diagnostics.find((d) => d.code === "UnresolvedCondition")?.message).toContain(
      "may generate no condition on aws:ResourceOrgID",
    );
  });

  it("a Condition chosen by an unknown conditional in jsonencode is not counted on either", async () => {
    // Before: "Condition is a value; expected an object of operators" (an error) and no finding.
    const r = await scan({
      "main.tf": `
variable "guard" {}
resource "aws_iam_role" "t" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = var.guard ? { StringEquals = { "aws:SourceAccount" = "246813579135" } } : {}
    }]
  })
}
`,
    });
    // Each branch is analysed: the guarded one is closed, the empty one is open.
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.variant])).toEqual([
      ["CD101", "medium", "var.guard: false"],
    ]);
    const checked = r.sites.flatMap((s) => checkSite(s).diagnostics);
    expect(checked.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("principals of a type not known before apply count as services when they look like one", async () => {
    // Before: an unknown type was read as "AWS", so events.amazonaws.com was no service principal:
    // no finding, no warning.
    const r = await scan({
      "main.tf": `
variable "ptype" {}
data "aws_iam_policy_document" "a" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = var.ptype
      identifiers = ["events.amazonaws.com", "arn:aws:iam::246813579135:root"]
    }
  }
}
resource "aws_iam_role" "a" { assume_role_policy = data.aws_iam_policy_document.a.json }
`,
    });
    expect(r.findings.map((f) => [f.ruleId, f.principals])).toEqual([["CD101", ["events.amazonaws.com"]]]);
    expect(r.diagnostics.find((d) => d.code === "UnresolvedPrincipal")?.line).toBe(6);
  });

  it("Lambda permission guard arguments that may be null are not counted on", async () => {
    // terraform-aws-lambda modules/alias: source_arn = try(each.value.source_arn, null) over
    // var.allowed_triggers, whose entries may leave it out. Before: CD301 info ("assumed yours").
    const r = await scan({
      "main.tf": `
variable "on" {}
variable "triggers" {}
resource "aws_lambda_permission" "c" {
  function_name = "fn"
  principal     = "sns.amazonaws.com"
  source_arn    = var.on ? "arn:aws:sns:us-east-1:246813579135:t" : null
}
resource "aws_lambda_permission" "e" {
  for_each      = var.triggers
  function_name = "fn"
  principal     = "events.amazonaws.com"
  source_arn    = try(each.value.source_arn, null)
}
resource "aws_lambda_permission" "k" {
  function_name = "fn"
  principal     = "sns.amazonaws.com"
  source_arn    = var.on ? "arn:aws:sns:us-east-1:246813579135:t" : "arn:aws:sns:us-east-1:246813579135:u"
}
`,
    });
    const by = (address: string) =>
      r.findings.filter((f) => f.resource === address).map((f) => [f.ruleId, f.severity]);
    // Since conditionals are judged branch by branch: the null branch leaves the permission open
    // (high, in that variant); both branches naming one account's topics pin it.
    expect(by("aws_lambda_permission.c")).toEqual([["CD101", "high"]]);
    expect(r.findings.find((f) => f.resource === "aws_lambda_permission.c")?.variant).toBe("var.on: false");
    expect(by("aws_lambda_permission.e")).toEqual([["CD101", "medium"]]);
    expect(by("aws_lambda_permission.k")).toEqual([]);
    expect(r.findings.find((f) => f.resource === "aws_lambda_permission.e")?.message).toContain(
      "Its source arguments depend on",
    );
    const warnings = r.diagnostics.filter((d) => d.code === "UnresolvedArgument");
    expect(warnings.map((d) => d.line)).toEqual([13]);
  });

  // From the corpus (terraform-aws-modules/terraform-aws-lambda modules/alias): four guard arguments
  // `try(each.value.x, null)` over one for_each gave four warnings per permission, one per line,
  // each repeating the same reason.
  it("one warning for the guard arguments that may be null for the same reason", async () => {
    const r = await scan({
      "main.tf": `variable "triggers" {}
resource "aws_lambda_permission" "t" {
  for_each           = var.triggers
  function_name      = "fn"
  principal          = try(each.value.principal, "events.amazonaws.com")
  principal_org_id   = try(each.value.principal_org_id, null)
  source_arn         = try(each.value.source_arn, null)
  source_account     = try(each.value.source_account, null)
  event_source_token = try(each.value.event_source_token, null)
}
`,
    });
    const warnings = r.diagnostics.filter((d) => d.code === "UnresolvedArgument");
    expect(warnings.map((d) => [d.line, d.column])).toEqual([[6, 24]]);
    expect(warnings[0]?.message).toMatch(
      /^principal_org_id, source_arn, source_account and event_source_token may be null when applied \(.*for_each.*\); the permission is judged without them$/,
    );
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "medium"]]);
  });

  it("a written statement with an unknown effect is analysed as an Allow", async () => {
    // Before: UnresolvedStatement ("the statement is not analysed") and no finding.
    const r = await scan({
      "main.tf": `
variable "eff" {}
data "aws_iam_policy_document" "eff" {
  statement {
    effect  = var.eff
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "eff" { assume_role_policy = data.aws_iam_policy_document.eff.json }
`,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "medium"]]);
    expect(r.sites.flatMap((s) => checkSite(s).diagnostics).map((d) => d.code)).toEqual(["UnresolvedEffect"]);
  });

  it("a source document not known before apply leaves the document's own statements analysed", async () => {
    // cloudposse terraform-aws-cloudtrail-s3-bucket: source_policy_documents = var.policy == "" ?
    // null : [var.policy] made the whole document unknown, and its unguarded CloudTrail statements
    // went unanalysed (a PolicyUnknown warning only).
    const r = await scan({
      "main.tf": `
variable "policy" {}
data "aws_iam_policy_document" "p" {
  source_policy_documents = var.policy == "" ? null : [var.policy]
  statement {
    sid       = "AWSCloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = ["arn:aws:s3:::trail"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}
resource "aws_s3_bucket_policy" "p" {
  bucket = "trail"
  policy = data.aws_iam_policy_document.p.json
}
`,
    });
    expect(r.findings.map((f) => [f.ruleId, f.resource])).toEqual([["CD101", "aws_s3_bucket_policy.p"]]);
    const w = r.diagnostics.find((d) => d.code === "PolicyUnknown");
    expect(w?.message).toContain("a document in source_policy_documents of data.aws_iam_policy_document.p");
    expect(w?.message).toContain("its statements are not analysed");
  });

  it("known statements concatenated with unknown ones are analysed", async () => {
    // Before: concat([...], var.extra) made the whole Statement list unknown: nothing analysed.
    const r = await scan({
      "main.tf": `
variable "extra" {}
variable "more" {}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:246813579135:t"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Effect    = "Allow"
      Principal = { Service = concat(["events.amazonaws.com"], var.more) }
      Action    = "sns:Publish"
      Resource  = "*"
    }], var.extra)
  })
}
`,
    });
    expect(r.findings.map((f) => [f.ruleId, f.principals])).toEqual([
      ["CD101", ["events.amazonaws.com", "<var.more>"]],
    ]);
    const d = r.sites.flatMap((s) => checkSite(s).diagnostics);
    expect(d.map((x) => x.code)).toEqual(["UnresolvedStatement"]);
    expect(d[0]?.message).toContain("statement 1 is not known before deployment (var.extra");
  });

  it("a statement merged with an unknown object keeps its known elements; its Condition counts only if set last", async () => {
    // Before: merge({...}, var.guard ? {Condition = ...} : {}) made the statement unknown (an error,
    // then a warning) and nothing was analysed.
    const statement = (args: string) => `jsonencode({
    Version = "2012-10-17"
    Statement = [merge(${args})]
  })`;
    const base = `{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sts:AssumeRole" }`;
    const guard = `{ Condition = { StringEquals = { "aws:SourceAccount" = "246813579135" } } }`;
    const r = await scan(
      {
        "main.tf": `
variable "guard" {}
variable "extra" {}
resource "aws_iam_role" "maybe" { assume_role_policy = ${statement(`${base}, var.guard ? ${guard} : {}`)} }
resource "aws_iam_role" "last" { assume_role_policy = ${statement(`${base}, var.extra, ${guard}`)} }
resource "aws_iam_role" "first" { assume_role_policy = ${statement(`${base}, ${guard}, var.extra`)} }
`,
      },
      { accounts: ["246813579135"] },
    );
    const by = (address: string) =>
      r.findings.filter((f) => f.resource === address).map((f) => [f.ruleId, f.severity]);
    expect(by("aws_iam_role.maybe")).toEqual([["CD101", "medium"]]);
    // Set after every unknown argument: nothing can replace it.
    expect(by("aws_iam_role.last")).toEqual([]);
    // Set before an unknown argument, which may replace it: not counted on.
    expect(by("aws_iam_role.first")).toEqual([["CD101", "medium"]]);
  });

  it("count when their for_each is known", async () => {
    const on = await scan({ "main.tf": role("var.guard ? [1] : []") }, { variables: { guard: "true" } });
    expect(on.findings).toEqual([]);
    expect(on.diagnostics.filter((x) => x.code === "UnresolvedCondition")).toEqual([]);
    const off = await scan({ "main.tf": role("var.guard ? [1] : []") }, { variables: { guard: "false" } });
    expect(off.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
  });
});

describe("modules", () => {
  const child = `variable "account" {}
output "arn" {
  value = aws_sns_topic.t.arn
}
resource "aws_sns_topic" "t" {
  name = "child"
}
${topicPolicy("var.account")}`;

  it("follows local modules with the arguments passed, and does not analyse them again alone", async () => {
    const r = await scan(
      {
        "main.tf": `module "logs" {
  source  = "./modules/logs"
  account = "246813579135"
}
`,
        "modules/logs/main.tf": child,
      },
      { accounts: ["210987654321"] },
    );
    expect(r.sites.map((s) => s.resource)).toEqual(["module.logs.aws_sns_topic_policy.orders"]);
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.file.endsWith("modules/logs/main.tf")])).toEqual([
      ["CD102", "module.logs.aws_sns_topic_policy.orders", true],
    ]);
  });

  it("follows modules installed by terraform init (modules.json) and uses their outputs", async () => {
    const r = await scan({
      "main.tf": `module "bus" {
  source  = "acme/bus/aws"
  account = "210987654321"
}
${topicPolicy("module.bus.arn").replace('"aws:SourceAccount" = module.bus.arn', '"aws:SourceArn" = module.bus.arn').replace("StringEquals", "ArnLike")}`,
      ".terraform/modules/modules.json": JSON.stringify({
        Modules: [
          { Key: "", Source: "", Dir: "." },
          { Key: "bus", Source: "registry.terraform.io/acme/bus/aws", Dir: ".terraform/modules/bus" },
        ],
      }),
      ".terraform/modules/bus/main.tf": child,
    });
    expect(r.sites.map((s) => s.resource).sort()).toEqual([
      "aws_sns_topic_policy.orders",
      "module.bus.aws_sns_topic_policy.orders",
    ]);
    const root = r.sites.find((s) => s.resource === "aws_sns_topic_policy.orders");
    expect(elementText(root?.document, "Statement", 0, "Condition", "ArnLike", "aws:SourceArn")).toBe(
      "arn:<PARTITION>:sns:<REGION>:<SELF>:child",
    );
  });

  it("lists modules it cannot analyse and keeps their outputs unknown", async () => {
    const r = await scan({
      "main.tf": `module "bus" {\n  source = "acme/bus/aws"\n}\n${topicPolicy("module.bus.account")}`,
    });
    expect(
      r.diagnostics.filter((d) => d.code === "ModuleNotAnalysed").map((d) => [d.line, d.message]),
    ).toEqual([
      [
        1,
        'module.bus: module "acme/bus/aws" is not installed (run terraform init to analyse it); its outputs are unknown',
      ],
    ]);
    expect(elementText(r.sites[0]?.document, ...SOURCE_ACCOUNT_PATH)).toBe("<module.bus.account>");
  });

  it("reports a module cycle instead of looping", async () => {
    const r = await scan({
      "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
      "b/main.tf": 'module "a" {\n  source = "../a"\n}\n',
    });
    expect(r.diagnostics.some((d) => d.code === "ModuleCycle")).toBe(true);
  });
});

describe("override files", () => {
  const statement = (dynamic: boolean, service: string, guard: string) => {
    const body = `actions   = ["sqs:SendMessage"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["${service}"]
      }${guard}`;
    return dynamic
      ? `  dynamic "statement" {
    for_each = [1]
    content {
      ${body}
    }
  }`
      : `  statement {
      ${body}
  }`;
  };
  const guard = `
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = ["210987654321"]
      }`;
  const queue = `resource "aws_sqs_queue_policy" "p" {
  queue_url = "q"
  policy    = data.aws_iam_policy_document.d.json
}
`;

  // From a hunt: a dynamic "statement" block of the override left the original static statement
  // blocks in place (it was keyed by "dynamic"), so the unguarded statement it replaces was reported.
  it.each([
    ["static", "dynamic", false, true],
    ["dynamic", "static", true, false],
    ["dynamic", "dynamic", true, true],
  ])("a %s statement block is replaced by a %s one of the override", async (_a, _b, base, override) => {
    const r = await scan({
      "main.tf": `data "aws_iam_policy_document" "d" {\n${statement(base, "events.amazonaws.com", "")}\n}\n${queue}`,
      "main_override.tf": `data "aws_iam_policy_document" "d" {\n${statement(override, "sns.amazonaws.com", guard)}\n}\n`,
    });
    const services = (s: PolicySite) =>
      (plainDocument(s) as { Statement: Array<{ Principal: unknown }> }).Statement.map((x) => x.Principal);
    expect(r.sites.map((s) => [s.resource, services(s)])).toEqual([
      ["aws_sqs_queue_policy.p", [{ Service: ["sns.amazonaws.com"] }]],
    ]);
    expect(r.findings).toEqual([]);
  });
});

describe("positions", () => {
  it("points at the statement object in jsonencode and at the offending element", async () => {
    const r = await scan({ "main.tf": topicPolicy('"*"') });
    expect(
      r.findings.map((f) => [f.ruleId, f.line, f.column, f.endLine, f.element?.line, f.element?.column]),
    ).toEqual([["CD201", 6, 18, 12, 11, 60]]);
  });
  it("points a Lambda permission at its resource block", async () => {
    const r = await scan({
      "main.tf": `

resource "aws_lambda_permission" "s3" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.b.arn
}
resource "aws_s3_bucket" "b" {
  bucket = "uploads"
}
resource "aws_lambda_permission" "sns" {
  function_name = "f"
  principal     = "sns.amazonaws.com"
}
`,
    });
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.line, f.column])).toEqual([
      ["CD103", "aws_lambda_permission.s3", 3, 1],
      ["CD101", "aws_lambda_permission.sns", 12, 1],
    ]);
  });
});

describe("bad input", () => {
  it("reports HCL syntax errors with Terraform's line and column", async () => {
    const r = await scan({ "main.tf": 'resource "aws_iam_role" "r" {\n  name = \n}\n' });
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["ParseError", 2, 10]]);
    expect(r.diagnostics[0]?.message).toContain("Invalid expression");
  });
  it("reports statements it cannot resolve instead of crashing", async () => {
    const r = await scan({
      "main.tf": `variable "statements" {}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = var.statements
    content {
      effect  = statement.value.effect
      actions = statement.value.actions
    }
  }
}
`,
    });
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([["UnresolvedStatement", 3]]);
  });
  it("analyses a generated 2,000-block file", async () => {
    const blocks = Array.from(
      { length: 2000 },
      (_, i) =>
        `resource "aws_iam_role" "r${i}" {\n  name = "r${i}"\n  assume_role_policy = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = { Service = "states.amazonaws.com" }, Action = "sts:AssumeRole" }]\n  })\n}\n`,
    );
    const r = await scan({ "main.tf": blocks.join("") });
    expect(r.sites).toHaveLength(2000);
    expect(r.findings).toHaveLength(2000);
    expect(r.findings[1999]?.line).toBe(1999 * 6 + 4);
  });
});

describe("one file named alone", () => {
  it("reads its directory but reports only its own sites", async () => {
    const dir = writeTree({
      "variables.tf": 'variable "acct" {\n  default = "210987654321"\n}\n',
      "a.tf": topicPolicy("var.acct"),
      "b.tf": topicPolicy('"*"').replace('"orders"', '"other"'),
    });
    const r = await terraformFormat.scanFileInContext?.(join(dir, "a.tf"), {});
    expect(r?.sites.map((s) => s.resource)).toEqual(["aws_sns_topic_policy.orders"]);
    expect(elementText(r?.sites[0]?.document, ...SOURCE_ACCOUNT_PATH)).toBe("210987654321");
    expect(r?.files).toEqual([join(dir, "a.tf")]);
    expect(readFileSync(join(dir, "b.tf"), "utf8")).toContain('"other"');
  });
});

// From a review: one choice per statement of 40 made 2^40 combinations; only 16 were analysed, so
// statements 15 and up got no finding, and every finding listed all 40 choices. Each statement's
// own choices are now enumerated side by side, and its findings name only them.
it("forty statements, each with its own conditional: each is reported with its own choice", async () => {
  const vars = Array.from({ length: 40 }, (_, i) => `variable "c${i}" { type = bool }`).join("\n");
  const statements = Array.from(
    { length: 40 },
    (_, i) => `  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.c${i} ? "210987654321" : "987654321098"]
    }
  }`,
  ).join("\n");
  const r = await scan(
    {
      "main.tf": `${vars}
data "aws_iam_policy_document" "d" {
${statements}
}
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = data.aws_iam_policy_document.d.json
}
`,
    },
    { accounts: ["210987654321"] },
  );
  expect(r.sites).toHaveLength(2);
  const found = r.findings.filter((f) => f.ruleId === "CD102");
  expect(found.map((f) => f.statement?.index)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  expect(found.map((f) => f.variant)).toEqual(Array.from({ length: 40 }, (_, i) => `var.c${i}: false`));
  expect(r.diagnostics).toEqual([]);
});

// From a review: `var.env == "prod"` and `var.env != "prod"` were two independent choices, so the
// combination where both are false (impossible) was analysed and reported at high; the same
// conditional text in two modules was one choice. Negations name one choice, keys carry the module.
it("related conditionals stay consistent: == and != of one comparison are one choice", async () => {
  const r = await scan(
    {
      "main.tf": `variable "env" {}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
    Condition = {
      StringEquals = { "aws:SourceAccount" = var.env == "prod" ? "210987654321" : "987654321098" }
      ArnLike = { "aws:SourceArn" = !(var.env != "prod") ? "arn:aws:events:us-east-1:987654321098:rule/*" : "arn:aws:events:us-east-1:210987654321:rule/*" }
    } }] })
}
`,
    },
    { accounts: ["210987654321"] },
  );
  expect(r.sites.map((s) => s.variant)).toEqual(['var.env == "prod": true', 'var.env == "prod": false']);
  expect([...new Set(r.findings.map((f) => f.ruleId))]).toEqual(["CD202"]);
});

// From a review: alternatives were lost on common paths. A statement added by
// `concat([own], var.x ? [stmt] : [])` was "not analysed"; `policy = var.x ? jsonencode(a) :
// jsonencode(b)` was a PolicyUnknown; a local holding a conditional was one trusted unknown.
it("alternatives through concat, a conditional policy and a local", async () => {
  const r = await scan(
    {
      "main.tf": `variable "allow_events" { type = bool }
variable "strict" { type = bool }
variable "prod" { type = bool }
locals {
  own  = { Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish", Resource = "*", Condition = { StringEquals = { "aws:SourceAccount" = "210987654321" } } }
  open = { Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*" }
  acct = var.prod ? "210987654321" : "987654321098"
}
resource "aws_sns_topic_policy" "a" {
  arn    = "arn:aws:sns:us-east-1:210987654321:a"
  policy = jsonencode({ Version = "2012-10-17", Statement = concat([local.own], var.allow_events ? [local.open] : []) })
}
resource "aws_sns_topic_policy" "b" {
  arn    = "arn:aws:sns:us-east-1:210987654321:b"
  policy = var.strict ? jsonencode({ Version = "2012-10-17", Statement = [local.own] }) : jsonencode({ Version = "2012-10-17", Statement = [local.open] })
}
resource "aws_sns_topic_policy" "c" {
  arn    = "arn:aws:sns:us-east-1:210987654321:c"
  policy = jsonencode({ Version = "2012-10-17", Statement = [merge(local.open, { Condition = { StringEquals = { "aws:SourceAccount" = local.acct } } })] })
}
`,
    },
    { accounts: ["210987654321"] },
  );
  expect(r.findings.map((f) => [f.ruleId, f.resource, f.variant])).toEqual([
    ["CD101", "aws_sns_topic_policy.a", "var.allow_events: true"],
    ["CD101", "aws_sns_topic_policy.b", "var.strict: false"],
    ["CD102", "aws_sns_topic_policy.c", "var.prod: false"],
  ]);
  expect(r.diagnostics).toEqual([]);
});

// From the corpus (terraform-aws-s3-bucket main.tf: `policy = cond ? replace(doc.json, ...) : ""`):
// analysing branch by branch reported the "" branch as a ParseError (exit 2), though that branch only
// exists where the resource does not. A branch without a readable policy is a branch without one.
it("a conditional policy whose other branch is empty: no ParseError", async () => {
  const r = await scan({
    "main.tf": `variable "on" {}
variable "doc" {}
resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = var.on ? replace(var.doc, "_X_", "y") : ""
}
`,
  });
  expect(r.diagnostics.map((d) => d.code)).toEqual(["PolicyUnknown"]);
});

// Found on the way: `policy = replace(var.doc, ...)` (a text that is wholly one unknown) was a
// PolicyShape error ("found a value", exit 2) instead of the PolicyUnknown warning an unknown gets.
it("a policy text that is wholly unknown is a PolicyUnknown warning", async () => {
  const r = await scan({
    "main.tf": `variable "doc" {}
resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = replace(var.doc, "_X_", "y")
}
`,
  });
  expect(r.diagnostics.map((d) => d.code)).toEqual(["PolicyUnknown"]);
  expect(r.sites.flatMap((s) => checkSite(s).diagnostics)).toEqual([]);
});

// From a review: a map indexed by a variable whose validation allows only some keys was analysed
// with every key, so the disallowed "sandbox" entry gave a CD102 that no deploy can have.
it("a variable's validation limits the entries a map index may take", async () => {
  const r = await scan(
    {
      "main.tf": `variable "env" {
  validation {
    condition     = contains(["prod", "staging"], var.env)
    error_message = "prod or staging"
  }
}
locals {
  source_accounts = { prod = "210987654321", staging = "210987654321", sandbox = "987654321098" }
}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
    Condition = { StringEquals = { "aws:SourceAccount" = local.source_accounts[var.env] } } }] })
}
`,
    },
    { accounts: ["210987654321"] },
  );
  expect(r.findings).toEqual([]);
  expect(r.sites).toHaveLength(1);
});

// From a review: lookup(local.accounts, var.env) was one unknown trusted as ours, where map[var.env]
// is analysed entry by entry; the default is one more value it may take.
it("lookup with a key not known before apply is analysed entry by entry, default included", async () => {
  const r = await scan(
    {
      "main.tf": `variable "env" {}
locals {
  accounts = { prod = "210987654321", dev = "210987654321" }
}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
    Condition = { StringLike = { "aws:SourceAccount" = lookup(local.accounts, var.env, "*") } } }] })
}
`,
    },
    { accounts: ["210987654321"] },
  );
  expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([["CD102", "var.env: (default)"]]);
});

// From a review: a Lambda permission whose source_arn is picked by a conditional was judged with one
// unknown trusted to be ours (CD301 only), though one branch names another account's topic.
it("a Lambda permission argument picked by a conditional: each value is judged", async () => {
  const r = await scan(
    {
      "main.tf": `variable "prod" { type = bool }
variable "strict" { type = bool }
resource "aws_lambda_permission" "sns" {
  statement_id  = "sns"
  action        = "lambda:InvokeFunction"
  function_name = "fn"
  principal     = "sns.amazonaws.com"
  source_arn    = var.prod ? "arn:aws:sns:us-east-1:210987654321:t" : "arn:aws:sns:us-east-1:987654321098:t"
}
resource "aws_lambda_permission" "s3" {
  statement_id   = "s3"
  action         = "lambda:InvokeFunction"
  function_name  = "fn"
  principal      = "s3.amazonaws.com"
  source_account = var.strict ? "210987654321" : null
}
`,
    },
    { accounts: ["210987654321"] },
  );
  expect(r.findings.map((f) => [f.ruleId, f.resource, f.variant])).toEqual([
    ["CD102", "aws_lambda_permission.sns", "var.prod: false"],
    ["CD101", "aws_lambda_permission.s3", "var.strict: false"],
  ]);
});

// From a second review of the variant work: (1) a nested conditional in a Lambda permission
// argument only had its first option's choices enumerated (a "*" two levels down was never judged);
// (2) a statement whose Effect is a conditional was paired side by side like an Allow, hiding the
// other statement's open combination; (3) one test written two ways (through a local, through a
// module input) was two independent choices, giving impossible combinations at high.
describe("choices, second review", () => {
  it("a nested conditional in a permission argument: every level is enumerated", async () => {
    const r = await scan(
      {
        "main.tf": `variable "a" { type = bool }
variable "b" { type = bool }
resource "aws_lambda_permission" "q" {
  statement_id  = "sns"
  action        = "lambda:InvokeFunction"
  function_name = "fn"
  principal     = "sns.amazonaws.com"
  source_arn    = var.a ? "arn:aws:sns:us-east-1:210987654321:t" : (var.b ? "arn:aws:sns:us-east-1:210987654321:u" : "arn:aws:sns:us-east-1:*:u")
}
`,
      },
      { accounts: ["210987654321"] },
    );
    expect(r.findings.map((f) => [f.ruleId, f.variant])).toEqual([["CD102", "var.a: false, var.b: false"]]);
  });

  it("a conditional Effect concerns every statement", async () => {
    const r = await scan(
      {
        "main.tf": `variable "lock" { type = bool }
variable "strict" { type = bool }
resource "aws_sqs_queue_policy" "q" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/210987654321/q"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "Lock", Effect = var.lock ? "Deny" : "Allow", Principal = { Service = "sns.amazonaws.com" },
      Action = "sqs:SendMessage", Resource = "arn:aws:sqs:us-east-1:210987654321:q",
      Condition = { StringNotEquals = { "aws:SourceAccount" = "210987654321" } } },
    { Sid = "Events", Effect = "Allow", Principal = { Service = "sns.amazonaws.com" },
      Action = "sqs:SendMessage", Resource = "arn:aws:sqs:us-east-1:210987654321:q",
      Condition = var.strict ? {} : { StringEquals = { "aws:SourceAccount" = "210987654321" } } } ] })
}
`,
      },
      { accounts: ["210987654321"] },
    );
    expect(r.findings.map((f) => [f.ruleId, f.statement?.sid, f.variant])).toContainEqual([
      "CD101",
      "Events",
      "var.lock: false, var.strict: true",
    ]);
  });

  it("one test written through a local or a module input is one choice", async () => {
    const r = await scan({
      "main.tf": `variable "env" { type = string }
variable "prod" { type = bool }
locals {
  is_prod = var.env == "prod"
  topic   = local.is_prod ? "arn:aws:sns:us-east-1:210987654321:prod" : "arn:aws:sns:us-east-1:246813579135:dev"
}
module "topic" {
  source = "./topic"
  strict = var.prod
}
resource "aws_lambda_permission" "p" {
  statement_id   = "sns"
  action         = "lambda:InvokeFunction"
  function_name  = "fn"
  principal      = "sns.amazonaws.com"
  source_account = var.env != "prod" ? "246813579135" : "210987654321"
  source_arn     = local.topic
}
resource "aws_lambda_permission" "m" {
  statement_id   = "sns2"
  action         = "lambda:InvokeFunction"
  function_name  = "fn"
  principal      = "sns.amazonaws.com"
  source_account = var.prod ? "210987654321" : "246813579135"
  source_arn     = module.topic.arn
}
`,
      "topic/main.tf": `variable "strict" { type = bool }
output "arn" {
  value = var.strict ? "arn:aws:sns:us-east-1:210987654321:prod" : "arn:aws:sns:us-east-1:246813579135:dev"
}
`,
    });
    expect(r.findings).toEqual([]);
  });
});

// Found re-reading the change: a condition that is a string with an unknown part (not an unknown
// value) is named by its text with `!` taken out, and its negation must swap the branches; it did
// not, so `c ? a : b` and `!c ? b : a` were one choice with the branches crossed.
it("a negated text condition swaps the branches of its choice", async () => {
  const r = await scan(
    {
      "main.tf": `variable "flag" {}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
    Condition = {
      StringEquals = { "aws:SourceAccount" = "x\${var.flag}" ? "210987654321" : "987654321098" }
      ArnLike = { "aws:SourceArn" = !"x\${var.flag}" ? "arn:aws:events:us-east-1:987654321098:rule/*" : "arn:aws:events:us-east-1:210987654321:rule/*" }
    } }] })
}
`,
    },
    { accounts: ["210987654321"] },
  );
  // Consistent branches: the account and the ARN always name the same account, so no CD202.
  expect(r.findings.map((f) => f.ruleId)).not.toContain("CD202");
});
