import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSite, type Finding, mergeVariantFindings, type PolicySite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { PlanModulePairs, type PlanScanOptions, terraformFormat, terraformPlanFormat } from "../src/index.js";
import { elementText, writeTree } from "./helpers.js";

const FIXTURES = join(import.meta.dirname, "../../../test-fixtures/terraform/plan-source");
const ROOT_CASE = join(FIXTURES, "unknown-policy-root");
const MODULE_CASE = join(FIXTURES, "unknown-policy-module");
const UNKNOWN_CASE = join(FIXTURES, "unknown-everywhere");
const SECRET = "hunter2-do-not-print";

async function extract(plan: string, options: PlanScanOptions = {}) {
  const r = await terraformPlanFormat.extract({ file: plan, text: readFileSync(plan, "utf8") }, options);
  const findings = r.sites.flatMap((s) => checkSite(s, {}).findings);
  return { ...r, findings };
}

/** What the module scan of the same directory finds for an address. */
async function moduleFindings(dir: string, address: string): Promise<Finding[]> {
  const r = await terraformFormat.scanDirectory?.(dir, {});
  return (r?.sites ?? []).filter((s) => s.resource === address).flatMap((s) => checkSite(s, {}).findings);
}

/** Line and column of the resource change of `address` in a plan text (where the adapter points). */
function resourceChangeAt(text: string, address: string): { line: number; column: number } {
  const changes = text.indexOf('"resource_changes"');
  const from = text.indexOf(JSON.stringify(address), changes);
  expect(changes >= 0 && from > changes).toBe(true);
  const open = text.lastIndexOf("{", from);
  const before = text.slice(0, open).split("\n");
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

const brief = (f: Finding) => ({
  ruleId: f.ruleId,
  file: f.file,
  line: f.line,
  column: f.column,
  message: f.message,
});

describe("a policy the plan knows only after apply, analysed from the module source", () => {
  it("is the module's evaluated value for the same address, at its source line, with the plan's resource related", async () => {
    const plan = join(ROOT_CASE, "plan.json");
    const text = readFileSync(plan, "utf8");
    const r = await extract(plan);
    expect(r.diagnostics).toEqual([]);
    const site = r.sites.find((s) => s.resource === "aws_s3_bucket_policy.trail") as PolicySite;
    expect(site.file).toBe(join(ROOT_CASE, "main.tf"));
    // The plan's variable values reach the module evaluation (bucket_name has no default).
    expect(elementText(site.document, "Statement", 0, "Resource")).toBe(
      "arn:<PARTITION>:s3:::acme-trail-logs/AWSLogs/*",
    );
    const expected = await moduleFindings(ROOT_CASE, "aws_s3_bucket_policy.trail");
    expect(expected.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(r.findings.map(brief)).toEqual(expected.map(brief));
    const tf = readFileSync(join(ROOT_CASE, "main.tf"), "utf8").split("\n");
    expect(tf[(r.findings[0]?.line ?? 0) - 1]).toContain("Statement = [{");
    expect(r.findings[0]?.related).toEqual([
      {
        file: plan,
        ...resourceChangeAt(text, "aws_s3_bucket_policy.trail"),
        message:
          "aws_s3_bucket_policy.trail in the plan, where its policy is known only after apply (analysed from this source)",
      },
    ]);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it("uses a module directory given alongside the plan (check-iac plan.json infra/)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-plan-alongside-"));
    const plan = join(dir, "plan.json");
    cpSync(join(ROOT_CASE, "plan.json"), plan);
    const alone = await extract(plan);
    expect(alone.sites).toEqual([]);
    expect(alone.diagnostics.map((d) => d.message)).toEqual([
      "the policy of aws_s3_bucket_policy.trail is known only after apply (it uses aws_s3_bucket.trail.arn); scan the module directory to analyse it from the source",
    ]);
    const r = await extract(plan, { moduleDirs: [join(dir, "nothing-here"), UNKNOWN_CASE, ROOT_CASE] });
    expect(r.diagnostics).toEqual([]);
    expect(r.findings.map(brief)).toEqual(
      (await moduleFindings(ROOT_CASE, "aws_s3_bucket_policy.trail")).map(brief),
    );
  });

  it("never takes a module directory that does not declare the plan's resources", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-plan-other-"));
    const plan = join(dir, "plan.json");
    cpSync(join(ROOT_CASE, "plan.json"), plan);
    const r = await extract(plan, { moduleDirs: [UNKNOWN_CASE, MODULE_CASE] });
    expect(r.sites).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["PolicyUnknown"]);
    expect(r.diagnostics[0]?.message).toContain("scan the module directory");
  });

  it("follows the module call into a child module (minified plan, format_version 1.2)", async () => {
    const plan = join(MODULE_CASE, "plan.json");
    const text = readFileSync(plan, "utf8");
    const r = await extract(plan);
    expect(r.diagnostics).toEqual([]);
    const address = "module.trail_bucket.aws_s3_bucket_policy.this";
    const found = r.findings.filter((f) => f.resource === address);
    const expected = await moduleFindings(MODULE_CASE, address);
    expect(expected.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(found.map(brief)).toEqual(expected.map(brief));
    expect(found[0]?.file).toMatch(/modules\/trail-bucket\/main\.tf$/);
    expect(found[0]?.related?.[0]).toMatchObject({ file: plan, ...resourceChangeAt(text, address) });
  });

  it("takes a Lambda permission argument known only after apply from the module's value", async () => {
    const plan = join(MODULE_CASE, "plan.json");
    const text = readFileSync(plan, "utf8");
    const r = await extract(plan);
    const site = r.sites.find((s) => s.resource === "aws_lambda_permission.from_trail_bucket") as PolicySite;
    const at = resourceChangeAt(text, "aws_lambda_permission.from_trail_bucket");
    expect(site.file).toBe(plan);
    expect(site.permission?.sourceArn?.parts).toEqual([
      "arn:",
      expect.objectContaining({ kind: "partition" }),
      ":s3:::acme-trail-logs",
    ]);
    expect(site.permission?.sourceArn?.range?.start).toEqual(at);
    expect(site.related).toEqual([
      {
        file: join(MODULE_CASE, "main.tf"),
        line: 6,
        column: 1,
        message: "source of aws_lambda_permission.from_trail_bucket",
      },
      {
        file: join(MODULE_CASE, "main.tf"),
        line: 11,
        column: 19,
        message:
          "source_arn of aws_lambda_permission.from_trail_bucket, known only after apply in the plan (analysed from this source)",
      },
    ]);
    const f = r.findings.filter((x) => x.resource === "aws_lambda_permission.from_trail_bucket");
    expect(f.map((x) => [x.ruleId, x.file, x.line, x.column])).toEqual([["CD103", plan, at.line, at.column]]);
  });

  it("reads a dynamic inline_policy block, which the plan's configuration does not show", async () => {
    const r = await extract(join(UNKNOWN_CASE, "plan.json"));
    const inline = r.sites.filter((s) => s.propertyPath === "inline_policy.policy");
    expect(inline.map((s) => [s.resource, s.file, s.kind])).toEqual([
      ["aws_iam_role.exporter", join(UNKNOWN_CASE, "main.tf"), "policy"],
    ]);
    expect(elementText(inline[0]?.document, "Statement", 0, "Resource")).toBe(
      "arn:<PARTITION>:s3:::acme-exports/*",
    );
  });

  it("keeps a policy unknown, saying why, when the source does not resolve it either", async () => {
    const plan = join(UNKNOWN_CASE, "plan.json");
    const r = await extract(plan);
    expect(r.sites.some((s) => s.resource === "aws_sns_topic_policy.alerts")).toBe(false);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d).toMatchObject({
      code: "PolicyUnknown",
      severity: "warning",
      file: plan,
      ...resourceChangeAt(readFileSync(plan, "utf8"), "aws_sns_topic_policy.alerts"),
    });
    expect(d?.message).toMatch(
      new RegExp(
        `^the policy of aws_sns_topic_policy\\.alerts is known only after apply \\(it uses module\\.topic_policy\\.json\\); its source \\(${join(UNKNOWN_CASE, "main.tf").replace(/[.]/g, "\\.")}:11:1\\) does not resolve it either \\(module\\.topic_policy\\.json: .+\\)$`,
      ),
    );
  });

  it("gives no warning for policies AWS fills in, which the configuration does not write", async () => {
    // A KMS key's default policy, a bucket's policy attribute, a role's inline policies: unknown in
    // every plan that does not set them, and nothing of this resource to analyse.
    const dir = mkdtempSync(join(tmpdir(), "dg-plan-computed-"));
    cpSync(join(UNKNOWN_CASE, "plan.json"), join(dir, "plan.json"));
    const r = await extract(join(dir, "plan.json"));
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "the policy of aws_sns_topic_policy.alerts is known only after apply (it uses module.topic_policy.json); scan the module directory to analyse it from the source",
    ]);
  });

  it("gives each instance of a block the source analyses once (count not known there) the source's value", async () => {
    const dir = writeTree({
      "main.tf": `data "external" "topics" {
  program = ["./topics.sh"]
}

resource "aws_sns_topic" "main" {
  name = "main"
}

resource "aws_sns_topic_policy" "t" {
  count = length(data.external.topics.result)
  arn   = aws_sns_topic.main.arn
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = aws_sns_topic.main.arn }]
  })
}
`,
    });
    const change = (i: number) => ({
      address: `aws_sns_topic_policy.t[${i}]`,
      mode: "managed",
      type: "aws_sns_topic_policy",
      name: "t",
      index: i,
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: {
        actions: ["create"],
        before: null,
        after: {},
        after_unknown: { arn: true, id: true, owner: true, policy: true },
        before_sensitive: false,
        after_sensitive: {},
      },
    });
    const planFile = join(dir, "plan.json");
    const text = JSON.stringify(
      {
        format_version: "1.2",
        terraform_version: "1.9.8",
        planned_values: { root_module: {} },
        resource_changes: [change(0), change(1)],
        configuration: {
          root_module: {
            resources: [
              {
                address: "aws_sns_topic_policy.t",
                mode: "managed",
                type: "aws_sns_topic_policy",
                name: "t",
                expressions: {
                  arn: { references: ["aws_sns_topic.main.arn", "aws_sns_topic.main"] },
                  policy: { references: ["aws_sns_topic.main.arn", "aws_sns_topic.main"] },
                },
                count_expression: { references: ["data.external.topics.result", "data.external.topics"] },
              },
            ],
          },
        },
      },
      null,
      2,
    );
    const r = await terraformPlanFormat.extract({ file: planFile, text }, {});
    expect(r.diagnostics).toEqual([]);
    expect(r.sites.map((s) => [s.resource, s.file])).toEqual([
      ["aws_sns_topic_policy.t[0]", join(dir, "main.tf")],
      ["aws_sns_topic_policy.t[1]", join(dir, "main.tf")],
    ]);
    expect(elementText(r.sites[1]?.document, "Statement", 0, "Resource")).toBe(
      "arn:<PARTITION>:sns:<REGION>:<SELF>:main",
    );
  });
});

