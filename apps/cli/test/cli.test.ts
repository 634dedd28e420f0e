// End-to-end tests of the BUILT command line (`pnpm build` first): every case runs
// `node apps/cli/bin/check-iac.js ...` or `node apps/cli/bin/deputyguard.js ...` as a child process.
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { writeBigPolicy } from "./helpers/big.js";
import {
  assertBuilt,
  CHECK_IAC,
  CLI_DIR,
  checkIac,
  cleanup,
  compareFindings,
  deputyguard,
  EXAMPLES,
  FIXTURES,
  MEASURE,
  parseReport,
  type RunResult,
  runNode,
  STACK_FRAME,
  tempDir,
  validateOutput,
} from "./helpers/cli.js";
import {
  expectedFixtures,
  filesUnder,
  optionArgs,
  policyFixtures,
  statementCount,
} from "./helpers/fixtures.js";

const RULES = join(FIXTURES, "rules");
const fx = (rule: string, name: string): string => join(RULES, rule, `${name}.json`);

/** CD101 (high): CloudTrail may write to the bucket with no source guard. */
const UNGUARDED = fx("CD101", "invalid-01-cloudtrail-bucket-no-source-condition");
/** No finding at all. */
const CLEAN = fx("CD101", "valid-01-cloudtrail-bucket-guarded");

