import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  type CheckOptions,
  checkSite,
  type Diagnostic,
  type Finding,
  type PolicySite,
  type ScanOptions,
  type SourceNode,
} from "@deputyguard/core";
import { terraformFormat } from "../src/index.js";

/** Writes files (relative path → text) into a fresh temporary directory. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-tf-"));
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

export interface Scan {
  dir: string;
  sites: PolicySite[];
  diagnostics: Diagnostic[];
  findings: Finding[];
  files: string[];
}

export async function scan(
  files: Record<string, string>,
  options: ScanOptions & CheckOptions = {},
  sub = "",
): Promise<Scan> {
  const dir = writeTree(files);
  const r = await terraformFormat.scanDirectory?.(join(dir, sub), options);
  const sites = r?.sites ?? [];
  const findings = sites.flatMap((s) => checkSite(s, options).findings);
  return { dir, sites, diagnostics: r?.diagnostics ?? [], findings, files: r?.files ?? [] };
}

/** The text of a policy element (symbols as <NAME>), following a path of keys / indexes. */
export function elementText(
  node: SourceNode | undefined,
  ...path: Array<string | number>
): string | undefined {
  let cur = node;
  for (const p of path) {
    if (!cur) return undefined;
    if (typeof p === "number") cur = cur.kind === "array" ? cur.items[p] : p === 0 ? cur : undefined;
    else cur = cur.kind === "object" ? cur.entries.find((e) => e.key === p)?.value : undefined;
  }
  if (!cur) return undefined;
  if (cur.kind === "scalar") return String(cur.value);
  if (cur.kind === "value")
    return cur.value.parts.map((x) => (typeof x === "string" ? x : `<${x.name}>`)).join("");
  return JSON.stringify(plainOf(cur));
}

function plainOf(n: SourceNode): unknown {
  switch (n.kind) {
    case "scalar":
      return n.value;
    case "value":
      return n.value.parts.map((x) => (typeof x === "string" ? x : `<${x.name}>`)).join("");
    case "array":
      return n.items.map(plainOf);
    case "object":
      return Object.fromEntries(n.entries.map((e) => [e.key, plainOf(e.value)]));
  }
}

export function plainDocument(site: PolicySite | undefined): unknown {
  return site?.document ? plainOf(site.document) : undefined;
}

/** A resource policy statement in jsonencode form, guarded by the given SourceAccount expression. */
export function topicPolicy(sourceAccount: string, extra = ""): string {
  return `${extra}
resource "aws_sns_topic_policy" "orders" {
  arn = "arn:aws:sns:us-east-1:210987654321:orders"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = ${sourceAccount} } }
    }]
  })
}
`;
}

export const SOURCE_ACCOUNT_PATH = [
  "Statement",
  0,
  "Condition",
  "StringEquals",
  "aws:SourceAccount",
] as const;

/**
 * `terraform` with its arguments, its output, or undefined when it fails or is not on PATH (tests
 * use it as an oracle where it is installed, and say so when they skip).
 */
export function runTerraform(args: string[], input?: string): string | undefined {
  try {
    return execFileSync("terraform", args, {
      ...(input !== undefined ? { input } : {}),
      env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" },
      stdio: ["pipe", "pipe", "ignore"],
    }).toString();
  } catch {
    return undefined;
  }
}

/** Whether `terraform` is on PATH. */
export const terraformInstalled = runTerraform(["version"]) !== undefined;