// From the session-17 brief: with the plan and its module both read, a finding both made was
// reported twice. A plan's site names the module directories its resource is declared in, as the
// module scan's sites do, and PlanModulePairs folds the plan's finding into the module's.
describe("a plan's sites paired with its module scan's", () => {
  async function checked(plan: string, dir: string) {
    const p = await terraformPlanFormat.extract({ file: plan, text: readFileSync(plan, "utf8") }, {});
    const m = await terraformFormat.scanDirectory?.(dir, {});
    const of = (site: PolicySite, fromPlan: boolean) => {
      const r = checkSite(site, {});
      return { site, fromPlan, findings: r.findings, diagnostics: r.diagnostics };
    };
    // As check-iac tells them: a site in the plan file is the plan's reading; one the plan analysed
    // from the source (its value known only after apply) is at the .tf line already.
    return [...(m?.sites ?? []).map((s) => of(s, false)), ...p.sites.map((s) => of(s, s.file === plan))];
  }

  it("names the same root and module directories for the same resource", async () => {
    const all = await checked(join(MODULE_CASE, "plan.json"), MODULE_CASE);
    const address = "module.trail_bucket.aws_sns_topic_policy.alerts";
    const dirs = all.filter((c) => c.site.resource === address).map((c) => [c.fromPlan, c.site.moduleDirs]);
    const chain = [MODULE_CASE, join(MODULE_CASE, "modules/trail-bucket")];
    expect(dirs).toEqual([
      [false, chain],
      [true, chain],
    ]);
    const root = all.filter((c) => c.site.resource === "aws_lambda_permission.from_trail_bucket");
    expect(root.map((c) => c.site.moduleDirs)).toEqual([[MODULE_CASE], [MODULE_CASE]]);
  });

  it("folds each plan finding into the module's finding of the same statement", async () => {
    const all = await checked(join(MODULE_CASE, "plan.json"), MODULE_CASE);
    const pairs = new PlanModulePairs(all);
    // The same finding at the same place is one already (the plan's policy known only after apply).
    const findings = mergeVariantFindings(
      () => undefined,
      all.flatMap((c) => c.findings),
    );
    expect(findings.map((f) => f.file.slice(MODULE_CASE.length + 1))).toEqual([
      "main.tf",
      "modules/trail-bucket/main.tf",
      "modules/trail-bucket/main.tf",
      "plan.json",
      "plan.json",
    ]);
    const once = pairs.fold(findings);
    expect(once.map((f) => [f.ruleId, f.file.slice(MODULE_CASE.length + 1), f.line, f.column])).toEqual([
      ["CD103", "main.tf", 6, 1],
      ["CD101", "modules/trail-bucket/main.tf", 10, 3],
      ["CD101", "modules/trail-bucket/main.tf", 34, 18],
    ]);
    // The module's own scan of a plan's unknown policy is not a plan site: it has no pair.
    expect(all.filter((c) => c.fromPlan && pairs.inModule(c).length > 0).map((c) => c.site.resource)).toEqual(
      ["aws_lambda_permission.from_trail_bucket", "module.trail_bucket.aws_sns_topic_policy.alerts"],
    );
  });

  it("pairs nothing with a module directory the plan was not made from", async () => {
    const all = await checked(join(FIXTURES, "known-policy-root", "plan.json"), MODULE_CASE);
    const findings = all.flatMap((c) => c.findings);
    expect(new PlanModulePairs(all).fold(findings)).toEqual(findings);
  });
});
