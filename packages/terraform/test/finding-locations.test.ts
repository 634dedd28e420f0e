import { join } from "node:path";
import { applySuppressions, checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformFormat } from "../src/index.js";
import { scan } from "./helpers.js";

// From the session-16 Terraform hunt (fixtures-hunt16): a finding in a policy rendered from a
// template, or in a statement read from another file, was reported at its line and column in that
// file applied to the calling .tf file, with a code frame of unrelated lines.
const DIR = join(import.meta.dirname, "fixtures-hunt16");

async function module(name: string) {
  const r = await terraformFormat.scanDirectory?.(join(DIR, name), {});
  return {
    sites: r?.sites ?? [],
    findings: (r?.sites ?? []).flatMap((s) => checkSite(s, {}).findings),
    diagnostics: r?.diagnostics ?? [],
  };
}

describe("templatefile() with an %{if} not known before apply", () => {
  it("a finding in a text the template may render points at the templatefile call", async () => {
    const r = await module("templatefile-undecided-if");
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const main = join(DIR, "templatefile-undecided-if/main.tf");
    expect(r.sites.map((s) => s.file)).toEqual([main, main]);
    expect([...new Set(r.findings.map((f) => [f.ruleId, f.file, f.line, f.column].join(" ")))]).toEqual([
      `CD101 ${main} 12 12`,
    ]);
  });

  // From the session-16 review: pointing such findings into the template moved them out of the
  // resource block, and a `# deputyguard:ignore` on the resource no longer covered them.
  it("a suppression on the resource still covers them", async () => {
    const r = await scan({
      "main.tf": `variable "extra" { type = string }
# deputyguard:ignore CD101 -- reviewed
resource "aws_sns_topic" "t" {
  name   = "t"
  policy = templatefile("\${path.module}/p.tpl", { extra = var.extra })
}
`,
      "p.tpl": `{
  "Statement": [
    %{ if extra != "" }{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish"},%{ endif }
    {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sns:Publish"}
  ]
}
`,
    });
    expect(r.findings.length).toBeGreaterThan(0);
    const out = applySuppressions(
      r.findings,
      r.sites.flatMap((x) => x.suppressions ?? []),
      "2026-01-01",
    );
    expect(out.findings.every((f) => f.suppressed && f.file.endsWith("main.tf"))).toBe(true);
  });
});

describe("a statement written in another file than its policy's", () => {
  it("is reported at the policy document, not at its own line applied to the .tf file", async () => {
    const r = await scan({
      "main.tf": `data "aws_iam_policy_document" "p" {
  source_policy_documents = [file("\${path.module}/base.json")]
  statement {
    sid       = "Own"
    actions   = ["sns:Publish"]
    resources = ["*"]
  }
}
resource "aws_sns_topic" "t" {
  name   = "t"
  policy = data.aws_iam_policy_document.p.json
}
`,
      "base.json":
        '{\n  "Statement": [\n\n\n\n\n    {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish"}\n  ]\n}\n',
    });
    const inMain = r.findings.filter((f) => f.file.endsWith("main.tf"));
    expect(inMain.map((f) => [f.ruleId, f.line, f.column])).toEqual([["CD101", 1, 1]]);
  });
});
