import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { applyTerraformFixesWithNotes, terraformFormat } from "../src/index.js";

// Found while checking CloudFormation's per-finding fixes against the fixtures: with --account set
// to another account, CD102 and CD105 both hold for each statement of this fixture and ask for
// different fixes. `--fix` took that for one written statement standing for several that need
// different fixes, edited nothing and said so twice. The first finding's fix is written now.
describe("two rules asking different fixes of one statement", () => {
  it("are not variants: --fix edits the statement", async () => {
    const dir = join(
      import.meta.dirname,
      "../../../test-fixtures/terraform/rules/CD105/invalid-01-cloudtrail-bucket-stringlike-region-wildcard/jsonencode",
    );
    const options = { accounts: ["307946655512"] };
    const r = await terraformFormat.scanDirectory?.(dir, options);
    const findings = (r?.sites ?? []).flatMap((s) => checkSite(s, options).findings);
    expect(findings.map((f) => f.ruleId).sort()).toEqual(["CD102", "CD102", "CD105", "CD105"]);
    const file = join(dir, "main.tf");
    const { files, notes } = await applyTerraformFixesWithNotes(
      new Map([[file, readFileSync(file, "utf8")]]),
      findings,
    );
    expect(notes).toEqual([]);
    expect(files.get(file)).toContain('"aws:SourceAccount" = "307946655512"');
  });
});
