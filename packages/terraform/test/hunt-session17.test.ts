import { relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { terraformFormat } from "../src/index.js";
import { scan, writeTree } from "./helpers.js";

// Session-17 real-world Terraform hunt: false alarms and findings reported twice.

const where = (r: Awaited<ReturnType<typeof scan>>) =>
  r.findings.map((f) => [f.ruleId, f.resource, f.line, f.column, f.statement?.sid]);

const diagnostics = (r: Awaited<ReturnType<typeof scan>>) =>
  r.diagnostics.map((d) => [d.code, d.line, d.column, d.message]);

// cloudposse's modules write `policy = join("", data.aws_iam_policy_document.x[*].json)` for a
// counted document. join() made a new text of it: the document was reported on its own as well
// as at the resource (twice, "2 policies"), the resource's finding had no statement to fix, and a
// suppression on the resource left the document's finding.
describe("join() of a counted document's [*].json", () => {
  const topic = (policy: string, above = "") => ({
    "main.tf": `variable "enabled" {
  type    = bool
  default = true
}

resource "aws_sns_topic" "t" {
  count = var.enabled ? 1 : 0
  name  = "alerts"
}

data "aws_iam_policy_document" "p" {
  count = var.enabled ? 1 : 0

  statement {
    sid       = "AllowEvents"
    actions   = ["sns:Publish"]
    resources = aws_sns_topic.t[*].arn
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

${above}resource "aws_sns_topic_policy" "p" {
  count  = var.enabled ? 1 : 0
  arn    = aws_sns_topic.t[0].arn
  policy = ${policy}
}
`,
  });

  it.each([
    'join("", data.aws_iam_policy_document.p[*].json)',
    'join("\\n", data.aws_iam_policy_document.p.*.json)',
    "data.aws_iam_policy_document.p[0].json",
    "one(data.aws_iam_policy_document.p[*].json)",
  ])("is the document, reported once at the resource (%s)", async (policy) => {
    const r = await scan(topic(policy));
    expect(where(r)).toEqual([["CD101", "aws_sns_topic_policy.p[0]", 14, 3, "AllowEvents"]]);
    expect(r.sites.map((s) => [s.resource, s.file.endsWith("main.tf")])).toEqual([
      ["aws_sns_topic_policy.p[0]", true],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it("is covered by the resource's suppression", async () => {
    const r = await scan(
      topic('join("", data.aws_iam_policy_document.p[*].json)', "# deputyguard:ignore CD101 -- accepted\n"),
    );
    expect(r.sites.map((s) => [s.resource, s.suppressions?.map((x) => x.rule)])).toEqual([
      ["aws_sns_topic_policy.p[0]", ["CD101"]],
    ]);
  });

  it("reports nothing when the count is 0", async () => {
    const r = await scan(topic('join("", data.aws_iam_policy_document.p[*].json)'), {
      variables: { enabled: false },
    });
    expect(r.sites).toEqual([]);
  });

  it("through an aggregate document whose sources come from a for expression (cloudposse iam-role)", async () => {
    const r = await scan({
      "main.tf": `variable "principals" {
  default = { Service = ["config.amazonaws.com"] }
}
data "aws_iam_policy_document" "assume_role" {
  for_each = var.principals
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = each.key
      identifiers = each.value
    }
  }
}
data "aws_iam_policy_document" "agg" {
  count = 1
  override_policy_documents = [for doc in data.aws_iam_policy_document.assume_role : doc.json]
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = join("", data.aws_iam_policy_document.agg[*].json)
}
`,
    });
    expect(where(r)).toEqual([["CD101", "aws_iam_role.r", 6, 3, undefined]]);
  });

  it("of two documents stays one text (not either document)", async () => {
    const r = await scan({
      "main.tf": `data "aws_iam_policy_document" "p" {
  count = 2
  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = join("", data.aws_iam_policy_document.p[*].json)
}
`,
    });
    // Two JSON texts run together are no policy: said at the resource, and each document is
    // reported on its own as before.
    expect(r.findings.map((f) => f.resource)).toEqual([
      "data.aws_iam_policy_document.p[0]",
      "data.aws_iam_policy_document.p[1]",
    ]);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([["ParseError", 14]]);
  });
});

// terraform-aws-modules/iam's iam-assumable-role: `assume_role_policy = var.role_requires_mfa ?
// data.X.assume_role_with_mfa.json : data.X.assume_role.json`. With the condition known, the
// document of the branch not taken is attached to nothing, yet it was reported on its own (CD101
// medium), and a suppression on the role did not cover it.
describe("a document named only by the branch a known condition does not take", () => {
  const role = (policy: string, extra = "") => ({
    "main.tf": `variable "role_requires_mfa" {
  type    = bool
  default = false
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "assume_role" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "assume_role_with_mfa" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    # (BoolIfExists: a service's request holds no MFA key, so this document is open to another
    # account and reported where it is used; the module's Bool would shut the service out.)
    condition {
      test     = "BoolIfExists"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}
${extra}
resource "aws_iam_role" "this" {
  name               = "events-invoke"
  assume_role_policy = ${policy}
}
`,
  });
  const conditional =
    "var.role_requires_mfa ? data.aws_iam_policy_document.assume_role_with_mfa.json : data.aws_iam_policy_document.assume_role.json";

  it.each([
    conditional,
    "!var.role_requires_mfa ? data.aws_iam_policy_document.assume_role.json : data.aws_iam_policy_document.assume_role_with_mfa.json",
    "local.trust",
    '"${var.role_requires_mfa ? data.aws_iam_policy_document.assume_role_with_mfa.json : data.aws_iam_policy_document.assume_role.json}"',
  ])("is not reported (%s)", async (policy) => {
    const r = await scan(role(policy, `locals {\n  trust = ${conditional}\n}\n`));
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_iam_role.this"]);
    expect(r.findings).toEqual([]);
  });

  it("through a document that merges the branch's document", async () => {
    const r = await scan(
      role(
        "data.aws_iam_policy_document.merged.json",
        `data "aws_iam_policy_document" "merged" {
  source_policy_documents = [var.role_requires_mfa ? data.aws_iam_policy_document.assume_role_with_mfa.json : data.aws_iam_policy_document.assume_role.json]
}
`,
      ),
    );
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_iam_role.this"]);
    expect(r.findings).toEqual([]);
  });

  it("is the resource's policy when the condition takes it", async () => {
    const r = await scan(role(conditional), { variables: { role_requires_mfa: true } });
    expect(where(r)).toEqual([["CD101", "aws_iam_role.this", 24, 3, undefined]]);
  });

  it("is analysed at the resource, labelled, when the condition is not known", async () => {
    const r = await scan(role(conditional.replace("var.role_requires_mfa", "var.unset")), {});
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.variant])).toEqual([
      ["CD101", "aws_iam_role.this", "var.unset: true"],
    ]);
  });

  it("stays reported when no resource names it at all", async () => {
    const r = await scan(role("data.aws_iam_policy_document.assume_role.json"));
    expect(where(r)).toEqual([
      ["CD101", "data.aws_iam_policy_document.assume_role_with_mfa", 24, 3, undefined],
    ]);
  });
});

// nozaq/terraform-aws-secure-baseline: `override_json = var.custom_policy_json` with a default of
// "". The provider merges override_json (and source_json) only when set (`d.GetOk`), and "" is not
// set; it was warned about as a document "not known before apply (it is string)".
describe("override_json and source_json set to an empty string", () => {
  const bucket = (argument: string) => ({
    "main.tf": `variable "custom_policy_json" {
  type    = string
  default = ""
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "audit_log" {
  ${argument}

  statement {
    sid       = "ConfigWrite"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::acme-audit/*"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_s3_bucket_policy" "audit_log" {
  bucket = "acme-audit"
  policy = data.aws_iam_policy_document.audit_log.json
}

variable "unset" {
  type = string
}
`,
  });

  it.each([
    "override_json = var.custom_policy_json",
    "source_json = var.custom_policy_json",
    'override_json = ""',
  ])("are no document (%s)", async (argument) => {
    const r = await scan(bucket(argument));
    expect(r.diagnostics).toEqual([]);
    expect(r.findings).toEqual([]);
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_s3_bucket_policy.audit_log"]);
  });

  it("a value not known before apply is still warned about", async () => {
    const r = await scan(bucket("override_json = var.unset"));
    expect(diagnostics(r)).toEqual([
      [
        "PolicyUnknown",
        9,
        19,
        "a document in override_policy_documents of data.aws_iam_policy_document.audit_log is not known before apply (var.unset: the variable has no default and no value was given (--var, --var-file, terraform.tfvars)); its statements are not analysed, and it may replace a statement below that has the same Sid",
      ],
    ]);
  });
});

// A policy template a module renders (templatefile("policies/x.json", ...)) is analysed where it
// is used; the directory scan names it, so that the CLI's walk does not read it as a policy of its
// own (where `${account_id}` would be an IAM policy variable).
describe("files a module reads for its policies", () => {
  const template = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": "${account_id}" } },
      },
    ],
  });
  const topic = (meta: string, policy: string) => ({
    "main.tf": `variable "enabled" {
  default = false
}
data "aws_caller_identity" "current" {}
resource "aws_sns_topic_policy" "t" {
  ${meta}
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = ${policy}
}
`,
    "policies/a.json": template,
    "policies/b.json": template,
    "policies/unread.json": template,
  });
  const embedded = async (files: Record<string, string>) => {
    const dir = writeTree(files);
    const d = await terraformFormat.scanDirectory?.(dir, {});
    return (d?.embedded ?? []).map((f) => relative(dir, f).split(sep).join("/")).sort();
  };
  const rendered =
    'templatefile("${path.module}/policies/a.json", { account_id = data.aws_caller_identity.current.account_id })';

  it.each([
    ["", rendered, ["policies/a.json"]],
    ["count = 0", rendered, ["policies/a.json"]],
    [
      'for_each = toset(["a", "b"])',
      'templatefile("${path.module}/policies/${each.key}.json", { account_id = "1" })',
      ["policies/a.json", "policies/b.json"],
    ],
    [
      "",
      'replace(file("${path.module}/policies/a.json"), "x", data.aws_caller_identity.current.account_id)',
      ["policies/a.json"],
    ],
    [
      "",
      'var.enabled ? file("${path.module}/policies/b.json") : file("${path.module}/policies/a.json")',
      ["policies/a.json", "policies/b.json"],
    ],
    [
      "for_each = var.unset",
      'templatefile("${path.module}/policies/${each.key}.json", { account_id = "1" })',
      [],
    ],
  ])("are named (%s, policy %s)", async (meta, policy, expected) => {
    expect(await embedded(topic(meta, policy))).toEqual(expected);
  });
});
