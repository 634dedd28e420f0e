// A Terraform plan scanned with its module: `check-iac plan.json infra/`, the plan beside its .tf files
// (--fix edits the .tf), and --changed-since when only the plan changed. Runs the built CLI.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assertBuilt, checkIac, cleanup, parseReport, ROOT, tempDir } from "./helpers/cli.js";

assertBuilt();

const CASE = join(ROOT, "test-fixtures/terraform/plan-source/unknown-policy-root");
const tmp = tempDir("deputyguard-plan-");
afterAll(() => cleanup(tmp));

let n = 0;
/** A fresh directory with the fixture's plan at `plan` and its module at `module` (relative paths). */
function layout(plan: string, module: string): string {
  const d = join(tmp, String(n++));
  mkdirSync(join(d, module), { recursive: true });
  mkdirSync(join(d, plan, ".."), { recursive: true });
  cpSync(join(CASE, "main.tf"), join(d, module, "main.tf"));
  cpSync(join(CASE, "plan.json"), join(d, plan));
  return d;
}

describe("a plan scanned with its module", () => {
  it("check-iac plan.json infra/: the policy known only after apply is reported once, at the .tf line, with the plan related", async () => {
    const d = layout("plan.json", "infra");
    const r = await checkIac(["--format", "json", "plan.json", "infra/"], { cwd: d });
    const report = parseReport(r.stdout);
    expect(report.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.resource])).toEqual([
      ["CD101", "infra/main.tf", 19, 18, "aws_s3_bucket_policy.trail"],
    ]);
    expect((report.findings[0] as { related?: unknown } | undefined)?.related).toEqual([
      {
        file: "plan.json",
        line: 135,
        column: 5,
        message:
          "aws_s3_bucket_policy.trail in the plan, where its policy is known only after apply (analysed from this source)",
      },
    ]);
    expect(report.warnings ?? []).toEqual([]);
    expect(r.stdout).not.toContain("hunter2-do-not-print");
  });

  it("alone, elsewhere: the policy stays unknown, with a warning that names the way to analyse it", async () => {
    const d = layout("plans/plan.json", "infra");
    const r = await checkIac(["--format", "json", "plans/plan.json"], { cwd: d });
    const report = parseReport(r.stdout);
    expect(report.findings).toEqual([]);
    expect(report.warnings?.map((w) => [w.code, w.file, w.line])).toEqual([
      ["PolicyUnknown", "plans/plan.json", 135],
    ]);
  });

  it("--fix edits the .tf source of a plan's finding", async () => {
    const d = layout("plan.json", ".");
    const r = await checkIac(["--fix", "--write", "--account", "210987654321", "plan.json"], { cwd: d });
    expect(r.stdout).toContain("+++ b/main.tf");
    expect(readFileSync(join(d, "main.tf"), "utf8")).toContain('"aws:SourceAccount" = "210987654321"');
    const again = parseReport(
      (await checkIac(["--format", "json", "--account", "210987654321", "plan.json"], { cwd: d })).stdout,
    );
    expect(again.findings).toEqual([]);
  });

  it("--changed-since keeps the plan's findings at its .tf source when only the plan changed", async () => {
    const d = layout("plan.json", ".");
    const env = {
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: tmp,
    };
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: d, stdio: "pipe", env: { ...process.env, ...env } });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "init");
    const plan = join(d, "plan.json");
    writeFileSync(plan, readFileSync(plan, "utf8").replace("2026-11-27T10:00:00Z", "2026-11-28T10:00:00Z"));
    const r = parseReport(
      (await checkIac(["--format", "json", "--changed-since", "HEAD", "plan.json"], { cwd: d })).stdout,
    );
    expect(r.findings.map((f) => [f.ruleId, f.file])).toEqual([["CD101", "main.tf"]]);
  });
});

