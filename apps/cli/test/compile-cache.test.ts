// The launcher's V8 code cache (bin/launch.js): written once into the user's cache directory, used by
// later runs with the same output, rebuilt when it is damaged, off on request, and never a reason
// for a run to fail.
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, CHECK_IAC, CLI_DIR, cleanup, EXAMPLES, runNode, tempDir } from "./helpers/cli.js";

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = tempDir("deputyguard-cache-");
});
afterAll(() => cleanup(dir));

const scan = (env: Record<string, string | undefined>) =>
  runNode(CHECK_IAC, ["--format", "json", EXAMPLES], {
    env: { DEPUTYGUARD_NO_COMPILE_CACHE: undefined, ...env },
  });

describe("compile cache", () => {
  it("is written by the first run and used by the next, with the same report", async () => {
    const cache = join(dir, "fresh");
    const first = await scan({ DEPUTYGUARD_CACHE_DIR: cache });
    expect(first.code).toBe(1);
    const files = readdirSync(cache);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cli-[0-9a-f]{32}\.v8cache$/);
    const written = readFileSync(join(cache, files[0] as string));
    expect(written.length).toBeGreaterThan(10_000);
    const second = await scan({ DEPUTYGUARD_CACHE_DIR: cache });
    expect(second.code).toBe(1);
    expect(second.stdout).toBe(first.stdout);
    // A cache that V8 accepted is not written again.
    expect(readFileSync(join(cache, files[0] as string)).equals(written)).toBe(true);
    const uncached = await scan({
      DEPUTYGUARD_NO_COMPILE_CACHE: "1",
      DEPUTYGUARD_CACHE_DIR: join(dir, "off"),
    });
    expect(uncached.stdout).toBe(first.stdout);
  });

  it("a damaged cache file is rejected by V8, replaced, and the run is the same", async () => {
    const cache = join(dir, "damaged");
    const good = await scan({ DEPUTYGUARD_CACHE_DIR: cache });
    const name = readdirSync(cache)[0] as string;
    writeFileSync(join(cache, name), Buffer.from("not V8 cached data at all, just bytes"));
    const run = await scan({ DEPUTYGUARD_CACHE_DIR: cache });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(good.stdout);
    expect(readFileSync(join(cache, name)).length).toBeGreaterThan(10_000);
  });

  it("DEPUTYGUARD_NO_COMPILE_CACHE=1 writes nothing", async () => {
    const cache = join(dir, "disabled");
    const run = await scan({ DEPUTYGUARD_NO_COMPILE_CACHE: "1", DEPUTYGUARD_CACHE_DIR: cache });
    expect(run.code).toBe(1);
    expect(() => readdirSync(cache)).toThrow();
  });

  it("an unwritable cache directory does not fail the run", async () => {
    const parent = join(dir, "readonly");
    mkdirSync(parent);
    writeFileSync(join(parent, "deputyguard"), "a file where the directory should be");
    chmodSync(parent, 0o500);
    const run = await scan({ DEPUTYGUARD_CACHE_DIR: join(parent, "deputyguard") });
    chmodSync(parent, 0o700);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout).findings.length).toBeGreaterThan(0);
  });
});

/**
 * A second install of the CLI: its launcher, bin script and bundle copied into a folder inside
 * apps/cli (so that the bundle's require() finds the same node_modules). The caller removes it.
 */
function secondInstall(name: string): string {
  const copy = join(CLI_DIR, `.launch-${name}-${process.pid}`);
  mkdirSync(join(copy, "bin"), { recursive: true });
  mkdirSync(join(copy, "dist"), { recursive: true });
  for (const f of [
    "bin/launch.js",
    "bin/check-iac.js",
    "bin/package.json",
    "dist/bundle.cjs",
    "dist/bundle.cjs.sha256",
  ])
    copyFileSync(join(CLI_DIR, f), join(copy, f));
  writeFileSync(join(copy, "package.json"), readFileSync(join(CLI_DIR, "package.json")));
  return copy;
}

