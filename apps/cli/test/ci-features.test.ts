// End-to-end tests of what fits deputyguard into CI and review (issue 6), through the BUILT command line
// (`pnpm build` first): SARIF and JUnit, the configuration file, suppressions, baselines, fixes as diffs,
// --changed-since, .gitignore, the progress line, `deputyguard services`, the GitHub Action's script and
// the pre-commit hook's script. Every case runs `node apps/cli/bin/...` (or the scripts) as a child process.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { findingFingerprint } from "@deputyguard/core";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  assertBuilt,
  CHECK_IAC,
  checkIac,
  deputyguard,
  FIXTURES,
  type Finding,
  parseReport,
  ROOT,
  type RunOptions,
  type RunResult,
  STACK_FRAME,
  tempFolders,
} from "./helpers/cli.js";
import { hasSarifSchema, type SarifLog, validateSarif } from "./helpers/sarif.js";
import { elements, xmlProblem } from "./helpers/xml.js";

assertBuilt();

const execFileAsync = promisify(execFile);

/** The real-world corpus beside the repository (`../shared/corpus`); CI has it, a bare checkout may not. */
const CORPUS = resolve(ROOT, "..", "shared", "corpus");
const hasCorpus = existsSync(CORPUS);
const TEST_FIXTURES = join(ROOT, "test-fixtures");
const CFN_RULES = join(TEST_FIXTURES, "cloudformation", "rules");
const TF_RULES = join(TEST_FIXTURES, "terraform", "rules");

const fx = (rule: string, name: string): string => join(FIXTURES, "rules", rule, `${name}.json`);
/** Two CD101 (high) findings, statements AWSCloudTrailAclCheck (line 4) and AWSCloudTrailWrite (line 13). */
const UNGUARDED = fx("CD101", "invalid-01-cloudtrail-bucket-no-source-condition");
/** No finding at all. */
const CLEAN = fx("CD101", "valid-01-cloudtrail-bucket-guarded");
/** Only CD103 (medium). */
const ONLY_MEDIUM = fx("CD103", "invalid-01-sns-s3-event-bucket-arn-only");
/** A literal account (246813579135) in aws:SourceArn: ours unless an account list says otherwise (CD102). */
const LITERAL_ACCOUNT = fx("CD102", "invalid-05-cloudtrail-bucket-literal-account-not-ours");
/** A CloudFormation bucket policy with two unguarded CloudTrail statements (resource "Policy"). */
const CFN_UNGUARDED = join(
  CFN_RULES,
  "CD101",
  "invalid-01-cloudtrail-bucket-no-source-condition.cfn-yaml.yaml",
);
/** `aws:SourceAccount: !Ref AuditAccountId`: CD301 unless the parameter is given. */
const CFN_PARAMETER = join(
  CFN_RULES,
  "CD301",
  "invalid-01-sns-events-source-account-parameter.cfn-yaml.yaml",
);
/** A Terraform module: a jsonencode bucket policy with two unguarded CloudTrail statements. */
const TF_UNGUARDED = join(
  TF_RULES,
  "CD101",
  "invalid-01-cloudtrail-bucket-no-source-condition",
  "jsonencode",
);

/** The fixtures' own account. */
const OWN = "210987654321";

// --- helpers -----------------------------------------------------------------------------------------

interface SuppressedFinding extends Finding {
  suppressed?: { kind: "inSource" | "external"; justification: string };
}

function expectNoStack(r: RunResult): void {
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.stdout).not.toMatch(STACK_FRAME);
}

async function json(args: string[], options?: RunOptions) {
  const r = await checkIac(["--format", "json", ...args], options);
  expectNoStack(r);
  const report = parseReport(r.stdout);
  return { ...r, report, findings: report.findings as SuppressedFinding[] };
}

async function sarif(args: string[], options?: RunOptions) {
  const r = await checkIac(["--format", "sarif", ...args], options);
  expectNoStack(r);
  const log = JSON.parse(r.stdout) as SarifLog;
  return { ...r, log };
}

function expectValidSarif(log: unknown): void {
  const v = validateSarif(log);
  expect(v.errors).toBe("");
  expect(v.ok).toBe(true);
}

/** A configuration-error run: exit 2, nothing on stdout, `file:line:column: message` on stderr. */
function expectConfigError(r: RunResult, file: string, line: number, column: number, mentions: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expectNoStack(r);
  const first = r.stderr.split("\n")[0] ?? "";
  expect(first).toContain(`${file}:${line}:${column}: `);
  expect(first).toMatch(mentions);
}

/** Writes files under `dir` (creating folders); values are file contents. */
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const read = (f: string): string => readFileSync(f, "utf8");
const ruleIds = (findings: readonly Finding[]): string[] => findings.map((f) => f.ruleId);
const warningCodes = (r: { report: { warnings: Array<{ code: string }> } }): string[] =>
  r.report.warnings.map((w) => w.code);

