import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { walk } from "../src/files.js";

describe("walk", () => {
  // From a hunt: a directory the user cannot read (chmod 000) made readdir throw, and the whole scan
  // ended as an internal error (exit 3) with nothing reported. Tested with a path readdir refuses
  // whoever runs it (a file given as a directory), since permissions do not stop root.
  it("tells of a directory it cannot read and goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "walk-"));
    mkdirSync(join(dir, "ok"));
    writeFileSync(join(dir, "ok", "a.json"), "{}");
    writeFileSync(join(dir, "not-a-dir"), "");
    const told: string[] = [];
    const files = await walk(join(dir, "not-a-dir"), {
      extensions: [".json"],
      unreadable: (d, reason) => told.push(`${d} ${reason}`),
    });
    expect(files).toEqual([]);
    expect(told).toEqual([`${join(dir, "not-a-dir")} ENOTDIR`]);
    expect(await walk(dir, { extensions: [".json"], unreadable: () => told.push("x") })).toEqual([
      join(dir, "ok", "a.json"),
    ]);
  });
});
