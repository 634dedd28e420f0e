// Compares the adapter with ../shared/corpus/LABELS.tsv (CloudFormation rows) and prints a
// confusion table (label × verdict) and every disagreement. Run after `pnpm build`: pnpm corpus
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { extractCloudFormation } from "../dist/index.js";

const CORPUS = join(import.meta.dirname, "../../../../shared/corpus");
if (!existsSync(join(CORPUS, "LABELS.tsv"))) {
  console.log(`no corpus at ${CORPUS}`);
  process.exit(0);
}
const rows = readFileSync(join(CORPUS, "LABELS.tsv"), "utf8")
  .split("\n")
  .slice(1)
  .filter((l) => l.startsWith("cloudformation/"))
  .map((l) => {
    const [file, locator, principals, label, note] = l.split("\t");
    return { file, locator, principals, label, note };
  });

/** The tool's verdict for one statement or permission, from its findings. */
function verdict(findings) {
  const ids = new Set(findings.map((f) => f.ruleId));
  if (ids.has("CD101")) return "UNGUARDED (CD101)";
  const weak = [...ids].filter((id) => id !== "CD301");
  if (weak.length > 0) return `WEAK (${weak.sort().join(",")})`;
  if (ids.has("CD301")) return "GUARDED (CD301 info)";
  return "no finding";
}

const byFile = new Map();
async function resultsOf(file) {
  if (!byFile.has(file)) {
    const text = readFileSync(join(CORPUS, file), "utf8");
    const { sites } = await extractCloudFormation(file, text, {});
    byFile.set(
      file,
      sites.map((site) => ({ site, findings: checkSite(site).findings })),
    );
  }
  return byFile.get(file);
}

import { readdirSync } from "node:fs";

for (const name of readdirSync(join(CORPUS, "cloudformation"))) await resultsOf(`cloudformation/${name}`);
const table = new Map();
const labelled = new Set();
const disagreements = [];
for (const row of rows) {
  const m = /^(\S+) \(([^)]+)\)(?: (Properties\.[^ ]+?)\.Statement\[(\d+)\])?/.exec(row.locator);
  if (!m) continue;
  const [, id, type, path, index] = m;
  const results = await resultsOf(row.file);
  const matching = results.filter(
    (r) =>
      r.site.resource === id &&
      (path === undefined ? r.site.kind === "lambda-permission" : r.site.propertyPath === path),
  );
  for (const r of matching) labelled.add(r.site);
  const findings = matching.flatMap((r) =>
    r.findings.filter((f) => path === undefined || f.statement?.index === Number(index)),
  );
  const v = matching.length === 0 ? "NOT EXTRACTED" : verdict(findings);
  const key = `${row.label}\t${v}`;
  table.set(key, (table.get(key) ?? 0) + 1);
  const agree =
    (row.label === "UNGUARDED" && v.startsWith("UNGUARDED")) ||
    (row.label === "WEAK" && (v.startsWith("WEAK") || v.startsWith("UNGUARDED"))) ||
    (row.label === "GUARDED" && (v === "no finding" || v.startsWith("GUARDED"))) ||
    (row.label === "COMPUTE-ROLE" && v === "no finding");
  if (!agree)
    disagreements.push(
      `${row.label} vs ${v}: ${row.file.slice(15)} ${row.locator} [${type}] ${row.note ?? ""}`,
    );
}

const labels = [...new Set(rows.map((r) => r.label))].sort();
const verdicts = [...new Set([...table.keys()].map((k) => k.split("\t")[1]))].sort();
console.log(`CloudFormation rows of LABELS.tsv: ${rows.length}\n`);
console.log(["label \\ verdict", ...verdicts].join(" | "));
for (const l of labels)
  console.log([l, ...verdicts.map((v) => String(table.get(`${l}\t${v}`) ?? 0))].join(" | "));
const unlabelled = [];
for (const [file, results] of byFile)
  for (const { site, findings } of results)
    for (const f of findings)
      if (f.ruleId !== "CD301" && !labelled.has(site))
        unlabelled.push(
          `${f.ruleId} ${file.slice(15)} ${f.line}:${f.column} ${site.resource} (${site.resourceType}) ${site.propertyPath ?? ""} — ${f.principals.join(",")}`,
        );
console.log(`\n${disagreements.length} disagreements:`);
for (const d of disagreements) console.log(`- ${d}`);
console.log(
  `\n${unlabelled.length} findings on statements that LABELS.tsv does not list (every corpus CloudFormation file):`,
);
for (const u of unlabelled) console.log(`- ${u}`);
