// Compares deputyguard with the corpus labels (../shared/corpus/LABELS.tsv, with the corrections in
// test-fixtures/corpus/LABELS.corrections.tsv applied) and prints a confusion table, label × verdict,
// and every disagreement. Run after `pnpm build`: `pnpm corpus`.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cloudFormationFormat } from "@deputyguard/cloudformation";
import { checkSite } from "@deputyguard/core";
import { terraformFormat, terraformPlanFormat } from "@deputyguard/terraform";

const ROOT = join(import.meta.dirname, "..");
const CORPUS = join(ROOT, "../shared/corpus");
if (!existsSync(join(CORPUS, "LABELS.tsv"))) {
  console.log(`no corpus at ${CORPUS} (shared/ is expected beside the repository)`);
  process.exit(0);
}

const parseTsv = (text) =>
  text
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => l.split("\t"));

const rows = parseTsv(readFileSync(join(CORPUS, "LABELS.tsv"), "utf8")).map(
  ([file, locator, principals, label, note]) => ({
    file,
    locator,
    principals,
    label,
    note,
  }),
);
const corrections = existsSync(join(ROOT, "test-fixtures/corpus/LABELS.corrections.tsv"))
  ? parseTsv(readFileSync(join(ROOT, "test-fixtures/corpus/LABELS.corrections.tsv"), "utf8"))
  : [];
let corrected = 0;
for (const [file, locator, was, now, why] of corrections) {
  const row = rows.find((r) => r.file === file && r.locator === locator);
  if (row) {
    if (row.label !== was)
      console.warn(`correction for ${file} ${locator}: label is ${row.label}, not ${was}`);
    row.label = now;
    row.note = `corrected: ${why}`;
    corrected++;
  } else if (was === "-") {
    rows.push({ file, locator, principals: "", label: now, note: `added: ${why}` });
    corrected++;
  } else console.warn(`correction for a row that does not exist: ${file} ${locator}`);
}

/** All findings of one corpus input, keyed by corpus-relative file. */
const cache = new Map();
async function findingsFor(file) {
  const key = file.startsWith("terraform/") && !file.startsWith("terraform/plans/") ? dirname(file) : file;
  if (cache.has(key)) return cache.get(key);
  const abs = join(CORPUS, key);
  let sites = [];
  if (file.startsWith("cloudformation/")) {
    sites = (await cloudFormationFormat.extract({ file: abs, text: readFileSync(abs, "utf8") }, {})).sites;
  } else if (file.startsWith("terraform/plans/")) {
    sites = (await terraformPlanFormat.extract({ file: abs, text: readFileSync(abs, "utf8") }, {})).sites;
  } else {
    sites = (await terraformFormat.scanDirectory(abs, {}))?.sites ?? [];
  }
  const findings = sites.flatMap((site) => checkSite(site).findings);
  cache.set(key, findings);
  return findings;
}

function verdictOf(findings) {
  const ids = new Set(findings.map((f) => f.ruleId));
  if (ids.has("CD101")) return "CD101";
  const weak = [...ids].filter((id) => id !== "CD301" && id !== "CD105").sort();
  if (weak.length > 0) return weak.join("+");
  return ids.size > 0 ? [...ids].sort().join("+") : "none";
}

/** The label each verdict agrees with. */
function agrees(label, verdict) {
  switch (label) {
    case "UNGUARDED":
      return verdict === "CD101";
    case "WEAK":
      return /CD10[234]|CD20[1-5]/.test(verdict);
    case "GUARDED":
    case "COMPUTE-ROLE":
      return verdict === "none" || verdict === "CD301" || verdict === "CD105" || verdict === "CD105+CD301";
    default:
      return true; // UNSURE
  }
}

const table = new Map();
const disagreements = [];
for (const row of rows) {
  const all = await findingsFor(row.file);
  const abs = join(CORPUS, row.file);
  let mine;
  if (row.file.startsWith("cloudformation/")) {
    const m = /^(\S+) \(([^)]+)\)(?: Properties\.[^ ]*?\.Statement\[(\d+)\])?/.exec(row.locator);
    mine = all.filter(
      (f) =>
        f.file === abs &&
        f.resource === m?.[1] &&
        (m?.[3] === undefined ? f.statement === null : f.statement?.index === Number(m[3])),
    );
  } else if (row.file.startsWith("terraform/plans/")) {
    const m = /^(\S+) \S+?\.Statement\[(\d+)\]/.exec(row.locator);
    mine = all.filter(
      (f) => f.resource === m?.[1] && (f.statement === null || f.statement.index === Number(m?.[2])),
    );
  } else {
    const line = Number(/ L(\d+)$/.exec(row.locator)?.[1]);
    mine = all.filter((f) => f.file === abs && f.line <= line && line <= f.endLine);
  }
  const verdict = verdictOf(mine);
  const key = `${row.label}\t${verdict}`;
  table.set(key, (table.get(key) ?? 0) + 1);
  if (!agrees(row.label, verdict)) disagreements.push({ ...row, verdict });
}

const labels = [...new Set(rows.map((r) => r.label))].sort();
const verdicts = [...new Set([...table.keys()].map((k) => k.split("\t")[1]))].sort();
const width = Math.max(12, ...verdicts.map((v) => v.length));
console.log(
  `corpus: ${rows.length} labelled statements (${corrected} labels corrected in test-fixtures/corpus/LABELS.corrections.tsv)`,
);
console.log(`${"label \\ verdict".padEnd(14)} ${verdicts.map((v) => v.padStart(width)).join(" ")}`);
for (const l of labels) {
  console.log(
    `${l.padEnd(14)} ${verdicts.map((v) => String(table.get(`${l}\t${v}`) ?? 0).padStart(width)).join(" ")}`,
  );
}
const agreeing = rows.length - disagreements.length;
console.log(`agreement: ${agreeing}/${rows.length}`);
for (const d of disagreements)
  console.log(`DISAGREE ${d.label} vs ${d.verdict}: ${d.file} ${d.locator} (${d.note ?? ""})`);
process.exitCode = disagreements.length > 0 ? 1 : 0;
