import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// From a hunt (never miss): a Deny's parts not known before apply (its Condition, a key of it, a
// dynamic condition block, NotPrincipal, NotAction) were left out or taken so that the Deny applied
// to every request, which hid an open Allow; a "safe" verdict resting on a Deny's unknown guard
// value gave no CD301.
const policy = (deny: string) => ({
  "main.tf": `variable "cond" {}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish", Resource = "*" },
    { Effect = "Deny", Principal = "*", Action = "sns:Publish", Resource = "*", ${deny} } ] })
}
`,
});

const rules = async (files: Record<string, string>) =>
  (await scan(files, { accounts: ["210987654321"] })).findings.map((f) => `${f.ruleId} ${f.severity}`);

describe("a Deny with parts not known before apply", () => {
  it.each([
    "Condition = var.cond",
    "Condition = { StringNotEquals = var.cond }",
    'Condition = { StringEquals = { "aws:ResourceTag/${var.cond}" = "x" } }',
    "NotAction = var.cond",
  ])("%s may make it apply to no request: CD101, one level lower", async (deny) => {
    expect(await rules(policy(deny))).toEqual(["CD101 medium"]);
  });

  it("a guard value from a variable is trusted, and CD301 says so", async () => {
    expect(
      await rules(policy('Condition = { StringNotEquals = { "aws:SourceAccount" = var.cond } }')),
    ).toEqual(["CD301 info"]);
  });

  it("a known Deny still stops the request", async () => {
    expect(
      await rules(policy('Condition = { StringNotEquals = { "aws:SourceAccount" = "210987654321" } }')),
    ).toEqual([]);
  });

  const document = (condition: string) => ({
    "main.tf": `variable "tags" {}
variable "tagkey" {}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
${condition}
  }
}
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = data.aws_iam_policy_document.d.json
}
`,
  });

  it("aws_iam_policy_document: a dynamic condition with an unknown for_each", async () => {
    const condition = `    dynamic "condition" {
      for_each = var.tags
      content {
        test     = "StringEquals"
        variable = "aws:ResourceTag/\${condition.key}"
        values   = [condition.value]
      }
    }`;
    expect(await rules(document(condition))).toEqual(["CD101 medium"]);
  });

  it("aws_iam_policy_document: a dynamic condition with an unknown for_each, on a key that binds no source", async () => {
    // From a hunt: such a block was left out, which an Allow can afford (as guarded either way) but
    // a Deny cannot: without it the Deny applied to every request, and hid the open Allow.
    const condition = `    dynamic "condition" {
      for_each = var.tags
      content {
        test     = "Bool"
        variable = "aws:SecureTransport"
        values   = ["false"]
      }
    }`;
    expect(await rules(document(condition))).toEqual(["CD101 medium"]);
  });

  it("aws_iam_policy_document: a condition whose variable is not known", async () => {
    const condition = `    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/\${var.tagkey}"
      values   = ["x"]
    }`;
    expect(await rules(document(condition))).toEqual(["CD101 medium"]);
  });
});

describe("a Deny statement that a dynamic block may not generate", () => {
  // From a hunt: a dynamic "statement" whose for_each is not known before apply was counted on as if
  // it were generated, so a Deny that `enforce = false` leaves out hid the open Allow.
  const policy = (forEach: string) => ({
    "main.tf": `variable "enforce" { type = bool }
variable "accounts" { type = list(string) }
resource "aws_sqs_queue" "q" { name = "q" }
data "aws_iam_policy_document" "d" {
  statement {
    sid       = "AllowSNS"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.q.arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
  }
  dynamic "statement" {
    for_each = ${forEach}
    content {
      sid       = "DenyForeign"
      effect    = "Deny"
      actions   = ["sqs:*"]
      resources = [aws_sqs_queue.q.arn]
      principals {
        type        = "*"
        identifiers = ["*"]
      }
      condition {
        test     = "StringNotEquals"
        variable = "aws:SourceAccount"
        values   = ["345678901234"]
      }
    }
  }
}
resource "aws_sqs_queue_policy" "p" {
  queue_url = aws_sqs_queue.q.id
  policy    = data.aws_iam_policy_document.d.json
}
`,
  });

  it.each(['toset(var.enforce ? ["x"] : [])', "var.enforce ? [1] : []", "var.accounts"])(
    "for_each = %s: not counted on, CD101 one level lower",
    async (forEach) => {
      const r = await scan(policy(forEach), { accounts: ["345678901234"] });
      expect(r.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["CD101 medium"]);
      expect(r.findings[0]?.message).toContain(
        'A Deny of the policy that would stop this request depends on <dynamic "statement">',
      );
      const d = r.sites
        .flatMap((s) => checkSite(s).diagnostics)
        .find((x) => x.code === "UnresolvedCondition");
      expect(d?.message).toContain('the dynamic "statement" for_each is not known before apply');
      expect(d?.line).toBe(14);
    },
  );

  it("nor is one whose principals block a dynamic block may not generate", async () => {
    // Found beside the above: without the block the Deny does not cover sns.amazonaws.com.
    const files = policy('["x"]');
    files["main.tf"] = files["main.tf"].replace(
      `      principals {
        type        = "*"
        identifiers = ["*"]
      }`,
      `      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::111122223333:root"]
      }
      dynamic "principals" {
        for_each = var.enforce ? [1] : []
        content {
          type        = "Service"
          identifiers = ["sns.amazonaws.com"]
        }
      }`,
    );
    const r = await scan(files, { accounts: ["345678901234"] });
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["CD101 medium"]);
    expect(r.findings[0]?.message).toContain('depends on <dynamic "principals">');
  });

  it("a known for_each still generates a Deny that is counted on", async () => {
    const r = await scan(policy('["x"]'), { accounts: ["345678901234"] });
    expect(r.findings).toEqual([]);
  });
});

// From a review of the above: a Deny whose Resource is the same unknown as the Allow's covers what
// the Allow grants, so it still counts (it was "uncertain", and CD101 came back at medium); and a
// Deny's unknown guard value is an assumption only of statements that the Denies close.
describe("a Deny's unknowns that do not change the verdict", () => {
  const doc = (allowCondition: string, deny: string) => ({
    "main.tf": `variable "topic_arn" {}
variable "account_id" {}
data "aws_caller_identity" "current" {}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["sns:Publish"]
    resources = [var.topic_arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
${allowCondition}
  }
  statement {
    effect    = "Deny"
    actions   = ["sns:Publish"]
${deny}
  }
}
resource "aws_sns_topic_policy" "p" {
  arn    = var.topic_arn
  policy = data.aws_iam_policy_document.d.json
}
`,
  });

  it("a Deny on the same unknown Resource as the Allow still closes it", async () => {
    const deny = `    resources = [var.topic_arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringNotEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }`;
    expect(await rules(doc("", deny))).toEqual([]);
  });

  it("an unknown in a Deny for another service is no assumption of a statement closed by its own guard", async () => {
    const guard = `    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["210987654321"]
    }`;
    const deny = `    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringNotEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }`;
    expect(await rules(doc(guard, deny))).toEqual([]);
  });
});
