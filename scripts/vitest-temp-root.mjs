// Vitest global setup shared by every package: the tests of one run write their temporary files
// (mkdtemp under os.tmpdir()) into one directory of their own, removed when the run ends, so that a
// test run leaves nothing behind in the machine's temporary directory. Workers and the CLI processes
// the tests spawn inherit TMPDIR (os.tmpdir() reads it on every call).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Points TMPDIR (and TMP/TEMP) at a fresh directory; the returned teardown removes it. */
export default function setup() {
  const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
  const root = mkdtempSync(join(tmpdir(), "deputyguard-test-"));
  process.env.TMPDIR = root;
  process.env.TMP = root;
  process.env.TEMP = root;
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