// From a session-8 review: after --fix --write fixed main.tf, the report was still of the saved
// plan (made before the fix), with nothing to say so. The plan's finding stays (applying that plan
// deploys the old policy), and a StalePlan warning says to plan again.
describe("--fix --write beside a saved plan", () => {
  it("fixes the .tf, keeps the plan's finding and says the plan predates the fix", async () => {
    const d = join(tmp, String(n++));
    cpSync(join(ROOT, "test-fixtures/terraform/plan-source/known-policy-root"), d, { recursive: true });
    const r = await checkIac(["--fix", "--write", "--format", "json", "--account", "210987654321", "."], {
      cwd: d,
    });
    expect(readFileSync(join(d, "main.tf"), "utf8")).toContain('"aws:SourceAccount" = "210987654321"');
    const report = parseReport(r.stdout);
    expect(report.findings.map((f) => [f.ruleId, f.file])).toEqual([["CD101", "plan.json"]]);
    const stale = report.warnings?.filter((w) => w.code === "StalePlan") ?? [];
    expect(stale.map((w) => [w.file, w.message])).toEqual([
      [
        "plan.json",
        "this plan was made before --fix --write changed 1 Terraform file (main.tf); applying it deploys the configuration as it was, without the fixes: run terraform plan again and check the new plan",
      ],
    ]);
    expect(r.code).toBe(1);
  });

  // From the session-13 hunt on plans: a plan whose policy is unknown (read from the .tf beside it)
  // lost its finding after --fix --write fixed that .tf, and no StalePlan warning was given, though
  // applying the saved plan still deploys the unguarded policy.
  it("says a plan predates the fix when the policy it leaves unknown was read from the fixed .tf", async () => {
    const d = join(tmp, String(n++));
    cpSync(join(ROOT, "test-fixtures/terraform/plan-source/unknown-policy-root"), d, { recursive: true });
    const before = parseReport(
      (await checkIac(["--format", "json", "--account", "210987654321", "plan.json"], { cwd: d })).stdout,
    );
    expect(before.findings.map((f) => [f.ruleId, f.file])).toEqual([["CD101", "main.tf"]]);
    const r = await checkIac(
      ["--fix", "--write", "--format", "json", "--account", "210987654321", "plan.json"],
      { cwd: d },
    );
    expect(readFileSync(join(d, "main.tf"), "utf8")).toContain('"aws:SourceAccount" = "210987654321"');
    const report = parseReport(r.stdout);
    expect(report.findings).toEqual([]);
    expect((report.warnings ?? []).filter((w) => w.code === "StalePlan").map((w) => w.file)).toEqual([
      "plan.json",
    ]);
  });
});

