import { describe, expect, it } from "vitest";
import { elementText, scan } from "./helpers.js";

// From a hunt (never miss): aws_iam_policy_document blocks that the provider combines into JSON
// in ways the adapter did not follow, each of which hid an open statement.

/** A queue policy from one `aws_iam_policy_document` with the given statement body. */
const queue = (statement: string, extra = "") => ({
  "main.tf": `${extra}
resource "aws_sqs_queue" "q" { name = "q" }
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.q.arn]
${statement}
  }
}
resource "aws_sqs_queue_policy" "p" {
  queue_url = aws_sqs_queue.q.id
  policy    = data.aws_iam_policy_document.d.json
}
`,
});

const sns = `    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }`;

describe("condition blocks with the same test and variable", () => {
  // The provider appends the values of such blocks to one list: any of them matches. A block whose
  // values are not known was kept as a second entry on the key (all of them must match), so a
  // foreign account in the known block was no finding.
  const condition = (values: string) => `    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ${values}
    }`;
  const findings = async (conditions: string) =>
    (
      await scan(queue(`${sns}\n${conditions}`, 'variable "extra" { type = list(string) }'), {
        accounts: ["111111111111"],
      })
    ).findings.map((f) => `${f.ruleId} ${f.severity}`);

  it("merge a list not known before apply with the known values, as concat() does", async () => {
    const r = await scan(
      queue(`${sns}\n${condition('["456789012345"]')}\n${condition("var.extra")}`, 'variable "extra" {}'),
    );
    expect(
      elementText(r.sites[0]?.document, "Statement", 0, "Condition", "StringEquals", "aws:SourceAccount"),
    ).toBe('["456789012345","<var.extra>"]');
    // The foreign account of the known block gets through, whatever var.extra holds.
    const written = await findings(`${condition('["456789012345"]')}\n${condition("var.extra")}`);
    expect(written).toEqual(["CD102 high", "CD301 info"]);
    expect(await findings(condition('concat(["456789012345"], var.extra)'))).toEqual(written);
  });
});

describe('a principals block with type "*" beside other principals', () => {
  // The provider writes `{"*": ["*"], "AWS": [...]}`; the "*" block was dropped, so the statement
  // named only the account and its opening to every service was no finding.
  const star = `    principals {
      type        = "*"
      identifiers = ["*"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }`;

  it("makes an Allow apply to any principal, with a warning", async () => {
    const r = await scan(queue(star));
    expect(elementText(r.sites[0]?.document, "Statement", 0, "Principal")).toBe("*");
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["CD101 high"]);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["PolicyShape", 7, 5]]);
    expect(r.diagnostics[0]?.message).toContain('it is analysed as any principal ("*")');
  });

  it("is not counted on to widen a Deny", async () => {
    const r = await scan(
      queue(
        `${sns}
  }
  statement {
    effect    = "Deny"
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
${star}`,
      ),
    );
    expect(elementText(r.sites[0]?.document, "Statement", 1, "Principal")).toBe(
      '{"AWS":["arn:aws:iam::111122223333:root"]}',
    );
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["CD101 high"]);
    expect(r.diagnostics[0]?.message).toContain("it is analysed as the other principals only");
  });
});

describe("a dynamic statement that may not be generated, with the Sid of a source statement", () => {
  // The guarded statement replaced the unguarded one of source_policy_documents although, when the
  // list is empty, the provider generates none and the unguarded one stays.
  const replacing = (forEach: string) => ({
    "main.tf": `variable "source_accounts" { type = list(string) }
resource "aws_sqs_queue" "q" { name = "q" }
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "SNS"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.q.arn]
${sns}
  }
}
data "aws_iam_policy_document" "d" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  dynamic "statement" {
    for_each = ${forEach}
    content {
      sid       = "SNS"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.q.arn]
  ${sns}
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = var.source_accounts
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
  const found = async (forEach: string) =>
    (await scan(replacing(forEach))).findings.map((f) => [f.ruleId, f.severity, f.line, f.variant]);

  it("is analysed with each: the source statement where the for_each's conditional generates none", async () => {
    expect(await found("length(var.source_accounts) > 0 ? [1] : []")).toEqual([
      ["CD301", "info", 16, "length(var.source_accounts) > 0: true"],
      ["CD101", "high", 4, "length(var.source_accounts) > 0: false"],
    ]);
  });

  it("and where a for_each not known otherwise may be empty", async () => {
    expect(await found("var.source_accounts")).toEqual([
      ["CD301", "info", 16, "var.source_accounts: not empty"],
      ["CD101", "high", 4, "var.source_accounts: empty"],
    ]);
  });
});

describe("a dynamic Deny that may not be generated, with the Sid of a source Deny", () => {
  // Where it is generated it replaces the source Deny, and is a Deny that is there; elsewhere the
  // source Deny stays. The findings of the Allow it concerns name the choice.
  const files = (forEach: string) => ({
    "main.tf": `variable "relax" { type = bool }
resource "aws_sqs_queue" "q" { name = "q" }
data "aws_iam_policy_document" "base" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.q.arn]
${sns}
  }
  statement {
    sid       = "Guard"
    effect    = "Deny"
    actions   = ["sqs:SendMessage"]
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
data "aws_iam_policy_document" "d" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  dynamic "statement" {
    for_each = ${forEach}
    content {
      sid       = "Guard"
      effect    = "Deny"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.q.arn]
      principals {
        type        = "*"
        identifiers = ["*"]
      }
      condition {
        test     = "Bool"
        variable = "aws:SecureTransport"
        values   = ["false"]
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

  it("is analysed with each", async () => {
    const r = await scan(files("var.relax ? [1] : []"), { accounts: ["345678901234"] });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.line, f.variant])).toEqual([
      ["CD101", "high", 4, "var.relax: true"],
    ]);
  });

  it("a for_each that generates it whichever way the choice goes is counted on", async () => {
    const r = await scan(files('var.relax ? ["a"] : ["b"]'), { accounts: ["345678901234"] });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.variant])).toEqual([["CD101", "high", undefined]]);
  });
});
