import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSite, type Finding } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { applyTerraformFixesWithNotes, terraformFormat } from "../src/index.js";

// From a review of `--fix` (fixtures-fix-review): a fix rewrote every source-key condition from the
// values the analysis resolved, so `var.bucket_arn` became "<var.bucket_arn>" (or the guard was
// dropped), `aws_s3_bucket.b.arn` a literal with `<PARTITION>` or a variable's default baked in, and
// `data.aws_caller_identity.current.account_id` the text ACCOUNT_ID; a rescan then called the
// broken file clean. Conditions a fix keeps now stay as written.
const DIR = join(import.meta.dirname, "fixtures-fix-review");

async function findingsOf(dir: string, accounts: string[]): Promise<Finding[]> {
  const r = await terraformFormat.scanDirectory?.(dir, { accounts });
  return (r?.sites ?? []).flatMap((s) => checkSite(s, { accounts }).findings);
}

async function fix(name: string, accounts: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "dg-fix-review-"));
  cpSync(join(DIR, name), dir, { recursive: true });
  const file = join(dir, "main.tf");
  const before = await findingsOf(dir, accounts);
  const { files } = await applyTerraformFixesWithNotes(new Map([[file, readFileSync(file, "utf8")]]), before);
  const text = files.get(file) ?? readFileSync(file, "utf8");
  writeFileSync(file, text);
  return { before, text, after: await findingsOf(dir, accounts) };
}

describe("--fix keeps the conditions it keeps as they are written", () => {
  it("an aws:SourceArn from a variable stays, and aws:SourceAccount is added", async () => {
    const { text, after } = await fix("tf-cd103-unknown", ["731234567890"]);
    expect(text).toContain("values   = [var.bucket_arn]");
    expect(text).toContain('variable = "aws:SourceAccount"');
    expect(text).not.toContain("<var.bucket_arn>");
    // aws:SourceAccount now pins our account, so the unknown aws:SourceArn decides nothing: no CD301.
    expect(after).toEqual([]);
  });

  it.each(["tf-cd103-doc", "tf-cd103-var"])("%s: a bucket reference stays a reference", async (name) => {
    const { text, after } = await fix(name, ["731234567890"]);
    expect(text).toMatch(/values\s+= \[aws_s3_bucket\.b\.arn\]/);
    expect(text).not.toMatch(/<PARTITION>|prod-uploads|acme-uploads"\]/);
    expect(after).toEqual([]);
  });

  it.each(["tf-jsonenc", "tf-prefix"])("%s: jsonencode and heredoc keep the reference", async (name) => {
    const { text, after } = await fix(name, ["731234567890"]);
    expect(text).toContain('"aws:SourceArn" = aws_s3_bucket.b.arn');
    expect(text).toContain('"aws:SourceArn": "${aws_s3_bucket.b.arn}"');
    expect(text).not.toContain("$${aws_s3_bucket");
    expect(after).toEqual([]);
  });

  it("an IfExists on our own account changes the operator and keeps the caller-identity lookup", async () => {
    const { before, text, after } = await fix("tf104");
    expect(before.map((f) => f.ruleId)).toEqual(["CD104"]);
    expect(text).toContain('test     = "StringEquals"');
    expect(text).toContain("values   = [data.aws_caller_identity.current.account_id]");
    expect(text).not.toContain("ACCOUNT_ID");
    expect(after).toEqual([]);
  });

  it("CD201 on an ARN of the deploying account only changes the operator", async () => {
    const { before, text, after } = await fix("tf-cd201");
    expect(before.map((f) => f.message)).toEqual([expect.stringContaining("Use ArnLike.")]);
    expect(text).toContain("${data.aws_caller_identity.current.account_id}:rule/*");
    expect(text).not.toContain("ACCOUNT_ID");
    expect(after).toEqual([]);
  });
});

// From the session-11 hunt (and the corpus's terraform-aws-s3-bucket main.tf): ARNs in the
// provider's partition got a fix in `arn:aws:`, wrong in aws-cn and aws-us-gov. The fix now refers
// to the module's aws_partition data source; a module without one gets `aws`, as before.
describe("--fix writes the source ARN in the module's partition", () => {
  it("refers to data.aws_partition when the module declares it", async () => {
    const { before, text, after } = await fix("tf-partition-data", ["731234567890"]);
    expect(before.map((f) => f.ruleId)).toEqual(["CD101", "CD101"]);
    expect(text).toContain(
      'values   = ["arn:${data.aws_partition.current.partition}:cloudtrail:*:731234567890:*"]',
    );
    // The permission gets a source ARN in the function's Region (Lambda refuses one whose Region is
    // `*`), from an aws_region data source the fix declares, as the module has none.
    expect(text).toContain(
      'source_arn    = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:731234567890:*"',
    );
    expect(text).toContain('\ndata "aws_region" "current" {}\n');
    expect(text).not.toContain("source_account");
    expect(text).not.toContain(":sns:*:");
    expect(text).not.toContain("<PARTITION>");
    expect(after).toEqual([]);
  });

  it("writes aws when the module declares no aws_partition", async () => {
    const { text, after } = await fix("tf-partition-none", ["731234567890"]);
    expect(text).toContain('"aws:SourceArn" = "arn:aws:events:*:731234567890:*"');
    expect(text).not.toContain("<PARTITION>");
    expect(after).toEqual([]);
  });
});

// From the session-12 hunt on Terraform: a Lambda permission whose source_arn left only the account
// open (`arn:aws:sns:eu-west-1:*:orders`) was fixed with `arn:aws:sns:*:<account>:*`, every topic of
// the account in every Region, wider than what it named. The fix now fills in only the account, and
// a source ARN naming a variable (which it cannot write with our account) stays as written beside
// the added source account (the only place it is added since session 17).
describe("--fix fills in the account of a source ARN and widens nothing", () => {
  it("writes our account into each source ARN it can, and keeps the others", async () => {
    const { before, text, after } = await fix("tf-lp-account-only", ["731234567890"]);
    expect(before.map((f) => f.ruleId)).toEqual(["CD102", "CD102", "CD102", "CD102", "CD102"]);
    expect(text).toContain('source_arn    = "arn:aws:sns:eu-west-1:731234567890:orders"');
    expect(text).toContain('source_arn    = "arn:aws:execute-api:eu-west-1:731234567890:abc123/*/*"');
    expect(text).toContain(
      'source_arn    = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:731234567890:orders"',
    );
    expect(text).toContain(
      'source_arn     = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:*:${var.topic}"',
    );
    expect(text).toContain(
      'ArnLike = { "aws:SourceArn" = "arn:aws:events:eu-west-1:*:rule/${var.topic}" }, StringEquals = { "aws:SourceAccount" = "731234567890" }',
    );
    expect(text).not.toMatch(/:\*:731234567890:\*/);
    // Since session 17 source_account only beside the source ARN naming a variable: a rewritten ARN
    // names our account itself.
    expect(text.match(/source_account = "731234567890"/g)).toHaveLength(1);
    expect(after).toEqual([]);
  });
});
