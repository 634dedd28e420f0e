import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 hunt (terraform-aws-modules/lambda `allowed_triggers`, whose callers add their own
// account): `source_account = try(each.value.source_account, null)` holding the deploying account
// was "may be null when applied" (UnresolvedArgument) and the S3 permission CD103, though try() only
// falls back on an error and the deploying account is always there.
describe("try() around the deploying account", () => {
  const module = `data "aws_caller_identity" "current" {}

variable "triggers" {
  type = map(any)
  default = {
    s3 = {
      service    = "s3"
      source_arn = "arn:aws:s3:::my-upload-bucket"
    }
  }
}

locals {
  triggers = { for k, v in var.triggers : k => merge(v, { source_account = data.aws_caller_identity.current.account_id }) }
}

resource "aws_lambda_permission" "a" {
  for_each       = local.triggers
  function_name  = "f"
  action         = "lambda:InvokeFunction"
  principal      = format("%s.amazonaws.com", try(each.value.service, ""))
  source_arn     = try(each.value.source_arn, null)
  source_account = try(each.value.source_account, null)
}

resource "aws_lambda_permission" "b" {
  function_name  = "f"
  action         = "lambda:InvokeFunction"
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::my-upload-bucket"
  source_account = try(data.aws_caller_identity.current.account_id, null)
}
`;

  it("is never null: the permissions are pinned, nothing is reported", async () => {
    const s = await scan({ "main.tf": module });
    expect(s.findings).toEqual([]);
    expect(s.diagnostics).toEqual([]);
  });

  // Session-17 review: through an index into a data source whose count is not known, the reference
  // itself may fail (count 0), and try() then gives null: the permission may deploy unpinned.
  it("read through an index of a count not known, may be null", async () => {
    const s = await scan({
      "main.tf": `variable "lookup_account" { type = bool }
data "aws_caller_identity" "current" { count = var.lookup_account ? 1 : 0 }
resource "aws_lambda_permission" "s3" {
  function_name  = "f"
  action         = "lambda:InvokeFunction"
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::my-upload-bucket"
  source_account = try(data.aws_caller_identity.current[0].account_id, null)
}
`,
    });
    expect(s.findings.map((f) => f.ruleId)).toEqual(["CD103"]);
    expect(s.diagnostics.map((d) => d.code)).toEqual(["UnresolvedArgument"]);
  });

  it("an attribute an item may lack still may be null (the fallback)", async () => {
    const s = await scan({
      "main.tf": `variable "triggers" { type = map(any) }
resource "aws_lambda_permission" "a" {
  for_each       = var.triggers
  function_name  = "f"
  action         = "lambda:InvokeFunction"
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::my-upload-bucket"
  source_account = try(each.value.source_account, null)
}
`,
    });
    expect(s.findings.map((f) => f.ruleId)).toEqual(["CD103"]);
  });
});

// Session-17 hunt (a cloudposse-style iam-role, each principal a plain list or {identifiers,
// conditions}): `try(tolist(principal.conditions), [])` on a plain list did not fall back, since
// tolist() turned the failed attribute into a plain unknown; the dynamic "condition" for_each was
// then "not known", and the role guarded by aws:SourceAccount was CD101 medium.
describe("try() around a call whose argument fails", () => {
  it("falls back: the guard the concat holds is counted on", async () => {
    const s = await scan({
      "main.tf": `data "aws_caller_identity" "current" {}

variable "principals" {
  type    = any
  default = { Service = ["config.amazonaws.com"] }
}

locals {
  principals = {
    for type, principal in var.principals : type => {
      identifiers = try(tolist(principal.identifiers), tolist(principal))
      conditions  = try(tolist(principal.conditions), [])
    }
  }
  guard = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [data.aws_caller_identity.current.account_id] }]
}

data "aws_iam_policy_document" "assume_role" {
  for_each = local.principals
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = each.key
      identifiers = each.value.identifiers
    }
    dynamic "condition" {
      for_each = concat(local.guard, each.value.conditions)
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }
}

resource "aws_iam_role" "config" {
  name               = "config"
  assume_role_policy = data.aws_iam_policy_document.assume_role["Service"].json
}
`,
    });
    expect(s.findings).toEqual([]);
    expect(s.diagnostics).toEqual([]);
  });
});