/** CD103 on a source ARN written with Fn::If: the fix is for one branch only, so it is a FixNote. */
const IF_BRANCH_TEMPLATE = `Parameters:
  Env: { Type: String, AllowedValues: [prod, dev] }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  TP:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: s3.amazonaws.com }
            Action: sns:Publish
            Resource: "*"
            Condition:
              ArnLike:
                aws:SourceArn: !If [IsProd, "arn:aws:s3:::prod-bucket", "arn:aws:s3:::dev-bucket"]
`;
/** Only CD103 (medium). */
const ONLY_MEDIUM = fx("CD103", "invalid-01-sns-s3-event-bucket-arn-only");
/** Only CD105 (low). */
const ONLY_LOW = fx("CD105", "invalid-02-dms-role-trust-stringlike");
/** A literal account (246813579135) in aws:SourceArn: ours unless --account says otherwise. */
const LITERAL_ACCOUNT = fx("CD102", "invalid-05-cloudtrail-bucket-literal-account-not-ours");
/** A lambda role trust policy: PassRole-bound, CD101 at low only with --strict. */
const LAMBDA_TRUST = fx("CD101", "valid-02-lambda-role-trust");
const CLI_VERSION = (JSON.parse(readFileSync(join(CLI_DIR, "package.json"), "utf8")) as { version: string })
  .version;

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[`);

/** Nothing that looks like a JavaScript stack trace, on either stream. */
function expectNoStack(r: RunResult): void {
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.stdout).not.toMatch(STACK_FRAME);
}

/** A usage error: exit 2, one message on stderr (plus the --help hint), nothing on stdout. */
function expectUsageError(r: RunResult, mentions: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(mentions);
  const lines = r.stderr.trim().split("\n");
  expect(lines[0]).toMatch(/^deputyguard: /);
  expect(lines.length).toBeLessThanOrEqual(2);
  expectNoStack(r);
}

function jsonRun(args: string[], options?: Parameters<typeof checkIac>[1]) {
  return checkIac(["--format", "json", ...args], options).then((r) => {
    expectNoStack(r);
    return { ...r, report: parseReport(r.stdout) };
  });
}

/** The policy that AWS documents for CloudTrail, unguarded, for a file written by a test. */
const UNGUARDED_TEXT = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AclCheck",
      "Effect": "Allow",
      "Principal": { "Service": "cloudtrail.amazonaws.com" },
      "Action": "s3:GetBucketAcl",
      "Resource": "arn:aws:s3:::acme-trail"
    }
  ]
}
`;

let tmp: string;
beforeAll(() => {
  assertBuilt();
  tmp = tempDir();
});
afterAll(() => cleanup(tmp));

describe.concurrent("exit codes", () => {
  it("0 when nothing is found", async () => {
    const r = await checkIac([CLEAN]);
    expect(r.code).toBe(0);
    expectNoStack(r);
  });

  it("1 when a finding is at or above --fail-on (default medium)", async () => {
    expect((await checkIac([UNGUARDED])).code).toBe(1);
    expect((await checkIac([ONLY_MEDIUM])).code).toBe(1);
    expect((await checkIac(["--fail-on", "medium", ONLY_MEDIUM])).code).toBe(1);
    expect((await checkIac(["--fail-on", "low", ONLY_LOW])).code).toBe(1);
    expect((await checkIac(["--fail-on", "info", ONLY_LOW])).code).toBe(1);
    expect((await checkIac([EXAMPLES])).code).toBe(1);
  });

  it("0 when findings are below the threshold", async () => {
    // low is below the default medium
    const low = await checkIac([ONLY_LOW]);
    expect(low.code).toBe(0);
    expect(low.stdout).toMatch(/CD105/);
    const medium = await checkIac(["--fail-on", "high", ONLY_MEDIUM, ONLY_LOW]);
    expect(medium.code).toBe(0);
    expect(medium.stdout).toMatch(/CD103/);
    expect((await checkIac(["--fail-on", "high", UNGUARDED])).code).toBe(1);
  });

  it("2 for usage errors, with one message and no stack", async () => {
    expectUsageError(await checkIac(["--format", "xml", CLEAN]), /--format.*"xml"/);
    expectUsageError(await checkIac(["--fail-on", "extreme", CLEAN]), /--fail-on.*"extreme"/);
    expectUsageError(await checkIac(["--account", "12", CLEAN]), /--account.*"12"/);
    expectUsageError(await checkIac(["--org-id", "acme", CLEAN]), /--org-id.*"acme"/);
    expectUsageError(await checkIac(["--max-file-size", "lots", CLEAN]), /--max-file-size.*"lots"/);
    expectUsageError(await checkIac(["--no-such-option", CLEAN]), /--no-such-option/);
    expectUsageError(await deputyguard(["frobnicate"]), /unknown command "frobnicate"/);
    expectUsageError(await deputyguard(["rules", "extra"]), /rules takes no arguments/);
    expectUsageError(await deputyguard(["explain"]), /explain takes one rule id/);
    // From a hunt: "- -" read standard input twice (the second read empty: an error), and --fix on
    // standard input fixed nothing and said nothing.
    expectUsageError(await checkIac(["-", "-"]), /standard input \("-"\) can be named once/);
    expectUsageError(await checkIac(["--fix", "-"]), /--fix edits files: it cannot edit standard input/);
  });

  it("2 for an unreadable input, while the other files are still scanned and reported", async () => {
    const missing = join(tmp, "does-not-exist.json");
    const r = await jsonRun([UNGUARDED, missing, ONLY_MEDIUM]);
    expect(r.code).toBe(2);
    expect(r.report.errors).toHaveLength(1);
    expect(r.report.errors[0]).toMatchObject({ file: missing, code: "ReadError" });
    expect(r.report.errors[0]?.message).toMatch(/ENOENT/);
    expect(new Set(r.report.findings.map((f) => f.file))).toEqual(new Set([UNGUARDED, ONLY_MEDIUM]));
    expect(r.report.summary).toMatchObject({ files: 2, errors: 1 });
  });

  it("2 when the report cannot be written", async () => {
    const r = await checkIac(["--output", join(tmp, "no", "such", "dir", "out.txt"), UNGUARDED]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*out\.txt: ENOENT/);
    expectNoStack(r);
  });

  it("3 for an internal error, reported without a stack", async () => {
    // An internal failure cannot be provoked from outside; drive the same entry point the bins use.
    let out = "";
    let err = "";
    const code = await main(
      ["-"],
      { defaultCommand: "scan" },
      {
        stdout: (s) => {
          out += s;
        },
        stderr: (s) => {
          err += s;
        },
        readStdin: () => Promise.reject(new Error("stdin exploded")),
        isTTY: false,
      },
    );
    // A failure on one input is reported at that input (the others are still scanned), exit 3.
    expect(code).toBe(3);
    expect(out).toContain(
      "<stdin>: error InternalError: internal error while checking this input (stdin exploded)",
    );
    expect(`${out}${err}`).not.toMatch(/\n\s+at /);
    expect(err).toBe("");
  });
});

describe.concurrent("--format json", () => {
  it("validates against output.schema.json on every fixture, ordered by file, line, column, rule id", async () => {
    const fixtures = policyFixtures();
    const r = await jsonRun(["--fail-on", "high", FIXTURES]);
    expect([0, 1]).toContain(r.code);
    expect(r.report.errors).toEqual([]);
    // The walk finds every policy fixture (and skips the .expected.json files).
    expect(r.report.summary.files).toBe(fixtures.length);
    expect(new Set(r.report.findings.map((f) => f.file)).size).toBeGreaterThan(50);
    const sorted = [...r.report.findings].sort(compareFindings);
    expect(r.report.findings.map((f) => `${f.file}:${f.line}:${f.column}:${f.ruleId}`)).toEqual(
      sorted.map((f) => `${f.file}:${f.line}:${f.column}:${f.ruleId}`),
    );
    // Every rule that has fixtures shows up, with its slug.
    const ids = new Set(r.report.findings.map((f) => f.ruleId));
    for (const id of [
      "CD101",
      "CD102",
      "CD103",
      "CD104",
      "CD105",
      "CD201",
      "CD202",
      "CD203",
      "CD204",
      "CD205",
    ])
      expect(ids).toContain(id);
    for (const f of r.report.findings) {
      expect(f.resource).toBeNull();
      expect(f.statement).not.toBeNull();
      if (f.endLine === f.line) expect(f.endColumn).toBeGreaterThan(f.column);
      else expect(f.endLine).toBeGreaterThan(f.line);
    }
  });

  // Regression: `fix.condition` was printed before the schema described it.
  it("validates against output.schema.json as printed, with nothing removed", async () => {
    const r = await checkIac(["--format", "json", EXAMPLES]);
    const v = validateOutput(JSON.parse(r.stdout));
    expect(v.errors).toBe("");
    expect(v.ok).toBe(true);
  });

  it("gives each fixture exactly its expected findings (ruleId, line, column)", async () => {
    const groups = new Map<string, ReturnType<typeof expectedFixtures>>();
    for (const e of expectedFixtures()) {
      const key = JSON.stringify(optionArgs(e.options));
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    expect(groups.size).toBeGreaterThan(0);
    for (const [key, list] of groups) {
      const r = await jsonRun([
        "--fail-on",
        "high",
        ...(JSON.parse(key) as string[]),
        ...list.map((e) => e.policy),
      ]);
      expect(r.report.errors).toEqual([]);
      for (const e of list) {
        const got = r.report.findings
          .filter((f) => f.file === e.policy)
          .map((f) => `${f.ruleId}@${f.line}:${f.column}`)
          .sort();
        const want = e.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}`).sort();
        expect(got, `${e.policy} ${key}`).toEqual(want);
      }
    }
  });

  it("on examples/: schema, summary counts, witnesses and fixes", async () => {
    const r = await jsonRun([EXAMPLES]);
    expect(r.code).toBe(1);
    // The counts are checked on the policy JSON examples; the template and the module beside them
    // are checked by the adapters' own suites.
    const files = policyFilesIn(EXAMPLES).filter((f) => !f.includes("/cloudformation/"));
    const flat = await jsonRun(files);
    const s = flat.report.summary;
    expect(s.files).toBe(files.length);
    expect(s.policies).toBe(files.length);
    expect(s.statements).toBe(files.reduce((n, f) => n + statementCount(f), 0));
    expect(s.findings).toBe(flat.report.findings.length);
    expect(s.errors).toBe(0);
    expect(r.report.summary.errors).toBe(0);
    expect(r.report.findings.length).toBeGreaterThan(flat.report.findings.length);
    expect(r.report.tool).toEqual({ name: "deputyguard", version: CLI_VERSION });
    expect(r.report.version).toBe(1);
    for (const f of r.report.findings) {
      // `file` is the path as found under the directory given.
      expect(f.file.startsWith(EXAMPLES)).toBe(true);
      if (["CD101", "CD102", "CD104"].includes(f.ruleId)) {
        expect(f.witness, `${f.ruleId} ${f.file}`).toBeDefined();
        expect(f.principals).toContain(f.witness?.principal);
      }
    }
  });

  it("--output FILE writes the report and nothing to stdout", async () => {
    const out = join(tmp, "report.json");
    const r = await checkIac(["--format", "json", "--output", out, UNGUARDED]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("");
    const report = parseReport(readFileSync(out, "utf8"));
    expect(report.findings.map((f) => `${f.ruleId}@${f.line}`)).toEqual(["CD101@4", "CD101@13"]);

    const txt = join(tmp, "report.txt");
    const t = await checkIac(["--output", txt, UNGUARDED], { env: { NO_COLOR: undefined } });
    expect(t.stdout).toBe("");
    const text = readFileSync(txt, "utf8");
    expect(text).toMatch(/CD101 service-principal-without-source-guard/);
    expect(text).not.toMatch(ANSI);
  });

  it("reports a file with no findings with empty lists", async () => {
    const r = await jsonRun([CLEAN]);
    expect(r.report.findings).toEqual([]);
    expect(r.report.errors).toEqual([]);
    expect(r.report.summary).toEqual({
      files: 1,
      policies: 1,
      statements: 2,
      findings: 0,
      suppressed: 0,
      errors: 0,
    });
  });
});

function policyFilesIn(dir: string): string[] {
  return filesUnder(dir).filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"));
}

/** The lines of a text report that head a file's group (not indented, not a diagnostic, not the summary). */
const FINDING_LINE = /^ {2}(\d+):(\d+) {2}(high|medium|low|info) {2}(CD\d{3}) ([a-z0-9-]+)/;
const SUMMARY_LINE =
  /^(\d+) findings? (\([^)]*\) )?in \d+ files?, \d+ polic(y|ies), \d+ statements?(; \d+ errors?)?$/;

describe.concurrent("--format text", () => {
  it("groups findings by file, with code frames, a > marker, a caret and a summary line", async () => {
    const [text, json] = await Promise.all([checkIac([EXAMPLES]), jsonRun([EXAMPLES])]);
    expect(text.code).toBe(1);
    expectNoStack(text);
    const lines = text.stdout.split("\n");
    // Groups: a header per file, in order, then its findings in the JSON order.
    const groups: { file: string; findings: string[] }[] = [];
    for (const l of lines) {
      if (l === "" || SUMMARY_LINE.test(l)) continue;
      if (!l.startsWith(" ")) groups.push({ file: l, findings: [] });
      else {
        const m = FINDING_LINE.exec(l);
        if (m) groups.at(-1)?.findings.push(`${m[1]}:${m[2]} ${m[3]} ${m[4]} ${m[5]}`);
      }
    }
    const want: { file: string; findings: string[] }[] = [];
    for (const f of json.report.findings) {
      if (want.at(-1)?.file !== f.file) want.push({ file: f.file, findings: [] });
      want.at(-1)?.findings.push(`${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.rule}`);
    }
    expect(groups).toEqual(want);
    expect(new Set(groups.map((g) => g.file)).size).toBe(groups.length);

    // One code frame per finding: the `>` line is the element's line, the caret sits under its column.
    const frames: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const m = /^ {2}> +(\d+) \| (.*)$/.exec(lines[i] ?? "");
      if (!m) continue;
      const caretLine = lines[i + 1] ?? "";
      expect(caretLine).toMatch(/^ +\| *\^$/);
      const bar = (lines[i] ?? "").indexOf(" | ") + 3;
      expect(caretLine.indexOf(" | ") + 3).toBe(bar);
      frames.push(`${m[1]}:${caretLine.indexOf("^") - bar + 1}`);
    }
    expect(frames).toEqual(
      json.report.findings.map((f) => `${(f.element ?? f).line}:${(f.element ?? f).column}`),
    );
    // Context lines around the marked one.
    expect(lines.filter((l) => /^ {4}\d+ \| /.test(l) || /^ {4} +\d+ \| /.test(l)).length).toBeGreaterThan(0);

    const s = json.report.summary;
    const last = lines.filter((l) => l !== "").at(-1) ?? "";
    expect(last).toMatch(SUMMARY_LINE);
    expect(last).toContain(`${s.findings} finding`);
    expect(last).toContain(`in ${s.files} files, ${s.policies} policies, ${s.statements} statements`);
  });

  it("prints witness and fix under a finding", async () => {
    const r = await checkIac([UNGUARDED]);
    expect(r.stdout).toMatch(/^ {4}witness: cloudtrail\.amazonaws\.com /m);
    expect(r.stdout).toMatch(/^ {4}fix:$/m);
    expect(r.stdout).toMatch(/"aws:SourceAccount": "ACCOUNT_ID"/);
  });

  it("has no ANSI escapes when NO_COLOR=1 or when the output is piped, unless FORCE_COLOR says so", async () => {
    const noColor = await checkIac([EXAMPLES], { env: { NO_COLOR: "1" } });
    expect(noColor.stdout).not.toMatch(ANSI);
    const piped = await checkIac([EXAMPLES], { env: { NO_COLOR: undefined, FORCE_COLOR: undefined } });
    expect(piped.stdout).not.toMatch(ANSI);
    expect(piped.stdout).toBe(noColor.stdout);
    // Session-14 CLI hunt: FORCE_COLOR was ignored. It colours piped output (a CI log), as Node
    // reads it: 0 or false turns colour off; NO_COLOR and --output still win.
    const forced = await checkIac([EXAMPLES], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
    expect(forced.stdout).toMatch(ANSI);
    expect(forced.stdout.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "")).toBe(noColor.stdout);
    for (const env of [
      { NO_COLOR: undefined, FORCE_COLOR: "0" },
      { NO_COLOR: undefined, FORCE_COLOR: "false" },
      { NO_COLOR: "1", FORCE_COLOR: "1" },
    ])
      expect((await checkIac([EXAMPLES], { env })).stdout).not.toMatch(ANSI);
    // Set but empty: on, as Node reads it (session-15 review).
    expect((await checkIac([EXAMPLES], { env: { NO_COLOR: undefined, FORCE_COLOR: "" } })).stdout).toMatch(
      ANSI,
    );
    const usage = await checkIac(["--format", "xml"], { env: { NO_COLOR: undefined } });
    expect(usage.stderr).not.toMatch(ANSI);
  });

  it.skipIf(!existsSync("/usr/bin/script") || process.platform !== "linux")(
    "colours a terminal, unless NO_COLOR is set",
    async () => {
      // util-linux `script` gives the CLI a pseudo-terminal for stdout.
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(CHECK_IAC)} ${JSON.stringify(UNGUARDED)}`;
      const tty = await runNode(
        "-e",
        [
          `const r=require("node:child_process").spawnSync("script",["-qec",${JSON.stringify(cmd)},"/dev/null"],{encoding:"utf8",env:process.env});process.stdout.write(r.stdout)`,
        ],
        { env: { NO_COLOR: undefined, TERM: "xterm-256color", CI: undefined } },
      );
      expect(tty.stdout).toMatch(ANSI);
      const ttyNoColor = await runNode(
        "-e",
        [
          `const r=require("node:child_process").spawnSync("script",["-qec",${JSON.stringify(cmd)},"/dev/null"],{encoding:"utf8",env:process.env});process.stdout.write(r.stdout)`,
        ],
        { env: { NO_COLOR: "1", TERM: "xterm-256color" } },
      );
      expect(ttyNoColor.stdout).toMatch(/CD101/);
      expect(ttyNoColor.stdout).not.toMatch(ANSI);
    },
  );
});

describe.concurrent("options", () => {
  it("--account: a literal account that is not ours becomes CD102; repeatable", async () => {
    const trusted = await jsonRun([LITERAL_ACCOUNT]);
    expect(trusted.code).toBe(0);
    expect(trusted.report.findings).toEqual([]);
    const foreign = await jsonRun(["--account", "210987654321", LITERAL_ACCOUNT]);
    expect(foreign.code).toBe(1);
    expect(foreign.report.findings.map((f) => `${f.ruleId}@${f.line}`)).toEqual(["CD102@4", "CD102@18"]);
    expect(foreign.report.findings[0]?.witness?.context["aws:SourceAccount"]).toBe("246813579135");
    // The fix names our account.
    expect(foreign.report.findings[0]?.fix?.text).toContain("210987654321");
    const both = await jsonRun(["--account", "210987654321", "--account", "246813579135", LITERAL_ACCOUNT]);
    expect(both.code).toBe(0);
    expect(both.report.findings).toEqual([]);
  });

  it("--account fills our account into fixes instead of a placeholder", async () => {
    const without = await jsonRun([UNGUARDED]);
    expect(without.report.findings[0]?.fix?.text).toContain("ACCOUNT_ID");
    const withAccount = await jsonRun(["--account", "210987654321", UNGUARDED]);
    expect(withAccount.report.findings[0]?.fix?.text).toContain("210987654321");
    expect(withAccount.report.findings[0]?.fix?.text).not.toContain("ACCOUNT_ID");
  });

  it("--org-id (repeatable) decides whether a literal aws:SourceOrgID is ours", async () => {
    const file = join(tmp, "org-guard.json");
    writeFileSync(
      file,
      JSON.stringify(
        {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "OrgGuard",
              Effect: "Allow",
              Principal: { Service: "cloudtrail.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: "arn:aws:s3:::acme-trail/*",
              Condition: { StringEquals: { "aws:SourceOrgID": "o-abcdef1234" } },
            },
          ],
        },
        null,
        2,
      ),
    );
    expect((await jsonRun([file])).report.findings).toEqual([]);
    const other = await jsonRun(["--org-id", "o-zzzzzzzzzz", file]);
    expect(other.code).toBe(1);
    expect(other.report.findings.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(other.report.findings[0]?.witness?.context["aws:SourceOrgID"]).toBe("o-abcdef1234");
    const ours = await jsonRun(["--org-id", "o-zzzzzzzzzz", "--org-id", "o-abcdef1234", file]);
    expect(ours.code).toBe(0);
    expect(ours.report.findings).toEqual([]);
  });

  it("--strict reports a PassRole-bound lambda trust policy as CD101 at low", async () => {
    const plain = await jsonRun([LAMBDA_TRUST]);
    expect(plain.code).toBe(0);
    expect(plain.report.findings).toEqual([]);
    const strict = await jsonRun(["--strict", LAMBDA_TRUST]);
    expect(strict.code).toBe(0); // low is below the default --fail-on medium
    expect(strict.report.findings.map((f) => `${f.ruleId}/${f.severity}`)).toEqual(["CD101/low"]);
    expect(strict.report.findings[0]?.principals).toEqual(["lambda.amazonaws.com"]);
    expect((await checkIac(["--strict", "--fail-on", "low", LAMBDA_TRUST])).code).toBe(1);
  });

  it("--quiet prints findings and errors only", async () => {
    const file = join(tmp, "odd-element.json");
    // An element IAM does not know is a warning, not an error.
    writeFileSync(file, UNGUARDED_TEXT.replace('"Version"', '"Comment": "hello",\n  "Version"'));
    const loud = await checkIac([file]);
    const quiet = await checkIac(["--quiet", file]);
    expect(loud.stdout).toMatch(/warning/);
    expect(loud.stdout.trim().split("\n").at(-1)).toMatch(SUMMARY_LINE);
    expect(quiet.code).toBe(loud.code);
    expect(quiet.stdout).toMatch(/CD101/);
    expect(quiet.stdout).not.toMatch(/warning/);
    expect(quiet.stdout).not.toMatch(/^\d+ findings? /m);
    const clean = await checkIac(["--quiet", CLEAN]);
    expect(clean.code).toBe(0);
    expect(clean.stdout.trim()).toBe("");
    const missing = await checkIac(["--quiet", join(tmp, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/nope\.json: error ReadError/);
  });

  it("--version and --help on both bins", async () => {
    for (const r of [
      await checkIac(["--version"]),
      await deputyguard(["--version"]),
      await deputyguard(["scan", "--version"]),
    ]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${CLI_VERSION}\n`);
    }
    for (const r of [
      await checkIac(["--help"]),
      await checkIac(["-h"]),
      await deputyguard(["--help"]),
      await deputyguard([]),
      await deputyguard(["scan", "--help"]),
    ]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage:/);
      for (const o of ["--format", "--output", "--fail-on", "--account", "--org-id", "--strict", "--quiet"])
        expect(r.stdout).toContain(o);
      expect(r.stdout).toMatch(/Exit codes/);
    }
  });

  it("deputyguard scan is check-iac", async () => {
    const a = await checkIac(["--format", "json", EXAMPLES]);
    const b = await deputyguard(["scan", "--format", "json", EXAMPLES]);
    expect(b.code).toBe(a.code);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe.concurrent("standard input", () => {
  it("- reads one document from stdin", async () => {
    const r = await jsonRun(["-"], { input: UNGUARDED_TEXT });
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => `${f.file} ${f.ruleId} ${f.line}:${f.column}`)).toEqual([
      "<stdin> CD101 4:5",
    ]);
    expect(r.report.summary).toMatchObject({ files: 1, policies: 1, statements: 1 });
    const text = await checkIac(["-"], { input: UNGUARDED_TEXT });
    expect(text.stdout.split("\n")[0]).toBe("<stdin>");
    expect(text.stdout).toMatch(/^ {2}> 7 \| /m);
  });

  it("- with a file: both are scanned", async () => {
    const r = await jsonRun(["-", ONLY_MEDIUM], { input: UNGUARDED_TEXT });
    expect(new Set(r.report.findings.map((f) => f.file))).toEqual(new Set(["<stdin>", ONLY_MEDIUM]));
  });

  it("bad JSON on stdin is an input error at its line", async () => {
    const r = await checkIac(["-"], { input: '{\n  "Statement": [\n    {"Effect": "Allow",,}\n  ]\n}\n' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^<stdin>:3:\d+: error ParseError: /m);
    expectNoStack(r);
  });

  it("empty stdin is an error", async () => {
    const r = await checkIac(["-"], { input: "" });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^<stdin>: error NotRecognised: .*empty/m);
  });
});

describe("directory walk", () => {
  let dir: string;
  beforeAll(() => {
    dir = join(tmp, "walk");
    const put = (rel: string, text: string): void => {
      mkdirSync(join(dir, rel, ".."), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    put("bucket-policy.json", UNGUARDED_TEXT);
    put("nested/deeper/Queue-Policy.JSON", UNGUARDED_TEXT);
    put("package.json", '{ "name": "x", "version": "1.0.0", "keywords": ["IAM", "Statement", "Effect"] }\n');
    put("tsconfig.json", '{ "compilerOptions": { "strict": true } }\n');
    put("data/settings.json", '[{ "a": 1 }, { "b": 2 }]\n');
    put("data/statement-words.json", '{ "label": "Statement", "text": "\\"Effect\\": \\"Allow\\"" }\n');
    put("data/empty.json", "");
    put("notes.txt", UNGUARDED_TEXT); // a policy, but the walk only reads .json files
    put("readme.md", "# Policies\n\nThe bucket policies live here.\n");
    for (const skipped of ["node_modules/pkg", ".git/objects", ".terraform/modules/m"])
      put(`${skipped}/policy.json`, UNGUARDED_TEXT);
  });

  it("recognises policy JSON by content, skips other JSON silently, and does not enter node_modules, .git, .terraform", async () => {
    const r = await jsonRun([dir]);
    expect(r.code).toBe(1);
    expect(r.report.errors).toEqual([]);
    expect(r.report.warnings).toEqual([]);
    expect([...new Set(r.report.findings.map((f) => f.file))].sort()).toEqual(
      [join(dir, "bucket-policy.json"), join(dir, "nested", "deeper", "Queue-Policy.JSON")].sort(),
    );
    expect(r.report.summary).toMatchObject({ files: 2, policies: 2, statements: 2, errors: 0 });
    const text = await checkIac([dir]);
    expect(text.stdout).not.toMatch(/node_modules|\.git|\.terraform|package\.json|tsconfig/);
  });

  it("reports paths as found under a relative directory", async () => {
    const r = await jsonRun(["walk"], { cwd: tmp });
    expect([...new Set(r.report.findings.map((f) => f.file))].sort()).toEqual(
      [join("walk", "bucket-policy.json"), join("walk", "nested", "deeper", "Queue-Policy.JSON")].sort(),
    );
  });

  it("an explicitly named file that is not recognised is an error naming the file", async () => {
    for (const name of [
      "package.json",
      "tsconfig.json",
      "data/settings.json",
      "data/statement-words.json",
      "readme.md",
      "data/empty.json",
    ]) {
      const file = join(dir, name);
      const r = await checkIac([file, join(dir, "bucket-policy.json")]);
      expect(r.code, name).toBe(2);
      const errors = r.stdout.split("\n").filter((l) => l.includes(": error "));
      expect(errors, name).toHaveLength(1);
      expect(errors[0]?.startsWith(`${file}`), errors[0]).toBe(true);
      expect(errors[0]).toMatch(/NotRecognised/);
      expect(r.stdout).toMatch(/CD101/); // the other file is still scanned
      expectNoStack(r);
    }
  });

  it("a nested template named with its parent is reported once, under the name given", async () => {
    // Review: cdk.out/Parent.template.json and its nested template named together (a glob, a
    // pre-commit file list) gave the same CD101 twice, once under an absolute path.
    const out = join(tmp, "nested-twice", "cdk.out");
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, "Parent.template.json"),
      JSON.stringify({
        Resources: {
          Child: {
            Type: "AWS::CloudFormation::Stack",
            Properties: { TemplateURL: "https://s3.amazonaws.com/assets/abc.json" },
            Metadata: {
              "aws:asset:path": "ParentChild.nested.template.json",
              "aws:asset:property": "TemplateURL",
            },
          },
        },
      }),
    );
    writeFileSync(
      join(out, "ParentChild.nested.template.json"),
      JSON.stringify({
        Resources: {
          TP: {
            Type: "AWS::SNS::TopicPolicy",
            Properties: { Topics: ["x"], PolicyDocument: JSON.parse(UNGUARDED_TEXT) },
          },
        },
      }),
    );
    const r = await jsonRun(["cdk.out/Parent.template.json", "cdk.out/ParentChild.nested.template.json"], {
      cwd: join(tmp, "nested-twice"),
    });
    expect(r.report.findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual([
      "cdk.out/ParentChild.nested.template.json CD101",
    ]);
  });

  it("reads a nested template with its parent's parameters only, not again on its own", async () => {
    // From a hunt: a directory with parent.yaml and child.yaml gave the child's statement a CD204 read
    // through the parent and a contradicting CD301 read on its own (parameter unknown).
    const nest = join(tmp, "nest-walk");
    mkdirSync(nest, { recursive: true });
    writeFileSync(
      join(nest, "parent.yaml"),
      `Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./child.yaml
      Parameters: { Trusted: "123456789012" }
`,
    );
    writeFileSync(
      join(nest, "child.yaml"),
      `Parameters:
  Trusted: { Type: String }
Resources:
  TP:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: "*"
            Condition: { StringEquals: { aws:SourceAccount: !Ref Trusted } }
`,
    );
    const r = await jsonRun([nest]);
    expect(r.report.findings.map((f) => [basename(f.file), f.ruleId])).toEqual([["child.yaml", "CD204"]]);
  });

  it("a fix note names the file, line and column it is about", async () => {
    // From a hunt: FixNote and FixUnsupported warnings named the input format ("cloudformation") as
    // their file, which also made a bogus SARIF location.
    const file = join(tmp, "fixnote.yaml");
    writeFileSync(file, IF_BRANCH_TEMPLATE);
    const r = await jsonRun([file, "--fix"]);
    const notes = r.report.warnings.filter((w) => w.code === "FixNote");
    expect(notes.map((w) => [w.file, w.line, w.column])).toEqual([[file, 12, 13]]);
    expect(notes[0]?.message).toMatch(/^not edited: the statement's Condition holds Fn::If/);
  });

  it("a fix written in a SAM event says so, and one needing a skill ID says that", async () => {
    // From the session-12 hunt on SAM: every such note said the fix "needs a value only you know",
    // also for an SNS event's Topic fixed with our account.
    const file = join(tmp, "sam-events.yaml");
    writeFileSync(
      file,
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler=()=>1"
      Events:
        Alexa:
          Type: AlexaSkill
        Orders:
          Type: SNS
          Properties:
            Topic: "arn:aws:sns:eu-west-1:*:orders"
`,
    );
    const r = await jsonRun([file, "--fix", "--account", "210987654321"]);
    const notes = r.report.warnings.filter((w) => w.code === "FixNote");
    expect(notes.map((w) => [w.line, w.message])).toEqual([
      [10, expect.stringMatching(/^CD101 \(FnAlexaPermission\): this fix needs a value only you know/)],
      [
        12,
        expect.stringMatching(
          /^CD102 \(FnOrdersPermission\): this fix is set where the permission is generated, which --fix does not edit/,
        ),
      ],
    ]);
    expect(readFileSync(file, "utf8")).toContain('Topic: "arn:aws:sns:eu-west-1:*:orders"');
  });

  it("a fix to a template the CDK synthesized says that the next synth writes it anew", async () => {
    // From the session-11 hunt on real aws-cdk-lib output: --fix edited cdk.out templates with no
    // word that `cdk synth` regenerates them.
    const out = join(tmp, "cdk-fix", "cdk.out");
    cpSync(
      join(
        FIXTURES,
        "..",
        "cloudformation",
        "rules",
        "CD101",
        "invalid-01-cloudtrail-bucket-no-source-condition.cdk.out",
      ),
      out,
      { recursive: true },
    );
    const r = await jsonRun([join(out, ".."), "--fix", "--account", "210987654321"]);
    const notes = r.report.warnings.filter((w) => w.code === "FixNote");
    expect(notes.map((w) => w.file)).toEqual([join(out, "FixtureStack.template.json")]);
    expect(notes[0]?.message).toMatch(/synthesized by the CDK: the next `cdk synth` writes it anew/);
    // The same template outside an assembly is no CDK output to speak of.
    const plain = join(tmp, "cdk-fix-plain.json");
    cpSync(join(out, "FixtureStack.template.json"), plain);
    const p = await jsonRun([plain, "--fix", "--account", "210987654321"]);
    expect(p.report.warnings.filter((w) => w.code === "FixNote")).toEqual([]);
  });

  it("--fix --quiet still says what the fix could not do (FixNote), on standard error", async () => {
    // From the session-11 hunt: `--quiet` dropped every warning, so a fix that was not made left
    // no diff and no word of why.
    const file = join(tmp, "quiet-fixnote.yaml");
    writeFileSync(
      file,
      `${IF_BRANCH_TEMPLATE}            # an element IAM does not know, which --quiet leaves unsaid
            Comment: hello
`,
    );
    const r = await checkIac([file, "--fix", "--quiet"]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/warning FixNote: not edited: the statement's Condition holds Fn::If/);
    expect(r.stderr).not.toMatch(/warning PolicyShape/);
    const plain = await checkIac([file, "--quiet"]);
    expect(plain.stdout).not.toMatch(/warning/);
  });

  it("--fix --write keeps a file's CRLF line ends and its byte order mark", async () => {
    // From a hunt: the fixers insert "\n" and read text without its BOM, so a CRLF file came back
    // with mixed line ends and a BOM was dropped.
    const d = join(tmp, "fix-encodings");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "crlf.json"), UNGUARDED_TEXT.replace(/\n/g, "\r\n"));
    writeFileSync(join(d, "bom.json"), `\uFEFF${UNGUARDED_TEXT}`);
    const r = await checkIac([d, "--fix", "--write", "--account", "210987654321", "-q"]);
    // The report is of the files as written: nothing is left.
    expect(r.code).toBe(0);
    const crlf = readFileSync(join(d, "crlf.json"), "utf8");
    expect(crlf).toContain("aws:SourceAccount");
    expect(crlf.split("\r\n").length - 1).toBe(crlf.split("\n").length - 1);
    const bom = readFileSync(join(d, "bom.json"), "utf8");
    expect(bom.startsWith("\uFEFF")).toBe(true);
    expect(bom).toContain("aws:SourceAccount");
    expect(bom).not.toContain("\r");
    const again = await jsonRun([d, "--account", "210987654321"]);
    expect(again.report.findings).toEqual([]);
  });

  it("reports a warning the branches of a policy share once", async () => {
    const file = join(tmp, "branches.yaml");
    writeFileSync(
      file,
      `Parameters:
  UseGuard: { Type: String, AllowedValues: ["true", "false"] }
  CondParam: { Type: String }
Conditions:
  Guard: !Equals [!Ref UseGuard, "true"]
Resources:
  QP:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Statement:
          - Effect: !If [Guard, Deny, Allow]
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: "*"
          - Effect: Allow
            Principal: { Service: config.amazonaws.com }
            Action: sqs:SendMessage
            Resource: "*"
            Condition: !Ref CondParam
`,
    );
    const r = await jsonRun([file]);
    expect(r.report.warnings.map((w) => [w.code, w.line])).toEqual([["UnresolvedCondition", 21]]);
    // One policy of two statements, whatever the number of branches (it counted 2 and 4).
    expect(r.report.summary).toMatchObject({ policies: 1, statements: 2 });
  });

  it("a baseline that cannot be written is exit 2 with a message, not an internal error", async () => {
    // From a hunt: --write-baseline into a missing directory ended as "internal error", exit 3.
    const r = await checkIac([
      join(dir, "bucket-policy.json"),
      "--write-baseline",
      join(tmp, "missing", "dir", "b.json"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^deputyguard: cannot write the baseline .*b\.json: ENOENT/m);
    expectNoStack(r);
    // Session-14 CLI hunt: a bare ENOENT did not say what was missing.
    const out = await checkIac([join(dir, "bucket-policy.json"), "--output", join(tmp, "nowhere", "r.txt")]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `cannot write ${join(tmp, "nowhere", "r.txt")}: ENOENT, the folder ${join(tmp, "nowhere")} does not exist (create it first)`,
    );
  });

  it("an explicitly named file inside a skipped directory is scanned", async () => {
    const r = await jsonRun([join(dir, "node_modules", "pkg", "policy.json")]);
    expect(r.report.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
  });
});

describe.concurrent("rules and explain", () => {
  const IDS = [
    "CD101",
    "CD102",
    "CD103",
    "CD104",
    "CD105",
    "CD201",
    "CD202",
    "CD203",
    "CD204",
    "CD205",
    "CD301",
  ];

  it("deputyguard rules lists the 11 rules with severity and slug", async () => {
    const r = await deputyguard(["rules"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(IDS);
    expect(r.stdout).toMatch(/^CD101 +high +service-principal-without-source-guard +\S/m);
    expect(r.stdout).toMatch(/^CD103 +medium +source-arn-without-account +\S/m);
    expect(r.stdout).toMatch(/^CD105 +low +source-arn-string-operator /m);
    expect(r.stdout).toMatch(/^CD301 +info +unresolved-guard-value /m);
  });

  it("deputyguard explain prints a rule's documentation", async () => {
    const r = await deputyguard(["explain", "CD103"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# CD103 source-arn-without-account/);
    expect(r.stdout).toMatch(/severity: medium/);
    expect(r.stdout).toMatch(/## How to fix/);
    expect(r.stdout).toMatch(/aws:SourceAccount/);
    const all = await Promise.all(IDS.map((id) => deputyguard(["explain", id])));
    all.forEach((e, i) => {
      expect(e.code, IDS[i]).toBe(0);
      expect(e.stdout.startsWith(`# ${IDS[i]} `), IDS[i]).toBe(true);
    });
  });

  it("explain of an unknown rule is a usage error", async () => {
    expectUsageError(await deputyguard(["explain", "CD999"]), /no rule "CD999"/);
  });
});

describe("bad input", () => {
  let dir: string;
  /** name → where the one error must be: line, and column where it is known. */
  const cases: Record<
    string,
    { text: string | Buffer; line?: number; column?: number; code: string; message: RegExp }
  > = {
    "missing-comma.json": {
      text: '{\n  "Version": "2012-10-17"\n  "Statement": []\n}\n',
      line: 3,
      column: 3,
      code: "ParseError",
      message: /expected ','/,
    },
    "trailing-comma.json": {
      text: '{\n  "Version": "2012-10-17",\n  "Statement": [],\n}\n',
      line: 3,
      code: "ParseError",
      message: /trailing comma/,
    },
    "unterminated-string.json": {
      text: '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Sid": "open\n  }]\n}\n',
      line: 3,
      code: "ParseError",
      message: /unterminated string/,
    },
    "unterminated-at-end.json": {
      text: '{\n  "Statement": "abc',
      line: 2,
      code: "ParseError",
      message: /unterminated string/,
    },
    "statement-string.json": {
      text: '{\n  "Version": "2012-10-17",\n  "Statement": "Allow everything"\n}\n',
      line: 3,
      column: 16,
      code: "PolicyShape",
      message: /Statement is a string/,
    },
    "condition-array.json": {
      text: '{\n  "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*",\n    "Condition": [{"StringEquals": {"aws:SourceAccount": "210987654321"}}]}]\n}\n',
      line: 3,
      column: 18,
      code: "PolicyShape",
      message: /Condition is an array/,
    },
    "effect-trailing-space.json": {
      text: '{\n  "Statement": [\n    {"Effect": "allow ", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*"}\n  ]\n}\n',
      line: 3,
      column: 16,
      code: "PolicyShape",
      message: /Effect is "allow "/,
    },
    "deep-arrays.json": {
      text: `{\n  "Statement": ${"[".repeat(10_000)}${"]".repeat(10_000)}\n}\n`,
      line: 2,
      code: "ParseError",
      message: /nesting is deeper than the limit/,
    },
    "deep-objects.json": {
      text: `{\n  "Statement": [{"Effect": "Allow", "Condition": ${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}]\n}\n`,
      line: 2,
      code: "ParseError",
      message: /nesting is deeper than the limit/,
    },
    "binary.json": {
      text: Buffer.concat([
        Buffer.from('{\n  "Statement": ['),
        Buffer.from([0, 1, 2, 0xff, 0x89]),
        Buffer.from("]}"),
      ]),
      line: 2,
      column: 17,
      code: "ReadError",
      message: /binary/,
    },
    "png-named.json": {
      // A PNG header: NUL after its CR LF and LF.
      text: Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex"),
      line: 3,
      column: 1,
      code: "ReadError",
      message: /binary/,
    },
    "latin1.json": {
      text: Buffer.concat([
        Buffer.from('{\n  "Statement": [{"Effect": "Allow", "Sid": "caf\u00e9 '),
        Buffer.from([0xe9, 0x22]),
        Buffer.from("}]\n}\n"),
      ]),
      line: 2,
      column: 50,
      code: "ReadError",
      message: /not UTF-8/,
    },
    // From a review: UTF-16 (as Windows editors and PowerShell save) was "binary content (NUL byte)".
    "utf16le.json": {
      text: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(UNGUARDED_TEXT, "utf16le")]),
      code: "ReadError",
      message: /^the file is UTF-16 text, not UTF-8: save it as UTF-8/,
    },
    "utf16be.json": {
      text: Buffer.from(`\uFEFF${UNGUARDED_TEXT}`, "utf16le").swap16(),
      code: "ReadError",
      message: /^the file is UTF-16 text, not UTF-8: save it as UTF-8/,
    },
    "utf16-no-bom.json": {
      text: Buffer.from(UNGUARDED_TEXT, "utf16le"),
      code: "ReadError",
      message: /^the file is UTF-16 text, not UTF-8: save it as UTF-8/,
    },
    "empty.json": { text: "", code: "NotRecognised", message: /empty/ },
    "whitespace.json": { text: "\n\n   \n", code: "NotRecognised", message: /empty/ },
    // Truncated JSON with no policy or template word in it: the JSON error, not only "not recognised".
    "truncated.json": {
      text: "[1,\n 2",
      line: 2,
      column: 3,
      code: "NotRecognised",
      message: /^not valid JSON \(unexpected end of input .*\), so not recognised/,
    },
  };

  beforeAll(() => {
    dir = join(tmp, "bad");
    mkdirSync(dir, { recursive: true });
    for (const [name, c] of Object.entries(cases)) writeFileSync(join(dir, name), c.text);
    writeFileSync(join(dir, "good.json"), UNGUARDED_TEXT);
  });

  it("each bad file gives ONE error with file and line, no stack, and the other files are still scanned (json)", async () => {
    const names = Object.keys(cases);
    const r = await jsonRun([...names.map((n) => join(dir, n)), join(dir, "good.json")]);
    expect(r.code).toBe(2);
    expect(r.report.findings.map((f) => `${basename(f.file)} ${f.ruleId}`)).toEqual(["good.json CD101"]);
    expect(r.report.summary.errors).toBe(names.length);
    for (const name of names) {
      const c = cases[name];
      const errors = r.report.errors.filter((e) => e.file === join(dir, name));
      expect(errors, name).toHaveLength(1);
      const e = errors[0];
      expect(e?.code, name).toBe(c?.code);
      expect(e?.message, name).toMatch(c?.message ?? /./);
      if (c?.line !== undefined) expect(e?.line, name).toBe(c.line);
      if (c?.column !== undefined) expect(e?.column, name).toBe(c.column);
      if (e?.line !== undefined) expect(e.column, name).toBeGreaterThanOrEqual(1);
    }
  });

  it("each bad file gives ONE clear error line in text output", async () => {
    const names = Object.keys(cases);
    const r = await checkIac([join(dir, "good.json"), ...names.map((n) => join(dir, n))]);
    expect(r.code).toBe(2);
    expectNoStack(r);
    expect(r.stdout).toMatch(/CD101/);
    for (const name of names) {
      const file = join(dir, name);
      const lines = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.includes(file));
      expect(lines, name).toHaveLength(1);
      const c = cases[name];
      const where = c?.line === undefined ? "" : `:${c.line}:${c.column ?? "\\d+"}`;
      expect(lines[0], name).toMatch(new RegExp(`^${escapeRegExp(file)}${where}: error ${c?.code}: \\S`));
      expect((lines[0] ?? "").length, name).toBeLessThan(300);
    }
  });

  it("in a directory walk the same errors are reported (empty files are skipped) and good files scanned", async () => {
    const r = await jsonRun([dir]);
    expect(r.code).toBe(2);
    expect(r.report.findings.map((f) => basename(f.file))).toEqual(["good.json"]);
    const failing = Object.entries(cases)
      .filter(([, c]) => c.code !== "NotRecognised")
      .map(([n]) => n);
    expect(r.report.errors.map((e) => basename(e.file)).sort()).toEqual(failing.sort());
  });

  it("__proto__ and constructor keys are data: no prototype pollution, normal output", async () => {
    const proto = join(dir, "..", "proto.json");
    writeFileSync(
      proto,
      `{
  "__proto__": { "polluted": "yes" },
  "constructor": { "prototype": { "polluted": "yes" } },
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Proto",
      "Effect": "Allow",
      "Principal": { "Service": "cloudtrail.amazonaws.com" },
      "Action": "s3:GetBucketAcl",
      "Resource": "arn:aws:s3:::acme-trail",
      "Condition": {
        "StringEquals": { "__proto__": "x", "constructor": "y", "aws:SourceAccount": "210987654321" }
      }
    }
  ]
}
`,
    );
    const after = join(dir, "good.json");
    const together = await jsonRun([proto, after]);
    const alone = await jsonRun([after]);
    // The policy's own verdict: the guard with aws:SourceAccount holds; the odd keys are condition keys
    // that an attacker may set, so they do not make the statement open.
    expect(together.report.errors).toEqual([]);
    expect(together.report.findings.filter((f) => f.file === proto)).toEqual([]);
    expect(together.report.warnings.map((w) => `${w.line}:${w.column} ${w.code}`)).toEqual([
      "2:3 PolicyShape",
      "3:3 PolicyShape",
    ]);
    expect(together.report.warnings[0]?.message).toMatch(/__proto__/);
    // A file scanned after it comes out exactly as when scanned alone, and nothing was polluted.
    expect(together.report.findings.filter((f) => f.file === after)).toEqual(alone.report.findings);
    expect(together.stdout).not.toMatch(/polluted/);
    expect(together.code).toBe(1);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("a 50 MB policy file", () => {
  const MB = 1024 * 1024;
  const LIMIT_MS = 120_000;
  let dir: string;
  let big: string;
  let statements: number;
  let run: RunResult & { measured?: { maxRssKb: number; ms: number; code: number } };
  let out: string;

  beforeAll(async () => {
    dir = tempDir("deputyguard-big-");
    big = join(dir, "big-policy.json");
    statements = writeBigPolicy(big, 50 * MB);
    out = join(dir, "report.json");
    const measureFile = join(dir, "measure.json");
    // node --max-old-space-size=2048 measure.mjs bin/check-iac.js ...: the wrapper records maxRSS at exit;
    // /proc is polled too, for when the run has to be killed at the time limit.
    run = await runNode(MEASURE, [CHECK_IAC, "--format", "json", "--output", out, big], {
      nodeArgs: ["--max-old-space-size=2048"],
      env: { DEPUTYGUARD_MEASURE_FILE: measureFile },
      timeoutMs: LIMIT_MS,
      watchMemory: true,
    });
    if (existsSync(measureFile))
      run.measured = JSON.parse(readFileSync(measureFile, "utf8")) as {
        maxRssKb: number;
        ms: number;
        code: number;
      };
    const peakKb = run.measured?.maxRssKb ?? run.peakRssKb;
    console.log(
      `50 MB policy (${statements} statements, ${(statSync(big).size / MB).toFixed(1)} MB): ` +
        `${run.timedOut ? `killed after ${LIMIT_MS / 1000} s` : `exit ${run.code} after ${(run.ms / 1000).toFixed(1)} s`}, ` +
        `peak RSS ${peakKb === undefined ? "unknown" : `${(peakKb / 1024).toFixed(0)} MB`}`,
    );
  }, LIMIT_MS + 60_000);

  afterAll(() => cleanup(dir));

  it("stays within 2 GB of memory and does not crash", () => {
    // Whether or not it finishes in time (see below), it must not run out of memory or die of a crash.
    expect(run.stderr).not.toMatch(/heap out of memory|FATAL ERROR|Allocation failed/);
    expectNoStack(run);
    if (!run.timedOut) expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
    const peakKb = run.measured?.maxRssKb ?? run.peakRssKb;
    if (peakKb !== undefined) expect(peakKb).toBeLessThan(2 * 1024 * 1024);
  });

  // Regression: the analysis was quadratic in the number of statements (each witness was confirmed
  // against the whole policy); 1 MB took 18.6 s. Now a witness is confirmed against its statement and the
  // Deny statements, and what every statement shares is computed once per policy.
  it("is scanned within 120 s", () => {
    expect(run.timedOut).toBe(false);
    expect([0, 1]).toContain(run.code);
    const report = parseReport(readFileSync(out, "utf8"));
    expect(report.summary.statements).toBe(statements);
    expect(report.summary.findings).toBe(Math.floor(statements / 2));
    expect(run.ms).toBeLessThan(LIMIT_MS);
  });

  it("is refused by --max-file-size 1MB with a message naming the limit", async () => {
    const r = await checkIac(["--max-file-size", "1MB", big, UNGUARDED]);
    expect(r.code).toBe(2);
    expectNoStack(r);
    const lines = r.stdout.split("\n").filter((l) => l.includes(big));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/over the limit of 1 MB \(--max-file-size\)/);
    expect(lines[0]).toMatch(/file is 50(\.0)? MB/);
    expect(r.stdout).toMatch(/CD101/); // the other file is still scanned
    const json = await jsonRun(["--max-file-size", "1MB", big]);
    expect(json.report.errors).toEqual([
      expect.objectContaining({ file: big, code: "ReadError", message: expect.stringMatching(/1 MB/) }),
    ]);
  });

  it("a file over the default limit (64 MB) is refused without reading it", async () => {
    const huge = join(dir, "huge.json");
    writeFileSync(huge, "");
    truncateSync(huge, 65 * MB); // sparse: no 65 MB written
    const r = await checkIac([huge]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/over the limit of 64 MB \(--max-file-size\)/);
    expect(r.ms).toBeLessThan(10_000);
  });
});
