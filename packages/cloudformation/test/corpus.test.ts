import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCloudFormation, looksLikeTemplate } from "../src/index.js";

// CI checks out `shared` beside the repository; without it there is nothing to scan.
const CORPUS = join(import.meta.dirname, "../../../../shared/corpus");
const DIR = join(CORPUS, "cloudformation");
const present = existsSync(DIR);

describe.skipIf(!present)("every CloudFormation file of ../shared/corpus (snapshot)", () => {
  const names = present ? readdirSync(DIR).sort() : [];
  it("finds templates", () => {
    expect(names.length).toBeGreaterThan(40);
  });
  for (const name of names) {
    it(name, async () => {
      const text = readFileSync(join(DIR, name), "utf8");
      expect(looksLikeTemplate(text)).toBe(true);
      const r = await checkCloudFormation(`cloudformation/${name}`, text);
      const lines = [
        ...r.findings.map(
          (f) =>
            `${f.line}:${f.column} ${f.severity} ${f.ruleId} [${f.resource}] ${f.principals.join(",")} — ${f.message}`,
        ),
        ...r.diagnostics.map(
          (d) => `${d.line ?? "-"}:${d.column ?? "-"} ${d.severity} ${d.code} ${d.message}`,
        ),
      ];
      expect(`${r.sites.length} sites\n${lines.join("\n")}`).toMatchSnapshot();
    });
  }
});