/** Runs any command (bash, git, script) with the child environment the CLI helper uses. */
async function sh(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env.FORCE_COLOR;
  env.NO_COLOR = "1";
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  try {
    const r = await execFileAsync(cmd, args, { cwd: options.cwd, env, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof err.code !== "number") throw e;
    return { code: err.code, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

const commandExists = (name: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

const temp = tempFolders("deputyguard-ci-");
/** A fresh folder under this file's temporary directory. */
const folder = temp.folder;

// --- SARIF and JUnit -----------------------------------------------------------------------------------

describe("SARIF", () => {
  it.skipIf(!hasSarifSchema || !hasCorpus)(
    "is valid SARIF 2.1.0 on the whole corpus (CloudFormation, Terraform, plans)",
    async () => {
      const r = await sarif([CORPUS]);
      expect(r.log.runs).toHaveLength(1);
      expect(r.log.runs[0]?.results.length).toBeGreaterThan(0);
      expectValidSarif(r.log);
      // The run says whether some input could not be read, and why (a notification each).
      const run = r.log.runs[0];
      expect(run?.invocations[0]?.executionSuccessful).toBe(r.code !== 2);
    },
  );

  it.skipIf(!hasSarifSchema)("is valid SARIF 2.1.0 on every test fixture", async () => {
    const r = await sarif([TEST_FIXTURES]);
    expect(r.code).toBe(1);
    expectValidSarif(r.log);
    const results = r.log.runs[0]?.results ?? [];
    expect(results.length).toBeGreaterThan(100);
    // Every format's findings are there.
    const uris = results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri ?? "");
    expect(uris.some((u) => u.includes("/policy-json/"))).toBe(true);
    expect(uris.some((u) => u.includes("/cloudformation/"))).toBe(true);
    expect(uris.some((u) => u.endsWith(".tf"))).toBe(true);
  });

  it("lists every rule with security-severity, precision and help, and rates results by severity", async () => {
    const rules = (await deputyguard(["rules"])).stdout.trim().split("\n");
    const r = await sarif([UNGUARDED, ONLY_MEDIUM]);
    const run = r.log.runs[0];
    if (!run) throw new Error("no run");
    const driverRules = run.tool.driver.rules;
    expect(driverRules.map((x) => x.id)).toEqual(rules.map((l) => l.split(/\s+/)[0]));
    for (const rule of driverRules) {
      expect(rule.name).toMatch(/^[a-z0-9-]+$/);
      expect(rule.shortDescription.text).not.toBe("");
      expect(rule.fullDescription.text).not.toBe("");
      expect(rule.help.text).not.toBe("");
      expect(rule.helpUri).toMatch(new RegExp(`${rule.id}\\.md$`));
      const sev = Number(rule.properties["security-severity"]);
      expect(sev).toBeGreaterThanOrEqual(0);
      expect(sev).toBeLessThanOrEqual(10);
      expect(rule.properties.precision).toMatch(/^(very-high|high|medium|low)$/);
    }
    // GitHub's bands: high ≥ 7, medium 4–6.9.
    const cd101 = driverRules.find((x) => x.id === "CD101");
    expect(Number(cd101?.properties["security-severity"])).toBeGreaterThanOrEqual(7);
    const byRule = new Map(run.results.map((x) => [x.ruleId, x]));
    expect(byRule.get("CD101")?.level).toBe("error");
    expect(Number(byRule.get("CD101")?.properties["security-severity"])).toBeGreaterThanOrEqual(7);
    expect(byRule.get("CD103")?.level).toBe("warning");
    const medium = Number(byRule.get("CD103")?.properties["security-severity"]);
    expect(medium).toBeGreaterThanOrEqual(4);
    expect(medium).toBeLessThan(7);
    for (const res of run.results) {
      expect(driverRules[res.ruleIndex ?? -1]?.id).toBe(res.ruleId);
      expect(res.locations[0]?.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
      expect(res.locations[0]?.physicalLocation.region.startColumn).toBeGreaterThanOrEqual(1);
      expect(Object.values(res.partialFingerprints)[0]).toMatch(/^[0-9a-f]{16,}$/);
    }
  });

  it("severity overrides from the configuration reach the SARIF level and security-severity", async () => {
    const d = folder("sarif-override");
    cpSync(UNGUARDED, join(d, "p.json"));
    writeFileSync(join(d, "deputyguard.config.json"), JSON.stringify({ rules: { CD101: "low" } }));
    const r = await sarif(["p.json"], { cwd: d });
    expect(r.code).toBe(0);
    const results = r.log.runs[0]?.results ?? [];
    expect(results).toHaveLength(2);
    for (const res of results) {
      expect(res.level).toBe("note");
      expect(Number(res.properties["security-severity"])).toBeLessThan(4);
    }
  });

  it("keeps partialFingerprints when unrelated lines move", async () => {
    const d = folder("sarif-fingerprints");
    const text = read(UNGUARDED);
    writeFileSync(join(d, "p.json"), text);
    const before = (await sarif(["p.json"], { cwd: d })).log.runs[0]?.results ?? [];
    writeFileSync(join(d, "p.json"), `\n\n\n${text.replace('"Statement": [', '"Statement": [\n\n')}`);
    const after = (await sarif(["p.json"], { cwd: d })).log.runs[0]?.results ?? [];
    expect(after).toHaveLength(before.length);
    expect(after.map((x) => x.locations[0]?.physicalLocation.region.startLine)).not.toEqual(
      before.map((x) => x.locations[0]?.physicalLocation.region.startLine),
    );
    expect(after.map((x) => x.partialFingerprints)).toEqual(before.map((x) => x.partialFingerprints));
  });
});

describe("JUnit", () => {
  it("is well-formed XML with one failure per finding at or above --fail-on", async () => {
    const r = await checkIac(["--format", "junit", TEST_FIXTURES]);
    expectNoStack(r);
    expect(r.code).toBe(1);
    expect(xmlProblem(r.stdout)).toBeUndefined();
    const all = await json([TEST_FIXTURES]);
    const atLeastMedium = all.findings.filter((f) => f.severity === "high" || f.severity === "medium");
    const suites = elements(r.stdout, "testsuites");
    expect(suites).toHaveLength(1);
    // Input errors are <error> cases, counted under errors, not failures (a hunt found them under failures).
    expect(Number(suites[0]?.failures)).toBe(atLeastMedium.length);
    expect(Number(suites[0]?.errors)).toBe(all.report.errors.length);
    expect(Number(suites[0]?.tests)).toBe(all.findings.length + all.report.errors.length);
    const high = await checkIac(["--format", "junit", "--fail-on", "high", TEST_FIXTURES]);
    expect(xmlProblem(high.stdout)).toBeUndefined();
    expect(Number(elements(high.stdout, "testsuites")[0]?.failures)).toBeLessThan(atLeastMedium.length);
  });

  it("escapes what XML needs escaped, and has a test case when nothing is found", async () => {
    const clean = await checkIac(["--format", "junit", CLEAN]);
    expect(clean.code).toBe(0);
    expect(xmlProblem(clean.stdout)).toBeUndefined();
    expect(elements(clean.stdout, "testcase").length).toBeGreaterThanOrEqual(1);
    // A file name with markup characters, a broken input (an <error>), and quotes in messages.
    const d = folder("junit-escape");
    cpSync(UNGUARDED, join(d, `a&b<"c">.json`));
    writeFileSync(join(d, "broken.json"), '{"Statement": [ {"Effect": "Allow", ');
    const r = await checkIac(["--format", "junit", d]);
    expect(r.code).toBe(2);
    expect(xmlProblem(r.stdout)).toBeUndefined();
    expect(r.stdout).toContain("a&amp;b&lt;&quot;c&quot;&gt;.json");
  });

  it("leaves suppressed findings out of the failures", async () => {
    const d = folder("junit-suppressed");
    cpSync(UNGUARDED, join(d, "p.json"));
    writeFileSync(
      join(d, "deputyguard.config.json"),
      JSON.stringify({ suppressions: [{ path: "p.json", rule: "CD101", reason: "accepted" }] }),
    );
    const r = await checkIac(["--format", "junit", "p.json"], { cwd: d });
    expect(r.code).toBe(0);
    expect(xmlProblem(r.stdout)).toBeUndefined();
    expect(Number(elements(r.stdout, "testsuites")[0]?.failures)).toBe(0);
  });
});

// --- configuration file ----------------------------------------------------------------------------------

describe("configuration file", () => {
  it("is found by walking up from the working directory", async () => {
    const d = folder("config-walk");
    cpSync(UNGUARDED, join(d, "policies", "p.json"), { recursive: true });
    mkdirSync(join(d, "a", "b", "c"), { recursive: true });
    writeFileSync(join(d, "deputyguard.config.json"), JSON.stringify({ rules: { CD101: "low" } }));
    const r = await json(["../../../policies"], { cwd: join(d, "a", "b", "c") });
    expect(r.code).toBe(0);
    expect(r.findings.map((f) => f.severity)).toEqual(["low", "low"]);
    // Without the file, the findings are high again.
    const bare = await json([join(d, "policies")], { cwd: temp.dir });
    expect(bare.code).toBe(1);
    expect(bare.findings.map((f) => f.severity)).toEqual(["high", "high"]);
  });

  it("nearest wins, and --config FILE wins over discovery", async () => {
    const d = folder("config-nearest");
    cpSync(UNGUARDED, join(d, "sub", "p.json"), { recursive: true });
    writeFileSync(join(d, "deputyguard.config.json"), JSON.stringify({ rules: { CD101: "low" } }));
    writeFileSync(join(d, "sub", ".deputyguardrc.yaml"), "rules:\n  CD101: medium\n");
    writeFileSync(join(d, "elsewhere.yml"), "rules:\n  CD101: info\n");
    expect((await json(["p.json"], { cwd: join(d, "sub") })).findings[0]?.severity).toBe("medium");
    const explicit = await json(["--config", join(d, "elsewhere.yml"), "p.json"], { cwd: join(d, "sub") });
    expect(explicit.findings.map((f) => f.severity)).toEqual(["info", "info"]);
    // A missing --config file is an error, not a silent default.
    const missing = await checkIac(["--config", join(d, "nope.json"), "p.json"], { cwd: join(d, "sub") });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json.*cannot read/);
  });

  it("reads the same settings from deputyguard.config.json, .deputyguardrc.json and .deputyguardrc.yaml", async () => {
    const settings = { rules: { CD101: "off", "source-arn-without-account": "high" }, failOn: "high" };
    const yaml = "rules:\n  CD101: off\n  source-arn-without-account: high\nfailOn: high\n";
    for (const [name, text] of [
      ["deputyguard.config.json", JSON.stringify(settings, null, 2)],
      [".deputyguardrc.json", JSON.stringify(settings)],
      [".deputyguardrc.yaml", yaml],
      [".deputyguardrc.yml", yaml],
    ] as const) {
      const d = folder(`config-form-${name}`);
      cpSync(UNGUARDED, join(d, "unguarded.json"));
      cpSync(ONLY_MEDIUM, join(d, "medium.json"));
      writeFileSync(join(d, name), text);
      const r = await json(["."], { cwd: d });
      // CD101 is off; CD103 (by slug) is raised to high, which fails at failOn high.
      expect(ruleIds(r.findings), name).toEqual(["CD103"]);
      expect(r.findings[0]?.severity, name).toBe("high");
      expect(r.code, name).toBe(1);
    }
  });

  // Session-14 CLI hunt: a misspelt rule name in `rules` was accepted without a word, so the rule
  // the user meant to turn off or re-rate stayed as it was.
  it("a rule name that is no rule's is a warning at its line, with the name it is a slip from", async () => {
    const d = folder("config-unknown-rule");
    cpSync(UNGUARDED, join(d, "unguarded.json"));
    writeFileSync(
      join(d, ".deputyguardrc.yaml"),
      "rules:\n  source-arn-without-acount: off\n  CD999: low\n  CD101: low\n",
    );
    const r = await json(["unguarded.json"], { cwd: d });
    const w = r.report.warnings.filter((x) => x.code === "ConfigUnknownRule");
    expect(w.map((x) => [x.line, x.column, x.message])).toEqual([
      [
        2,
        3,
        'rules: "source-arn-without-acount" is not a rule (did you mean "source-arn-without-account"?); its setting is ignored (see deputyguard rules)',
      ],
      [3, 3, 'rules: "CD999" is not a rule; its setting is ignored (see deputyguard rules)'],
    ]);
    expect(w[0]?.file).toMatch(/\.deputyguardrc\.yaml$/);
    // A name that cannot be a rule's is an error at its key, as before, now saying which.
    writeFileSync(join(d, ".deputyguardrc.yaml"), "rules:\n  CD101: low\n  CD10l: off\n");
    const bad = await checkIac(["unguarded.json"], { cwd: d });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '.deputyguardrc.yaml:3:3: rules: "CD10l" is not a rule id (CD101) or slug (did you mean "CD101"?)',
    );
    // The settings that name rules still apply.
    expect(r.findings.map((f) => f.severity)).toEqual(["low", "low"]);
  });

  // Session-14 CLI hunt: an empty configuration file (`touch .deputyguardrc.yaml`) was fatal
  // ("configuration must be object", exit 2). Empty, or comments only, it means the defaults.
  it("an empty configuration file, or one of comments only, means the defaults", async () => {
    const d = folder("config-empty");
    cpSync(UNGUARDED, join(d, "unguarded.json"));
    const defaults = await json(["unguarded.json"], { cwd: d });
    for (const [name, text] of [
      [".deputyguardrc.yaml", ""],
      [".deputyguardrc.yaml", "# nothing yet\n"],
      [".deputyguardrc.yaml", "---\n# nothing yet\n"],
      ["deputyguard.config.json", "  \n"],
    ] as const) {
      const e = folder(`config-empty-${name}`);
      cpSync(UNGUARDED, join(e, "unguarded.json"));
      writeFileSync(join(e, name), text);
      const r = await json(["unguarded.json"], { cwd: e });
      expect(r.code, `${name} ${JSON.stringify(text)}`).toBe(defaults.code);
      expect(r.findings).toEqual(defaults.findings);
    }
  });

  it("failOn applies, and --fail-on on the command line wins", async () => {
    const d = folder("config-failon");
    cpSync(ONLY_MEDIUM, join(d, "medium.json"));
    writeFileSync(join(d, ".deputyguardrc.yaml"), "failOn: high\n");
    expect((await checkIac(["medium.json"], { cwd: d })).code).toBe(0);
    expect((await checkIac(["--fail-on", "medium", "medium.json"], { cwd: d })).code).toBe(1);
  });

  it("accounts and orgIds count as the user's own (as --account does)", async () => {
    const d = folder("config-accounts");
    cpSync(LITERAL_ACCOUNT, join(d, "p.json"));
    expect(ruleIds((await json(["p.json"], { cwd: d })).findings)).not.toContain("CD102");
    writeFileSync(
      join(d, "deputyguard.config.json"),
      JSON.stringify({ accounts: [OWN], orgIds: ["o-abcdefghij"] }),
    );
    const withConfig = await json(["p.json"], { cwd: d });
    const flag = await json(["--account", OWN, join(d, "p.json")], { cwd: temp.dir });
    expect(ruleIds(withConfig.findings)).toContain("CD102");
    expect(ruleIds(withConfig.findings)).toEqual(ruleIds(flag.findings));
  });

  it("include and exclude globs (relative to the config file) limit directory walks", async () => {
    const d = folder("config-globs");
    for (const f of ["infra/a.json", "infra/skip/b.json", "infra/c.json", "other/d.json"])
      cpSync(UNGUARDED, join(d, f), { recursive: true });
    writeFileSync(
      join(d, "deputyguard.config.json"),
      JSON.stringify({ include: ["infra/**"], exclude: ["**/skip/**", "infra/c.json"] }),
    );
    const r = await json(["."], { cwd: d });
    expect([...new Set(r.findings.map((f) => f.file))]).toEqual(["infra/a.json"]);
    // From a subdirectory, the globs still mean paths relative to the config file.
    const sub = await json(["."], { cwd: join(d, "infra") });
    expect([...new Set(sub.findings.map((f) => f.file))]).toEqual(["a.json"]);
  });

  it("gives CloudFormation parameters per path", async () => {
    const d = folder("config-parameters");
    cpSync(CFN_PARAMETER, join(d, "prod", "stack.yaml"), { recursive: true });
    cpSync(CFN_PARAMETER, join(d, "dev", "stack.yaml"), { recursive: true });
    cpSync(CFN_PARAMETER, join(d, "audit", "stack.yaml"), { recursive: true });
    writeFileSync(
      join(d, ".deputyguardrc.yaml"),
      [
        "accounts: ['210987654321']",
        "parameters:",
        "  - path: prod/**",
        "    values: { AuditAccountId: '999988887777' }",
        "  - path: audit/*.yaml",
        "    values: { AuditAccountId: '210987654321' }",
        "",
      ].join("\n"),
    );
    const r = await json(["."], { cwd: d });
    const by = (dir: string) => ruleIds(r.findings.filter((f) => f.file.startsWith(`${dir}/`)));
    expect(by("prod")).toEqual(["CD102"]); // a foreign account
    expect(by("dev")).toEqual(["CD301"]); // unresolved
    expect(by("audit")).toEqual([]); // our own account
  });

  // Regression: per-path `variables` did not reach modules found in a directory walk (scanDirectory took
  // one option set); it now takes `variablesFor(moduleDir)`.
  it("gives Terraform variables per path", async () => {
    const d = folder("config-variables");
    const module = (dir: string) =>
      writeTree(d, {
        [`${dir}/main.tf`]: `variable "source_account" {
  type = string
}

resource "aws_sns_topic_policy" "alerts" {
  arn = "arn:aws:sns:us-east-1:${OWN}:alerts"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:us-east-1:${OWN}:alerts"
      Condition = { StringEquals = { "aws:SourceAccount" = var.source_account } }
    }]
  })
}
`,
      });
    module("prod");
    module("dev");
    writeFileSync(
      join(d, "deputyguard.config.json"),
      JSON.stringify({
        accounts: [OWN],
        variables: [{ path: "prod/**", values: { source_account: "999988887777" } }],
      }),
    );
    const r = await json(["."], { cwd: d });
    const by = (dir: string) => ruleIds(r.findings.filter((f) => f.file.startsWith(`${dir}/`)));
    expect(by("prod")).toEqual(["CD102"]);
    expect(by("dev")).toEqual(["CD301"]);
  });

  describe("errors name the file, line and column, and exit 2", () => {
    it("an unknown top-level key (JSON)", async () => {
      const d = folder("config-unknown");
      cpSync(CLEAN, join(d, "p.json"));
      writeFileSync(join(d, "deputyguard.config.json"), '{\n  "rules": {},\n  "failon": "high"\n}\n');
      const r = await checkIac(["p.json"], { cwd: d });
      // Found from the working directory: named as the scanned files are, relative to it.
      expectConfigError(r, "deputyguard.config.json", 3, 3, /unknown key "failon"/);
      expect(r.stderr).not.toContain(d);
    });

    it("an unknown nested key (YAML)", async () => {
      const d = folder("config-unknown-nested");
      cpSync(CLEAN, join(d, "p.json"));
      writeFileSync(
        join(d, ".deputyguardrc.yaml"),
        "suppressions:\n  - path: p.json\n    rule: CD101\n    reson: typo\n",
      );
      const r = await checkIac(["p.json"], { cwd: d });
      expectConfigError(r, ".deputyguardrc.yaml", 4, 5, /unknown key "reson"/);
    });

    it("a wrong type (JSON and YAML)", async () => {
      const d = folder("config-type");
      cpSync(CLEAN, join(d, "p.json"));
      writeFileSync(join(d, "deputyguard.config.json"), '{\n  "strict": "yes"\n}\n');
      expectConfigError(
        await checkIac(["p.json"], { cwd: d }),
        "deputyguard.config.json",
        2,
        13,
        /strict.*boolean/,
      );
      const y = join(d, "c.yaml");
      writeFileSync(y, "accounts: 210987654321\n");
      expectConfigError(await checkIac(["--config", y, "p.json"], { cwd: d }), y, 1, 11, /accounts.*array/);
      writeFileSync(y, "rules:\n  CD101: loud\n");
      expectConfigError(await checkIac(["--config", y, "p.json"], { cwd: d }), y, 2, 10, /CD101.*one of/);
    });

    it("a syntax error", async () => {
      const d = folder("config-syntax");
      cpSync(CLEAN, join(d, "p.json"));
      writeFileSync(join(d, ".deputyguardrc.json"), '{\n  "rules": {\n    "CD101": "off",\n  }\n}\n');
      const r = await checkIac(["p.json"], { cwd: d });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^deputyguard: \.deputyguardrc\.json:\d+:\d+: /);
      expectNoStack(r);
    });
  });
});

// --- suppressions -------------------------------------------------------------------------------------------

describe("suppressions", () => {
  describe("policy JSON, through the configuration file", () => {
    const setup = (suppressions: object[]) => {
      const d = folder("sup-json");
      cpSync(UNGUARDED, join(d, "policies", "trail.json"), { recursive: true });
      cpSync(ONLY_MEDIUM, join(d, "policies", "sns.json"), { recursive: true });
      writeFileSync(join(d, "deputyguard.config.json"), `${JSON.stringify({ suppressions }, null, 2)}\n`);
      return d;
    };

    it("with a reason: marked in JSON and SARIF, counted in the text summary, and the run passes", async () => {
      const d = setup([
        {
          path: "policies/trail.json",
          rule: "CD101",
          reason: "legacy trail, tracked in SEC-12",
          until: "2999-12-31",
        },
        { path: "policies/*.json", rule: "source-arn-without-account", reason: "bucket name is reserved" },
      ]);
      const r = await json(["policies"], { cwd: d });
      expect(r.code).toBe(0);
      expect(r.findings).toHaveLength(3);
      for (const f of r.findings) expect(f.suppressed?.kind).toBe("external");
      expect(r.findings.find((f) => f.ruleId === "CD101")?.suppressed?.justification).toBe(
        "legacy trail, tracked in SEC-12",
      );
      expect(warningCodes(r)).toEqual([]);
      const s = await sarif(["policies"], { cwd: d });
      expect(s.code).toBe(0);
      if (hasSarifSchema) expectValidSarif(s.log);
      const results = s.log.runs[0]?.results ?? [];
      expect(results).toHaveLength(3);
      for (const res of results) {
        expect(res.suppressions).toHaveLength(1);
        expect(res.suppressions?.[0]?.kind).toBe("external");
        expect(res.suppressions?.[0]?.justification).not.toBe("");
      }
      const text = await checkIac(["policies"], { cwd: d });
      expect(text.code).toBe(0);
      expect(text.stdout).not.toMatch(/CD101/);
      expect(text.stdout).toMatch(/0 findings.*3 suppressed/);
    });

    it("the JSON summary counts the suppressed findings apart, as the text summary does", async () => {
      // From a review: summary.findings (every finding listed, suppressed ones included) was all the
      // JSON said, while the text summary read "1 finding ... 2 suppressed".
      const d = setup([{ path: "policies/trail.json", rule: "CD101", reason: "legacy trail" }]);
      const r = await json(["policies"], { cwd: d });
      expect(r.code).toBe(1);
      expect(r.report.summary).toMatchObject({ findings: 3, suppressed: 2 });
      expect(r.findings.filter((f) => f.suppressed)).toHaveLength(2);
      const text = await checkIac(["policies"], { cwd: d });
      expect(text.stdout).toMatch(/^1 finding \(1 medium\) .*; 2 suppressed$/m);
    });

    it("only the rule and path it names", async () => {
      const d = setup([{ path: "policies/sns.json", rule: "CD101", reason: "wrong file" }]);
      const r = await json(["policies"], { cwd: d });
      expect(r.code).toBe(1);
      expect(r.findings.filter((f) => f.suppressed)).toHaveLength(0);
    });

    it("without a reason: still suppresses, with a warning at the suppression", async () => {
      const d = setup([{ path: "policies/trail.json", rule: "CD101" }]);
      const r = await json(["policies/trail.json"], { cwd: d });
      expect(r.code).toBe(0);
      expect(r.findings.every((f) => f.suppressed)).toBe(true);
      const w = r.report.warnings.find((x) => x.code === "SuppressionWithoutReason");
      expect(w?.file).toBe("deputyguard.config.json");
      expect(w?.line).toBe(3);
    });

    it("expired: the finding is reported again, with a warning", async () => {
      const d = setup([
        { path: "policies/trail.json", rule: "CD101", reason: "until the migration", until: "2020-01-31" },
      ]);
      const r = await json(["policies/trail.json"], { cwd: d });
      expect(r.code).toBe(1);
      expect(r.findings).toHaveLength(2);
      expect(r.findings.some((f) => f.suppressed)).toBe(false);
      const w = r.report.warnings.find((x) => x.code === "SuppressionExpired");
      expect(w?.message).toMatch(/2020-01-31/);
      const text = await checkIac(["policies/trail.json"], { cwd: d });
      expect(text.stderr + text.stdout).toMatch(/expired on 2020-01-31/);
    });

    it("unused: reported with --report-unused-suppressions only", async () => {
      const d = setup([
        { path: "policies/trail.json", rule: "CD101", reason: "accepted" },
        { path: "policies/gone.json", rule: "CD102", reason: "the file was deleted" },
      ]);
      const quiet = await json(["policies"], { cwd: d });
      expect(warningCodes(quiet)).not.toContain("UnusedSuppression");
      const r = await json(["--report-unused-suppressions", "policies"], { cwd: d });
      const unused = r.report.warnings.filter((x) => x.code === "UnusedSuppression");
      expect(unused).toHaveLength(1);
      expect(unused[0]?.message).toMatch(/CD102/);
      expect(unused[0]?.file).toBe("deputyguard.config.json");
      expect(unused[0]?.line).toBeGreaterThan(1);
      // A warning, not a failure: the exit code is the findings' (CD103 is not suppressed here).
      expect(r.code).toBe(1);
    });
  });

  describe("CloudFormation, in the resource's Metadata", () => {
    const withMetadata = (entry: string): string =>
      read(CFN_UNGUARDED).replace(
        "    Type: AWS::S3::BucketPolicy\n",
        `    Type: AWS::S3::BucketPolicy\n    Metadata:\n      deputyguard:\n        ignore:\n${entry}`,
      );
    const run = async (entry: string) => {
      const d = folder("sup-cfn");
      writeFileSync(join(d, "template.yaml"), withMetadata(entry));
      return json(["template.yaml"], { cwd: d });
    };

    it("{ rule, reason, until }: suppressed (inSource), in JSON and SARIF", async () => {
      const entry =
        '          - rule: CD101\n            reason: "trail bucket, see ADR-7"\n            until: 2999-06-30\n';
      const r = await run(entry);
      expect(r.code).toBe(0);
      expect(r.findings).toHaveLength(2);
      for (const f of r.findings)
        expect(f.suppressed).toEqual({ kind: "inSource", justification: "trail bucket, see ADR-7" });
      const d = folder("sup-cfn-sarif");
      writeFileSync(join(d, "template.yaml"), withMetadata(entry));
      const s = await sarif(["template.yaml"], { cwd: d });
      if (hasSarifSchema) expectValidSarif(s.log);
      for (const res of s.log.runs[0]?.results ?? []) expect(res.suppressions?.[0]?.kind).toBe("inSource");
    });

    it('"CD101 -- reason" strings', async () => {
      const r = await run('          - "CD101 -- trail bucket"\n');
      expect(r.code).toBe(0);
      expect(r.findings.every((f) => f.suppressed?.justification === "trail bucket")).toBe(true);
    });

    // Regression: `id:` (as the issue writes it) was ignored; only `rule:` was read.
    it("{ id, reason, until } as the issue writes it", async () => {
      const r = await run(
        '          - id: CD101\n            reason: "trail bucket"\n            until: 2999-06-30\n',
      );
      expect(r.code).toBe(0);
      expect(r.findings.every((f) => f.suppressed)).toBe(true);
    });

    it("without a reason: a warning; expired: reported again with a warning", async () => {
      const noReason = await run("          - rule: CD101\n");
      expect(noReason.code).toBe(0);
      expect(warningCodes(noReason)).toContain("SuppressionWithoutReason");
      const expired = await run(
        "          - rule: CD101\n            reason: old\n            until: 2020-06-30\n",
      );
      expect(expired.code).toBe(1);
      expect(expired.findings.some((f) => f.suppressed)).toBe(false);
      const w = expired.report.warnings.find((x) => x.code === "SuppressionExpired");
      expect(w?.file).toBe("template.yaml");
      expect(w?.line).toBe(9);
    });

    it("only for its own resource and rule; unused ones are reported", async () => {
      const r = await run("          - rule: CD103\n            reason: not this one\n");
      expect(r.code).toBe(1);
      expect(r.findings.some((f) => f.suppressed)).toBe(false);
      const d = folder("sup-cfn-unused");
      writeFileSync(
        join(d, "template.yaml"),
        withMetadata("          - rule: CD103\n            reason: x\n"),
      );
      const u = await json(["--report-unused-suppressions", "template.yaml"], { cwd: d });
      expect(warningCodes(u)).toContain("UnusedSuppression");
    });
  });

  describe("Terraform, in comments", () => {
    const tfWith = (header: string, inside = "") => {
      const d = folder("sup-tf");
      writeFileSync(
        join(d, "main.tf"),
        read(join(TF_UNGUARDED, "main.tf"))
          .replace('resource "aws_s3_bucket_policy"', `${header}resource "aws_s3_bucket_policy"`)
          .replace(/(resource "aws_s3_bucket_policy" "[^"]+" \{\n)/, `$1${inside}`),
      );
      return d;
    };
    it("# deputyguard:ignore on the line above the block", async () => {
      const r = await json(["."], { cwd: tfWith("# deputyguard:ignore CD101 -- trail bucket\n") });
      expect(r.code).toBe(0);
      expect(r.findings.length).toBeGreaterThan(0);
      expect(
        r.findings.every(
          (f) => f.suppressed?.kind === "inSource" && f.suppressed.justification === "trail bucket",
        ),
      ).toBe(true);
    });
    it("// and /* */ comments, on a line inside the block", async () => {
      for (const c of [
        "  // deputyguard:ignore CD101 -- inside\n",
        "  /* deputyguard:ignore CD101 -- inside */\n",
      ]) {
        const r = await json(["."], { cwd: tfWith("", c) });
        expect(r.code).toBe(0);
        expect(r.findings.every((f) => f.suppressed?.kind === "inSource")).toBe(true);
      }
    });
    it("without a reason: a warning; expired: reported again", async () => {
      const noReason = await json(["."], { cwd: tfWith("# deputyguard:ignore CD101\n") });
      expect(noReason.report.warnings.map((w: { code: string }) => w.code)).toContain(
        "SuppressionWithoutReason",
      );
      const expired = await json(["."], {
        cwd: tfWith("# deputyguard:ignore CD101 until=2020-01-01 -- old\n"),
      });
      expect(expired.code).toBe(1);
      expect(expired.report.warnings.map((w: { code: string }) => w.code)).toContain("SuppressionExpired");
    });
    it("until= a day the calendar does not have: no date, so the finding is reported", async () => {
      // From a review: only the shape was checked, so until=2099-13-45 suppressed until 2099.
      for (const until of ["2099-13-45", "2027-02-30"]) {
        const r = await json(["."], { cwd: tfWith(`# deputyguard:ignore CD101 until=${until} -- later\n`) });
        expect(r.code, until).toBe(1);
        expect(r.findings.some((f) => f.suppressed)).toBe(false);
        const bad = r.report.warnings.filter((w) => w.code === "SuppressionBadDate");
        expect(bad.map((w) => w.message)).toEqual([
          `"until: ${until}" is not a date (YYYY-MM-DD); the suppression is ignored`,
        ]);
      }
    });
  });
});

// --- baseline -----------------------------------------------------------------------------------------------

describe("baseline", () => {
  it("round trip: lines move, nothing new; a fixed finding is counted as stale; a new one is reported", async () => {
    const d = folder("baseline");
    const text = read(UNGUARDED);
    writeTree(d, { "policies/trail.json": text, "policies/clean.json": read(CLEAN) });
    const written = await json(["--write-baseline", "baseline.json", "policies"], { cwd: d });
    expect(written.code).toBe(1); // writing a baseline still reports
    const baseline = JSON.parse(read(join(d, "baseline.json"))) as { version: number; entries: unknown[] };
    expect(baseline.version).toBe(1);
    expect(baseline.entries).toHaveLength(2);

    // Move every line: blank lines at the top and between the statements, re-indented.
    const moved = `\n\n\n${text.replace("    },\n    {", "    },\n\n\n\n    {").replaceAll("\n", "\n  ")}`;
    writeFileSync(join(d, "policies", "trail.json"), moved);
    const again = await json(["--baseline", "baseline.json", "policies"], { cwd: d });
    expect(again.code).toBe(0);
    expect(again.findings).toEqual([]);
    const w = again.report.warnings.find((x) => x.code === "Baseline");
    expect(w?.message).toMatch(/2 findings in the baseline not reported; 0 baseline entries no longer occur/);

    // The same baseline however the paths are typed, and from another working directory.
    expect(
      (await json(["--baseline", "baseline.json", "./policies/trail.json"], { cwd: d })).findings,
    ).toEqual([]);
    expect(
      (await json(["--baseline", "../baseline.json", "trail.json"], { cwd: join(d, "policies") })).findings,
    ).toEqual([]);

    // Fix the first statement: its entry no longer occurs.
    const doc = JSON.parse(text) as { Statement: Array<Record<string, unknown>> };
    const first = doc.Statement[0] as Record<string, unknown>;
    first.Condition = { StringEquals: { "aws:SourceAccount": OWN } };
    // ...and add a new unguarded statement: that one is reported.
    doc.Statement.push({
      Sid: "NewStatement",
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: "arn:aws:s3:::acme-cloudtrail-logs",
    });
    writeFileSync(join(d, "policies", "trail.json"), JSON.stringify(doc, null, 2));
    const fixed = await json(["--baseline", "baseline.json", "policies"], { cwd: d });
    expect(fixed.findings.map((f) => f.statement?.sid)).toEqual(["NewStatement"]);
    expect(fixed.code).toBe(1);
    const stale = fixed.report.warnings.find((x) => x.code === "Baseline");
    expect(stale?.message).toMatch(
      /1 finding in the baseline not reported; 1 baseline entry no longer occurs/,
    );
    const textRun = await checkIac(["--baseline", "baseline.json", "policies"], { cwd: d });
    expect(textRun.stdout + textRun.stderr).toMatch(/1 baseline entry no longer occurs/);
  });

  // Session-14 CLI hunt: a statement without a Sid was fingerprinted by its index, so a statement
  // added above it brought its accepted finding back (exit 1) and re-opened its code-scanning alert.
  it("statements without a Sid: one added above keeps them accepted; a baseline by index still matches", async () => {
    const d = folder("baseline-no-sid");
    const doc = JSON.parse(read(UNGUARDED)) as { Statement: Array<Record<string, unknown>> };
    for (const st of doc.Statement) delete st.Sid;
    writeTree(d, { "p.json": JSON.stringify(doc, null, 2) });
    const written = await json(["--write-baseline", "b.json", "p.json"], { cwd: d });
    expect(written.findings.map((f) => f.statement?.anchor)).toEqual([
      "Service:cloudtrail.amazonaws.com#0",
      "Service:cloudtrail.amazonaws.com#1",
    ]);
    const sarifBefore = await checkIac(["--format", "sarif", "p.json"], { cwd: d });
    const prints = (out: string) =>
      (JSON.parse(out) as SarifLog).runs[0]?.results?.map((r) => r.partialFingerprints?.["deputyguard/v1"]);

    // Another service's statement, unguarded too, added above them: only it is new.
    doc.Statement.unshift({
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: "arn:aws:s3:::acme-cloudtrail-logs",
    });
    writeFileSync(join(d, "p.json"), JSON.stringify(doc, null, 2));
    const again = await json(["--baseline", "b.json", "p.json"], { cwd: d });
    expect(again.findings.map((f) => [f.statement?.index, f.principals])).toEqual([
      [0, ["config.amazonaws.com"]],
    ]);
    expect(again.code).toBe(1);
    const sarifAfter = await checkIac(["--format", "sarif", "p.json"], { cwd: d });
    expect((prints(sarifAfter.stdout) ?? []).slice(1)).toEqual(prints(sarifBefore.stdout));

    // A baseline written before anchors (fingerprints by index) still accepts the findings it names.
    doc.Statement.shift();
    writeFileSync(join(d, "p.json"), JSON.stringify(doc, null, 2));
    const old = JSON.parse(read(join(d, "b.json"))) as { entries: Array<{ fingerprint: string }> };
    old.entries = written.findings.map((f) => ({
      ...old.entries[0],
      fingerprint: findingFingerprint({ ...f, statement: { index: f.statement?.index ?? 0 } }),
    })) as typeof old.entries;
    writeFileSync(join(d, "old.json"), JSON.stringify(old));
    const legacy = await json(["--baseline", "old.json", "p.json"], { cwd: d });
    expect(legacy.findings).toEqual([]);
    expect(legacy.code).toBe(0);
  });

  it("leaves suppressed findings out of the baseline, and a broken baseline is an error", async () => {
    const d = folder("baseline-suppressed");
    cpSync(UNGUARDED, join(d, "p.json"));
    writeFileSync(
      join(d, "deputyguard.config.json"),
      JSON.stringify({ suppressions: [{ path: "p.json", rule: "CD101", reason: "accepted" }] }),
    );
    await checkIac(["--write-baseline", "b.json", "p.json"], { cwd: d });
    expect((JSON.parse(read(join(d, "b.json"))) as { entries: unknown[] }).entries).toEqual([]);
    writeFileSync(join(d, "bad.json"), '{"entries": 3}');
    const r = await json(["--baseline", "bad.json", "p.json"], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.report.errors[0]?.message).toMatch(/baseline/);
  });
});

// --- fixes as diffs ---------------------------------------------------------------------------------------------

/**
 * The policy fixtures with a fix the CLI can write, found by a scan at collection time (so that each
 * fixture is its own test). `--account` is the fixtures' own account: without one the fixes carry the
 * ACCOUNT_ID placeholder, which a rescan reports (CD204) as it should.
 */
const FIX_ARGS = ["--account", OWN];
const FIX_DIR = relative(ROOT, FIXTURES);
const fixBefore: Finding[] = [];
const fixable: { file: string; findings: Finding[] }[] = (() => {
  let out: string;
  try {
    out = execFileSync(process.execPath, [CHECK_IAC, "--format", "json", ...FIX_ARGS, FIX_DIR], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 << 20,
      env: { ...process.env, NO_COLOR: "1" },
    });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  const report = JSON.parse(out) as { findings: Array<Finding & { fix?: { condition?: unknown } }> };
  fixBefore.push(...report.findings);
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings)
    if (f.fix?.condition) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  return [...byFile].map(([file, findings]) => ({ file, findings }));
})();

// Regressions: after these fixes a rescan used to report a finding the original did not have (CD205 on a
// list of ARNs for several principals; a kept aws:SourceArn in another account than --account).

describe("--fix", () => {
  it("prints a unified diff and leaves the file alone; --write goes with --fix", async () => {
    const d = folder("fix-diff");
    cpSync(UNGUARDED, join(d, "p.json"));
    const r = await checkIac(["--fix", "--account", OWN, "p.json"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^--- a\/p\.json$/m);
    expect(r.stdout).toMatch(/^\+\+\+ b\/p\.json$/m);
    expect(r.stdout).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@/m);
    expect(r.stdout).toMatch(/^\+ +"aws:SourceAccount": "210987654321"/m);
    expect(read(join(d, "p.json"))).toBe(read(UNGUARDED));
    const usage = await checkIac(["--write", "p.json"], { cwd: d });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--write goes with --fix/);
  });

  it("keeps machine-readable output parseable (the diff goes to stderr)", async () => {
    const d = folder("fix-json");
    cpSync(UNGUARDED, join(d, "p.json"));
    const r = await json(["--fix", "--account", OWN, "p.json"], { cwd: d });
    expect(r.findings).toHaveLength(2);
    expect(r.stderr).toMatch(/^\+\+\+ b\/p\.json$/m);
  });

  it("edits CloudFormation and Terraform too, and a rescan no longer reports the fixed finding", async () => {
    const d = folder("fix-cfn");
    cpSync(CFN_UNGUARDED, join(d, "t.yaml"));
    const before = await json(["--account", OWN, "t.yaml"], { cwd: d });
    expect(before.findings.map((f) => f.ruleId)).toContain("CD101");
    const r = await json(["--fix", "--write", "--account", OWN, "t.yaml"], { cwd: d });
    expect(warningCodes(r)).not.toContain("FixUnsupported");
    expect(read(join(d, "t.yaml"))).not.toBe(read(CFN_UNGUARDED));
    const again = await json(["--account", OWN, "t.yaml"], { cwd: d });
    expect(again.findings.map((f) => f.ruleId)).not.toContain("CD101");

    const t = folder("fix-tf");
    cpSync(TF_UNGUARDED, t, { recursive: true });
    const tfBefore = await json(["--account", OWN, "."], { cwd: t });
    expect(tfBefore.findings.map((f) => f.ruleId)).toContain("CD101");
    await json(["--fix", "--write", "--account", OWN, "."], { cwd: t });
    const tfAfter = await json(["--account", OWN, "."], { cwd: t });
    expect(tfAfter.findings.map((f) => f.ruleId)).not.toContain("CD101");
  });

  it("finds fixable fixtures", () => {
    expect(fixable.length).toBeGreaterThan(50);
  });

  // From a session-8 review: after --fix --write the report still listed the findings just fixed
  // and the run exited 1 even when nothing was left, so a pre-commit hook that fixes always failed.
  describe("--write: the report and the exit code are of the files as written", () => {
    it("everything fixed: no finding, exit 0, and a note of what was written", async () => {
      const d = folder("fix-rescan-clean");
      cpSync(UNGUARDED, join(d, "p.json"));
      cpSync(CFN_UNGUARDED, join(d, "t.yaml"));
      const r = await json(["--fix", "--write", "--account", OWN, "."], { cwd: d });
      expect(r.code, r.stderr).toBe(0);
      expect(r.findings).toEqual([]);
      expect(r.stderr).toContain(
        "deputyguard: --fix --write changed 2 files; the report is of the files as written",
      );
    });

    // From a review: the fixing pass's notes kept the lines of the file before the fix (a note at
    // line 21, inside the inserted Condition, for a finding now at line 26).
    it("a note of the fixing pass is at its finding's line in the file as written", async () => {
      const d = folder("fix-rescan-note-line");
      writeFileSync(
        join(d, "t.yaml"),
        `Parameters:
  Strict:
    Type: String
Conditions:
  IsStrict: !Equals [!Ref Strict, "yes"]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Sid: AclCheck
            Effect: Allow
            Principal:
              Service: cloudtrail.amazonaws.com
            Action: s3:GetBucketAcl
            Resource: !GetAtt Bucket.Arn
          - Sid: Write
            Effect: Allow
            Principal:
              Service: cloudtrail.amazonaws.com
            Action: s3:PutObject
            Resource: !Sub "\${Bucket.Arn}/*"
            Condition: !If
              - IsStrict
              - StringEquals:
                  aws:SourceAccount: !Ref AWS::AccountId
              - StringEquals:
                  s3:x-amz-acl: bucket-owner-full-control
`,
      );
      const r = await json(["--fix", "--write", "--account", OWN, "."], { cwd: d });
      const notes = r.report.warnings.filter((w) => w.code === "FixNote");
      expect(notes).toHaveLength(1);
      expect(r.findings.map((f) => f.line)).toEqual([notes[0]?.line]);
      expect(notes[0]?.line).toBe(26);
    });

    // From a review: with a lower-case operator written (`stringEquals`, which IAM refuses), both
    // fixers added a second `StringEquals` beside it, and the rescan called the file clean.
    it("lower-case operators: CD203 writes them as IAM does, in one pass, CloudFormation and Terraform", async () => {
      const d = folder("fix-operator-case");
      cpSync(join(TEST_FIXTURES, "cloudformation/operator-case/case-operators.yaml"), join(d, "t.yaml"));
      mkdirSync(join(d, "tf"));
      cpSync(join(TEST_FIXTURES, "terraform/operator-case/main.tf"), join(d, "tf", "main.tf"));
      const before = await json(["--account", OWN, "."], { cwd: d });
      expect(before.findings.map((f) => f.ruleId)).toEqual(["CD203", "CD203"]);
      const r = await json(["--fix", "--write", "--account", OWN, "."], { cwd: d });
      expect(r.code, r.stderr).toBe(0);
      expect(r.findings).toEqual([]);
      const yaml = read(join(d, "t.yaml"));
      expect(yaml).toContain("ArnLike:");
      expect(yaml).not.toMatch(/arnLike|stringEquals/);
      expect(read(join(d, "tf", "main.tf"))).not.toMatch(/arnlike|stringequals/);
    });

    it("--quiet leaves out the note of what was written", async () => {
      const d = folder("fix-rescan-quiet");
      cpSync(UNGUARDED, join(d, "p.json"));
      const r = await json(["--fix", "--write", "--quiet", "--account", OWN, "p.json"], { cwd: d });
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain("--fix --write changed");
    });

    it("what is left is reported: without --account the placeholder to fill in (CD204), exit 1", async () => {
      const d = folder("fix-rescan-left");
      cpSync(UNGUARDED, join(d, "p.json"));
      const r = await json(["--fix", "--write", "p.json"], { cwd: d });
      expect(r.code).toBe(1);
      expect(read(join(d, "p.json"))).toContain("ACCOUNT_ID");
      expect(r.findings.length).toBeGreaterThan(0);
      expect(new Set(r.findings.map((f) => f.ruleId))).toEqual(new Set(["CD204"]));
    });

    it("text output: the diff, then the report of the written file", async () => {
      const d = folder("fix-rescan-text");
      cpSync(UNGUARDED, join(d, "p.json"));
      const r = await checkIac(["--fix", "--write", "--account", OWN, "p.json"], { cwd: d });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^\+\+\+ b\/p\.json$/m);
      expect(r.stdout).not.toContain("CD101");
      expect(r.stdout).toContain("0 findings");
    });

    it("a note of the fixing pass stays in the report, and its finding with it", async () => {
      // A finding that holds in one branch of a conditional picked at apply: a FixNote, no edit.
      const d = folder("fix-rescan-notes");
      cpSync(UNGUARDED, join(d, "p.json"));
      writeFileSync(
        join(d, "main.tf"),
        `variable "use_topic" { type = bool }
variable "bucket" {}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish",
    Resource = "arn:aws:sns:us-east-1:210987654321:t",
    Condition = { ArnLike = { "aws:SourceArn" = var.use_topic ? "arn:aws:sns:us-east-1:210987654321:t" : "arn:aws:s3:::\${var.bucket}" } } }] })
}
`,
      );
      const r = await json(["--fix", "--write", "--account", OWN, "."], { cwd: d });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("changed 1 file;");
      expect(r.report.warnings.filter((w) => w.code === "FixNote").map((w) => w.file)).toEqual(["main.tf"]);
      expect(r.findings.map((f) => f.file)).toContain("main.tf");
      expect(r.findings.map((f) => f.file)).not.toContain("p.json");
      expect(r.findings.map((f) => f.ruleId)).toContain("CD103");
    });
  });

  describe("--write, then a rescan with the same --account, on every policy fixture with a fix", () => {
    let work: string;
    let diff: RunResult;
    let preview: RunResult;
    let after: Finding[];
    beforeAll(async () => {
      work = folder("fix-all");
      cpSync(FIXTURES, join(work, FIX_DIR), { recursive: true });
      preview = await checkIac(["--fix", "--quiet", ...FIX_ARGS, FIX_DIR], { cwd: work });
      diff = await checkIac(["--fix", "--write", "--quiet", ...FIX_ARGS, FIX_DIR], { cwd: work });
      after = (await json([...FIX_ARGS, FIX_DIR], { cwd: work })).findings;
    });

    it("writes what --fix shows, and the files stay JSON", () => {
      expectNoStack(diff);
      expect(diff.stdout).toBe(preview.stdout);
      for (const { file } of fixable) {
        expect(diff.stdout).toContain(`+++ b/${file}\n`);
        expect(() => JSON.parse(read(join(work, file)))).not.toThrow();
      }
    });

    const key = (f: Finding) => `${f.ruleId} statement ${f.statement?.index ?? "-"}`;
    for (const { file, findings } of fixable) {
      const name = relative(FIX_DIR, file);
      it(`${name}: the fixed findings are gone`, () => {
        const now = after.filter((f) => f.file === file).map(key);
        for (const f of findings) expect(now, `${key(f)} is still reported`).not.toContain(key(f));
      });
      it(`${name}: and nothing new appears`, () => {
        const before = fixBefore.filter((f) => f.file === file).map(key);
        const now = after.filter((f) => f.file === file);
        const fresh = now.filter((f) => !before.includes(key(f)));
        expect(fresh.map((f) => `${key(f)}: ${f.message}`)).toEqual([]);
      });
    }
  });
});

