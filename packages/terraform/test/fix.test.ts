import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSite, type Finding } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { applyTerraformFixesWithNotes, terraformFormat } from "../src/index.js";
import { runTerraform, terraformInstalled, writeTree } from "./helpers.js";

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../test-fixtures/terraform");
const OPTIONS = { accounts: ["210987654321"] };

async function findingsOf(dir: string): Promise<Finding[]> {
  const r = await terraformFormat.scanDirectory?.(dir, OPTIONS);
  return (r?.sites ?? []).flatMap((s) => checkSite(s, OPTIONS).findings);
}

const fixable = (f: Finding): boolean => !!(f.fix?.condition || f.fix?.permission);
const identity = (f: Finding): string => `${f.ruleId} ${f.resource} ${f.statement?.index ?? "-"}`;

/** Scans `dir`, applies the fixes (written back to disk), scans again. */
async function fixAndRescan(dir: string) {
  const before = await findingsOf(dir);
  const fixed = before.filter(fixable);
  const texts = new Map<string, string>();
  for (const f of fixed) texts.set(f.file, readFileSync(f.file, "utf8"));
  const { files, notes } = await applyTerraformFixesWithNotes(texts, before);
  for (const [file, text] of files) writeFileSync(file, text);
  const after = await findingsOf(dir);
  return { before, fixed, files, notes, after };
}

/** Module directories of the HCL fixtures (a `main.expected.json` next to `main.tf`). */
function fixtureModules(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...fixtureModules(p));
    // Plans (`plan.json`) are skipped: a plan is not source, there is nothing to edit.
    else if (name === "main.expected.json") out.push(dir);
  }
  return out.sort();
}

describe("applyTerraformFixes on every fixture with a fix", () => {
  const modules = fixtureModules(FIXTURES);
  it("finds the fixtures", () => {
    expect(modules.length).toBeGreaterThan(50);
  });
  for (const mod of modules) {
    it(relative(FIXTURES, mod), async () => {
      const tmp = mkdtempSync(join(tmpdir(), "dg-tf-fix-"));
      cpSync(mod, tmp, { recursive: true });
      const r = await fixAndRescan(tmp);
      if (r.fixed.length === 0) return;
      expect(r.files.size, r.notes.join("\n")).toBeGreaterThan(0);
      const fixedIds = new Set(r.fixed.map(identity));
      const remaining = r.after.filter((f) => fixedIds.has(identity(f))).map(identity);
      expect(remaining, `${r.notes.join("\n")}\n${[...r.files.values()].join("\n----\n")}`).toEqual([]);
    });
  }
});

// Before session 10 a fixed file could fail `terraform fmt -check`: 9 of the 33 fmt-clean fixture
// and corpus files `--fix --write` changed (unaligned Lambda permission arguments, a padded
// `ArnLike      = {`). Terraform is the oracle where it is installed.
const fmtClean = (file: string): boolean => runTerraform(["fmt", "-check", file]) !== undefined;

describe("fixed Terraform files stay terraform fmt-clean", () => {
  it("adds Lambda permission arguments aligned with the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-tf-fmt-"));
    cpSync(join(FIXTURES, "lambda-permission/invalid-02-sns-no-source-arn"), dir, { recursive: true });
    const r = await fixAndRescan(dir);
    // (Since session 17 an SNS permission gets a source ARN in the function's Region, from an
    // aws_region data source the fix declares.)
    expect([...r.files.values()][0]).toContain(`resource "aws_lambda_permission" "with_sns" {
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = "arn:aws:sns:\${data.aws_region.current.name}:210987654321:*"
}`);
  });

  it("adds a longer argument with the others realigned", async () => {
    const dir = writeTree({
      "main.tf": `resource "aws_lambda_permission" "s3" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "s3.amazonaws.com"
  source_arn    = "arn:aws:s3:::my-bucket"
}
`,
    });
    const r = await fixAndRescan(dir);
    expect([...r.files.values()][0]).toBe(`resource "aws_lambda_permission" "s3" {
  action         = "lambda:InvokeFunction"
  function_name  = "f"
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::my-bucket"
  source_account = "210987654321"
}
`);
  });

  it.skipIf(!terraformInstalled)(
    "on every fixture that was fmt-clean (skipped when terraform is not on PATH)",
    async () => {
      let checked = 0;
      for (const mod of fixtureModules(FIXTURES)) {
        const tmp = mkdtempSync(join(tmpdir(), "dg-tf-fmt-"));
        cpSync(mod, tmp, { recursive: true });
        const r = await fixAndRescan(tmp);
        for (const file of r.files.keys()) {
          const name = relative(tmp, file);
          if (!fmtClean(join(mod, name))) continue;
          checked++;
          expect(fmtClean(file), `${relative(FIXTURES, mod)}/${name}:\n${r.files.get(file)}`).toBe(true);
        }
      }
      expect(checked).toBeGreaterThan(10);
    },
    120_000,
  );
});

