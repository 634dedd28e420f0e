import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type InputFormat, policyJsonFormat } from "@deputyguard/core";
import { afterAll, describe, expect, it } from "vitest";
import { scan } from "../src/scan.js";
import { checkIac, cleanup, EXAMPLES, parseReport, tempDir } from "./helpers/cli.js";

// From a fuzz hunt: `policy = ""` in a Terraform module threw inside the adapter, and the whole run
// ended with "internal error" (exit 3): no other file was reported.
const tmp = tempDir();
afterAll(() => cleanup(tmp));

/** The CLI's scan of `paths` with these formats, JSON output, in process. */
function scanJson(paths: string[], formats: InputFormat[]) {
  return scan(
    {
      format: "json",
      failOn: "medium",
      options: {},
      maxFileSize: 1 << 20,
      quiet: false,
      paths,
      reportUnusedSuppressions: false,
      fix: false,
      write: false,
      onlyRecognised: false,
      progress: false,
    },
    formats,
    { stdout: () => {}, stderr: () => {}, readStdin: async () => Buffer.alloc(0), isTTY: false },
    { name: "deputyguard", version: "0" },
  );
}

describe("one input's failure does not stop the others", () => {
  it('policy = "" is an error at its line; the other files are still reported', async () => {
    const mod = join(tmp, "mod");
    mkdirSync(mod, { recursive: true });
    writeFileSync(join(mod, "main.tf"), 'resource "aws_s3_bucket_policy" "b" {\n  policy = ""\n}\n');
    const r = await checkIac(["--format", "json", mod, join(EXAMPLES, "sns-topic-policy.json")]);
    expect(r.code).toBe(2);
    const report = parseReport(r.stdout);
    expect(report.errors.map((e) => [e.code, e.line, e.column])).toEqual([["ParseError", 2, 12]]);
    expect(report.findings.map((f) => f.ruleId)).toEqual(["CD103"]);
  });

  it("a bug while scanning a directory is an InternalError there (exit 3), and the rest is reported", async () => {
    const good = join(tmp, "good.json");
    const dir = join(tmp, "module");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      good,
      '{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sns:Publish","Resource":"*"}]}',
    );
    const throwing: InputFormat = {
      ...policyJsonFormat,
      name: "throwing",
      extensions: [".tf"],
      recognises: () => false,
      scanDirectory: async () => {
        throw new Error("boom");
      },
    };
    const outcome = await scanJson([dir, good], [throwing, policyJsonFormat]);
    expect(outcome.code).toBe(3);
    expect(outcome.report.errors.map((e) => [e.code, e.file])).toEqual([["InternalError", dir]]);
    expect(outcome.report.findings.map((f) => [f.ruleId, f.file])).toEqual([["CD101", good]]);
  });
});

// Session-15 hunt: an engine limit hit while extracting (`RangeError: Invalid string length`, from
// nested-stack Outputs doubling along a chain) was reported as a ParseError of the input, as if its
// syntax were wrong. It is an InternalError (exit 3), and the other inputs are still reported.
describe("an engine limit while extracting", () => {
  it("is an InternalError, not a ParseError", async () => {
    const good = join(tmp, "good2.json");
    const bad = join(tmp, "bad.template");
    writeFileSync(
      good,
      '{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sns:Publish","Resource":"*"}]}',
    );
    writeFileSync(bad, "Resources: {}\n");
    const limited: InputFormat = {
      ...policyJsonFormat,
      name: "limited",
      extensions: [".template"],
      recognises: (input) => input.file.endsWith(".template"),
      extract: async () => {
        throw new RangeError("Invalid string length");
      },
    };
    const outcome = await scanJson([bad, good], [limited, policyJsonFormat]);
    expect(outcome.code).toBe(3);
    expect(outcome.report.errors.map((e) => [e.code, e.file])).toEqual([["InternalError", bad]]);
    expect(outcome.report.errors[0]?.message).toMatch(/Invalid string length/);
    expect(outcome.report.findings.map((f) => [f.ruleId, f.file])).toEqual([["CD101", good]]);
  });
});

// From a fuzz hunt: --max-file-size was checked with stat() or after buffering everything, so
// `cat /dev/zero | check-iac -` and `check-iac /dev/zero` filled the memory, and a FIFO named
// terraform.tfvars blocked the run for ever.
describe("inputs that never end", () => {
  it("standard input is read up to the limit, then refused", async () => {
    const r = await checkIac(["--format", "json", "--max-file-size", "1MB", "-"], {
      input: Buffer.alloc(5 * 1024 * 1024, 0x20),
    });
    expect(r.code).toBe(2);
    expect(parseReport(r.stdout).errors.map((e) => e.code)).toEqual(["ReadError"]);
  });

  it("a device named on the command line is read up to the limit, then refused", async () => {
    const r = await checkIac(["--format", "json", "--max-file-size", "1MB", "/dev/zero"], {
      timeoutMs: 20_000,
    });
    expect(r.code).toBe(2);
    expect(parseReport(r.stdout).errors.map((e) => [e.code, e.message])).toEqual([
      ["ReadError", "the input is over the limit of 1 MB (--max-file-size); it is not read"],
    ]);
  });

  it("a FIFO in a Terraform module is not opened", async () => {
    const dir = join(tmp, "fifo-module");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "main.tf"), 'variable "a" {}\n');
    execFileSync("mkfifo", [join(dir, "terraform.tfvars")]);
    const r = await checkIac(["--format", "json", dir], { timeoutMs: 20_000 });
    expect(r.timedOut).toBeFalsy();
    expect(parseReport(r.stdout).errors.map((e) => e.message)).toEqual([
      "variable file: not a regular file (a device, pipe or socket); it is not read",
    ]);
  });
});
