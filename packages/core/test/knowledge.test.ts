import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyText, findService, SERVICES } from "../src/index.js";
import { renderServicesDoc, renderServicesTable, servicesAsJson } from "../src/knowledge/render.js";
import type { ServiceKnowledge } from "../src/knowledge/types.js";

const FIXTURES = join(import.meta.dirname, "../../../test-fixtures/policy-json/services");
const DOC = join(import.meta.dirname, "../../../docs/services.md");

const PRINCIPAL =
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.(amazonaws\.com|amazon\.com|amazonaws\.com\.cn)$/;
const PLACEHOLDER = /\$\{[A-Z][A-Za-z0-9]*\}/g;
const PRESENCE = ["always", "sometimes", "never", "unknown"];
const SOURCE_URL = /^https:\/\/(docs\.aws\.amazon\.com|docs\.amazonaws\.cn)\//;

/** Splits an ARN template at its first five colons, as IAM does. */
function arnParts(template: string): string[] | undefined {
  const parts: string[] = [];
  let rest = template;
  for (let i = 0; i < 5; i++) {
    const at = rest.indexOf(":");
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

function concrete(principal: string): string {
  return principal.replace("<region>", "eu-west-1");
}

interface Expected {
  source: string;
  options?: { accounts?: string[]; orgIds?: string[]; strict?: boolean };
  findings: Array<{ ruleId: string; line: number; column: number; why: string }>;
}

describe("service knowledge table", () => {
  it("has at least 60 services with unique ids", () => {
    expect(SERVICES.length).toBeGreaterThanOrEqual(60);
    const ids = SERVICES.map((r) => r.service);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lists each principal in exactly one row", () => {
    const seen = new Map<string, string>();
    for (const row of SERVICES) {
      for (const p of row.principals) {
        const key = p.toLowerCase();
        expect(seen.get(key), `${p} is in ${seen.get(key)} and ${row.service}`).toBeUndefined();
        seen.set(key, row.service);
      }
    }
  });

  for (const row of SERVICES) {
    describe(row.service, () => {
      it("has valid principal names that look up to this row", () => {
        expect(row.principals.length).toBeGreaterThan(0);
        for (const p of row.principals) {
          expect(p.split("<region>").length, `${p}: at most one <region>`).toBeLessThanOrEqual(2);
          expect(p, "lower case").toBe(p.toLowerCase());
          expect(concrete(p)).toMatch(PRINCIPAL);
          expect(findService(concrete(p))?.service).toBe(row.service);
        }
      });

      it("has ARN templates in IAM notation", () => {
        for (const f of row.sourceArnFormats) {
          const parts = arnParts(f);
          expect(parts, f).toBeDefined();
          const [arn, partition, service, region, account, resource] = parts ?? [];
          expect(arn).toBe("arn");
          expect(partition).toBe("${Partition}");
          expect(service, f).toMatch(/^[a-z0-9-]+$/);
          expect(["${Region}", ""], f).toContain(region);
          expect(["${Account}", ""], f).toContain(account);
          expect(resource?.length, f).toBeGreaterThan(0);
          // Every ${...} is a PascalCase placeholder, and nothing else uses $ or braces.
          expect(f.replace(PLACEHOLDER, "X"), f).not.toMatch(/[${}]/);
        }
      });

      it("states accountInArn consistently with its templates", () => {
        const withAccount = row.sourceArnFormats.filter((f) => arnParts(f)?.[4] === "${Account}").length;
        const total = row.sourceArnFormats.length;
        if (row.accountInArn === true) {
          expect(total).toBeGreaterThan(0);
          expect(withAccount).toBe(total);
        } else if (row.accountInArn === false) {
          // An account-less claim needs the shapes it rests on: without them the search would
          // never try a foreign account in the ARN (a hunt's DataZone, Chime and ELB misses).
          expect(total).toBeGreaterThan(0);
          expect(withAccount).toBe(0);
        } else if (row.accountInArn === "unknown") {
          expect(total).toBe(0);
        } else {
          expect(withAccount).toBeGreaterThan(0);
          expect(withAccount).toBeLessThan(total);
        }
      });

      it("has key presence values, guard keys and AWS sources", () => {
        for (const k of Object.values(row.keysSent)) expect(PRESENCE).toContain(k);
        expect(row.name.length).toBeGreaterThan(0);
        expect(row.sources.length).toBeGreaterThan(0);
        for (const s of row.sources) expect(s).toMatch(SOURCE_URL);
        for (const g of row.alternativeGuardKeys) {
          expect(["arn", "account", "token"]).toContain(g.binds);
          expect(g.source).toMatch(SOURCE_URL);
          expect(
            g.key.toLowerCase().startsWith("aws:source") && g.key.toLowerCase() !== "aws:sourceowner",
          ).toBe(false);
        }
        expect(typeof row.passRoleBound).toBe("boolean");
      });
    });
  }
});

describe("rendering", () => {
  it("prints one JSON object per service with the documented fields", () => {
    const json = JSON.parse(JSON.stringify(servicesAsJson(SERVICES))) as Array<Record<string, unknown>>;
    expect(json).toHaveLength(SERVICES.length);
    for (const [i, o] of json.entries()) {
      const row = SERVICES[i] as ServiceKnowledge;
      expect(o.service).toBe(row.service);
      expect(o.principals).toEqual(row.principals);
      expect(o.sourceArnFormats).toEqual(row.sourceArnFormats);
      expect(o.accountInArn).toBe(row.accountInArn);
      expect(o.keysSent).toEqual(row.keysSent);
      expect(o.alternativeGuardKeys).toEqual(row.alternativeGuardKeys);
      expect(o.passRoleBound).toBe(row.passRoleBound);
      expect(o.sources).toEqual(row.sources);
    }
  });

  it("prints a fixed-width table that names every service and principal", () => {
    const table = renderServicesTable(SERVICES);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^SERVICE\s+PRINCIPALS\s+SOURCE ARN FORMATS/);
    for (const row of SERVICES) {
      expect(lines.some((l) => l.startsWith(`${row.service} `) || l === row.service)).toBe(true);
      for (const p of row.principals) expect(table).toContain(p);
    }
    for (const l of lines) expect(l).toBe(l.trimEnd());
  });

  it("docs/services.md is up to date (run node packages/core/scripts/gen-services-doc.js after a build)", () => {
    expect(readFileSync(DOC, "utf8")).toBe(renderServicesDoc(SERVICES));
  });
});

describe("per-service fixtures", () => {
  for (const row of SERVICES) {
    for (const kind of ["guarded", "unguarded"] as const) {
      it(`${row.service}/${kind}`, () => {
        const input = join(FIXTURES, row.service, `${kind}.json`);
        const expectedPath = join(FIXTURES, row.service, `${kind}.expected.json`);
        expect(existsSync(input), input).toBe(true);
        const expected = JSON.parse(readFileSync(expectedPath, "utf8")) as Expected;
        const text = readFileSync(input, "utf8");
        const policy = JSON.parse(text) as {
          Statement: Array<{ Principal: { Service: string | string[] } }>;
        };
        const named = policy.Statement.flatMap((s) => [s.Principal.Service].flat());
        expect(
          named.some((p) => findService(p)?.service === row.service),
          "the fixture uses this row's principal",
        ).toBe(true);

        const result = checkPolicyText(text, input, expected.options ?? {});
        expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const got = result.findings.map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column }));
        const want = expected.findings.map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column }));
        expect(got).toEqual(want);
        const rules = got.map((f) => f.ruleId);
        if (kind === "guarded") {
          for (const id of ["CD101", "CD102", "CD103", "CD104"])
            expect(rules, `guarded has no ${id}`).not.toContain(id);
        } else {
          expect(rules).toContain("CD101");
          expect(Boolean(expected.options?.strict)).toBe(row.passRoleBound && rules.length > 0);
        }
      });
    }
  }
});
