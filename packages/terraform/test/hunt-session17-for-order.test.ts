import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 hunt: statements made by a `for` over a map (and blocks a `dynamic` block makes from a
// map) were numbered in the order the map was written; Terraform iterates a map in the lexical
// order of its keys (`terraform console`: [for k, v in {zeta = 1, alpha = 2} : k] is
// ["alpha", "zeta"]), so `statement.index` named another statement than the deployed policy's.
describe("a map iterated as Terraform does", () => {
  it("for expression: statements in key order", async () => {
    const s = await scan({
      "main.tf": `locals {
  publishers = {
    zeta  = "events.amazonaws.com"
    alpha = "cloudwatch.amazonaws.com"
  }
}
resource "aws_sns_topic" "t" {
  name = "t"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for k, svc in local.publishers : {
      Sid = k, Effect = "Allow", Principal = { Service = svc }, Action = "sns:Publish", Resource = "*"
    }]
  })
}
`,
    });
    expect(s.findings.map((f) => [f.statement?.index, f.statement?.sid, f.principals])).toEqual([
      [0, "alpha", ["cloudwatch.amazonaws.com"]],
      [1, "zeta", ["events.amazonaws.com"]],
    ]);
  });

  it("dynamic block: statements in key order", async () => {
    const s = await scan({
      "main.tf": `locals {
  publishers = {
    zeta  = "events.amazonaws.com"
    alpha = "cloudwatch.amazonaws.com"
  }
}
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = local.publishers
    content {
      sid       = statement.key
      actions   = ["sns:Publish"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = [statement.value]
      }
    }
  }
}
resource "aws_sns_topic_policy" "t" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = data.aws_iam_policy_document.p.json
}
`,
    });
    expect(s.findings.map((f) => [f.statement?.index, f.statement?.sid])).toEqual([
      [0, "alpha"],
      [1, "zeta"],
    ]);
  });

  // Its twin, found on re-reading the change: a template `%{ for }` over a map (`terraform console`:
  // "%{ for k, v in {zeta = 1, alpha = 2} }${k},%{ endfor }" is "alpha,zeta,").
  it("template loop: statements in key order", async () => {
    const s = await scan({
      "main.tf": `locals {
  publishers = {
    zeta  = "events.amazonaws.com"
    alpha = "cloudwatch.amazonaws.com"
  }
}
resource "aws_sns_topic" "t" {
  name   = "t"
  policy = templatefile("\${path.module}/p.tpl", { publishers = local.publishers })
}
`,
      "p.tpl": `{"Version": "2012-10-17", "Statement": [
%{ for k, svc in publishers }{"Sid": "\${k}", "Effect": "Allow", "Principal": {"Service": "\${svc}"}, "Action": "sns:Publish", "Resource": "*"},
%{ endfor }{"Sid": "Last", "Effect": "Deny", "Principal": "*", "Action": "sns:DeleteTopic", "Resource": "*"}]}
`,
    });
    expect(s.findings.map((f) => [f.statement?.index, f.statement?.sid])).toEqual([
      [0, "alpha"],
      [1, "zeta"],
    ]);
  });
});
