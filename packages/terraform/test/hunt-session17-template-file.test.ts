import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 hunt: `data "template_file"` (the deprecated hashicorp/template provider, still common
// in older modules) was not rendered: a policy from its `rendered` was a PolicyUnknown warning and
// not analysed, though its template and vars are known.
describe('data "template_file"', () => {
  const files = {
    "main.tf": `data "aws_caller_identity" "current" {}
data "template_file" "policy" {
  template = file("\${path.module}/policy.json.tpl")
  vars = {
    account_id = data.aws_caller_identity.current.account_id
  }
}
resource "aws_sns_topic" "t" {
  name   = "t"
  policy = data.template_file.policy.rendered
}
`,
    "policy.json.tpl": `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": { "Service": "events.amazonaws.com" },
    "Action": "sns:Publish",
    "Resource": "*",
    "Condition": { "StringEquals": { "aws:SourceAccount": "\${account_id}" } }
  }, {
    "Effect": "Allow",
    "Principal": { "Service": "cloudwatch.amazonaws.com" },
    "Action": "sns:Publish",
    "Resource": "*"
  }]
}
`,
  };

  it("is rendered with its vars: the guarded statement is clean, the other reported in the template", async () => {
    const s = await scan(files);
    expect(s.diagnostics).toEqual([]);
    expect(
      s.findings.map((f) => [
        f.ruleId,
        f.resource,
        f.file.endsWith("policy.json.tpl"),
        f.line,
        f.statement?.index,
      ]),
    ).toEqual([["CD101", "aws_sns_topic.t", true, 9, 1]]);
  });

  it("a var not known before apply stays an unknown, never a guess", async () => {
    const s = await scan({
      ...files,
      "main.tf": (files["main.tf"] as string)
        .replace("data.aws_caller_identity.current.account_id", "var.account")
        .replace('data "aws_caller_identity" "current" {}', 'variable "account" { type = string }'),
    });
    expect(s.findings.map((f) => [f.ruleId, f.statement?.index])).toEqual([
      ["CD301", 0],
      ["CD101", 1],
    ]);
  });
});
