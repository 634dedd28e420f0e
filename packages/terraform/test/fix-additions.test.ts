// From a session-8 review: a fix that only adds aws:SourceAccount (CD103), or keeps a condition a
// jsonencode statement already has (s3:x-amz-acl), wrote the whole Condition object anew: comments
// inside it were lost. Such fixes now insert what they add and leave the written lines alone.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSite, type Finding } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { applyTerraformFixesWithNotes, terraformFormat } from "../src/index.js";

const OPTIONS = { accounts: ["210987654321"] };

async function findingsOf(dir: string): Promise<Finding[]> {
  const r = await terraformFormat.scanDirectory?.(dir, OPTIONS);
  return (r?.sites ?? []).flatMap((s) => checkSite(s, OPTIONS).findings);
}

/** Writes main.tf, fixes it, checks that a rescan finds nothing; the fixed text. */
async function fixed(text: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "deputyguard-tf-add-"));
  const file = join(dir, "main.tf");
  writeFileSync(file, text);
  const before = await findingsOf(dir);
  expect(before.length).toBeGreaterThan(0);
  const { files } = await applyTerraformFixesWithNotes(new Map([[file, text]]), before);
  const out = files.get(file);
  if (out === undefined) throw new Error("no fix applied");
  writeFileSync(file, out);
  expect(await findingsOf(dir)).toEqual([]);
  return out;
}

/** The lines of the fixed text that are not in `text`, checking that all of `text` is kept in order. */
async function inserted(text: string): Promise<string[]> {
  const out = await fixed(text);
  const old = text.split("\n");
  const added: string[] = [];
  let i = 0;
  for (const line of out.split("\n")) {
    if (line === old[i]) i++;
    else added.push(line);
  }
  expect(i, "every line of the file is kept, in order").toBe(old.length);
  return added;
}

describe("a Terraform fix that only adds to a Condition object inserts", () => {
  it("a new operator after a commented ArnLike (CD103)", async () => {
    const text = `resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:us-east-1:210987654321:t"
      Condition = {
        # only our bucket
        ArnLike = {
          "aws:SourceArn" = "arn:aws:s3:::my-bucket" # keep
        }
      }
    }]
  })
}
`;
    expect(await inserted(text)).toEqual([
      "        StringEquals = {",
      '          "aws:SourceAccount" = "210987654321"',
      "        }",
    ]);
  });

  it("a key into the operator it shares and a new operator; one-line objects stay on one line", async () => {
    const text = `resource "aws_s3_bucket_policy" "b" {
  bucket = "trail"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::trail/*"
        Condition = {
          StringEquals = {
            # CloudTrail needs it
            "s3:x-amz-acl" = "bucket-owner-full-control"
          }
        }
      },
      {
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = "arn:aws:s3:::trail"
        Condition = { StringEquals = { "s3:x-amz-acl" = "x" } }
      }
    ]
  })
}
`;
    expect(await fixed(text)).toBe(
      text
        .replace(
          '"s3:x-amz-acl" = "bucket-owner-full-control"\n          }\n',
          '"s3:x-amz-acl"      = "bucket-owner-full-control"\n            "aws:SourceAccount" = "210987654321"\n          }\n          ArnLike = {\n            "aws:SourceArn" = "arn:aws:cloudtrail:*:210987654321:*"\n          }\n',
        )
        .replace(
          'Condition = { StringEquals = { "s3:x-amz-acl" = "x" } }',
          'Condition = { StringEquals = { "s3:x-amz-acl" = "x", "aws:SourceAccount" = "210987654321" }, ArnLike = { "aws:SourceArn" = "arn:aws:cloudtrail:*:210987654321:*" } }',
        ),
    );
  });
});

// From the same review (older than the insertion): a `for` expression over cloudtrail and config
// writes two statements at one place, which need another aws:SourceArn each; the first one's fix was
// written for both, breaking config's deliveries. Such a place is left with a note.
describe("one written statement that stands for several needing different fixes", () => {
  it("is not edited, and a note says so", async () => {
    const dir = join(import.meta.dirname, "fixtures-fix-variants", "for-services");
    const file = join(dir, "main.tf");
    const before = await findingsOf(dir);
    expect(new Set(before.map((f) => JSON.stringify(f.fix?.condition))).size).toBe(2);
    const { files, notes } = await applyTerraformFixesWithNotes(
      new Map([[file, readFileSync(file, "utf8")]]),
      before,
    );
    expect(files.size).toBe(0);
    expect(notes).toEqual([
      `${file}:8:44: CD101: the statements written here (a for expression, a dynamic value, a for_each) need different fixes, and one edit would give them all the same; apply the fix text shown with each finding by hand`,
    ]);
  });

  // From a session-10 review: a Lambda permission with for_each over sns and s3 got the sns
  // instance's source_arn written for both, which broke the s3 one (and CD205 then said so). Session
  // 16 made every permission's fix source_account alone; since session 17 the sns instance gets a
  // source ARN (AWS's Lambda guide) and the s3 one source_account: different fixes again, left with
  // a note.
  it("a Lambda permission whose for_each instances need different arguments is not edited", async () => {
    const dir = join(import.meta.dirname, "fixtures-fix-variants", "for-each-permission");
    const file = join(dir, "main.tf");
    const before = await findingsOf(dir);
    expect(before).toHaveLength(2);
    expect(new Set(before.map((f) => JSON.stringify(f.fix?.permission)))).toEqual(
      new Set([
        JSON.stringify({ sourceArn: "arn:aws:sns:<REGION>:210987654321:*" }),
        JSON.stringify({ sourceAccount: "210987654321" }),
      ]),
    );
    const { files, notes } = await applyTerraformFixesWithNotes(
      new Map([[file, readFileSync(file, "utf8")]]),
      before,
    );
    expect(files.size).toBe(0);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("need different fixes");
  });
});
