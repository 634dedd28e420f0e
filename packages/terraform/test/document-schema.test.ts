import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformFormat } from "../src/index.js";
import { scan } from "./helpers.js";

// From the session-16 Terraform hunt (fixtures-hunt16): Terraform 0.11-era policy documents with
// blocks written as arguments, and a typo in a block type, were read in silence, with no finding.
const DIR = join(import.meta.dirname, "fixtures-hunt16");

async function module(name: string) {
  const r = await terraformFormat.scanDirectory?.(join(DIR, name), {});
  return {
    findings: (r?.sites ?? []).flatMap((s) => checkSite(s, {}).findings),
    diagnostics: r?.diagnostics ?? [],
  };
}

const errors = (r: {
  diagnostics: Array<{ code: string; severity: string; line?: number; column?: number }>;
}) => r.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.line, d.column]);

describe("aws_iam_policy_document blocks Terraform rejects", () => {
  it("principals written as an argument is an error, and is still analysed as Terraform 0.11 deployed it", async () => {
    const r = await module("principals-argument");
    expect(errors(r)).toEqual([["ConfigError", 8, 5]]);
    expect(r.diagnostics[0]?.message).toBe(
      "principals is written as an argument (principals = {...}); Terraform 0.12 and later accept only a block: principals { ... }. It is analysed as the block Terraform 0.11 made of it",
    );
    expect(r.diagnostics[0]?.file).toBe(join(DIR, "principals-argument/main.tf"));
    // The unguarded s3.amazonaws.com that Terraform 0.11 deploys.
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.line, f.column, f.principals])).toEqual([
      ["CD101", "aws_sns_topic.t", 4, 3, ["s3.amazonaws.com"]],
    ]);
  });

  it("a condition written as an argument is an error, and guards the statement as in Terraform 0.11", async () => {
    const r = await module("condition-argument");
    expect(errors(r)).toEqual([["ConfigError", 9, 5]]);
    expect(r.diagnostics[0]?.message).toMatch(
      /^condition is written as an argument \(condition = \{\.\.\.\}\)/,
    );
    // It was dropped: CD101 for a statement that pins aws:SourceAccount.
    expect(r.findings).toEqual([]);
  });

  it("a block type Terraform does not know (principal) is an error naming the blocks a statement takes", async () => {
    const r = await module("principal-typo");
    expect(errors(r)).toEqual([["ConfigError", 5, 5]]);
    expect(r.diagnostics[0]?.message).toBe(
      'blocks of type "principal" are not expected in a statement block, so Terraform rejects the configuration; statement takes the arguments sid, effect, actions, not_actions, resources, not_resources and the blocks principals, not_principals, condition',
    );
  });

  const document = (statement: string) => ({
    "main.tf": `data "aws_iam_policy_document" "p" {
${statement}
}
resource "aws_sns_topic" "t" {
  name   = "t"
  policy = data.aws_iam_policy_document.p.json
}
variable "services" {
  default = ["s3.amazonaws.com"]
}
`,
  });

  it.each([
    [
      "an unknown argument of principals",
      `  statement {
    actions = ["sns:Publish"]
    principals {
      type       = "Service"
      identifier = ["s3.amazonaws.com"]
    }
  }`,
      [6, 7],
      'an argument named "identifier" is not expected in a principals block, so Terraform rejects the configuration; principals takes the arguments type, identifiers and no blocks',
    ],
    [
      "an unknown argument of a statement",
      `  statement {
    action = ["sns:Publish"]
  }`,
      [3, 5],
      'an argument named "action" is not expected in a statement block',
    ],
    [
      "a block of condition",
      `  statement {
    actions = ["sns:Publish"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values {
      }
    }
  }`,
      [7, 7],
      'blocks of type "values" are not expected in a condition block, so Terraform rejects the configuration; condition takes the arguments test, variable, values and no blocks (values is an argument: values = ...)',
    ],
    [
      "a dynamic block of an unknown type",
      `  statement {
    actions = ["sns:Publish"]
    dynamic "conditions" {
      for_each = [1]
      content {
      }
    }
  }`,
      [4, 5],
      'blocks of type "conditions" (dynamic "conditions") are not expected in a statement block',
    ],
    [
      "an unknown argument in the content of a dynamic principals block",
      `  statement {
    actions = ["sns:Publish"]
    dynamic "principals" {
      for_each = var.services
      content {
        type        = "Service"
        identifiers = [principals.value]
        principal   = "x"
      }
    }
  }`,
      [9, 9],
      'an argument named "principal" is not expected in a principals block',
    ],
  ])("%s is an error", async (_, statement, [line, column], message) => {
    const r = await scan(document(statement));
    expect(errors(r)).toEqual([["ConfigError", line, column]]);
    expect(r.diagnostics.find((d) => d.code === "ConfigError")?.message).toContain(message);
  });

  it("a list of principals objects and a statement written as an argument are read as blocks", async () => {
    const r = await scan(
      document(`  statement = {
    actions   = ["sns:Publish"]
    principals = [
      { type = "Service", identifiers = ["s3.amazonaws.com"] },
      { type = "AWS", identifiers = ["*"] },
    ]
  }`),
    );
    expect(errors(r)).toEqual([
      ["ConfigError", 2, 3],
      ["ConfigError", 4, 5],
    ]);
    expect(r.diagnostics.map((d) => d.message.split(";")[0])).toEqual([
      "statement is written as an argument (statement = {...})",
      "principals is written as an argument (principals = [{...}])",
    ]);
    expect(r.findings.map((f) => f.ruleId).sort()).toContain("CD101");
  });

  it("a block written as an argument whose value is not an object written out is reported, not guessed", async () => {
    const r = await scan(
      document(`  statement {
    actions    = ["sns:Publish"]
    principals = var.services
  }`),
    );
    expect(errors(r)).toEqual([["ConfigError", 4, 5]]);
    expect(r.diagnostics[0]?.message).toContain(
      "Its value is not an object written out, so it is not analysed",
    );
  });

  it("valid dynamic statement, principals and condition blocks get no error", async () => {
    const r = await scan(
      document(`  dynamic "statement" {
    for_each = var.services
    iterator = svc
    content {
      sid     = "S\${svc.key}"
      effect  = "Allow"
      actions = ["sns:Publish"]
      dynamic "principals" {
        for_each = [svc.value]
        content {
          type        = "Service"
          identifiers = [principals.value]
        }
      }
      not_principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::111122223333:root"]
      }
      dynamic "condition" {
        for_each = []
        content {
          test     = "StringEquals"
          variable = "aws:SourceAccount"
          values   = [condition.value]
        }
      }
      resources     = ["*"]
      not_resources = []
      not_actions   = []
    }
  }`),
    );
    expect(r.diagnostics.filter((d) => d.code === "ConfigError")).toEqual([]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
  });

  it("in JSON syntax, an unknown key of a statement is an error", async () => {
    const r = await scan({
      "main.tf.json": `{
  "data": {"aws_iam_policy_document": {"p": {
    "statement": [{
      "//": "a comment",
      "actions": ["sns:Publish"],
      "principal": {"type": "Service", "identifiers": ["s3.amazonaws.com"]}
    }]
  }}},
  "resource": {"aws_sns_topic": {"t": {"policy": "\${data.aws_iam_policy_document.p.json}"}}}
}
`,
    });
    expect(errors(r)).toEqual([["ConfigError", 6, 7]]);
    expect(r.diagnostics[0]?.message).toContain(
      'an argument named "principal" is not expected in a statement block',
    );
  });

  // From the session-16 review: in JSON syntax an empty array is zero blocks, not an argument.
  it("in JSON syntax, an empty list of condition or not_principals blocks is no error", async () => {
    const r = await scan({
      "main.tf.json": `{
  "data": {"aws_iam_policy_document": {"d": {
    "statement": [{
      "effect": "Allow",
      "actions": ["sns:Publish"],
      "resources": ["*"],
      "principals": [{"type": "Service", "identifiers": ["events.amazonaws.com"]}],
      "condition": [],
      "not_principals": []
    }]
  }}},
  "resource": {"aws_sns_topic_policy": {"p": {"arn": "arn:aws:sns:us-east-1:111122223333:t", "policy": "\${data.aws_iam_policy_document.d.json}"}}}
}
`,
    });
    expect(errors(r)).toEqual([]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
  });
});
