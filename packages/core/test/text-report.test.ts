import { describe, expect, it } from "vitest";
import { checkPolicyText, emptyReport, renderText } from "../src/index.js";

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
