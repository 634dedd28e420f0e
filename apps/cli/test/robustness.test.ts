// From a review of the command line, through the BUILT command line (`pnpm build` first): a file that
// --fix --write cannot write, a reader that closes the pipe early, links in a walked directory, --output
// naming an input, one file named several ways, UTF-16 Terraform files and a big unrelated file found
// in a directory walk. Every case runs `node apps/cli/bin/check-iac.js ...` as a child process.
import { spawn } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  assertBuilt,
  CHECK_IAC,
  checkIac,
  EXAMPLES,
  FIXTURES,
  parseReport,
  ROOT,
  type RunOptions,
  STACK_FRAME,
  tempFolders,
} from "./helpers/cli.js";

assertBuilt();

/** Two CD101 (high) findings, on lines 4 and 13. */
const UNGUARDED = join(FIXTURES, "rules", "CD101", "invalid-01-cloudtrail-bucket-no-source-condition.json");
const UNGUARDED_TEXT = readFileSync(UNGUARDED, "utf8");
/** A Terraform bucket policy with the same two unguarded CloudTrail statements. */
const TF_UNGUARDED_TEXT = readFileSync(
  join(
    ROOT,
    "test-fixtures",
    "terraform",
    "rules",
    "CD101",
    "invalid-01-cloudtrail-bucket-no-source-condition",
    "jsonencode",
    "main.tf",
  ),
  "utf8",
);
/** The fixtures' own account: with it, --fix leaves no placeholder and a rescan finds nothing. */
const OWN = "210987654321";
/** Preloaded by a child to make chosen files fail to write (EACCES), whoever runs the tests. */
const READ_ONLY = join(import.meta.dirname, "helpers", "read-only.cjs");
const MB = 1024 * 1024;

const temp = tempFolders("deputyguard-robust-");
/** A fresh folder under this file's temporary directory. */
const folder = temp.folder;

const read = (f: string): string => readFileSync(f, "utf8");

function expectNoStack(r: { stdout: string; stderr: string }): void {
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.stdout).not.toMatch(STACK_FRAME);
}

async function json(args: string[], options?: RunOptions) {
  const r = await checkIac(["--format", "json", ...args], options);
  expectNoStack(r);
  return { ...r, report: parseReport(r.stdout) };
}

/**
 * Runs check-iac with one of its output streams closed before it prints anything, as `| head -1`
 * leaves it once it has read its line: every write to it fails with EPIPE. Gives the other stream.
 */
function intoClosedPipe(
  args: string[],
  closed: "stdout" | "stderr" = "stdout",
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHECK_IAC, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child[closed].destroy();
    const out = { stdout: "", stderr: "" };
    for (const name of ["stdout", "stderr"] as const)
      if (name !== closed)
        child[name].on("data", (c: Buffer) => {
          out[name] += c.toString("utf8");
        });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ...out }));
  });
}

/** Runs check-iac with standard output (or error) on /dev/full, where every write fails with ENOSPC. */
function intoFullDevice(
  args: string[],
  full: "stdout" | "stderr" = "stdout",
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const fd = openSync("/dev/full", "w");
    const child = spawn(process.execPath, [CHECK_IAC, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", full === "stdout" ? fd : "pipe", full === "stderr" ? fd : "pipe"],
    });
    closeSync(fd);
    const out = { stdout: "", stderr: "" };
    child.stdout?.on("data", (c: Buffer) => {
      out.stdout += c.toString("utf8");
    });
    child.stderr?.on("data", (c: Buffer) => {
      out.stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ...out }));
  });
}

// From a review: `check-iac examples > /dev/full` crashed with a stack trace (the stream's ENOSPC
// error was thrown from its error listener). /dev/full is Linux's; elsewhere there is nothing to run.
describe.skipIf(!existsSync("/dev/full"))("standard output that cannot be written (ENOSPC)", () => {
  it.each([["text"], ["json"], ["sarif"]])("names the error and exits 2 (%s)", async (format) => {
    const r = await intoFullDevice(["--format", format, EXAMPLES]);
    expect(r.stderr).toContain("deputyguard: cannot write standard output: ENOSPC");
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.code).toBe(2);
  });

  // From a review: with only standard error unwritable, the run exited 2 and said nothing (its one
  // write there was the note that --fix --write changed files). Lost notes do not change the exit code.
  it("standard error alone: the report on standard output and the run's own exit code", async () => {
    const d = folder("enospc-stderr");
    writeFileSync(join(d, "a.json"), UNGUARDED_TEXT);
    const r = await intoFullDevice(["--fix", "--write", "--account", OWN, d], "stderr");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("0 findings in 1 file");
    expect(read(join(d, "a.json"))).toContain("aws:SourceAccount");
  });

  it("--fix --write still writes every file", async () => {
    const d = folder("enospc");
    for (const n of ["a.json", "b.json"]) writeFileSync(join(d, n), UNGUARDED_TEXT);
    const r = await intoFullDevice(["--fix", "--write", "--account", OWN, d]);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.code).toBe(2);
    for (const n of ["a.json", "b.json"]) expect(read(join(d, n)), n).toContain("aws:SourceAccount");
  });
});

