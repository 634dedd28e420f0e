import { describe, expect, it } from "vitest";
import { plainDocument, scan } from "./helpers.js";

// terraform-aws-modules/terraform-aws-s3-bucket main.tf, data "aws_iam_policy_document"
// "elb_log_delivery": a dynamic "statement" over `{ for k, v in ... : k => v if k == <region> }`.
// The region is not known before apply, so the for expression was one unknown map: the statement
// it generates named `<statement.value>`, and the ELB log-delivery account it stands for was never
// analysed (0 findings). Each element may be kept: it is analysed, labelled with its condition.
const ELB = `
data "aws_region" "current" {}
locals {
  elb = { "us-east-1" = "127311923021", "us-west-2" = "797873946194" }
}
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = { for k, v in local.elb : k => v if k == data.aws_region.current.region }
    content {
      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::\${statement.value}:root"]
      }
      actions   = ["s3:PutObject"]
      resources = ["arn:aws:s3:::logs/*"]
    }
  }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = "logs"
  policy = data.aws_iam_policy_document.p.json
}
`;

function services(condition: string, effect = "Allow"): string {
  return `
variable "svc" { type = string }
variable "regions" { type = list(string) }
locals {
  svcs = { a = "sns.amazonaws.com", b = "events.amazonaws.com" }
}
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = { for k, v in local.svcs : k => v if ${condition} }
    content {
      effect = "${effect}"
      principals {
        type        = "Service"
        identifiers = [statement.value]
      }
      actions   = ["sqs:SendMessage"]
      resources = ["arn:aws:sqs:us-east-1:111122223333:q"]
    }
  }
}
resource "aws_sqs_queue_policy" "b" {
  queue_url = "q"
  policy = data.aws_iam_policy_document.p.json
}
`;
}

describe("a for expression whose if is not known before apply", () => {
  it("keeps each ELB log-delivery account a dynamic statement may be generated for", async () => {
    const { findings } = await scan({ "main.tf": ELB });
    expect(
      findings.map((f) => ({
        rule: f.ruleId,
        principals: f.principals,
        variant: f.variant,
        at: [f.line, f.column],
        element: f.element,
      })),
    ).toEqual([
      {
        rule: "CD101",
        principals: ["arn:aws:iam::127311923021:root"],
        variant: 'REGION == "us-east-1": true',
        at: [7, 3],
        element: { line: 12, column: 24 },
      },
      {
        rule: "CD101",
        principals: ["arn:aws:iam::797873946194:root"],
        variant: 'REGION == "us-west-2": true',
        at: [7, 3],
        element: { line: 12, column: 24 },
      },
    ]);
  });

  it("names the service principals, not <statement.value>", async () => {
    const { findings } = await scan({ "main.tf": services("k == var.svc") });
    expect(findings.map((f) => [f.ruleId, f.principals, f.variant])).toEqual([
      ["CD101", ["sns.amazonaws.com"], 'var.svc == "a": true'],
      ["CD101", ["events.amazonaws.com"], 'var.svc == "b": true'],
    ]);
  });

  it("labels an element kept when a test is false, and a test on no literal, by the element", async () => {
    const negated = await scan({ "main.tf": services("k != var.svc") });
    expect(negated.findings.map((f) => f.variant)).toEqual([
      'var.svc == "a": false',
      'var.svc == "b": false',
    ]);
    const contains = await scan({ "main.tf": services("contains(var.regions, k)") });
    expect(contains.findings.map((f) => [f.principals, f.variant])).toEqual([
      [["sns.amazonaws.com"], 'contains(var.regions, k) (k = "a"): true'],
      [["events.amazonaws.com"], 'contains(var.regions, k) (k = "b"): true'],
    ]);
  });

  it("does not count on a Deny the filter may drop", async () => {
    const { sites } = await scan({ "main.tf": services("k == var.svc", "Deny") });
    const doc = plainDocument(sites[0]) as { Statement: Array<{ Condition?: Record<string, unknown> }> };
    expect(doc.Statement).toHaveLength(2);
    for (const s of doc.Statement) expect(Object.keys(s.Condition ?? {})).toEqual(["dynamic"]);
  });

  it("generates one block per element of a list, the index unknown after one that may be dropped", async () => {
    const tf = services("true").replace(
      "{ for k, v in local.svcs : k => v if true }",
      '[for v in ["sns.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com"] : v if v != var.svc || v == "s3.amazonaws.com"]',
    );
    const { sites } = await scan({
      "main.tf": tf.replace(
        "identifiers = [statement.value]",
        'identifiers = [statement.value, "x${statement.key}.amazonaws.com"]',
      ),
    });
    const doc = plainDocument(sites[0]) as { Statement: Array<{ Principal: { Service: string[] } }> };
    expect(doc.Statement.map((s) => s.Principal.Service)).toEqual([
      ["sns.amazonaws.com", "x0.amazonaws.com"],
      ["events.amazonaws.com", "x<for v in ...>.amazonaws.com"],
      ["s3.amazonaws.com", "x<for v in ...>.amazonaws.com"],
    ]);
  });

  it("keeps a grouped map (...) whose if is not known one unknown block", async () => {
    const tf = services("true").replace(
      "{ for k, v in local.svcs : k => v if true }",
      "{ for k, v in local.svcs : k => v... if k == var.svc }",
    );
    const { findings } = await scan({ "main.tf": tf });
    expect(findings.map((f) => f.principals)).toEqual([["<statement.value>"]]);
  });
});

