import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applySuppressions, checkSite, type Finding } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformFormat, terraformPlanFormat } from "../src/index.js";

// From the session-8 Terraform hunt (fixtures-hunt8; our account 246813579024, a foreign one
// 410987654321). Plans were made with `terraform show -json`'s format by the hunt's generator.
const DIR = join(import.meta.dirname, "fixtures-hunt8");
const OPTIONS = { accounts: ["246813579024"] };

async function plan(name: string) {
  const file = join(DIR, name);
  const r = await terraformPlanFormat.extract({ file, text: readFileSync(file, "utf8") }, OPTIONS);
  return { findings: r.sites.flatMap((s) => checkSite(s, OPTIONS).findings), diagnostics: r.diagnostics };
}

async function module(name: string) {
  const r = await terraformFormat.scanDirectory?.(join(DIR, name), OPTIONS);
  return {
    findings: (r?.sites ?? []).flatMap((s) => checkSite(s, OPTIONS).findings),
    diagnostics: r?.diagnostics ?? [],
  };
}

const brief = (fs: Finding[]) =>
  fs.map((f) => `${f.ruleId} ${f.resource}${f.variant ? ` when ${f.variant}` : ""}`).sort();

describe("plans: Lambda permission arguments known only after apply", () => {
  it("a conditional's branches from the source are each analysed, labelled (misses: only the first was)", async () => {
    expect(brief((await plan("p6/plan.json")).findings)).toEqual([
      'CD102 aws_lambda_permission.events when data.aws_ssm_parameter.mode.value == "own": false',
    ]);
    expect(brief((await plan("p5/plan.json")).findings)).toEqual([
      'CD102 aws_lambda_permission.events when data.aws_ssm_parameter.use_partner_bus.value == "1": true',
    ]);
  });

  it("an expression is not taken for one of the resources it references", async () => {
    // "arn:aws:logs:…:${var.log_account}:log-group:${aws_cloudwatch_log_group.app.id}:*" was CD204.
    expect(brief((await plan("p3/plan.json")).findings)).toEqual(["CD102 aws_lambda_permission.logs"]);
    // `var.trigger == "sns" ? topic.arn : bucket.arn` with trigger = "s3" was CD205 on the topic.
    expect(brief((await plan("p4/plan.json")).findings)).toEqual(["CD103 aws_lambda_permission.trigger"]);
    // "arn:aws:s3:::${aws_s3_bucket.b.id}" was CD204 ("not an ARN").
    expect(brief((await plan("p1/plan.json")).findings)).toEqual(["CD103 aws_lambda_permission.s3"]);
    // Without the source, such an expression is an unknown (CD301), never a wrong guess.
    const alone = await plan("p3/alone/plan.json");
    expect(alone.findings.map((f) => f.ruleId)).not.toContain("CD204");
  });
});

describe("plans: what the plan shows and what it deploys", () => {
  it("a computed policy read back from AWS is not the plan's policy (false alarm)", async () => {
    expect((await plan("p7/plan.json")).findings).toEqual([]);
  });

  it("an awscc_* policy known only after apply is analysed from the source, or warned about", async () => {
    expect(brief((await plan("p9/plan.json")).findings)).toEqual(["CD101 awscc_sns_topic_policy.alerts"]);
    const alone = await plan("p9/alone/plan.json");
    expect(alone.findings).toEqual([]);
    expect(alone.diagnostics.map((d) => d.code)).toEqual(["PolicyUnknown"]);
  });

  it("a suppression comment at the resource's source covers the plan's finding", async () => {
    const file = join(DIR, "s1/plan.json");
    const r = await terraformPlanFormat.extract({ file, text: readFileSync(file, "utf8") }, OPTIONS);
    const findings = r.sites.flatMap((s) => checkSite(s, OPTIONS).findings);
    const outcome = applySuppressions(
      findings,
      r.sites.flatMap((s) => s.suppressions ?? []),
      "2026-11-27",
    );
    expect(outcome.findings.map((f) => [f.ruleId, f.suppressed?.kind])).toEqual([["CD101", "inSource"]]);
  });
});

describe("modules", () => {
  it("&{...} in aws_iam_policy_document is an IAM policy variable, as the provider writes it", async () => {
    const r = await module("d1");
    expect(r.findings.filter((f) => f.ruleId === "CD204")).toEqual([]);
  });

  it("an empty string argument of a Lambda permission is not sent (the provider's GetOk)", async () => {
    expect(brief((await module("l4")).findings)).toEqual([
      "CD101 aws_lambda_permission.events",
      "CD101 aws_lambda_permission.org",
      "CD204 aws_lambda_permission.s3",
    ]);
  });

  it("sensitive, nonsensitive and yamldecode are evaluated", async () => {
    expect(brief((await module("f1")).findings)).toContain("CD102 aws_s3_bucket_policy.trail");
    const f2 = await module("f2");
    expect(brief(f2.findings)).toEqual([
      "CD101 aws_s3_bucket_policy.yaml",
      "CD102 aws_lambda_permission.sensitive",
      "CD103 aws_lambda_permission.arn_build",
    ]);
    expect(f2.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
