import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformFormat } from "../src/index.js";

const FIXTURES = join(import.meta.dirname, "fixtures-hunt16");

async function findingsOf(dir: string, accounts?: string[]) {
  const options = accounts ? { accounts } : {};
  const r = await terraformFormat.scanDirectory?.(join(FIXTURES, dir), options);
  return (r?.sites ?? []).flatMap((s) => checkSite(s, options).findings);
}

// Session-16 real-world hunt: an S3 server access log policy pins aws:SourceAccount to the caller's
// own account beside an aws:SourceArn list built from a variable with no value. CD301 said the
// verdict assumed the list was ours, though no value of it can let another account in.
describe("an unknown guard value that decides nothing", () => {
  it("gives no CD301 when aws:SourceAccount already pins our account", async () => {
    expect(await findingsOf("cd301-account-pinned")).toEqual([]);
    expect(await findingsOf("cd301-account-pinned", ["210987654321"])).toEqual([]);
  });
});

// Session-16 hunt: an ELB log-delivery account was recognised only written literally; with the
// deploy's partition (`arn:${data.aws_partition.current.partition}:iam::<elb>:root`) or as the
// provider's documented `data.aws_elb_service_account.main.arn`, granted the whole bucket or every
// account's AWSLogs/, it gave 0 findings and no warning.
describe("an ELB log-delivery account written with the partition or the data source", () => {
  it("is analysed as the ELB service", async () => {
    const f = await findingsOf("elb-account-forms");
    expect(f.map((x) => [x.ruleId, x.resource])).toEqual([
      ["CD101", "aws_s3_bucket_policy.allow_elb_logging"],
      ["CD101", "aws_s3_bucket_policy.partition_form"],
    ]);
    expect(f[1]?.message).toContain("log-delivery account of us-east-1");
  });
});
