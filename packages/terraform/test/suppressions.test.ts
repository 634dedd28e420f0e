import { describe, expect, it } from "vitest";
import { commentSuppressions } from "../src/policy/suppressions.js";

const range = (first: number, last: number) => ({
  file: "main.tf",
  start: { line: first, column: 1 },
  end: { line: last, column: 2 },
});

describe("suppression comments", () => {
  it("reads # // and /* */ forms with rules, until and reason", () => {
    const text = [
      "# deputyguard:ignore CD101, CD102 until=2027-06-30 -- shared bucket",
      'resource "aws_s3_bucket_policy" "b" {',
      "  policy = local.p // deputyguard:ignore CD104",
      "  /* deputyguard:ignore CD105 -- legacy */",
      "}",
    ].join("\n");
    const s = commentSuppressions(text, range(2, 5), "aws_s3_bucket_policy.b");
    expect(s.map((x) => [x.rule, x.reason ?? null, x.until ?? null, x.origin.line])).toEqual([
      ["CD101", "shared bucket", "2027-06-30", 1],
      ["CD102", "shared bucket", "2027-06-30", 1],
      ["CD104", null, null, 3],
      ["CD105", "legacy", null, 4],
    ]);
    expect(s.every((x) => x.scope.resource === "aws_s3_bucket_policy.b")).toBe(true);
  });

  // Regression: every resource block split the whole file into lines, so a 2,000-block module spent
  // seconds here (bench/tf.js went from 1.3x to 3.4x the hcl2json parse).
  it("costs nothing per block in a large file without suppressions", () => {
    const text = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'.repeat(20_000);
    const t = performance.now();
    for (let i = 0; i < 2000; i++)
      commentSuppressions(text, range(i * 3 + 1, i * 3 + 3), `aws_sqs_queue.q${i}`);
    expect(performance.now() - t).toBeLessThan(200);
  });
});
