import { describe, expect, it } from "vitest";
import {
  checkPolicyText,
  codeFrame,
  emptyReport,
  RULES,
  renderJunit,
  renderSarif,
  renderText,
} from "../src/index.js";

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

// From the session-13 hunt on bad input: the text report split the whole file into lines once per
// finding, and made the whole focus line printable, so a policy of 20,000 statements on one 4 MB
// line took 268 s (17.7 s now); a long line was shown from its start, with the caret at column 160
// whatever column the finding was at.
describe("code frames of long lines", () => {
  it("show the part of a long line around the column, with the caret on the text it points at", () => {
    const line = `${"x".repeat(5000)}TARGET${"y".repeat(5000)}`;
    const frame = codeFrame(`a\n${line}\nb`, 2, 5001);
    const [, focus, caret] = frame.split("\n");
    expect(focus).toMatch(/^ {2}> 2 \| \.\.\.x+TARGETy+\.\.\.$/);
    expect((focus as string).length).toBeLessThanOrEqual(170);
    expect((caret as string).indexOf("^")).toBe((focus as string).indexOf("TARGET"));
  });

  it("frames each text from its own lines, one after another", () => {
    expect(codeFrame("one\ntwo", 2, 1)).toContain("> 2 | two");
    expect(codeFrame("uno\ndos", 2, 1)).toContain("> 2 | dos");
    expect(codeFrame("one\ntwo", 1, 2)).toBe("  > 1 | one\n      |  ^\n    2 | two");
  });
});
