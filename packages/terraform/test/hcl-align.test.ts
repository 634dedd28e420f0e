/**
 * The alignment of fixed lines (hcl-align.ts). Before session 10, `--fix --write` left Terraform
 * files that `terraform fmt -check` rejects: the Lambda permission arguments it added were not
 * aligned with the others, and a jsonencode Condition's `ArnLike = {` was padded as if it were a
 * one-line assignment (9 of the 33 fmt-clean fixture and corpus files it changed). Every expected
 * text below is what `terraform fmt` (1.11.4) writes for the input.
 */
import { describe, expect, it } from "vitest";
import { alignTouched } from "../src/hcl-align.js";
import { runTerraform, terraformInstalled } from "./helpers.js";

/** The text without its markers, and the range between «…» (what a fix wrote). */
function marked(s: string): { text: string; touched: Array<[number, number]> } {
  const start = s.indexOf("«");
  const end = s.indexOf("»") - 1;
  return { text: s.replace("«", "").replace("»", ""), touched: [[start, end]] };
}

const CASES: Array<[string, string, string]> = [
  [
    "permission arguments join the chain of the block's arguments, and a trailing comment moves with it",
    `resource "aws_lambda_permission" "p" {
  action        = "lambda:InvokeFunction"
  function_name = var.function_name # the function
  principal     = "sns.amazonaws.com"
«  source_account = "111122223333"
  source_arn = "arn:aws:sns:*:111122223333:*"
»}
`,
    `resource "aws_lambda_permission" "p" {
  action         = "lambda:InvokeFunction"
  function_name  = var.function_name # the function
  principal      = "sns.amazonaws.com"
  source_account = "111122223333"
  source_arn     = "arn:aws:sns:*:111122223333:*"
}
`,
  ],
  [
    "a line whose value opens an object ends a chain and keeps one space before =",
    `resource "aws_sns_topic_policy" "p" {
  arn = aws_sns_topic.t.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sns:Publish"
«      Condition = {
        StringEquals = {
          "aws:SourceAccount" = "111122223333"
        }
        ArnLike      = {
          "aws:SourceArn" = "arn:aws:s3:::b"
        }
      }
»    }]
  })
}
`,
    `resource "aws_sns_topic_policy" "p" {
  arn = aws_sns_topic.t.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sns:Publish"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = "111122223333"
        }
        ArnLike = {
          "aws:SourceArn" = "arn:aws:s3:::b"
        }
      }
    }]
  })
}
`,
  ],
  [
    "a heredoc belongs to the line that opens it: the chain goes on after its closing marker",
    `resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = <<EOF
{"a": "b = c"}
EOF
«  description = "x"
»}
`,
    `resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = <<EOF
{"a": "b = c"}
EOF
  description        = "x"
}
`,
  ],
  [
    "trailing comments of a chain are aligned after the longest line",
    `locals {
  a = 1 # one
«  bbbbbb = 2
»  cc = 3 # three
}
`,
    `locals {
  a      = 1 # one
  bbbbbb = 2
  cc     = 3 # three
}
`,
  ],
  [
    "= inside strings, comparisons and for expressions is not an assignment",
    `locals {
  m = { for k, v in var.x : k => v if v != "a=b" }
«  long_name = "#not a comment"
»  n = 1 >= 2
}
`,
    `locals {
  m         = { for k, v in var.x : k => v if v != "a=b" }
  long_name = "#not a comment"
  n         = 1 >= 2
}
`,
  ],
  // The cases below are from a differential fuzzing against terraform fmt (session 10), which found
  // them wrong in the first version: 3,726 of 40,000 insertions differed; after the fix only lines
  // whose keys hold Indic conjuncts do (Node's Unicode tables are newer than hclwrite's).
  [
    "a written line that opens a multi-line value splits a chain: the part after it is aligned anew",
    `x {
  a         = 1
  bbbbbbbbb = 2
«  c = {
    d = 1
  }
»  e         = 3
}
`,
    `x {
  a         = 1
  bbbbbbbbb = 2
  c = {
    d = 1
  }
  e = 3
}
`,
  ],
  [
    "a written line without a comment splits a comment chain",
    `x {
  a = 1     # x
«  c = 3
»  b = 12345 # y
}
`,
    `x {
  a = 1 # x
  c = 3
  b = 12345 # y
}
`,
  ],
  [
    "a block comment at the end of a line is no comment cell, and ends a comment chain",
    `x {
  a = 1 # one
  b = 22 /* two */
«  c = 3 # three
»}
`,
    `x {
  a = 1 # one
  b = 22 /* two */
  c = 3 # three
}
`,
  ],
  [
    "a combining mark after a quote is not counted with the quote",
    `locals {
  m = {
    "\u0301x" = 1
«    "ab" = 2
»  }
}
`,
    `locals {
  m = {
    "\u0301x" = 1
    "ab" = 2
  }
}
`,
  ],
  [
    "a newline inside a string's interpolation ends the line: that line opens a bracket and ends the chain",
    `locals {
  id = 1
«  x = 2
»  name = "\${var.prefix}-\${
    var.suffix
  }"
}
`,
    `locals {
  id = 1
  x  = 2
  name = "\${var.prefix}-\${
    var.suffix
  }"
}
`,
  ],
];

describe("alignTouched", () => {
  for (const [name, input, want] of CASES) {
    it(name, () => {
      const { text, touched } = marked(input);
      expect(alignTouched(text, touched)).toBe(want);
    });
  }

  it("leaves the chains without a written line as they are", () => {
    const { text, touched } = marked(`resource "a" "b" {
  x = 1
  longer_name = 2
}
resource "c" "d" {
  y = 1
«  much_longer = 2
»}
`);
    expect(alignTouched(text, touched)).toBe(`resource "a" "b" {
  x = 1
  longer_name = 2
}
resource "c" "d" {
  y           = 1
  much_longer = 2
}
`);
  });

  // An oracle where Terraform is installed (it is on the machines this project is built on): the
  // same cases must come out as `terraform fmt` writes them.
  it.skipIf(!terraformInstalled)(
    "agrees with terraform fmt on every case (skipped when terraform is not on PATH)",
    () => {
      for (const [name, input] of CASES) {
        const { text, touched } = marked(input);
        const fmt = runTerraform(["fmt", "-"], text);
        expect(alignTouched(text, touched), name).toBe(fmt);
      }
    },
  );
});
