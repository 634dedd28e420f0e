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
