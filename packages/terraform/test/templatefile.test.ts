import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformFormat } from "../src/index.js";
import { scan } from "./helpers.js";

// From the session-16 Terraform hunt (fixtures-hunt16): a templatefile() call whose vars map lacks
// a key the template uses (Terraform fails at plan) was rendered anyway, with no error.
const DIR = join(import.meta.dirname, "fixtures-hunt16");

async function module(name: string) {
  const r = await terraformFormat.scanDirectory?.(join(DIR, name), {});
  return {
    sites: r?.sites ?? [],
    findings: (r?.sites ?? []).flatMap((s) => checkSite(s, {}).findings),
    diagnostics: r?.diagnostics ?? [],
  };
}

describe("templatefile()", () => {
  it("a key the template uses that the vars map lacks is an error at the call, and the policy stays unknown", async () => {
    const r = await module("templatefile-missing-key");
    const main = join(DIR, "templatefile-missing-key/main.tf");
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([
      {
        code: "ConfigError",
        severity: "error",
        file: main,
        line: 6,
        column: 12,
        message:
          'the vars map of templatefile("./policy.json.tpl") does not contain the key "extra" (policy.json.tpl:11:12) that the template references, so Terraform fails at plan; give it in the vars map. The policy is not analysed',
      },
    ]);
    // Not rendered with a guess: no site, no finding, and the warning says why.
    expect(r.sites).toEqual([]);
    expect(r.findings).toEqual([]);
    expect(r.diagnostics.find((d) => d.code === "PolicyUnknown")?.message).toContain(
      'its vars map does not contain the key "extra" (policy.json.tpl:11:12)',
    );
  });

  it("names bound by the template's own for loops and for expressions are no keys of the vars map", async () => {
    const r = await scan({
      "main.tf": `resource "aws_sns_topic_policy" "p" {
  arn    = "x"
  policy = templatefile("\${path.module}/p.tpl", { accounts = ["210987654321"], ids = ["a"] })
}
`,
      "p.tpl": `{"Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish",
  "Resource": \${jsonencode([for i in ids : "arn:aws:sns:us-east-1:210987654321:\${i}"])},
  "Condition": {"StringEquals": {"aws:SourceAccount": [%{ for n, a in accounts }%{ if n > 0 },%{ endif }"\${a}"%{ endfor }]}}}]}
`,
    });
    expect(r.diagnostics.filter((d) => d.code === "ConfigError")).toEqual([]);
    expect(r.sites).toHaveLength(1);
    expect(r.findings).toEqual([]);
  });

  it("each missing key is named once, at its first reference", async () => {
    const r = await scan({
      "main.tf": `resource "aws_sns_topic_policy" "p" {
  arn    = "x"
  policy = templatefile("\${path.module}/p.tpl", {})
}
`,
      "p.tpl":
        '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "${svc}"}, "Action": "${svc}:${act}"}]}\n',
    });
    expect(
      r.diagnostics.filter((d) => d.code === "ConfigError").map((d) => [d.line, d.column, d.message]),
    ).toEqual([
      [
        3,
        12,
        'the vars map of templatefile("./p.tpl") does not contain the keys "svc" (p.tpl:1:64), "act" (p.tpl:1:92) that the template references, so Terraform fails at plan; give them in the vars map. The policy is not analysed',
      ],
    ]);
  });

  it("a vars map whose keys are not known before apply is not checked", async () => {
    const r = await scan({
      "main.tf": `variable "vars" {
  type = map(string)
}
resource "aws_sns_topic_policy" "p" {
  arn    = "x"
  policy = templatefile("\${path.module}/p.tpl", var.vars)
}
`,
      "p.tpl":
        '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "${act}"}]}\n',
    });
    expect(r.diagnostics.filter((d) => d.code === "ConfigError")).toEqual([]);
  });
});