// --- which files --------------------------------------------------------------------------------------------------

describe("--changed-since", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, {
      cwd,
      stdio: "pipe",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
        GIT_CONFIG_NOSYSTEM: "1",
        HOME: temp.dir,
      },
    }).toString();

  it.skipIf(!commandExists("git"))("scans only files changed since the revision", async () => {
    const d = folder("changed");
    writeTree(d, {
      "a/one.json": read(UNGUARDED),
      "b/two.json": read(UNGUARDED),
      "c/three.json": read(ONLY_MEDIUM),
      "mod/main.tf": read(join(TF_UNGUARDED, "main.tf")),
      "mod/versions.tf": 'terraform {\n  required_version = ">= 1.0"\n}\n',
      "other/main.tf": read(join(TF_UNGUARDED, "main.tf")),
    });
    git(d, "init", "-q");
    git(d, "add", ".");
    git(d, "commit", "-qm", "init");
    const all = await json(["."], { cwd: d });
    expect(new Set(all.findings.map((f) => f.file)).size).toBe(5);

    // Nothing changed: nothing scanned.
    const none = await json(["--changed-since", "HEAD", "."], { cwd: d });
    expect(none.findings).toEqual([]);
    expect(none.code).toBe(0);

    writeFileSync(join(d, "b", "two.json"), read(UNGUARDED).replace("AWSCloudTrailAclCheck", "AclCheck"));
    const r = await json(["--changed-since", "HEAD", "."], { cwd: d });
    expect([...new Set(r.findings.map((f) => f.file))]).toEqual(["b/two.json"]);
    expect(r.report.summary.files).toBe(1);

    // Untracked files count as changed; a committed change since the revision too.
    writeFileSync(join(d, "c", "new.json"), read(UNGUARDED));
    git(d, "add", "b");
    git(d, "commit", "-qm", "change");
    const since = await json(["--changed-since", "HEAD~1", "."], { cwd: d });
    expect([...new Set(since.findings.map((f) => f.file))].sort()).toEqual(["b/two.json", "c/new.json"]);

    // From a subdirectory, and with files named explicitly: unchanged ones are left out.
    const sub = await json(["--changed-since", "HEAD~1", ".."], { cwd: join(d, "a") });
    expect([...new Set(sub.findings.map((f) => f.file))].sort()).toEqual(["../b/two.json", "../c/new.json"]);
    const explicit = await json(["--changed-since", "HEAD~1", "a/one.json", "b/two.json"], { cwd: d });
    expect([...new Set(explicit.findings.map((f) => f.file))]).toEqual(["b/two.json"]);
    expect(explicit.report.summary.files).toBe(1);

    // A Terraform module is scanned when any of its files changed (its policy is in another file).
    git(d, "add", ".");
    git(d, "commit", "-qm", "more");
    writeFileSync(join(d, "mod", "versions.tf"), 'terraform {\n  required_version = ">= 1.5"\n}\n');
    const tf = await json(["--changed-since", "HEAD", "."], { cwd: d });
    expect([...new Set(tf.findings.map((f) => f.file))]).toEqual(["mod/main.tf"]);

    // From a hunt: names with spaces or non-ASCII letters, which git quotes unless -z, were skipped.
    git(d, "add", ".");
    git(d, "commit", "-qm", "tf");
    writeTree(d, { "sub dir/pölicy.json": read(UNGUARDED), "nëw.json": read(UNGUARDED) });
    const odd = await json(["--changed-since", "HEAD", "."], { cwd: d });
    expect([...new Set(odd.findings.map((f) => f.file))].sort()).toEqual(["nëw.json", "sub dir/pölicy.json"]);

    // Not a revision: a usage error.
    const bad = await checkIac(["--changed-since", "no-such-ref", "."], { cwd: d });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no-such-ref: not a git revision here/);
    // Outside a git work tree it says so (session-14 CLI hunt: it said "not a git revision").
    const outside = folder("changed-outside-git");
    const noGit = await checkIac(["--changed-since", "HEAD", "."], { cwd: outside });
    expect(noGit.code).toBe(2);
    expect(noGit.stderr).toMatch(/--changed-since HEAD: the current directory is not in a git work tree/);
  });

  // From a CLI hunt: a change only in a calling module (the value it passes) changes the child
  // module's policy, whose file did not change: that finding was not reported.
  it.skipIf(!commandExists("git"))(
    "a change in a calling module reports its child module's findings",
    async () => {
      const d = folder("changed-caller");
      writeTree(d, {
        "infra/main.tf": 'module "m" {\n  source  = "./mod"\n  account = "210987654321"\n}\n',
        "infra/mod/main.tf": `variable "account" {}
resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
    Condition = { StringLike = { "aws:SourceAccount" = var.account } } }] })
}
`,
      });
      git(d, "init", "-q");
      git(d, "add", ".");
      git(d, "commit", "-qm", "init");
      writeFileSync(join(d, "infra", "main.tf"), 'module "m" {\n  source  = "./mod"\n  account = "*"\n}\n');
      const r = await json(["--changed-since", "HEAD", "--account", "210987654321", "infra"], { cwd: d });
      expect(r.findings.map((f) => [f.ruleId, f.file])).toEqual([["CD102", "infra/mod/main.tf"]]);
    },
  );
});

