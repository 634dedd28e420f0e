import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// Test runs used to leave every mkdtemp directory behind (some 30,000 under /tmp after a few
// sessions): each package's vitest config now sends them to one directory removed at the end.
const ROOT = join(import.meta.dirname, "../../..");
const SETUP = join(ROOT, "scripts/vitest-temp-root.mjs");

describe("temporary files of the tests", () => {
  it("go to the run's own directory", () => {
    expect(basename(tmpdir())).toMatch(/^deputyguard-test-/);
    expect(existsSync(tmpdir())).toBe(true);
  });

  it("every package's vitest config uses the shared setup", () => {
    for (const pkg of ["packages/core", "packages/cloudformation", "packages/terraform", "apps/cli"]) {
      const config = readFileSync(join(ROOT, pkg, "vitest.config.ts"), "utf8");
      expect(config, pkg).toContain('globalSetup: ["../../scripts/vitest-temp-root.mjs"]');
    }
  });

  it("the setup's teardown removes the directory and restores TMPDIR", async () => {
    const before = process.env.TMPDIR;
    const { default: setup } = await import(pathToFileURL(SETUP).href);
    const teardown = setup();
    const root = process.env.TMPDIR as string;
    expect(root).not.toBe(before);
    expect(existsSync(root)).toBe(true);
    teardown();
    expect(existsSync(root)).toBe(false);
    expect(process.env.TMPDIR).toBe(before);
  });
});
