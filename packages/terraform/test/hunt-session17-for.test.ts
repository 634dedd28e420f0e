import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session-17 real-world hunt (items #1 and #2): statements made over a collection not known before
// apply (a variable without a default, as when CI scans a module on its own) were not analysed at
// all, with a warning and exit 0, though a `dynamic "statement"` over the same collection is
// analysed once with its item unknown.

async function run(files: Record<string, string>) {
  const r = await scan(files);
  return {
    findings: r.findings.map((f) => ({
      rule: f.ruleId,
      severity: f.severity,
      at: [f.file.endsWith(".tpl") ? "tpl" : "tf", f.line, f.column],
      variant: f.variant,
    })),
    // What the adapter warns of, and what the policy parser does.
    diagnostics: [...r.diagnostics, ...r.sites.flatMap((s) => checkSite(s).diagnostics)].map(
      (d) => `${d.code} ${d.line}: ${d.message}`,
    ),
    statements: r.sites.map((s) => (s.document?.kind === "object" ? s.document.entries : [])),
  };
}

const NO_DEFAULT = "the variable has no default and no value was given (--var, --var-file, terraform.tfvars)";

// repro/for-expr-unknown-collection-miss/main.tf
const topics = (filter = "", effect = "Allow") => ({
  "main.tf": `variable "topics" { type = list(string) }
resource "aws_sns_topic" "t" {
  name = "t"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for t in var.topics : {
      Effect = ${effect === "item" ? "t" : `"${effect}"`}, Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "arn:aws:sns:us-east-1:210987654321:\${t}"
    }${filter}]
  })
}
`,
});

describe("a for expression over a collection not known before apply", () => {
  it("makes its statement once, for an unknown item: an unguarded one is CD101 high", async () => {
    // Before: UnresolvedStatement "the statements are not known before deployment", 0 findings.
    expect(await run(topics())).toMatchObject({
      findings: [{ rule: "CD101", severity: "high", at: ["tf", 6, 40], variant: undefined }],
      diagnostics: [],
    });
  });

  it("with an if: the statement may not be made, but an empty list grants nothing", async () => {
    expect(await run(topics(' if t != "legacy"'))).toMatchObject({
      findings: [{ rule: "CD101", severity: "high", at: ["tf", 6, 40], variant: undefined }],
      diagnostics: [],
    });
    // An if false for any item: no statement at all.
    expect(await run(topics(" if false"))).toMatchObject({ findings: [], diagnostics: [] });
  });

  it("leaves out a statement whose effect is the item's, as a dynamic statement's", async () => {
    const r = await run(topics("", "item"));
    expect(r.findings).toEqual([]);
    expect(r.diagnostics).toEqual([
      `UnresolvedStatement 6: statement 0 is not known before deployment (for t in ...: the collection is not known before apply (var.topics: ${NO_DEFAULT})); it is not analysed`,
    ]);
  });

  it("does not count on a Deny it makes: it may make none", async () => {
    const r = await run({
      "main.tf": `variable "accounts" { type = list(string) }
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*"
    }], [for a in var.accounts : {
      Effect = "Deny", Principal = "*", Action = "sns:Publish", Resource = "*"
      Condition = { StringNotEquals = { "aws:SourceAccount" = "210987654321" } }
    }])
  })
}
`,
    });
    expect(r.findings).toEqual([{ rule: "CD101", severity: "high", at: ["tf", 6, 25], variant: undefined }]);
    expect(r.diagnostics).toEqual([
      `UnresolvedStatement 6: statement 1 is not known before deployment (for a in ...: the collection is not known before apply (var.accounts: ${NO_DEFAULT})); it is not analysed`,
    ]);
  });

  it("flattened, nested over an item's own collection: each guard value is the item's", async () => {
    const r = await run({
      "main.tf": `variable "groups" { type = any }
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = flatten([for g in var.groups : [for s in g.services : {
      Effect = "Allow", Principal = { Service = s }, Action = "sns:Publish", Resource = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = g.account } }
    }]])
  })
}
`,
    });
    expect(r.findings).toEqual([{ rule: "CD301", severity: "info", at: ["tf", 6, 71], variant: undefined }]);
  });
});

// repro/for-expr-unknown-collection-miss-templatefile
const TRAIL_TF = `variable "reader_accounts" { type = list(string) }
resource "aws_s3_bucket_policy" "b" {
  bucket = "acme-trail"
  policy = templatefile("\${path.module}/policy.json.tpl", { bucket = "acme-trail", readers = var.reader_accounts })
}
`;
const trailTemplate = (effect = "Allow") => `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CloudTrailWrite",
      "Effect": "Allow",
      "Principal": { "Service": "cloudtrail.amazonaws.com" },
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::\${bucket}/AWSLogs/*"
    }%{ for a in readers },
    {
      "Effect": "${effect}",
      "Principal": { "AWS": "arn:aws:iam::\${a}:root" },
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::\${bucket}/*"
    }%{ endfor }
  ]
}
`;

describe("a template %{ for } over a collection not known before apply", () => {
  it("makes its Allow statements once, so the written ones are analysed", async () => {
    // Before: PolicyUnknown "the template loops over a collection not known before apply", 0 findings.
    const r = await run({ "main.tf": TRAIL_TF, "policy.json.tpl": trailTemplate() });
    expect(r.findings).toEqual([{ rule: "CD101", severity: "high", at: ["tpl", 4, 5], variant: undefined }]);
    expect(r.diagnostics).toEqual([]);
    const statements = r.statements[0]?.find((e) => e.key === "Statement")?.value;
    expect(statements?.kind === "array" && statements.items.length).toBe(2);
  });

  it("with a separator on the loop's index: the text that closes the list is the one read", async () => {
    const template = trailTemplate()
      .replace("}%{ for a in readers },", "},%{ for i, a in readers }")
      .replace("}%{ endfor }", "}%{ if i < length(readers) - 1 },%{ endif }%{ endfor }");
    const r = await run({ "main.tf": TRAIL_TF, "policy.json.tpl": template });
    expect(r.findings).toEqual([{ rule: "CD101", severity: "high", at: ["tpl", 4, 5], variant: undefined }]);
    expect(r.diagnostics).toEqual([]);
  });

  it("with a %{ if } on the item: each text is analysed, labelled", async () => {
    const template = trailTemplate().replace(
      '"Principal": { "AWS": "arn:aws:iam::${a}:root" },',
      `"Principal": { "Service": "events.amazonaws.com" },%{ if a != "" }
      "Condition": { "StringEquals": { "aws:SourceAccount": "210987654321" } },%{ endif }`,
    );
    const r = await run({ "main.tf": TRAIL_TF, "policy.json.tpl": template });
    // Two texts, each analysed (the CLI reports CloudTrailWrite once, for both): findings are at
    // the templatefile() call, as for any undecided %{ if }.
    expect(r.findings).toEqual([
      { rule: "CD101", severity: "high", at: ["tf", 4, 12], variant: '%{if a != ""}: true' },
      { rule: "CD101", severity: "high", at: ["tf", 4, 12], variant: '%{if a != ""}: false' },
      { rule: "CD101", severity: "high", at: ["tf", 4, 12], variant: '%{if a != ""}: false' },
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it("leaves a policy whose loop makes a Deny not known, as before", async () => {
    const r = await run({ "main.tf": TRAIL_TF, "policy.json.tpl": trailTemplate("Deny") });
    expect(r.findings).toEqual([]);
    expect(r.diagnostics.map((d) => d.split(":")[0])).toEqual(["PolicyUnknown 4"]);
  });
});

// repro/flatten-partial-unknown-miss/main.tf
const extra = (statement: string) => ({
  "main.tf": `variable "additional_statements" {
  type = list(any)
}

locals {
  default_statements = [{
    Sid       = "AllowEventBridge"
    Effect    = "Allow"
    Principal = { Service = "events.amazonaws.com" }
    Action    = "sqs:SendMessage"
    Resource  = aws_sqs_queue.q.arn
  }]
}

resource "aws_sqs_queue" "q" {
  name = "jobs"
}

resource "aws_sqs_queue_policy" "q" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = ${statement}
  })
}
`,
});

describe("known statement lists combined with unknown ones", () => {
  const unknownRest = `UnresolvedStatement 23: statement 1 is not known before deployment (var.additional_statements: ${NO_DEFAULT}); it is not analysed`;
  it.each([
    "flatten([local.default_statements, var.additional_statements])",
    "distinct(concat(local.default_statements, var.additional_statements))",
    "compact(tolist(toset(flatten([local.default_statements, [var.additional_statements]]))))",
  ])("%s: the known ones are analysed, the rest warned of", async (statement) => {
    // Before: UnresolvedStatement "the statements are not known before deployment", 0 findings.
    expect(await run(extra(statement))).toMatchObject({
      findings: [{ rule: "CD101", severity: "high", at: ["tf", 6, 25], variant: undefined }],
      diagnostics: [unknownRest],
    });
  });
});

// inputs/gh-15992049152-dyn-trust without its terraform.tfvars (the session-17 "Related" note): a
// statement whose effect and principals all come from the caller is not judged, by design (see
// the changeset of "An unknown Effect is analysed as an Allow"); README says so.
describe("a dynamic statement over an unknown collection whose effect is the item's", () => {
  it("is left out with a warning", async () => {
    const r = await run({
      "main.tf": `data "aws_iam_policy_document" "assume_role" {
  dynamic "statement" {
    for_each = var.assume_role_statements
    content {
      effect  = try(statement.value.effect)
      actions = try(statement.value.actions, ["sts:AssumeRole"])
      principals {
        type        = try(statement.value.principals.type, null)
        identifiers = try(statement.value.principals.identifiers, null)
      }
    }
  }
}
resource "aws_iam_role" "this" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
}
variable "assume_role_statements" { type = any }
`,
    });
    expect(r.findings).toEqual([]);
    expect(r.diagnostics).toEqual([
      `UnresolvedStatement 2: the statement's effect is not known before apply (statement.value.effect: the dynamic "statement" for_each is not known before apply (var.assume_role_statements: ${NO_DEFAULT})); the statement is not analysed`,
    ]);
  });
});

// Session-17 review: the loop's separator was trimmed only when `%{ endif }` ended the body; with a
// newline or a space after it (the usual layout) the loop's text did not read as JSON and the policy
// was PolicyUnknown, its unguarded Allow not reported.
describe("a template loop with its separator before a newline", () => {
  it("is read: the Allow it writes is CD101", async () => {
    const s = await scan({
      "main.tf": `variable "topics" { type = list(string) }
resource "aws_sqs_queue" "q" { name = "q" }
resource "aws_sqs_queue_policy" "p" {
  queue_url = aws_sqs_queue.q.id
  policy    = templatefile("\${path.module}/p_a.tpl", { queue = aws_sqs_queue.q.arn, topics = var.topics })
}
`,
      "p_a.tpl": `{
  "Version": "2012-10-17",
  "Statement": [
%{ for i, t in topics}
    {
      "Effect": "Allow",
      "Principal": {"Service": "sns.amazonaws.com"},
      "Action": "sqs:SendMessage",
      "Resource": "\${queue}"
    }%{ if i < length(topics) - 1 },%{ endif }
%{ endfor}
  ]
}
`,
    });
    expect(s.findings.map((f) => [f.ruleId, f.severity, f.file.endsWith("p_a.tpl"), f.line])).toEqual([
      ["CD101", "high", true, 5],
    ]);
    expect(s.diagnostics.map((d) => d.code)).not.toContain("PolicyUnknown");
  });
});