// The module's own shape (main.tf lines 641-720, the region list cut short): 26 statements the
// dynamic block may generate and the written Service one, each with its known account.
const S3_BUCKET = `
data "aws_region" "current" {
  region = var.region
}
data "aws_partition" "current" {}
variable "region" {
  type    = string
  default = null
}
resource "aws_s3_bucket" "this" {
  count  = 1
  bucket = "logs"
}
locals {
  elb_service_accounts = {
    us-east-1      = "127311923021"
    us-east-2      = "033677994240"
    eu-west-1      = "156460612806"
  }
}
data "aws_iam_policy_document" "elb_log_delivery" {
  dynamic "statement" {
    for_each = { for k, v in local.elb_service_accounts : k => v if k == data.aws_region.current.region }

    content {
      sid = format("ELBRegion%s", title(statement.key))

      principals {
        type        = "AWS"
        identifiers = [format("arn:%s:iam::%s:root", data.aws_partition.current.partition, statement.value)]
      }

      effect = "Allow"

      actions = [
        "s3:PutObject",
      ]

      resources = [
        "\${aws_s3_bucket.this[0].arn}/*",
      ]
    }
  }

  statement {
    sid = ""

    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }

    effect = "Allow"

    actions = [
      "s3:PutObject",
    ]

    resources = [
      "\${aws_s3_bucket.this[0].arn}/*",
    ]
  }
}
resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.elb_log_delivery.json
}
`;

describe("terraform-aws-s3-bucket elb_log_delivery", () => {
  it("analyses a statement per region's ELB account, each labelled with its region", async () => {
    const { sites, findings } = await scan({ "main.tf": S3_BUCKET });
    const doc = plainDocument(sites[0]) as {
      Statement: Array<{ Sid?: string; Principal: Record<string, string[]> }>;
    };
    // In the lexical order of the map's keys, as Terraform iterates a map (session 17).
    expect(doc.Statement.map((s) => [s.Sid, s.Principal])).toEqual([
      ["ELBRegionEu-West-1", { AWS: ["arn:<PARTITION>:iam::156460612806:root"] }],
      ["ELBRegionUs-East-1", { AWS: ["arn:<PARTITION>:iam::127311923021:root"] }],
      ["ELBRegionUs-East-2", { AWS: ["arn:<PARTITION>:iam::033677994240:root"] }],
      [undefined, { Service: ["logdelivery.elasticloadbalancing.amazonaws.com"] }],
    ]);
    expect(sites.map((s) => s.statementVariants)).toEqual([
      [
        'REGION == "eu-west-1": true',
        'REGION == "us-east-1": true',
        'REGION == "us-east-2": true',
        undefined,
      ],
    ]);
    expect(findings.map((f) => [f.ruleId, f.principals])).toContainEqual([
      "CD101",
      ["logdelivery.elasticloadbalancing.amazonaws.com"],
    ]);
  });
});