describe("--fix --write on a file that cannot be written", () => {
  const threeFiles = (name: string): string => {
    const d = folder(name);
    for (const n of ["a.json", "b.json", "c.json"]) writeFileSync(join(d, n), UNGUARDED_TEXT);
    return d;
  };

  it("is a WriteError at that file (exit 2), and the other files are still fixed and written", async () => {
    // From a review: a read-only file ended the run as "internal error: EACCES" (exit 3), and the
    // files after it were not written.
    const d = threeFiles("write-error");
    const r = await json(["--fix", "--write", "--account", OWN, d], {
      nodeArgs: ["--require", READ_ONLY],
      env: { DEPUTYGUARD_TEST_READ_ONLY: join(d, "b.json"), DEPUTYGUARD_NO_COMPILE_CACHE: "1" },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.report.errors).toEqual([
      {
        file: join(d, "b.json"),
        code: "WriteError",
        message: "cannot write the fix (EACCES); the file is left as it was",
      },
    ]);
    expect(r.report.summary.errors).toBe(1);
    expect(read(join(d, "b.json"))).toBe(UNGUARDED_TEXT);
    for (const n of ["a.json", "c.json"]) expect(read(join(d, n)), n).toContain("aws:SourceAccount");
  });

  // Permissions do not stop root: as root the test above, which fails the write itself, stands for this.
  it.skipIf(process.getuid?.() === 0)("a file of mode 444 is said the same way, in text output", async () => {
    const d = threeFiles("mode-444");
    chmodSync(join(d, "a.json"), 0o444);
    const r = await checkIac(["--fix", "--write", "--account", OWN, d]);
    expect(r.code, r.stderr).toBe(2);
    expectNoStack(r);
    expect(r.stdout).toContain(
      `${join(d, "a.json")}: error WriteError: cannot write the fix (EACCES); the file is left as it was`,
    );
    expect(read(join(d, "a.json"))).toBe(UNGUARDED_TEXT);
    for (const n of ["b.json", "c.json"]) expect(read(join(d, n)), n).toContain("aws:SourceAccount");
  });
});

describe("a reader that closes standard output early (`| head -1`)", () => {
  // From a review: EPIPE ended the run at once with exit 0, and --fix --write stopped writing files.
  it("keeps the run's exit code", async () => {
    // --fix prints a diff before the report: the run was cut there.
    const r = await intoClosedPipe(["--fix", EXAMPLES]);
    expect(r.code, r.stderr).toBe(1);
    expectNoStack(r);
  });

  it("on standard error, the report still reaches standard output", async () => {
    // With a JSON report the diffs go to standard error: its reader gone, the run crashed there.
    const r = await intoClosedPipe(["--fix", "--format", "json", EXAMPLES], "stderr");
    expect(r.code).toBe(1);
    expect(parseReport(r.stdout).findings.length).toBeGreaterThan(0);
  });

  it("--fix --write still writes every file", async () => {
    const d = folder("epipe");
    for (const n of ["a.json", "b.json", "c.json"]) writeFileSync(join(d, n), UNGUARDED_TEXT);
    const r = await intoClosedPipe(["--fix", "--write", "--account", OWN, d]);
    // The exit code is of the files as written: every finding is fixed.
    expect(r.code, r.stderr).toBe(0);
    expectNoStack(r);
    for (const n of ["a.json", "b.json", "c.json"])
      expect(read(join(d, n)), n).toContain("aws:SourceAccount");
    const again = await json(["--account", OWN, d]);
    expect(again.code).toBe(0);
    expect(again.report.findings).toEqual([]);
  });
});

describe("links in a walked directory", () => {
  // From a review: Dirent.isFile() is false for a link, so a linked policy was skipped in silence.
  it("a link to a file is scanned as the file (once); links to a directory or to nothing are warnings", async () => {
    const outside = folder("links-outside");
    writeFileSync(join(outside, "policy.json"), UNGUARDED_TEXT);
    const d = folder("links");
    symlinkSync(join(outside, "policy.json"), join(d, "linked.json"));
    writeFileSync(join(d, "real.json"), UNGUARDED_TEXT);
    symlinkSync("real.json", join(d, "again.json"));
    symlinkSync(outside, join(d, "shared"));
    symlinkSync(".", join(d, "loop"));
    symlinkSync("missing.json", join(d, "gone.json"));
    symlinkSync("missing", join(d, "notes.txt")); // not a name the walk reads: nothing said
    const r = await json([d]);
    expect(r.code).toBe(1);
    expect(r.report.errors).toEqual([]);
    expect([...new Set(r.report.findings.map((f) => f.file))]).toEqual([
      join(d, "linked.json"),
      join(d, "real.json"),
    ]);
    expect(r.report.summary).toMatchObject({ files: 2, policies: 2, findings: 4 });
    expect(r.report.warnings.map((w) => [w.code, w.file, w.message])).toEqual([
      ["LinkNotFollowed", join(d, "gone.json"), "a link whose target cannot be read (ENOENT); not scanned"],
      [
        "LinkNotFollowed",
        join(d, "loop"),
        "a link to a directory, not entered; name the directory to scan it",
      ],
      [
        "LinkNotFollowed",
        join(d, "shared"),
        "a link to a directory, not entered; name the directory to scan it",
      ],
    ]);
    // Named, a linked directory is scanned.
    const named = await json([join(d, "shared")]);
    expect(named.report.findings.map((f) => f.file)).toEqual([
      join(d, "shared", "policy.json"),
      join(d, "shared", "policy.json"),
    ]);
  });

  it("a linked .tf file is part of its module, as Terraform reads it", async () => {
    const d = folder("tf-links");
    mkdirSync(join(d, "shared"));
    writeFileSync(join(d, "shared", "bucket.tf"), TF_UNGUARDED_TEXT);
    const scanned = join(d, "live");
    // A module with a file of its own and a linked one, and a module of one linked file.
    mkdirSync(join(scanned, "app"), { recursive: true });
    writeFileSync(join(scanned, "app", "versions.tf"), 'terraform {\n  required_version = ">= 1.5"\n}\n');
    symlinkSync(join(d, "shared", "bucket.tf"), join(scanned, "app", "bucket.tf"));
    mkdirSync(join(scanned, "only-link"));
    symlinkSync(join(d, "shared", "bucket.tf"), join(scanned, "only-link", "main.tf"));
    const r = await json([scanned]);
    expect(r.code).toBe(1);
    expect(r.report.errors).toEqual([]);
    const expected = [
      `${join(scanned, "app", "bucket.tf")}:7 CD101`,
      `${join(scanned, "app", "bucket.tf")}:16 CD101`,
      `${join(scanned, "only-link", "main.tf")}:7 CD101`,
      `${join(scanned, "only-link", "main.tf")}:16 CD101`,
    ];
    expect(r.report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(expected);
    expect(r.report.summary.files).toBe(3);
    // One file linked into two modules is read in each (a module's files are its directory's).
    const apart = await json([join(scanned, "app"), join(scanned, "only-link")]);
    expect(apart.report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(expected);
  });
});

describe("--output or --write-baseline naming an input", () => {
  // From a review: the report silently replaced the policy it was about.
  it("a file named as an input is a usage error naming it; nothing is written", async () => {
    const d = folder("output-named");
    writeFileSync(join(d, "p.json"), UNGUARDED_TEXT);
    for (const args of [
      ["--output", "./p.json", "p.json"],
      ["--output", join(d, "p.json"), "p.json"],
      ["--fix", "--write", "--account", OWN, "-o", "p.json", "p.json"],
    ]) {
      const r = await checkIac(args, { cwd: d });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toBe(
        `deputyguard: --output ${args[args.length - 2]} is the input p.json: it would be overwritten; write the report elsewhere`,
      );
      expect(read(join(d, "p.json"))).toBe(UNGUARDED_TEXT);
    }
    const baseline = await checkIac(["--write-baseline", "p.json", "p.json"], { cwd: d });
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toMatch(/^deputyguard: --write-baseline p\.json is the input p\.json/);
    expect(read(join(d, "p.json"))).toBe(UNGUARDED_TEXT);
  });

  it("an input found in a directory: exit 2 before anything is written; an earlier report is no input", async () => {
    const d = folder("output-walked");
    writeFileSync(join(d, "p.json"), UNGUARDED_TEXT);
    const r = await checkIac(["--fix", "--write", "--account", OWN, "--output", "p.json", "."], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^deputyguard: --output p\.json is one of the inputs scanned; it is not overwritten/m,
    );
    expect(read(join(d, "p.json"))).toBe(UNGUARDED_TEXT);
    // The report of a run is found by the next one's walk (JSON that is no policy): it may be replaced.
    for (let i = 0; i < 2; i++) {
      const again = await checkIac(["--format", "json", "--output", "report.json", "."], { cwd: d });
      expect(again.code, again.stderr).toBe(1);
      expect(parseReport(read(join(d, "report.json"))).summary.files).toBe(1);
    }
  });
});

describe("one file named several ways", () => {
  // From a review: `check-iac sns.json ./sns.json $PWD/sns.json` scanned and counted it three times.
  it("is scanned and counted once (names, a directory holding it, a link to that directory)", async () => {
    const d = folder("same-file");
    mkdirSync(join(d, "dir"));
    writeFileSync(join(d, "dir", "p.json"), UNGUARDED_TEXT);
    symlinkSync("dir", join(d, "link"));
    const r = await json(
      ["dir/p.json", "./dir/p.json", join(d, "dir", "p.json"), "dir", "link", "link/p.json"],
      {
        cwd: d,
      },
    );
    expect(r.code).toBe(1);
    expect(r.report.summary).toMatchObject({ files: 1, policies: 1, statements: 2, findings: 2 });
    expect(r.report.findings.map((f) => f.file)).toEqual(["dir/p.json", "dir/p.json"]);
  });

  it("a .tf named with its module, and the module twice, are read once", async () => {
    const d = folder("same-module");
    mkdirSync(join(d, "infra"));
    writeFileSync(join(d, "infra", "main.tf"), TF_UNGUARDED_TEXT);
    const r = await json(["infra", "infra/main.tf", "./infra"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.report.summary).toMatchObject({ files: 1, policies: 1, findings: 2 });
  });
});

describe("a UTF-16 Terraform file", () => {
  it("is an error that says to save it as UTF-8, named or in a module", async () => {
    const d = folder("tf-utf16");
    writeFileSync(join(d, "main.tf"), Buffer.from(`\uFEFF${TF_UNGUARDED_TEXT}`, "utf16le"));
    for (const input of [d, join(d, "main.tf")]) {
      const r = await json([input]);
      expect(r.code, input).toBe(2);
      expect(r.report.errors.map((e) => [e.file, e.message])).toEqual([
        [join(d, "main.tf"), expect.stringMatching(/UTF-16 text, not UTF-8: save it as UTF-8/)],
      ]);
    }
  });
});

describe("a file over --max-file-size found in a directory walk", () => {
  /** A file of `size` bytes that starts with `head` (the rest is a hole: nothing is written). */
  const big = (file: string, head: string, size = 2 * MB): void => {
    writeFileSync(file, head);
    truncateSync(file, size);
  };

  it("is a warning when neither its name nor its start shows an input; named, it is an error", async () => {
    // From a review: a 70 MB data file beside the policies failed the run (exit 2).
    const d = folder("big-data");
    writeFileSync(join(d, "p.json"), UNGUARDED_TEXT);
    big(join(d, "data.json"), '[{ "id": 1, "name": "first row" },');
    const r = await json(["--max-file-size", "1MB", d]);
    expect(r.code).toBe(1);
    expect(r.report.errors).toEqual([]);
    expect(r.report.warnings).toEqual([
      {
        file: join(d, "data.json"),
        code: "ReadError",
        message:
          "file is 2 MB, over the limit of 1 MB (--max-file-size); not read: its name and first 64 KB show no policy, template or plan (raise --max-file-size to have it checked)",
      },
    ]);
    const named = await json(["--max-file-size", "1MB", join(d, "data.json")]);
    expect(named.code).toBe(2);
    expect(named.report.errors.map((e) => [e.code, e.message])).toEqual([
      ["ReadError", "file is 2 MB, over the limit of 1 MB (--max-file-size)"],
    ]);
  });

  it("is an error when its name or start may be an input's (a plan, a template, policy words)", async () => {
    const d = folder("big-inputs");
    big(join(d, "plan.json"), '{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{');
    big(join(d, "stack.template"), "");
    big(join(d, "policies.yaml"), "# many policies\n- Effect: Allow\n");
    const r = await json(["--max-file-size", "1MB", d]);
    expect(r.code).toBe(2);
    expect(r.report.warnings).toEqual([]);
    expect(r.report.errors.map((e) => [e.file, e.code])).toEqual([
      [join(d, "plan.json"), "ReadError"],
      [join(d, "policies.yaml"), "ReadError"],
      [join(d, "stack.template"), "ReadError"],
    ]);
  });
});
