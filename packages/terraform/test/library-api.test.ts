import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { terraformFormat } from "../src/index.js";
import { topicPolicy, writeTree } from "./helpers.js";

// From a hunt of the library API: `scanFileInContext` on a missing file gave a clean result.
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
