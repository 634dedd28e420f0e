/**
 * From the session-13 hunt on bad input: `--fix` on a policy of 4,000 statements, each fixed, took
 * 169 s, nearly all of it in the one unified diff of the file (Myers' diff: time in size × changes).
 * A large diff is now made in pieces cut where the texts agree; the patch must be the very one the
 * diff library gives for the whole texts.
 */
import { applyPatch, createTwoFilesPatch } from "diff";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../src/index.js";

function policy(n: number, fixed: boolean): string {
  const statements = Array.from({ length: n }, (_, i) => ({
    Sid: `s${i}`,
    Effect: "Allow",
    Principal: { Service: "sns.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::b${i}/*`,
    Condition: {
      ...(fixed && i % 3 !== 1 ? { StringEquals: { "aws:SourceAccount": "111122223333" } } : {}),
      ArnLike: { "aws:SourceArn": `arn:aws:sns:*:${fixed && i % 3 === 0 ? "111122223333" : "*"}:t${i}*` },
    },
  }));
  return `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 1)}${fixed ? "" : "\n"}`;
}

describe("unifiedDiff of large texts", () => {
  it("gives the same patch as the diff of the whole texts, and it applies", () => {
    const before = policy(700, false);
    const after = policy(700, true);
    expect(before.length + after.length).toBeGreaterThan(200_000);
    const patch = unifiedDiff("p.json", before, after);
    expect(patch).toBe(createTwoFilesPatch("a/p.json", "b/p.json", before, after, "", "", { context: 3 }));
    expect(applyPatch(before, patch)).toBe(after);
  });

  // The hunt's size: the diff of the whole texts took 143 s here, the pieces 0.3 s. The bound is
  // far from both, so that a slow machine does not fail it and the old way cannot pass it.
  it("takes seconds, not minutes, for 4,000 fixed statements", () => {
    const before = policy(4000, false);
    const after = policy(4000, true);
    const start = performance.now();
    const patch = unifiedDiff("p.json", before, after);
    expect(performance.now() - start).toBeLessThan(20_000);
    expect(applyPatch(before, patch)).toBe(after);
  }, 60_000);

  it("diffs texts with no line they share once as a whole", () => {
    const before = `${"{\n".repeat(60_000)}`;
    const after = `${"{\n".repeat(30_000)}}\n${"{\n".repeat(30_000)}`;
    const patch = unifiedDiff("p.json", before, after);
    expect(applyPatch(before, patch)).toBe(after);
  });
});
