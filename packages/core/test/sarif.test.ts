import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as ajvDraft04 from "ajv-draft-04";
import * as ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import {
  checkPolicyText,
  emptyReport,
  findingFingerprint,
  RULES,
  renderJunit,
  renderSarif,
} from "../src/index.js";
import { policyFiles, scanPolicies } from "./helpers/policy-fixtures.js";

const SCHEMA = join(import.meta.dirname, "../../../../shared/schemas/sarif-schema-2.1.0.json");
const FIXTURES = join(import.meta.dirname, "../../../test-fixtures/policy-json");
const hasSchema = (() => {
  try {
    return statSync(SCHEMA).isFile();
  } catch {
    return false;
  }
})();

// Both packages are CommonJS; depending on the loader the class or function sits on `default` once or twice.
type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
type AjvLike = { compile(schema: unknown): Validate };
const unwrap = <T>(m: unknown): T => {
  const d = (m as { default?: unknown }).default ?? m;
  return ((d as { default?: unknown }).default ?? d) as T;
};
const Ajv = unwrap<new (options: object) => AjvLike>(ajvDraft04);
const addFormats = unwrap<(ajv: AjvLike) => void>(ajvFormats);

const sarifOptions = {
  tool: { name: "deputyguard", version: "0.0.0" },
  rules: RULES,
  helpBase: "https://example.test/docs/rules/",
};

describe("SARIF", () => {
  // The schema comes from the shared folder beside the repository (CI has it); without it there is nothing to validate against.
  it.skipIf(!hasSchema)("is valid SARIF 2.1.0 on every policy fixture", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
    const report = scanPolicies(policyFiles(FIXTURES));
    expect(report.findings.length).toBeGreaterThan(50);
    const sarif = JSON.parse(renderSarif(report, sarifOptions));
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  // From a hunt: "<stdin>" and paths with spaces or non-ASCII letters made invalid URIs, and the
  // fingerprint of one finding changed with how its file was named (".", an absolute path).
  it.skipIf(!hasSchema)(
    "writes valid URIs for any file name, and fingerprints that do not depend on how it was named",
    () => {
      const ajv = new Ajv({ allErrors: true, strict: false });
      addFormats(ajv);
      const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
      const text = readFileSync(
        join(FIXTURES, "rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition.json"),
        "utf8",
      );
      const one = (file: string) => {
        const report = emptyReport();
        report.findings.push(...checkPolicyText(text, file).findings);
        report.summary.findings = report.findings.length;
        return report;
      };
      const root = "/work/repo";
      const uris = ["<stdin>", "sub dir/pölicy.json", "/elsewhere/a b.json", "./policy.json"].map((file) => {
        const sarif = JSON.parse(renderSarif(one(file), { ...sarifOptions, root }));
        expect(validate(sarif), file).toBe(true);
        return sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
      });
      expect(uris).toEqual([
        "stdin",
        "sub%20dir/p%C3%B6licy.json",
        "file:///elsewhere/a%20b.json",
        "policy.json",
      ]);
      const print = (file: string) =>
        JSON.parse(renderSarif(one(file), { ...sarifOptions, root })).runs[0].results[0].partialFingerprints[
          "deputyguard/v1"
        ];
      expect(
        new Set([print("policy.json"), print("./policy.json"), print("/work/repo/policy.json")]).size,
      ).toBe(1);
    },
  );

  // From a review: relative URIs named no base (SARIF §3.4.4 says they should), so a consumer could
  // not tell what they were relative to.
  it("gives relative URIs the %SRCROOT% base, which the run resolves to the root directory", () => {
    const text = readFileSync(
      join(FIXTURES, "rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition.json"),
      "utf8",
    );
    const locate = (file: string, root?: string) => {
      const report = emptyReport();
      report.findings.push(...checkPolicyText(text, file).findings);
      const run = JSON.parse(renderSarif(report, { ...sarifOptions, ...(root ? { root } : {}) })).runs[0];
      return { run, location: run.results[0].locations[0].physicalLocation.artifactLocation };
    };
    const below = locate("sub/policy.json", "/work/repo");
    expect(below.location).toEqual({ uri: "sub/policy.json", uriBaseId: "%SRCROOT%" });
    expect(below.run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///work/repo/" } });
    expect(new URL(below.location.uri, below.run.originalUriBaseIds["%SRCROOT%"].uri).href).toBe(
      "file:///work/repo/sub/policy.json",
    );
    // Outside the root the URI is absolute, and standard input has no base.
    expect(locate("/elsewhere/p.json", "/work/repo").location).toEqual({ uri: "file:///elsewhere/p.json" });
    expect(locate("<stdin>", "/work/repo").location).toEqual({ uri: "stdin" });
    // Without a root nothing is said about a base.
    const none = locate("sub/policy.json");
    expect(none.location).toEqual({ uri: "sub/policy.json" });
    expect(none.run.originalUriBaseIds).toBeUndefined();
  });

  it("carries every rule with security-severity, and results with levels, regions and fingerprints", () => {
    const report = scanPolicies([
      join(FIXTURES, "rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition.json"),
    ]);
    const sarif = JSON.parse(renderSarif(report, sarifOptions));
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    expect(run.tool.driver.rules[0].properties["security-severity"]).toBe("8.0");
    const result = run.results[0];
    expect(result.ruleId).toBe("CD101");
    expect(result.level).toBe("error");
    expect(result.locations[0].physicalLocation.region.startLine).toBe(report.findings[0]?.line);
    expect(result.partialFingerprints["deputyguard/v1"]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("fingerprints survive moved lines", () => {
    const text = readFileSync(
      join(FIXTURES, "rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition.json"),
      "utf8",
    );
    const a = checkPolicyText(text, "p.json").findings[0];
    const b = checkPolicyText(`\n\n\n${text}`, "p.json").findings[0];
    if (!a || !b) throw new Error("expected findings");
    expect(b.line).toBe(a.line + 3);
    expect(findingFingerprint(b)).toBe(findingFingerprint(a));
  });
});

describe("JUnit", () => {
  it("has one failing test case per finding at or above the threshold", () => {
    const report = scanPolicies([
      join(FIXTURES, "rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition.json"),
    ]);
    const xml = renderJunit(report, (s) => s === "high");
    expect(xml).toContain('<testsuites name="deputyguard"');
    expect(xml).toContain("<failure");
    expect((xml.match(/<testcase /g) ?? []).length).toBe(report.findings.length);
  });
});