describe(".gitignore", () => {
  it("is honoured in directory walks, at every level; files named explicitly are still read", async () => {
    const d = folder("gitignore");
    writeTree(d, {
      ".gitignore": "build/\n*.generated.json\n",
      "keep.json": read(UNGUARDED),
      "x.generated.json": read(UNGUARDED),
      "build/out.json": read(UNGUARDED),
      "nested/.gitignore": "local.json\n!important.generated.json\n",
      "nested/local.json": read(UNGUARDED),
      "nested/kept.json": read(UNGUARDED),
      "nested/important.generated.json": read(UNGUARDED),
      "other/local.json": read(UNGUARDED),
    });
    const r = await json(["."], { cwd: d });
    expect([...new Set(r.findings.map((f) => f.file))].sort()).toEqual([
      "keep.json",
      "nested/important.generated.json",
      "nested/kept.json",
      "other/local.json",
    ]);
    const named = await json(["build/out.json"], { cwd: d });
    expect(named.findings).toHaveLength(2);
  });

  // Session-14 CLI hunt: a directory whose files a walk does not read (a policy saved as `policy`,
  // no extension) was reported clean without a word.
  it("a directory with no file of a name a scan reads says so; the file named is scanned", async () => {
    const d = folder("nothing-to-scan");
    writeTree(d, { "dd/policy": read(UNGUARDED), "empty/.keep": "" });
    for (const dir of ["dd", "empty"]) {
      const r = await json([dir], { cwd: d });
      expect(r.code).toBe(0);
      expect(r.report.warnings.map((w) => [w.code, w.file])).toEqual([["NothingToScan", dir]]);
      expect(r.report.warnings[0]?.message).toMatch(/name a file to scan it$/);
    }
    expect((await json(["dd/policy"], { cwd: d })).findings.map((f) => f.ruleId)).toEqual(["CD101", "CD101"]);
    // A directory with inputs: no such warning.
    writeTree(d, { "ok/p.json": read(UNGUARDED) });
    expect((await json(["ok"], { cwd: d })).report.warnings).toEqual([]);
  });

  // Session-14 CLI hunt: `check-iac infra` in a repository whose root .gitignore leaves out
  // `*.local.json` read them, as git would not: only the scanned directory's own .gitignore files
  // counted.
  it("of the folders above the scanned one, up to the git work tree's root", async () => {
    const d = folder("gitignore-above");
    mkdirSync(join(d, ".git"));
    writeTree(d, {
      ".gitignore": "*.local.json\ngenerated/\n",
      "infra/keep.json": read(UNGUARDED),
      "infra/a.local.json": read(UNGUARDED),
      "infra/generated/x.json": read(UNGUARDED),
    });
    const files = async (args: string[], cwd: string) =>
      [...new Set((await json(args, { cwd })).findings.map((f) => f.file))].sort();
    expect(await files(["infra"], d)).toEqual(["infra/keep.json"]);
    expect(await files(["."], join(d, "infra"))).toEqual(["keep.json"]);
    // A directory the root's patterns leave out, named: it is what was asked for.
    expect(await files(["generated"], join(d, "infra"))).toEqual(["generated/x.json"]);
    // Outside a git work tree, a .gitignore above the scanned folder is not git's: it is not read.
    const plain = folder("gitignore-above-no-git");
    writeTree(plain, { ".gitignore": "*.local.json\n", "infra/a.local.json": read(UNGUARDED) });
    expect(await files(["infra"], plain)).toEqual(["infra/a.local.json"]);
  });

  // From a hunt: Terraform modules were found by their own walk, which read neither .gitignore nor
  // the configuration's exclude.
  it("and the configuration's exclude leave Terraform modules out too", async () => {
    const d = folder("gitignore-tf");
    const tf = read(join(TF_UNGUARDED, "main.tf"));
    writeTree(d, {
      ".gitignore": "build/\n",
      "build/tf/main.tf": tf,
      "legacy/tf/main.tf": tf,
      "live/main.tf": tf,
      "deputyguard.config.json": JSON.stringify({ exclude: ["legacy/**"] }),
    });
    const r = await json(["."], { cwd: d });
    expect([...new Set(r.findings.map((f) => f.file))]).toEqual(["live/main.tf"]);
  });
});