describe("applyTerraformFixes by form", () => {
  it("replaces the Condition of a jsonencode statement and adds one where there is none", async () => {
    const dir = writeTree({
      "main.tf": `resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:210987654321:t"
      },
      {
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:210987654321:t"
        Condition = {
          StringEquals = { "aws:SourceAccount" = "303030303030" }
        }
      },
    ]
  })
}
`,
    });
    const r = await fixAndRescan(dir);
    expect(r.fixed.length).toBeGreaterThanOrEqual(2);
    const text = [...r.files.values()][0] as string;
    expect(text).toContain(
      `Condition = {\n          StringEquals = {\n            "aws:SourceAccount" = "210987654321"`,
    );
    expect(text).not.toContain("303030303030");
    expect(r.after.filter(fixable)).toEqual([]);
  });

  it("edits heredoc JSON in the heredoc's indentation", async () => {
    const dir = writeTree({
      "main.tf": `resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": { "Service": "s3.amazonaws.com" },
        "Action": "sns:Publish",
        "Resource": "arn:aws:sns:us-east-1:210987654321:t"
      }]
    }
  EOT
}
`,
    });
    const r = await fixAndRescan(dir);
    expect(r.fixed.length).toBeGreaterThan(0);
    const text = [...r.files.values()][0] as string;
    expect(text).toMatch(/"Resource": "arn:aws:sns:us-east-1:210987654321:t",\n {8}"Condition": \{\n {10}"/);
    expect(r.after.filter(fixable)).toEqual([]);
  });

  it("replaces source-key condition blocks of a policy document and keeps the others", async () => {
    const dir = writeTree({
      "main.tf": `data "aws_caller_identity" "me" {}

data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["sns:Publish"]
    resources = ["arn:aws:sns:us-east-1:210987654321:t"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["303030303030"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}

resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = data.aws_iam_policy_document.d.json
}
`,
    });
    const r = await fixAndRescan(dir);
    expect(r.fixed.length).toBeGreaterThan(0);
    const text = [...r.files.values()][0] as string;
    expect(text).not.toContain("303030303030");
    expect(text).toContain('variable = "aws:SecureTransport"');
    expect(text).toMatch(
      / {4}condition \{\n {6}test {5}= "StringEquals"\n {6}variable = "aws:SourceAccount"\n/,
    );
    expect(r.after.filter(fixable)).toEqual([]);
  });

  it("sets source_arn on an SNS Lambda permission (and declares data.aws_region)", async () => {
    const dir = writeTree({
      "main.tf": `resource "aws_lambda_permission" "sns" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "sns.amazonaws.com" # the topic's service
}
`,
    });
    const r = await fixAndRescan(dir);
    expect(r.fixed.length).toBe(1);
    const text = [...r.files.values()][0] as string;
    expect(text).toBe(`resource "aws_lambda_permission" "sns" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "sns.amazonaws.com" # the topic's service
  source_arn    = "arn:aws:sns:\${data.aws_region.current.name}:210987654321:*"
}

data "aws_region" "current" {}
`);
    expect(r.after.filter(fixable)).toEqual([]);
  });

  it("writes <SELF> as the module's aws_caller_identity, else leaves it with a note", async () => {
    const src = (withIdentity: boolean) =>
      `${withIdentity ? 'data "aws_caller_identity" "this" {}\n\n' : ""}resource "aws_lambda_permission" "sns" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "sns.amazonaws.com"
}
`;
    for (const withIdentity of [true, false]) {
      const file = join(writeTree({ "main.tf": src(withIdentity) }), "main.tf");
      const finding = {
        ruleId: "CD101",
        file,
        line: withIdentity ? 3 : 1,
        column: 1,
        resource: "aws_lambda_permission.sns",
        statement: null,
        fix: {
          description: "",
          text: "",
          permission: { sourceAccount: "<SELF>", sourceArn: "arn:aws:sns:*:<SELF>:*" },
        },
      } as unknown as Finding;
      const r = await applyTerraformFixesWithNotes(new Map([[file, src(withIdentity)]]), [finding]);
      const text = r.files.get(file) as string;
      if (withIdentity) {
        expect(text).toContain("source_account = data.aws_caller_identity.this.account_id");
        expect(text).toContain(
          'source_arn     = "arn:aws:sns:*:${data.aws_caller_identity.this.account_id}:*"',
        );
        expect(r.notes).toEqual([]);
      } else {
        expect(text).toContain('source_account = "<SELF>"');
        expect(r.notes.some((n) => n.includes("aws_caller_identity"))).toBe(true);
      }
    }
  });

  it("escapes template sequences in fix values and interpolates symbols (heredoc and jsonencode)", async () => {
    const text = `data "aws_partition" "p" {}
resource "aws_sns_topic_policy" "h" {
  arn    = "t"
  policy = <<EOT
{
  "Effect": "Allow",
  "Action": "sns:Publish"
}
EOT
}
resource "aws_sns_topic_policy" "j" {
  arn    = "t"
  policy = jsonencode({ Effect = "Allow", Action = "sns:Publish" })
}
`;
    const file = join(writeTree({ "main.tf": text }), "main.tf");
    const condition = { ArnLike: { "aws:SourceArn": "arn:<PARTITION>:s3:::${x}" } };
    const mk = (line: number, column: number) =>
      ({
        ruleId: "CD101",
        file,
        line,
        column,
        resource: "r",
        statement: { index: 0 },
        fix: { description: "", text: "", condition },
      }) as unknown as Finding;
    const r = await applyTerraformFixesWithNotes(new Map([[file, text]]), [mk(5, 1), mk(13, 23)]);
    const out = r.files.get(file) as string;
    expect(out).toContain('"aws:SourceArn": "arn:${data.aws_partition.p.partition}:s3:::$${x}"');
    expect(out).toContain(
      'Condition = { ArnLike = { "aws:SourceArn" = "arn:${data.aws_partition.p.partition}:s3:::$${x}" } }',
    );
    expect(r.notes).toEqual([]);
  });

  it("drops an edit that would not parse and says so", async () => {
    const text = `resource "aws_lambda_permission" "p" { principal = "sns.amazonaws.com" }\n`;
    const file = join(writeTree({ "main.tf": text }), "main.tf");
    const finding = {
      ruleId: "CD101",
      file,
      line: 1,
      column: 1,
      resource: "aws_lambda_permission.p",
      statement: null,
      fix: { description: "", text: "", permission: { sourceAccount: "210987654321" } },
    } as unknown as Finding;
    const r = await applyTerraformFixesWithNotes(new Map([[file, text]]), [finding]);
    expect(r.files.size).toBe(0);
    expect(r.notes.length).toBeGreaterThan(0);
  });
});

// Session-17 hunt (nozaq/terraform-aws-secure-baseline's CloudTrail key, cattle-ops' logs key): a
// key statement in an aws_iam_policy_document whose fix is a kms:EncryptionContext condition got no
// diff ("no fixable statement or permission at this position"), while the same statement in
// jsonencode did: the document fix wrote only source keys.
describe("--fix on a KMS key statement of an aws_iam_policy_document", () => {
  it("writes the kms:EncryptionContext condition block, and the rescan is clean", async () => {
    const dir = writeTree({
      "main.tf": `data "aws_iam_policy_document" "k" {
  statement {
    sid       = "CloudTrailEncrypt"
    actions   = ["kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "doc" {
  description = "policy document"
  policy      = data.aws_iam_policy_document.k.json
}
`,
    });
    const r = await fixAndRescan(dir);
    expect(r.notes).toEqual([]);
    expect([...r.files.values()][0]).toContain(`      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:aws:cloudtrail:*:210987654321:*"]
    }
  }
}`);
    expect(r.after.filter(fixable)).toEqual([]);
  });
});

// Session-17 review: the fix declared `data "aws_region" "current"` when the module already did in a
// .tf.json file (or in a file our parser cannot read): terraform validate then fails on a duplicate.
describe("--fix on a permission whose module declares aws_region in JSON syntax", () => {
  it("refers to that data source and declares none", async () => {
    const dir = writeTree({
      "main.tf": `resource "aws_lambda_permission" "events" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "events.amazonaws.com"
}
`,
      "region.tf.json": JSON.stringify({ data: { aws_region: { here: {} } } }),
    });
    const r = await fixAndRescan(dir);
    const text = r.files.get(join(dir, "main.tf")) as string;
    expect(text).toContain('source_arn    = "arn:aws:events:${data.aws_region.here.name}:210987654321:*"');
    expect(text).not.toContain('data "aws_region"');
  });

  it("declares none, and leaves <REGION> with a note, when a file of the module does not parse", async () => {
    const dir = writeTree({
      "main.tf": `resource "aws_lambda_permission" "events" {
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "events.amazonaws.com"
}
`,
      "broken.tf": 'data "aws_region" "current" {\n',
    });
    const before = await findingsOf(dir);
    const file = join(dir, "main.tf");
    const { files, notes } = await applyTerraformFixesWithNotes(
      new Map([[file, readFileSync(file, "utf8")]]),
      before.filter((f) => f.file === file),
    );
    expect(files.get(file)).not.toContain('data "aws_region"');
    expect(notes.some((n) => n.includes("<REGION>"))).toBe(true);
  });
});
