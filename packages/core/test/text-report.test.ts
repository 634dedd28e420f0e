import { describe, expect, it } from "vitest";
import { checkPolicyText, emptyReport, RULES, renderJunit, renderSarif, renderText } from "../src/index.js";

const policy = (service: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: service }, Action: "sqs:SendMessage", Resource: "*" },
    ],
  });

function text(service: string): string {
  const report = emptyReport();
  const r = checkPolicyText(policy(service), "q.json");
  report.findings.push(...r.findings);
  report.summary.findings = r.findings.length;
  return renderText(report, { source: () => policy(service) });
}

describe("text report", () => {
  it("says when a service is unknown to the knowledge table", () => {
    expect(text("example-new-service.amazonaws.com")).toContain(
      "note: example-new-service.amazonaws.com is not in the service knowledge table",
    );
  });
  it("says nothing of the kind for a known service", () => {
    const out = text("sns.amazonaws.com");
    expect(out).toContain("CD101");
    expect(out).not.toContain("not in the service knowledge table");
  });
});

// From a fuzz hunt: text output wrote the input's control characters raw (a Sid with ESC [31m, an
// OSC title sequence, BEL), so a policy in a pull request could recolour, retitle or rewrite the CI log.
describe("control characters from the input", () => {
  it("are shown escaped, never written raw", () => {
    const policy = JSON.stringify({
      Statement: [
        {
          Sid: "S\u001b[31mRED\u001b]0;title\u0007\u202e",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sns:Publish",
          Resource: "*",
        },
      ],
    });
    const r = checkPolicyText(policy, "p\u001b[2J.json");
    const text = renderText(
      {
        ...emptyReport(),
        findings: r.findings,
        errors: [{ code: "X", severity: "error", file: "a\u0007", message: "m\u001b" }],
      },
      { source: () => policy },
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters.
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain("(S\\u{1b}[31mRED\\u{1b}]0;title\\u{7}\\u{202e})");
    expect(text).toContain("p\\u{1b}[2J.json");
  });
});

// From a CLI hunt: a Sid holding a line break printed a fake finding line in text output; SARIF
// and JUnit dropped a finding's variant (the choice it holds under).
describe("one-line fields and variants in every format", () => {
  const policy = JSON.stringify({
    Statement: [
      {
        Sid: "A\n  9:9  low  CD999 fake",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: "*",
      },
    ],
  });
  const findings = checkPolicyText(policy, "p.json").findings.map((f) => ({ ...f, variant: "var.x: false" }));

  it("a line break from the input is escaped in text output", () => {
    const text = renderText({ ...emptyReport(), findings });
    expect(text).not.toMatch(/\n\s+9:9\s+low\s+CD999/);
    expect(text).toContain("(A\\u{a}  9:9  low  CD999 fake)");
  });

  it("SARIF and JUnit carry the variant", () => {
    const report = { ...emptyReport(), findings };
    const sarif = JSON.parse(
      renderSarif(report, { tool: { name: "deputyguard", version: "0" }, rules: RULES, helpBase: "x/" }),
    ) as {
      runs: Array<{ results: Array<{ message: { text: string }; properties: { variant?: string } }> }>;
    };
    expect(sarif.runs[0]?.results[0]?.properties.variant).toBe("var.x: false");
    expect(sarif.runs[0]?.results[0]?.message.text).toContain("(When: var.x: false.)");
    expect(renderJunit(report, () => true)).toContain("when: var.x: false");
  });
});