// From the session-17 brief: a plan named with the module it was made from (`check-iac plan.json
// infra/`, or a directory that holds both) reported each finding the plan knows twice, at the plan
// and at the .tf line (exit code, summary counts and SARIF results doubled). Each finding both read
// is now reported once, at the .tf line, with the plan's resource related; what only one finds stays.
describe("a plan and the module it was made from, scanned together", () => {
  const SOURCE = join(ROOT, "test-fixtures/terraform/plan-source");
  type Brief = [string, string, number, number, string | null];
  const brief = (r: ReturnType<typeof parseReport>): Brief[] =>
    r.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.resource]);
  const relatedOf = (r: ReturnType<typeof parseReport>, i = 0) =>
    (r.findings[i] as { related?: Array<{ file: string; line: number; column: number; message: string }> })
      .related;

  /** A fresh copy of a plan-source fixture, its plan at `plan` and its .tf files under `module`. */
  function copyCase(name: string, plan = "plan.json", module = "."): string {
    const d = join(tmp, String(n++));
    mkdirSync(join(d, module), { recursive: true });
    mkdirSync(join(d, plan, ".."), { recursive: true });
    cpSync(join(SOURCE, name), join(d, module), { recursive: true });
    if (plan !== join(module, "plan.json")) {
      cpSync(join(d, module, "plan.json"), join(d, plan));
      execFileSync("rm", [join(d, module, "plan.json")]);
    }
    return d;
  }

  /**
   * known-policy-root with its resource made `count` or `for_each` instances: `head` replaces the
   * resource's first line in main.tf, and the plan holds one instance per key (as Terraform writes
   * them), with `variables` the plan was made with.
   */
  function instancesCase(
    head: string,
    keys: Array<number | string>,
    variables: Record<string, unknown> = {},
  ) {
    const d = copyCase("known-policy-root");
    const tf = join(d, "main.tf");
    const declared = Object.keys(variables).map((v) => `variable "${v}" {}\n\n`);
    writeFileSync(
      tf,
      declared.join("") +
        readFileSync(tf, "utf8").replace('resource "aws_s3_bucket_policy" "this" {\n', `${head}\n`),
    );
    const planFile = join(d, "plan.json");
    const plan = JSON.parse(readFileSync(planFile, "utf8"));
    const instance = (r: { address: string }, k: number | string) => ({
      ...r,
      address: `${r.address}[${JSON.stringify(k)}]`,
      index: k,
    });
    plan.resource_changes = keys.map((k) => instance(plan.resource_changes[0], k));
    const planned = plan.planned_values.root_module;
    planned.resources = keys.map((k) => instance(planned.resources[0], k));
    plan.variables = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, { value: v }]));
    writeFileSync(planFile, JSON.stringify(plan, null, 2));
    return d;
  }

  it("check-iac plan.json infra/: a finding the plan knows is reported once, at the .tf line", async () => {
    const d = copyCase("known-policy-root", "plan.json", "infra");
    const r = await checkIac(["--format", "json", "plan.json", "infra/"], { cwd: d });
    const report = parseReport(r.stdout);
    expect(brief(report)).toEqual([["CD101", "infra/main.tf", 6, 7, "aws_s3_bucket_policy.this"]]);
    expect(relatedOf(report)).toEqual([
      {
        file: "plan.json",
        line: 37,
        column: 21,
        message: "aws_s3_bucket_policy.this in the plan, where its values give the same finding",
      },
    ]);
    expect(report.summary).toMatchObject({ findings: 1, policies: 1, statements: 1 });
    expect(report.warnings ?? []).toEqual([]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(
      (await checkIac(["--format", "sarif", "plan.json", "infra/"], { cwd: d })).stdout,
    ) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]?.results).toHaveLength(1);
  });

  it("a directory that holds the plan and its module: once, at the .tf line", async () => {
    const d = copyCase("known-policy-root");
    const report = parseReport((await checkIac(["--format", "json", "."], { cwd: d })).stdout);
    expect(brief(report)).toEqual([["CD101", "main.tf", 6, 7, "aws_s3_bucket_policy.this"]]);
    expect(report.summary).toMatchObject({ findings: 1, policies: 1, statements: 1 });
  });

  it("the plan alone, or the module alone, reports as before", async () => {
    const d = copyCase("known-policy-root", "plans/plan.json", "infra");
    const plan = parseReport((await checkIac(["--format", "json", "plans/plan.json"], { cwd: d })).stdout);
    expect(brief(plan)).toEqual([["CD101", "plans/plan.json", 37, 21, "aws_s3_bucket_policy.this"]]);
    const module = parseReport((await checkIac(["--format", "json", "infra"], { cwd: d })).stdout);
    expect(brief(module)).toEqual([["CD101", "infra/main.tf", 6, 7, "aws_s3_bucket_policy.this"]]);
    expect(relatedOf(module)).toBeUndefined();
  });

  it("child modules: each finding once, at its module's .tf line (a Lambda permission too)", async () => {
    const d = copyCase("unknown-policy-module");
    const report = parseReport((await checkIac(["--format", "json", "plan.json", "."], { cwd: d })).stdout);
    expect(brief(report)).toEqual([
      ["CD103", "main.tf", 6, 1, "aws_lambda_permission.from_trail_bucket"],
      ["CD101", "modules/trail-bucket/main.tf", 10, 3, "module.trail_bucket.aws_s3_bucket_policy.this"],
      ["CD101", "modules/trail-bucket/main.tf", 34, 18, "module.trail_bucket.aws_sns_topic_policy.alerts"],
    ]);
    expect(relatedOf(report, 2)).toEqual([
      {
        file: "plan.json",
        line: 1,
        column: 7609,
        message:
          "module.trail_bucket.aws_sns_topic_policy.alerts in the plan, where its values give the same finding",
      },
    ]);
    expect(report.summary).toMatchObject({ findings: 3, policies: 3, statements: 3 });
  });

  it("a child module called with count: each finding once, at its module's .tf line", async () => {
    const d = copyCase("unknown-policy-module");
    const edit = (f: string, from: string | RegExp, to: string) =>
      writeFileSync(join(d, f), readFileSync(join(d, f), "utf8").replace(from, to));
    edit(
      "main.tf",
      'source      = "./modules/trail-bucket"',
      'source      = "./modules/trail-bucket"\n  count       = 1',
    );
    edit("main.tf", "module.trail_bucket.arn", "module.trail_bucket[0].arn");
    edit("plan.json", /module\.trail_bucket\./g, "module.trail_bucket[0].");
    edit("plan.json", /"module\.trail_bucket"/g, '"module.trail_bucket[0]"');
    const report = parseReport((await checkIac(["--format", "json", "plan.json", "."], { cwd: d })).stdout);
    expect(brief(report)).toEqual([
      ["CD103", "main.tf", 7, 1, "aws_lambda_permission.from_trail_bucket"],
      ["CD101", "modules/trail-bucket/main.tf", 10, 3, "module.trail_bucket[0].aws_s3_bucket_policy.this"],
      ["CD101", "modules/trail-bucket/main.tf", 34, 18, "module.trail_bucket[0].aws_sns_topic_policy.alerts"],
    ]);
    expect(report.summary).toMatchObject({ findings: 3, policies: 3, statements: 3 });
  });

  it("a policy neither resolves is said once, at the .tf line", async () => {
    const d = copyCase("unknown-everywhere");
    const report = parseReport((await checkIac(["--format", "json", "plan.json", "."], { cwd: d })).stdout);
    expect(report.findings).toEqual([]);
    expect(
      (report.warnings ?? [])
        .filter((w) => w.code === "PolicyUnknown")
        .map((w) => [w.file, w.line, w.column]),
    ).toEqual([["main.tf", 13, 12]]);
    expect(report.summary).toMatchObject({ policies: 3, statements: 3 });
  });

  it("a warning the check of both readings gives is said once, at the .tf line", async () => {
    const d = copyCase("known-policy-root");
    for (const f of ["main.tf", "plan.json"])
      writeFileSync(join(d, f), readFileSync(join(d, f), "utf8").replaceAll("cloudtrail.amazonaws.com", "*"));
    const report = parseReport((await checkIac(["--format", "json", "plan.json", "."], { cwd: d })).stdout);
    expect(report.findings).toEqual([]);
    expect((report.warnings ?? []).map((w) => [w.code, w.file, w.line])).toEqual([
      ["PolicyShape", "main.tf", 10],
    ]);
    expect(report.summary).toMatchObject({ policies: 1, statements: 1 });
  });

  it("a plan whose resources the named directory does not declare keeps its findings", async () => {
    const d = copyCase("known-policy-root", "plan.json", "keep");
    cpSync(join(SOURCE, "unknown-policy-module"), join(d, "infra"), { recursive: true });
    execFileSync("rm", [join(d, "infra", "plan.json")]);
    const report = parseReport(
      (await checkIac(["--format", "json", "plan.json", "infra"], { cwd: d })).stdout,
    );
    expect(brief(report)).toEqual([
      ["CD103", "infra/main.tf", 6, 1, "aws_lambda_permission.from_trail_bucket"],
      ["CD101", "infra/modules/trail-bucket/main.tf", 10, 3, "module.trail_bucket.aws_s3_bucket_policy.this"],
      [
        "CD101",
        "infra/modules/trail-bucket/main.tf",
        34,
        18,
        "module.trail_bucket.aws_sns_topic_policy.alerts",
      ],
      ["CD101", "plan.json", 37, 21, "aws_s3_bucket_policy.this"],
    ]);
  });

  it("another root module with the same address keeps its own finding", async () => {
    const d = copyCase("known-policy-root", "envs/prod/plan.json", "envs/prod");
    cpSync(join(d, "envs/prod/main.tf"), join(d, "envs/staging/main.tf"), { recursive: true });
    const report = parseReport((await checkIac(["--format", "json", "envs"], { cwd: d })).stdout);
    expect(brief(report)).toEqual([
      ["CD101", "envs/prod/main.tf", 6, 7, "aws_s3_bucket_policy.this"],
      ["CD101", "envs/staging/main.tf", 6, 7, "aws_s3_bucket_policy.this"],
    ]);
    expect(relatedOf(report, 0)?.map((x) => x.file)).toEqual(["envs/prod/plan.json"]);
    expect(relatedOf(report, 1)).toBeUndefined();
  });

  it.each([
    ["count", 'resource "aws_s3_bucket_policy" "this" {\n  count  = 2', [0, 1]],
    ["for_each", 'resource "aws_s3_bucket_policy" "this" {\n  for_each = toset(["a", "b"])', ["a", "b"]],
  ] as const)(
    "%s instances the module knows: one finding per instance, at the .tf line",
    async (_, head, keys) => {
      const d = instancesCase(head, [...keys]);
      const report = parseReport((await checkIac(["--format", "json", "plan.json", "."], { cwd: d })).stdout);
      const at = keys.map(
        (k): Brief => ["CD101", "main.tf", 7, 7, `aws_s3_bucket_policy.this[${JSON.stringify(k)}]`],
      );
      expect(brief(report)).toEqual(at);
      expect(report.summary).toMatchObject({ findings: 2, policies: 2, statements: 2 });
    },
  );

  it("a count only the plan knows: one finding at the .tf line, with each instance related", async () => {
    const d = instancesCase('resource "aws_s3_bucket_policy" "this" {\n  count  = var.copies', [0, 1], {
      copies: 2,
    });
    const report = parseReport((await checkIac(["--format", "json", "plan.json", "."], { cwd: d })).stdout);
    expect(brief(report)).toEqual([["CD101", "main.tf", 9, 7, "aws_s3_bucket_policy.this"]]);
    expect(relatedOf(report)?.map((x) => x.message)).toEqual([
      "aws_s3_bucket_policy.this[0] in the plan, where its values give the same finding",
      "aws_s3_bucket_policy.this[1] in the plan, where its values give the same finding",
    ]);
    expect(report.summary).toMatchObject({ findings: 1, policies: 2, statements: 2 });
  });

  it("the finding says what the plan's values say where the source does not know them", async () => {
    const d = copyCase("known-policy-root");
    const tf = join(d, "main.tf");
    writeFileSync(
      tf,
      `variable "service" {}\n\n${readFileSync(tf, "utf8").replace('Service = "cloudtrail.amazonaws.com"', "Service = var.service")}`,
    );
    const alone = parseReport((await checkIac(["--format", "json", "main.tf"], { cwd: d })).stdout);
    expect(alone.findings[0]?.message).toContain("<var.service>");
    const report = parseReport((await checkIac(["--format", "json", "plan.json", "."], { cwd: d })).stdout);
    expect(brief(report)).toEqual([["CD101", "main.tf", 8, 7, "aws_s3_bucket_policy.this"]]);
    expect(report.findings[0]?.message).toContain("allows cloudtrail.amazonaws.com without");
    expect(relatedOf(report)).toEqual([
      {
        file: "plan.json",
        line: 37,
        column: 21,
        message: "aws_s3_bucket_policy.this in the plan, whose values this finding is read from",
      },
    ]);
  });
});

