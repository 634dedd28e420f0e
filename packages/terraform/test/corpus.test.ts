import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { checkSite, type Finding } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { HclParser } from "../src/hcl/parser.js";
import type { Body } from "../src/hcl/syntax.js";
import { terraformFormat, terraformPlanFormat } from "../src/index.js";

const CORPUS = join(import.meta.dirname, "../../../../shared/corpus");
const TERRAFORM = join(CORPUS, "terraform");
// The corpus lives outside the repository (../shared); without it there is nothing to snapshot.
const present = existsSync(TERRAFORM);

function moduleDirs(): string[] {
  return readdirSync(TERRAFORM)
    .filter((d) => d !== "plans" && statSync(join(TERRAFORM, d)).isDirectory())
    .sort()
    .map((d) => join(TERRAFORM, d));
}

function plans(): string[] {
  return readdirSync(join(TERRAFORM, "plans"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(TERRAFORM, "plans", f));
}

interface Scanned {
  file: string;
  findings: Finding[];
  sites: Array<{ resource: string | null; file: string; first: number; last: number }>;
}

async function scanAll(): Promise<Scanned[]> {
  const out: Scanned[] = [];
  for (const dir of moduleDirs()) {
    const r = await terraformFormat.scanDirectory?.(dir, {});
    for (const s of r?.sites ?? []) {
      out.push({
        file: s.file,
        findings: checkSite(s, {}).findings,
        sites: [
          {
            resource: s.resource,
            file: s.file,
            first: s.range?.start.line ?? 0,
            last: s.range?.end.line ?? 0,
          },
        ],
      });
    }
  }
  for (const p of plans()) {
    const r = await terraformPlanFormat.extract({ file: p, text: readFileSync(p, "utf8") }, {});
    for (const s of r.sites)
      out.push({
        file: p,
        findings: checkSite(s, {}).findings,
        sites: [{ resource: s.resource, file: s.file, first: 0, last: 0 }],
      });
  }
  return out;
}

describe.skipIf(!present)("corpus (../shared/corpus/terraform)", () => {
  it("scans every module and plan; the findings are snapshotted", async () => {
    const all = await scanAll();
    const lines = all
      .flatMap((s) => s.findings)
      .map(
        (f) => `${relative(TERRAFORM, f.file)}:${f.line}:${f.column} ${f.ruleId} ${f.severity} ${f.resource}`,
      )
      .sort();
    expect(lines).toMatchSnapshot();
  });

  it("agrees with LABELS.tsv on every Terraform row", async () => {
    const rows = readFileSync(join(CORPUS, "LABELS.tsv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t"))
      .filter((r) => r[0]?.startsWith("terraform/"));
    const all = await scanAll();
    const table = new Map<string, number>();
    const disagreements: string[] = [];
    for (const [file = "", locator = "", , verdict = ""] of rows) {
      const abs = join(CORPUS, file);
      let ours: string;
      if (file.includes("/plans/")) {
        const address = locator.split(" ")[0];
        const hits = all.filter((s) => s.file === abs && s.sites[0]?.resource === address);
        const ids = hits
          .flatMap((h) => h.findings)
          .filter((f) => f.ruleId !== "CD301")
          .map((f) => f.ruleId);
        ours = hits.length === 0 ? "no site" : ids.length === 0 ? "clean" : [...new Set(ids)].join("+");
      } else {
        // The label's line lies in the block that holds the statement (or in the permission block).
        const line = Number(/L(\d+)/.exec(locator)?.[1]);
        const text = readFileSync(abs, "utf8");
        const body: Body = HclParser.parseBody(text);
        const block = body.blocks.find((b) => {
          const start = text.slice(0, b.span.start).split("\n").length;
          const end = text.slice(0, b.span.end).split("\n").length;
          return line >= start && line <= end;
        });
        const first = block ? text.slice(0, block.span.start).split("\n").length : line;
        const last = block ? text.slice(0, block.span.end).split("\n").length : line;
        const inBlock = all.filter(
          (s) =>
            s.sites[0]?.file === abs && (s.sites[0]?.first ?? 0) <= last && (s.sites[0]?.last ?? 0) >= first,
        );
        const findings = inBlock
          .flatMap((s) => s.findings)
          .filter((f) => f.file === abs && f.line >= first && f.line <= last);
        const ids = findings.filter((f) => f.ruleId !== "CD301").map((f) => f.ruleId);
        ours = inBlock.length === 0 ? "no site" : ids.length === 0 ? "clean" : [...new Set(ids)].join("+");
      }
      const expected =
        verdict === "GUARDED" || verdict === "COMPUTE-ROLE"
          ? "clean"
          : verdict === "UNGUARDED"
            ? "CD101"
            : "weak";
      const agrees =
        (expected === "clean" && ours === "clean") ||
        (expected === "CD101" && ours.includes("CD101")) ||
        (expected === "weak" && ours !== "clean" && ours !== "no site" && !ours.includes("CD101"));
      const key = `${verdict} -> ${ours}`;
      table.set(key, (table.get(key) ?? 0) + 1);
      if (!agrees) disagreements.push(`${file} ${locator}: label ${verdict}, deputyguard ${ours}`);
    }
    expect([...table].sort()).toMatchSnapshot();
    expect(disagreements).toEqual([]);
  });

  it("reads every corpus file with the same structure as Terraform's parser (hcl2json)", async () => {
    const hcl2json = createRequire(import.meta.url)("@cdktf/hcl2json") as {
      parse(f: string, t: string): Promise<Record<string, unknown>>;
    };
    for (const dir of moduleDirs()) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith(".tf"))) {
        const text = readFileSync(join(dir, f), "utf8");
        const ours = HclParser.parseBody(text);
        const theirs = await hcl2json.parse(f, text);
        const count = (b: Body) => {
          const m: Record<string, number> = {};
          for (const x of b.blocks) m[x.type] = (m[x.type] ?? 0) + 1;
          return m;
        };
        const theirCount: Record<string, number> = {};
        for (const [type, v] of Object.entries(theirs)) {
          const depth =
            type === "resource" || type === "data" ? 2 : type === "locals" || type === "terraform" ? 0 : 1;
          const walk = (x: unknown, d: number): number =>
            d === 0
              ? Array.isArray(x)
                ? x.length
                : 1
              : Object.values(x as Record<string, unknown>).reduce<number>((n, y) => n + walk(y, d - 1), 0);
          theirCount[type] = walk(v, depth);
        }
        expect(count(ours), `${relative(TERRAFORM, dirname(join(dir, f)))}/${f}`).toEqual(theirCount);
      }
    }
  });
});