// --- progress -------------------------------------------------------------------------------------------------------

describe("progress line", () => {
  const PROGRESS = /files…|\r/;
  const target = hasCorpus ? CORPUS : TEST_FIXTURES;

  it("is not printed when output is piped (CI unset, and CI=true)", async () => {
    const piped = await checkIac(["--format", "json", "--output", join(temp.dir, "p.json"), target], {
      env: { CI: undefined },
    });
    expect(piped.stderr).not.toMatch(PROGRESS);
    const ci = await checkIac([target], { env: { CI: "true" } });
    expect(ci.stderr).not.toMatch(PROGRESS);
    expect(ci.stdout).not.toMatch(PROGRESS);
  });

  // `script` gives the child a terminal; a scan of the corpus takes over a second.
  it.skipIf(!commandExists("script") || !hasCorpus)(
    "is printed on a terminal for a long scan, but not with CI=true or --quiet",
    async () => {
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(CHECK_IAC)} --format json --output /dev/null ${JSON.stringify(CORPUS)} ${JSON.stringify(TEST_FIXTURES)}`;
      const tty = await sh("script", ["-qec", cmd, "/dev/null"], { cwd: temp.dir, env: { CI: undefined } });
      expect(tty.stdout).toMatch(/deputyguard: \d+\/\d+ files…/);
      const ci = await sh("script", ["-qec", cmd, "/dev/null"], { cwd: temp.dir, env: { CI: "true" } });
      expect(ci.stdout).not.toMatch(PROGRESS);
      const quiet = await sh(
        "script",
        ["-qec", cmd.replace("--format json", "--quiet --format json"), "/dev/null"],
        {
          cwd: temp.dir,
          env: { CI: undefined },
        },
      );
      expect(quiet.stdout).not.toMatch(PROGRESS);
    },
  );
});

// --- services ---------------------------------------------------------------------------------------------------------

describe("deputyguard services", () => {
  it("prints the service knowledge table", async () => {
    const r = await deputyguard(["services"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^SERVICE\s+PRINCIPALS\s+SOURCE ARN FORMATS/);
    expect(r.stdout).toMatch(/cloudtrail\.amazonaws\.com/);
  });

  it("--format json: an array of services with their keys", async () => {
    const r = await deputyguard(["services", "--format", "json"]);
    expect(r.code).toBe(0);
    const services = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(Array.isArray(services)).toBe(true);
    expect(services.length).toBeGreaterThan(30);
    for (const s of services) {
      for (const key of [
        "service",
        "principals",
        "sourceArnFormats",
        "accountInArn",
        "keysSent",
        "alternativeGuardKeys",
        "passRoleBound",
        "sources",
      ])
        expect(s, `${String(s.service)} has ${key}`).toHaveProperty(key);
      expect(typeof s.service).toBe("string");
      expect(Array.isArray(s.principals)).toBe(true);
      expect((s.principals as string[]).every((p) => /\.amazon(aws)?\.com(\.cn)?$/.test(p))).toBe(true);
      expect(Array.isArray(s.sourceArnFormats)).toBe(true);
      expect([true, false, "some", "unknown"]).toContain(s.accountInArn);
      expect(typeof s.keysSent).toBe("object");
      expect(Array.isArray(s.alternativeGuardKeys)).toBe(true);
      expect(typeof s.passRoleBound).toBe("boolean");
      expect((s.sources as string[]).every((u) => u.startsWith("https://"))).toBe(true);
    }
    const lambda = services.find((s) => (s.principals as string[]).includes("lambda.amazonaws.com"));
    expect(lambda?.passRoleBound).toBe(true);
    const bad = await deputyguard(["services", "--format", "xml"]);
    expect(bad.code).toBe(2);
  });
});

// --- integrations -----------------------------------------------------------------------------------------------------

describe("GitHub Action", () => {
  it("action.yml runs scripts/action.sh with the inputs and uploads the SARIF", () => {
    const action = parseYaml(read(join(ROOT, "action.yml"))) as {
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
      runs: { using: string; steps: Array<{ run?: string; uses?: string; env?: Record<string, string> }> };
    };
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(["paths", "fail-on", "config", "sarif-file"]),
    );
    expect(action.inputs["fail-on"]?.default).toBe("medium");
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(["sarif-file", "exit-code"]));
    expect(action.runs.using).toBe("composite");
    const scan = action.runs.steps.find((s) => s.run?.includes("scripts/action.sh"));
    expect(scan?.env).toMatchObject({
      INPUT_PATHS: "${{ inputs.paths }}",
      INPUT_FAIL_ON: "${{ inputs.fail-on }}",
      INPUT_CONFIG: "${{ inputs.config }}",
      INPUT_SARIF_FILE: "${{ inputs.sarif-file }}",
    });
    expect(action.runs.steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"))).toBe(true);
  });

  const action = (cwd: string, env: Record<string, string>) =>
    sh("bash", [join(ROOT, "scripts", "action.sh")], { cwd, env: { CI: "true", ...env } });

  it("writes a valid SARIF file and the exit code (without building: dist exists)", async () => {
    const d = folder("action");
    writeTree(d, {
      "infra/trail.json": read(UNGUARDED),
      "infra/sns.json": read(ONLY_MEDIUM),
      "package.json": '{ "name": "app", "version": "1.0.0" }\n',
      "stack/template.yaml": read(CFN_UNGUARDED),
    });
    const out = join(d, "github-output.txt");
    writeFileSync(out, "");
    const r = await action(d, {
      INPUT_PATHS: "infra stack",
      INPUT_FAIL_ON: "medium",
      INPUT_SARIF_FILE: "results.sarif",
      GITHUB_OUTPUT: out,
    });
    expect(r.stderr).not.toMatch(/pnpm|build failed/);
    expect(r.code).toBe(1);
    const outputs = read(out);
    expect(outputs).toMatch(/^sarif-file=results\.sarif$/m);
    expect(outputs).toMatch(/^exit-code=1$/m);
    const log = JSON.parse(read(join(d, "results.sarif"))) as SarifLog;
    if (hasSarifSchema) expectValidSarif(log);
    expect(log.runs[0]?.results.length).toBe(5);
    // The findings are in the log too.
    expect(r.stderr).toMatch(/CD101/);
    expect(r.stdout).not.toMatch(/CD101/);
  });

  it("fail-on and config inputs", async () => {
    const d = folder("action inputs");
    writeTree(d, {
      "sns.json": read(ONLY_MEDIUM),
      "conf dir/deputyguard settings.yaml": "rules:\n  CD103: off\n",
    });
    const out = join(d, "out.txt");
    writeFileSync(out, "");
    const high = await action(d, {
      INPUT_PATHS: ".",
      INPUT_FAIL_ON: "high",
      INPUT_SARIF_FILE: "r.sarif",
      GITHUB_OUTPUT: out,
    });
    expect(high.code).toBe(0);
    expect(read(out)).toMatch(/^exit-code=0$/m);
    expect((JSON.parse(read(join(d, "r.sarif"))) as SarifLog).runs[0]?.results).toHaveLength(1);
    writeFileSync(out, "");
    const configured = await action(d, {
      INPUT_PATHS: "sns.json",
      INPUT_CONFIG: join(d, "conf dir", "deputyguard settings.yaml"),
      INPUT_SARIF_FILE: "c.sarif",
      GITHUB_OUTPUT: out,
    });
    expect(configured.code).toBe(0);
    expect(configured.stderr).not.toMatch(/Run with --help/);
    expect((JSON.parse(read(join(d, "c.sarif"))) as SarifLog).runs[0]?.results).toHaveLength(0);
    // Bad input: exit code 2, still a SARIF file to upload.
    writeFileSync(out, "");
    writeFileSync(join(d, "broken.json"), '{"Statement": [');
    const broken = await action(d, {
      INPUT_PATHS: "broken.json",
      INPUT_SARIF_FILE: "b.sarif",
      GITHUB_OUTPUT: out,
    });
    expect(broken.code).toBe(2);
    expect(read(out)).toMatch(/^exit-code=2$/m);
    const log = JSON.parse(read(join(d, "b.sarif"))) as SarifLog;
    if (hasSarifSchema) expectValidSarif(log);
    expect(log.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
  });
});

describe("pre-commit hook", () => {
  it(".pre-commit-hooks.yaml runs scripts/pre-commit.sh on the files it can read", () => {
    const hooks = parseYaml(read(join(ROOT, ".pre-commit-hooks.yaml"))) as Array<{
      id: string;
      entry: string;
      language: string;
      files: string;
    }>;
    const hook = hooks.find((h) => h.id === "deputyguard");
    expect(hook?.entry).toBe("scripts/pre-commit.sh");
    expect(existsSync(join(ROOT, hook?.entry ?? "none"))).toBe(true);
    const files = new RegExp(hook?.files ?? "^$");
    for (const f of [
      "policy.json",
      "template.yaml",
      "t.yml",
      "main.tf",
      "main.tf.json",
      "x.tofu",
      "s.template",
    ])
      expect(files.test(f), f).toBe(true);
    for (const f of ["README.md", "index.ts"]) expect(files.test(f), f).toBe(false);
  });

  const hook = (cwd: string, files: string[]) =>
    sh("bash", [join(ROOT, "scripts", "pre-commit.sh"), ...files], { cwd });

  it("exits as the CLI does, and does not fail on files that are no policy", async () => {
    const d = folder("pre-commit");
    writeTree(d, {
      "trail.json": read(UNGUARDED),
      "clean.json": read(CLEAN),
      "package.json": '{ "name": "app", "version": "1.0.0", "keywords": ["Statement"] }\n',
      "tsconfig.json": '{ "compilerOptions": { "strict": true } }\n',
      ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: []\n",
      "main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
    });
    const other = ["package.json", "tsconfig.json", ".github/workflows/ci.yml", "main.tf"];
    const failing = await hook(d, ["trail.json", ...other]);
    const cli = await checkIac(["trail.json"], { cwd: d });
    expect(cli.code).toBe(1);
    expect(failing.code).toBe(cli.code);
    expect(failing.stdout).toMatch(/CD101/);
    expect(failing.stdout + failing.stderr).not.toMatch(/package\.json|tsconfig\.json|ci\.yml/);
    const passing = await hook(d, ["clean.json", ...other]);
    expect(passing.code).toBe(0);
    expect((await hook(d, other)).code).toBe(0);
    expect((await hook(d, [])).code).toBe(0);
    // A broken policy is still an error (2), as with the CLI.
    writeFileSync(join(d, "broken.json"), '{"Version": "2012-10-17", "Statement": [ {"Effect": "Allow",');
    expect((await hook(d, ["broken.json", "package.json"])).code).toBe(2);
  });
});
