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
