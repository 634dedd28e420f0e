// Speed of the CloudFormation adapter: total check time (parse, resolve, extract, analyse) against
// the position-keeping parse of the same file with the parser the adapter uses, and against
// JSON.parse of the JSON form. Run after `pnpm build`: node bench/cfn.js
// Every timed run starts with empty analysis caches (clearAnalysisCaches), as a CLI run does: a
// repeated run must not be measured as a cache hit.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkSite, clearAnalysisCaches, parseJsonSource } from "@deputyguard/core";
import { parseDocument } from "yaml";
import { extractCloudFormation, parseTemplate, YAML_PARSE_OPTIONS } from "../dist/index.js";
import { generateTemplate, toYaml } from "./generate.js";

const CORPUS = join(import.meta.dirname, "../../../../shared/corpus/cloudformation");

/**
 * Runs until 5 runs and 300 ms have passed (at most 200 runs); the best time. No forced GC between
 * runs: V8 shrinks its heap after one, and the next run pays to grow it again.
 */
function best(fn) {
  let min = Number.POSITIVE_INFINITY;
  let spent = 0;
  for (let i = 0; i < 200 && (i < 5 || spent < 300); i++) {
    clearAnalysisCaches();
    const t = performance.now();
    fn();
    const dt = performance.now() - t;
    spent += dt;
    min = Math.min(min, dt);
  }
  return min;
}

async function bestAsync(fn) {
  let min = Number.POSITIVE_INFINITY;
  let spent = 0;
  for (let i = 0; i < 200 && (i < 5 || spent < 300); i++) {
    clearAnalysisCaches();
    const t = performance.now();
    await fn();
    const dt = performance.now() - t;
    spent += dt;
    min = Math.min(min, dt);
  }
  return min;
}

async function checkAll(file, text) {
  const { sites } = await extractCloudFormation(file, text, {});
  let findings = 0;
  for (const s of sites) findings += checkSite(s).findings.length;
  return { sites: sites.length, findings };
}

async function measure(label, file, text, jsonText) {
  const isJson = text.trimStart().startsWith("{");
  // One untimed pass of everything first, so that no column is timed before V8 has optimised it.
  if (isJson) parseJsonSource(text, file);
  else parseDocument(text, YAML_PARSE_OPTIONS);
  parseTemplate(text, file);
  await checkAll(file, text);
  if (jsonText) JSON.parse(jsonText);
  const positions = isJson
    ? best(() => parseJsonSource(text, file))
    : best(() => parseDocument(text, YAML_PARSE_OPTIONS));
  const template = best(() => parseTemplate(text, file));
  const extract = await bestAsync(() => extractCloudFormation(file, text, {}));
  let info;
  const total = await bestAsync(async () => {
    info = await checkAll(file, text);
  });
  const row = {
    input: label,
    KB: Math.round(text.length / 1024),
    sites: info.sites,
    findings: info.findings,
    "parse ms": +positions.toFixed(1),
    "read ms": +template.toFixed(1),
    "extract ms": +extract.toFixed(1),
    "extract/parse": +(extract / positions).toFixed(2),
    "check ms": +total.toFixed(1),
    "check/parse": +(total / positions).toFixed(2),
  };
  if (jsonText) {
    const plain = best(() => JSON.parse(jsonText));
    row["JSON.parse ms"] = +plain.toFixed(1);
    row["check/JSON.parse"] = +(total / plain).toFixed(2);
  }
  return row;
}

const rows = [];
const generated = generateTemplate(5000);
const json = JSON.stringify(generated, null, 2);
const yaml = toYaml(generated);
rows.push(await measure("generated 5,000 resources (JSON)", "gen.json", json, json));
rows.push(await measure("generated 5,000 resources (YAML)", "gen.yaml", yaml, json));
let corpus = [];
try {
  corpus = readdirSync(CORPUS)
    .map((name) => ({ name, size: statSync(join(CORPUS, name)).size }))
    .sort((a, b) => b.size - a.size)
    .slice(0, 4);
} catch {
  console.log(`(corpus not found at ${CORPUS}; skipped)`);
}
for (const { name } of corpus) {
  const file = join(CORPUS, name);
  const text = readFileSync(file, "utf8");
  rows.push(await measure(name.slice(-60), file, text, text.trimStart().startsWith("{") ? text : undefined));
}
console.log(
  "parse = parseJsonSource (JSON) or yaml parseDocument with the options the adapter uses (YAML); read = the adapter's parseTemplate (parse + tree with positions); extract = read, resolve and find the sites (the adapter's whole job); check = extract, resolve, extract and checkSite every site. Best of at least 5 runs and 300 ms, each with empty analysis caches.",
);
console.table(rows);
// The goals (#3): check at most 1.25× the position-keeping parse, and at most 3× JSON.parse
// for the generated JSON template.
for (const row of rows) {
  const goals = [["check/parse", 1.25]];
  if (row.input.startsWith("generated") && row.input.endsWith("(JSON)")) goals.push(["check/JSON.parse", 3]);
  for (const [column, goal] of goals) {
    const value = row[column];
    console.log(
      `${row.input}: ${column} ${value.toFixed(2)} (goal ≤ ${goal})${value <= goal ? "" : "  NOT MET"}`,
    );
  }
}
