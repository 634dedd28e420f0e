import { isAbsolute, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding } from "../engine/check.js";
import type { Rule, Severity } from "../rules/types.js";
import { findingFingerprint } from "./fingerprint.js";
import { jsonChunks } from "./json-chunks.js";
import type { ScanReport } from "./report.js";

/** Options of `renderSarif`. */
export interface SarifOptions {
  tool: { name: string; version: string };
  rules: readonly Rule[];
  /** Where rule pages live, e.g. `https://github.com/org/deputyguard/blob/main/docs/rules/`. */
  helpBase: string;
  /**
   * The directory paths are relative to (the CLI passes its working directory): a file below it is
   * written as a relative URI and fingerprinted by that relative path, so the same finding has the
   * same fingerprint however its file was named (`.`, an absolute path, `../repo`).
   */
  root?: string;
}

/** GitHub code scanning reads `security-severity` (0–10) to rank alerts: high ≥ 7, medium 4–6.9, low < 4. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: "8.0", medium: "5.5", low: "3.0", info: "0.0" };
const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/** The path of a file as the report names it: relative to `root` when it is below it, else absolute. */
function reportPath(file: string, root: string | undefined): string {
  if (root === undefined || file === "<stdin>") return file.replaceAll("\\", "/").replace(/^\.\//, "");
  const rel = relative(root, resolve(root, file));
  if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel)) return rel.split(sep).join("/");
  return resolve(root, file).replaceAll("\\", "/");
}

/**
 * A valid URI reference for a file (RFC 3986, as the SARIF schema requires): path segments
 * percent-encoded, an absolute path as a file: URI, standard input as "stdin".
 */
function uri(file: string, root?: string): string {
  if (file === "<stdin>") return "stdin";
  const path = reportPath(file, root);
  const encoded = path
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/%3A/gi, ":"))
    .join("/");
  if (path.startsWith("/")) return `file://${encoded}`;
  if (/^[A-Za-z]:\//.test(path)) return `file:///${encoded}`;
  // A relative reference whose first segment holds ":" would read as a scheme.
  return encoded.split("/")[0]?.includes(":") ? `./${encoded}` : encoded;
}

/**
 * An artifact location: a path below `root` is relative to the run's `%SRCROOT%` base (SARIF §3.4.4:
 * a relative reference should name its base), which `originalUriBaseIds` gives as `root`.
 */
function artifact(file: string, root?: string): { uri: string; uriBaseId?: string } {
  const u = uri(file, root);
  return root !== undefined && file !== "<stdin>" && !u.startsWith("file:")
    ? { uri: u, uriBaseId: SRCROOT }
    : { uri: u };
}

const SRCROOT = "%SRCROOT%";

/** A directory as a file: URI ending in "/" (a base URI must, SARIF §3.14.14). */
function directoryUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith("/") ? href : `${href}/`;
}

function region(f: Finding) {
  return { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn };
}

/** SARIF 2.1.0, one run (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html). */
export function renderSarif(report: ScanReport, options: SarifOptions): string {
  return `${JSON.stringify(sarifDocument(report, options), null, 2)}\n`;
}

/**
 * {@link renderSarif}'s text in pieces (joined, the same text), for writing a large log without
 * holding it whole.
 */
export function* renderSarifChunks(report: ScanReport, options: SarifOptions): Generator<string> {
  yield* jsonChunks(sarifDocument(report, options));
  yield "\n";
}

