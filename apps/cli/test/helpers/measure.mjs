// Runs a CLI bin in this process and, when the process exits, writes its peak memory (maxRSS, in KB) and
// wall time as JSON to the file named by DEPUTYGUARD_MEASURE_FILE.
// Usage: node [node options] measure.mjs <path to bin> [args...]
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const started = process.hrtime.bigint();
const out = process.env.DEPUTYGUARD_MEASURE_FILE;
process.on("exit", (code) => {
  if (!out) return;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  writeFileSync(out, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, ms, code }));
});
const bin = process.argv[2];
if (!bin) {
  process.stderr.write("usage: measure.mjs <bin> [args...]\n");
  process.exit(2);
}
// The bin reads process.argv.slice(2): drop this wrapper from argv.
process.argv.splice(1, 1);
await import(pathToFileURL(resolve(bin)).href);
