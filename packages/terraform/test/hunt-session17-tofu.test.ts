import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 hunt (an OpenTofu cloudposse-style iam-role): OpenTofu 1.11's `lifecycle { enabled =
// false }` creates nothing, as `count = 0` does; it was ignored, so the disabled role's
// `join("", data.x[*].json)` over no documents was a ParseError (exit 2) and a disabled topic CD101.
const module = `variable "enabled" {
  type    = bool
  default = false
}

data "aws_iam_policy_document" "assume" {
  count = var.enabled ? 1 : 0
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "config"
  assume_role_policy = join("", data.aws_iam_policy_document.assume[*].json)

  lifecycle {
    enabled = var.enabled
  }
}

resource "aws_sns_topic" "t" {
  name = "t"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*" }]
  })
  lifecycle {
    enabled = var.enabled
  }
}

output "role" {
  value = aws_iam_role.this
}
`;

describe("OpenTofu lifecycle enabled", () => {
  it("false: the resources are not created, nothing is reported", async () => {
    const s = await scan({ "main.tofu": module });
    expect(s.sites).toEqual([]);
    expect(s.findings).toEqual([]);
    expect(s.diagnostics).toEqual([]);
  });

  it("true or not known: the resources are analysed", async () => {
    for (const vars of [{ enabled: true }, undefined]) {
      const s = await scan(
        { "main.tofu": vars ? module : module.replace("  default = false\n", "") },
        {
          ...(vars ? { variables: vars } : {}),
        },
      );
      expect(
        s.findings.filter((f) => f.resource === "aws_sns_topic.t").map((f) => [f.ruleId, f.severity]),
      ).toEqual([["CD101", "high"]]);
    }
  });
});
