import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { terraformFormat } from "../src/index.js";
import { elementText, SOURCE_ACCOUNT_PATH, topicPolicy, writeTree } from "./helpers.js";

// From a hunt of the library API: `extract({ file, text })` read the file from the disk and ignored
// `text` (no file there: no site and no diagnostic), and `scanFileInContext` on a missing file gave
// a clean result.
describe("terraformFormat.extract analyses the text it is given", () => {
  it("for a file that does not exist", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "dg-tf-")), "missing", "main.tf");
    const r = await terraformFormat.extract({ file, text: topicPolicy('"210987654321"') }, {});
    expect(r.diagnostics).toEqual([]);
    expect(r.sites.map((s) => [s.file, s.resource])).toEqual([[file, "aws_sns_topic_policy.orders"]]);
    expect(elementText(r.sites[0]?.document, ...SOURCE_ACCOUNT_PATH)).toBe("210987654321");
  });

  it("rather than the file's text on the disk, with its sibling files still read", async () => {
    const dir = writeTree({
      "variables.tf": 'variable "acct" {\n  default = "210987654321"\n}\n',
      "main.tf": topicPolicy('"111111111111"'),
    });
    const file = join(dir, "main.tf");
    const r = await terraformFormat.extract({ file, text: topicPolicy("var.acct") }, {});
    expect(r.diagnostics).toEqual([]);
    expect(r.sites).toHaveLength(1);
    // var.acct is resolved from variables.tf on the disk: the module is the given text's context.
    expect(elementText(r.sites[0]?.document, ...SOURCE_ACCOUNT_PATH)).toBe("210987654321");
    expect(readFileSync(file, "utf8")).toContain("111111111111");
  });

  it("reports syntax errors of the given text at its own positions", async () => {
    const dir = writeTree({ "main.tf": topicPolicy('"210987654321"') });
    const r = await terraformFormat.extract(
      { file: join(dir, "main.tf"), text: 'resource "a" {\n  x = \n' },
      {},
    );
    expect(r.sites).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ["ParseError", join(dir, "main.tf"), 2],
    ]);
  });
});

describe("terraformFormat.scanFileInContext on a file it cannot read", () => {
  it("gives a ReadError naming the missing file", async () => {
    const dir = writeTree({ "other.tf": topicPolicy('"*"') });
    const file = join(dir, "main.tf");
    const r = await terraformFormat.scanFileInContext?.(file, {});
    expect(r?.sites).toEqual([]);
    expect(r?.recognisedFiles).toBe(0);
    expect(r?.diagnostics).toEqual([
      { code: "ReadError", severity: "error", file, message: "cannot read: ENOENT" },
    ]);
  });

  it("in a directory that does not exist either", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "dg-tf-")), "nowhere", "main.tf");
    const r = await terraformFormat.scanFileInContext?.(file, {});
    expect(r?.diagnostics.map((d) => [d.code, d.file])).toEqual([["ReadError", file]]);
  });

  it("a directory named like a configuration file is not read as one", async () => {
    const dir = writeTree({ "x.tf/inner.tf": topicPolicy('"*"') });
    const r = await terraformFormat.scanFileInContext?.(join(dir, "x.tf"), {});
    expect(r?.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["ReadError", "not a regular file (a device, pipe or socket); it is not read"],
    ]);
  });
});
