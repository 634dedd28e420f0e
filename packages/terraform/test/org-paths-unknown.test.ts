import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// From the session-6 hunt (a false CD102 high): the aws:SourceOrgPaths guard AWS recommends, built
// from the organization's id (`${data.aws_organizations_organization.org.id}/*`), was not taken as
// naming our organization, although the same id under aws:SourceOrgID is (with a CD301).
const module = (values: string) => ({
  "main.tf": `data "aws_organizations_organization" "org" {}
resource "aws_sqs_queue" "q" { name = "q" }
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.q.arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ForAnyValue:StringLike"
      variable = "aws:SourceOrgPaths"
      values   = [${values}]
    }
  }
}
resource "aws_sqs_queue_policy" "p" {
  queue_url = aws_sqs_queue.q.id
  policy    = data.aws_iam_policy_document.d.json
}
`,
});

const rules = async (values: string) =>
  (await scan(module(values))).findings.map((f) => `${f.ruleId} ${f.severity}`);

describe("aws:SourceOrgPaths under an organization id not known before apply", () => {
  it("names our organization: only the CD301 assumption", async () => {
    expect(await rules('"${data.aws_organizations_organization.org.id}/*"')).toEqual(["CD301 info"]);
    expect(
      await rules(
        '"${data.aws_organizations_organization.org.id}/${data.aws_organizations_organization.org.roots[0].id}/*"',
      ),
    ).toEqual(["CD301 info"]);
  });

  it("a wildcard before the organization still admits any organization", async () => {
    expect(await rules('"*/${data.aws_organizations_organization.org.id}/*"')).toContain("CD102 high");
  });
});