function sarifDocument(report: ScanReport, options: SarifOptions): unknown {
  const ruleIndex = new Map(options.rules.map((r, i) => [r.meta.id, i]));
  const rules = options.rules.map((r) => ({
    id: r.meta.id,
    name: r.meta.slug,
    shortDescription: { text: r.meta.title },
    fullDescription: { text: r.meta.description },
    help: { text: r.meta.howToFix, markdown: `${r.meta.description}\n\n**How to fix.** ${r.meta.howToFix}` },
    helpUri: `${options.helpBase}${r.meta.id}.md`,
    defaultConfiguration: { level: LEVEL[r.meta.severity] },
    properties: {
      "security-severity": SECURITY_SEVERITY[r.meta.severity],
      precision: r.meta.id.startsWith("CD3") ? "medium" : "very-high",
      tags: ["security", "iam", "confused-deputy"],
    },
  }));
  const results = report.findings.map((f) => {
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      level: LEVEL[f.severity],
      // A finding that holds only under some choices says which, where code scanning shows it.
      message: { text: f.variant ? `${f.message} (When: ${f.variant}.)` : f.message },
      locations: [
        { physicalLocation: { artifactLocation: artifact(f.file, options.root), region: region(f) } },
      ],
      partialFingerprints: {
        "deputyguard/v1": findingFingerprint({ ...f, file: reportPath(f.file, options.root) }),
      },
      properties: {
        severity: f.severity,
        "security-severity": SECURITY_SEVERITY[f.severity],
        resource: f.resource,
        principals: f.principals,
        ...(f.variant ? { variant: f.variant } : {}),
        ...(f.witness ? { witness: f.witness } : {}),
        ...(f.fix ? { fix: f.fix } : {}),
      },
    };
    if (f.fix?.edits?.length) {
      const byFile = new Map<string, NonNullable<NonNullable<Finding["fix"]>["edits"]>>();
      for (const e of f.fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
      result.fixes = [
        {
          description: { text: f.fix.description },
          artifactChanges: [...byFile].map(([file, edits]) => ({
            artifactLocation: artifact(file, options.root),
            replacements: edits.map((e) => ({
              deletedRegion: {
                startLine: e.startLine,
                startColumn: e.startColumn,
                endLine: e.endLine,
                endColumn: e.endColumn,
              },
              insertedContent: { text: e.text },
            })),
          })),
        },
      ];
    }
    if (f.suppressed) {
      result.suppressions = [
        { kind: f.suppressed.kind, status: "accepted", justification: f.suppressed.justification },
      ];
    }
    const index = ruleIndex.get(f.ruleId);
    if (index !== undefined) result.ruleIndex = index;
    const related: Array<Record<string, unknown>> = [];
    for (const [i, r] of (f.related ?? []).entries()) {
      related.push({
        id: i + 2,
        message: { text: r.message },
        physicalLocation: {
          artifactLocation: artifact(r.file, options.root),
          region: { startLine: r.line, startColumn: r.column },
        },
      });
    }
    if (related.length > 0) result.relatedLocations = related;
    if (f.element) {
      result.relatedLocations = [
        ...related,
        {
          id: 1,
          message: { text: "the offending element" },
          physicalLocation: {
            artifactLocation: artifact(f.file, options.root),
            region: { startLine: f.element.line, startColumn: f.element.column },
          },
        },
      ];
    }
    return result;
  });
  const notifications = [...report.errors, ...report.warnings].map((d) => ({
    level: d.severity === "error" ? "error" : "warning",
    message: { text: `${d.code}: ${d.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact(d.file, options.root),
          ...(d.line !== undefined
            ? { region: { startLine: d.line, ...(d.column !== undefined ? { startColumn: d.column } : {}) } }
            : {}),
        },
      },
    ],
  }));
  const sarif = {
    $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: options.tool.name,
            version: options.tool.version,
            semanticVersion: options.tool.version,
            informationUri: "https://github.com/deputyguard/deputyguard",
            rules,
          },
        },
        invocations: [
          { executionSuccessful: report.errors.length === 0, toolExecutionNotifications: notifications },
        ],
        ...(options.root !== undefined
          ? { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.root) } } }
          : {}),
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
  return sarif;
}

function xml(s: string): string {
  return (
    s
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
  );
}

/**
 * JUnit XML for CI systems that show test reports: one test case per finding, failed when it is at
 * or above the threshold, and one per input error (counted as an error, not a failure).
 */
export function renderJunit(report: ScanReport, failOn: (s: Severity) => boolean): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const cases: string[] = [];
  let failures = 0;
  for (const [file, findings] of byFile) {
    for (const f of findings) {
      const failing = failOn(f.severity);
      if (failing) failures++;
      const name = xml(`${f.ruleId} ${f.rule} at ${file}:${f.line}:${f.column}`);
      const body = failing
        ? `<failure type="${f.severity}" message="${xml(f.message)}">${xml(`${f.message}\n${f.variant ? `when: ${f.variant}\n` : ""}${f.fix ? `fix:\n${f.fix.text}` : ""}`)}</failure>`
        : `<system-out>${xml(`${f.severity}: ${f.message}`)}</system-out>`;
      cases.push(`    <testcase classname="${xml(file)}" name="${name}">${body}</testcase>`);
    }
  }
  let errors = 0;
  for (const e of report.errors) {
    errors++;
    cases.push(
      `    <testcase classname="${xml(e.file)}" name="${xml(`${e.code} ${e.file}${e.line ? `:${e.line}` : ""}`)}"><error message="${xml(e.message)}"/></testcase>`,
    );
  }
  if (cases.length === 0) cases.push(`    <testcase classname="deputyguard" name="no findings"/>`);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="deputyguard" tests="${cases.length}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="deputyguard" tests="${cases.length}" failures="${failures}" errors="${errors}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
