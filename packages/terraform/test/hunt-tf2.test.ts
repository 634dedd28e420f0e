import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Regressions from the session-6 Terraform hunt, round 2 (modules reduced from its reproducers).
const policy = (
  value: string,
  vars = 'variable "strict" { type = bool }\nvariable "env" { type = string }',
) => ({
  "main.tf": `${vars}
locals { accounts = { prod = "210987654321" } }
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
      Condition = { StringLike = { "aws:SourceAccount" = ${value} } } },
  ] })
}
`,
});

async function run(value: string) {
  const r = await scan(policy(value), { accounts: ["210987654321"] });
  return {
    findings: r.findings.map((f) => `${f.ruleId} ${f.severity}${f.variant ? ` when ${f.variant}` : ""}`),
    errors: r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message),
  };
}

describe("coalesce of a conditional with a null branch", () => {
  it("takes the next argument where the branch is null: no null value, no error", async () => {
    expect(await run('coalesce(var.strict ? null : "210987654321", "210987654321")')).toEqual({
      findings: [],
      errors: [],
    });
    expect(await run('coalesce(var.strict ? null : "210987654321", "*")')).toEqual({
      findings: ["CD102 high when var.strict: true"],
      errors: [],
    });
  });
});

describe("try() and can() over a map index with a key not known before apply", () => {
  it("the fallback of try() is analysed for a key the map lacks", async () => {
    expect((await run('try(local.accounts[var.env], "*")')).findings).toEqual([
      "CD102 high when var.env: (a key it lacks: the try fallback)",
    ]);
    expect((await run('try(local.accounts[var.env], "210987654321")')).findings).toEqual([]);
  });

  it("can() is a test of its own, each way analysed", async () => {
    expect((await run('can(local.accounts[var.env]) ? local.accounts[var.env] : "*"')).findings).toEqual([
      "CD102 high when can(local.accounts[var.env]): false",
    ]);
  });
});

describe("count beyond the instances analysed", () => {
  it("is a warning, not silence", async () => {
    const r = await scan({
      "main.tf": `resource "aws_sqs_queue" "q" {
  count = 1200
  name  = "q\${count.index}"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "sns.amazonaws.com" },
    Action = "sqs:SendMessage", Resource = "*", Condition = { StringEquals = { "aws:SourceAccount" = "210987654321" } } }] })
}
`,
    });
    expect(r.diagnostics.map((d) => d.message)).toContain(
      "aws_sqs_queue.q has 1200 instances; the first 1000 are analysed, the rest are not",
    );
  });
});

describe("a for expression over one of several known lists", () => {
  // From the hunt: [for a in local.accounts : ...] with accounts = var.open ? ["*"] : [...] lost its
  // choices (CD301 only); now each list is looped over.
  it("is one of several lists, each analysed", async () => {
    const r = await scan(
      {
        "main.tf": `variable "open" { type = bool }
locals { accounts = var.open ? ["*"] : ["210987654321"] }
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
      Condition = { ArnLike = { "aws:SourceArn" = [for a in local.accounts : "arn:aws:events:*:\${a}:rule/*"] } } },
  ] })
}
`,
      },
      { accounts: ["210987654321"] },
    );
    expect(r.findings.map((f) => `${f.ruleId} ${f.variant ?? ""}`)).toEqual(["CD102 var.open: true"]);
  });
});

describe("list functions over one of several known values", () => {
  // From the hunt: formatlist, element, split and the conversions lost a conditional's choices
  // (CD301 only); now each value is computed and analysed.
  it.each([
    'formatlist("arn:aws:events:*:%s:rule/*", local.accounts)',
    "element(local.accounts, 0)",
    'split(",", local.one)[0]',
    "tolist(toset(flatten([local.accounts])))",
  ])("%s", async (value) => {
    const key = value.startsWith("formatlist") ? "ArnLike" : "StringLike";
    const name = value.startsWith("formatlist") ? "aws:SourceArn" : "aws:SourceAccount";
    const r = await scan(
      {
        "main.tf": `variable "open" { type = bool }
locals {
  accounts = var.open ? ["*"] : ["210987654321"]
  one      = var.open ? "*" : "210987654321"
}
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
      Condition = { ${key} = { "${name}" = ${value} } } },
  ] })
}
`,
      },
      { accounts: ["210987654321"] },
    );
    expect(r.findings.map((f) => `${f.ruleId} ${f.variant ?? ""}`)).toEqual(["CD102 var.open: true"]);
  });
});

describe("a for expression whose if filter is not known before apply", () => {
  // From the hunt: one unknown filter made the whole statement list unknown, so a statement whose
  // filter is the literal true was never analysed (a miss).
  const module = (effect: string) => ({
    "main.tf": `variable "enable_events" { type = bool }
locals {
  candidates = [{ enabled = var.enable_events, service = "events.amazonaws.com", effect = "${effect}" },
                { enabled = true, service = "sns.amazonaws.com", effect = "Allow" }]
}
resource "aws_sqs_queue" "q" {
  name = "q"
  policy = jsonencode({ Version = "2012-10-17", Statement = [for c in local.candidates : {
    Effect = c.effect, Principal = { Service = c.service }, Action = "sqs:SendMessage", Resource = "*" } if c.enabled] })
}
`,
  });

  it("keeps the statements it surely makes, and an Allow it may make", async () => {
    const r = await scan(module("Allow"));
    expect(r.findings.map((f) => `${f.ruleId} ${f.principals.join(",")}`)).toEqual([
      "CD101 events.amazonaws.com",
      "CD101 sns.amazonaws.com",
    ]);
  });

  it("does not count on a Deny it may drop", async () => {
    const r = await scan(module("Deny"));
    expect(r.findings.map((f) => `${f.ruleId} ${f.principals.join(",")}`)).toEqual([
      "CD101 sns.amazonaws.com",
    ]);
  });
});

describe("resources of the Cloud Control provider (awscc_*)", () => {
  // From the hunt: awscc_* resources were skipped without a word; their policy arguments are found
  // as those of unlisted aws_* types are, a role's trust policy by its argument's name.
  it("are read: resource policy, trust policy and Lambda permission", async () => {
    const r = await scan({
      "main.tf": `resource "awscc_sns_topic_policy" "p" {
  topics = ["arn:aws:sns:us-east-1:210987654321:t"]
  policy_document = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*" }] })
}
resource "awscc_iam_role" "r" {
  assume_role_policy_document = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Principal = { Service = "states.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "awscc_lambda_permission" "l" {
  action        = "lambda:InvokeFunction"
  function_name = "fn"
  principal     = "s3.amazonaws.com"
}
`,
    });
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource}`)).toEqual([
      "CD101 high awscc_sns_topic_policy.p",
      "CD101 medium awscc_iam_role.r",
      "CD101 high awscc_lambda_permission.l",
    ]);
  });
});