describe("compile cache housekeeping", () => {
  it("removes caches of other versions untouched for 30 days, keeps recent ones", async () => {
    const { utimesSync } = await import("node:fs");
    const cache = join(dir, "housekeeping");
    mkdirSync(cache, { recursive: true });
    const old = join(cache, `cli-${"a".repeat(32)}.v8cache`);
    const recent = join(cache, `cli-${"b".repeat(32)}.v8cache`);
    const other = join(cache, "notes.txt");
    for (const f of [old, recent, other]) writeFileSync(f, "x");
    const longAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(old, longAgo, longAgo);
    utimesSync(other, longAgo, longAgo);
    const run = await scan({ DEPUTYGUARD_CACHE_DIR: cache });
    expect(run.code).toBe(1);
    const left = readdirSync(cache).sort();
    expect(left).toContain(`cli-${"b".repeat(32)}.v8cache`);
    expect(left).toContain("notes.txt");
    expect(left).not.toContain(`cli-${"a".repeat(32)}.v8cache`);
    expect(left.filter((n) => n.endsWith(".v8cache"))).toHaveLength(2);
  });

  it("node flags are part of the key: another flag set gets its own file", async () => {
    const cache = join(dir, "flags");
    await scan({ DEPUTYGUARD_CACHE_DIR: cache });
    await runNode(CHECK_IAC, ["--format", "json", EXAMPLES], {
      env: { DEPUTYGUARD_NO_COMPILE_CACHE: undefined, DEPUTYGUARD_CACHE_DIR: cache },
      nodeArgs: ["--max-old-space-size=2048"],
    });
    expect(readdirSync(cache).filter((n) => n.endsWith(".v8cache"))).toHaveLength(2);
  });

  // From a session-8 run: a stack trace named the bundle of another checkout (a CI clone in /tmp),
  // whose run had written the cache that this one used. V8 keeps the file name in cached data.
  it("the bundle's path is part of the key: a second install gets its own file", async () => {
    const cache = join(dir, "paths");
    const copy = secondInstall("copy");
    try {
      const env = { DEPUTYGUARD_NO_COMPILE_CACHE: undefined, DEPUTYGUARD_CACHE_DIR: cache };
      const first = await runNode(CHECK_IAC, ["--format", "json", EXAMPLES], { env });
      const second = await runNode(join(copy, "bin", "check-iac.js"), ["--format", "json", EXAMPLES], {
        env,
      });
      expect(second.stderr).toBe("");
      expect(second.stdout).toBe(first.stdout);
      expect(readdirSync(cache).filter((n) => n.endsWith(".v8cache"))).toHaveLength(2);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  // Session 9: the launcher no longer hashes the bundle on every run (node:crypto took a few ms of a
  // cold start); it reads the hash the build wrote. Without that file, or with one for another
  // bundle, it hashes the bundle itself, and the key is the same.
  it("the build's hash of the bundle gives the same key as hashing it, and a missing or stale one is not trusted", async () => {
    const cache = join(dir, "hash-file");
    const copy = secondInstall("hash");
    try {
      const env = { DEPUTYGUARD_NO_COMPILE_CACHE: undefined, DEPUTYGUARD_CACHE_DIR: cache };
      const bin = join(copy, "bin", "check-iac.js");
      const first = await runNode(bin, ["--format", "json", EXAMPLES], { env });
      expect(first.code).toBe(1);
      const files = readdirSync(cache);
      expect(files).toHaveLength(1);
      rmSync(join(copy, "dist", "bundle.cjs.sha256"));
      const without = await runNode(bin, ["--format", "json", EXAMPLES], { env });
      expect(without.stdout).toBe(first.stdout);
      expect(readdirSync(cache)).toEqual(files);
      // A hash for a bundle of another length (an edited bundle) is ignored.
      writeFileSync(join(copy, "dist", "bundle.cjs.sha256"), `${"0".repeat(64)} 12\n`);
      const stale = await runNode(bin, ["--format", "json", EXAMPLES], { env });
      expect(stale.stdout).toBe(first.stdout);
      expect(readdirSync(cache)).toEqual(files);
      // One for a bundle of this length is taken as it is: another key, so another file.
      const length = readFileSync(join(copy, "dist", "bundle.cjs"), "utf8").length;
      writeFileSync(join(copy, "dist", "bundle.cjs.sha256"), `${"0".repeat(64)} ${length}\n`);
      await runNode(bin, ["--format", "json", EXAMPLES], { env });
      expect(readdirSync(cache)).toHaveLength(2);
      // From the session-9 review: the bundle edited in place, its length kept, under a hash file
      // of the old bundle. V8 checks only the source's length, so the old bytecode ran (the output
      // still said "without"); the bundle's modification time and size are in the key now.
      const bundleFile = join(copy, "dist", "bundle.cjs");
      const text = readFileSync(bundleFile, "utf8");
      expect(text).toContain("without aws:SourceAccount");
      writeFileSync(bundleFile, text.replaceAll("without aws:SourceAccount", "WITHOUT aws:SourceAccount"));
      const later = new Date(Date.now() + 10_000);
      utimesSync(bundleFile, later, later);
      const edited = await runNode(bin, ["--format", "json", EXAMPLES], { env });
      expect(edited.stdout).toContain("WITHOUT aws:SourceAccount");
      expect(edited.stdout).not.toContain("without aws:SourceAccount");
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

// Session 9: a cold scan of CloudFormation loaded node:crypto (for fingerprints it did not print)
// and node:fs/promises (the Terraform reader's directory walk), a few milliseconds of the
// cold-start goal. Neither is loaded now unless a SARIF report or hcl2json needs it.
describe("cold start", () => {
  it("a scan of CloudFormation templates loads neither node:crypto nor node:fs/promises", async () => {
    const hook = join(dir, "modules-hook.cjs");
    writeFileSync(
      hook,
      `process.on("exit", () => process.stderr.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (crypto|internal\\/fs\\/promises|fs\\/promises)$/.test(m)))));\n`,
    );
    const run = await runNode(CHECK_IAC, ["--format", "json", join(EXAMPLES, "cloudformation")], {
      nodeArgs: ["-r", hook],
    });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toEqual([]);
    // A SARIF report fingerprints its findings: then node:crypto is loaded, when needed.
    const sarif = await runNode(CHECK_IAC, ["--format", "sarif", join(EXAMPLES, "cloudformation")], {
      nodeArgs: ["-r", hook],
    });
    expect(JSON.parse(sarif.stderr)).toContain("NativeModule crypto");
  });
});