// Session-17 hunt (terraform-aws-modules/iam's iam-assumable-role): the role takes
// `var.role_requires_mfa ? data.X.assume_role_with_mfa.json : data.X.assume_role.json` with the
// condition false. The plan alone was right; with the module beside it, the module's scan reported
// the document of the branch not taken on its own (CD101 medium, "3 policies").
describe("a plan beside a module with a document only the untaken branch names", () => {
  it("reports nothing for that document", async () => {
    const r = await checkIac(["--format", "json", "."], {
      cwd: join(ROOT, "test-fixtures/terraform/plan-source/untaken-branch-document"),
    });
    const report = parseReport(r.stdout);
    expect(report.findings).toEqual([]);
    expect(report.warnings).toEqual([]);
    // One policy: the role's, read from the plan and from its module (counted once).
    expect(report.summary).toMatchObject({ files: 2, policies: 1, statements: 1 });
    expect(r.code).toBe(0);
  });
});

// Session-17 review: a plan older than the module beside it (the statement's principal changed since)
// was folded into the source's finding, which then named the plan's principal and took its fix: the
// events.amazonaws.com statement got an SNS source ARN. Readings with other principals are two.
describe("a plan older than its module", () => {
  it("keeps the source's finding and the plan's, each with its own principal", async () => {
    const r = await checkIac(["--format", "json", "--account", "111122223333", "."], {
      cwd: join(ROOT, "test-fixtures/terraform/plan-source/stale-plan"),
    });
    const report = parseReport(r.stdout);
    expect(report.findings.map((f) => [f.ruleId, f.file, f.principals])).toEqual([
      ["CD101", "main.tf", ["events.amazonaws.com"]],
      ["CD101", "plan.json", ["sns.amazonaws.com"]],
    ]);
  });
});
