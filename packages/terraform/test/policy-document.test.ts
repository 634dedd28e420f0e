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
