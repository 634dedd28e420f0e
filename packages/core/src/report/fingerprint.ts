import type { Finding } from "../engine/check.js";

/**
 * A fingerprint that survives unrelated edits: it names the rule, the file, the resource, the
 * statement (by Sid when it has one, else by its anchor: its principals and its place among the
 * statements without a Sid that name the same, see `Finding.statement`) and the principals, not
 * the line.
 */
export function findingFingerprint(f: Finding): string {
  const s = f.statement;
  return fingerprintOf(
    f,
    s
      ? s.sid !== undefined
        ? `sid:${s.sid}`
        : s.anchor !== undefined
          ? `at:${s.anchor}`
          : `index:${s.index}`
      : "permission",
  );
}

/**
 * The fingerprint earlier versions wrote for a statement without a Sid (by its index): a baseline
 * written then still matches (see applyBaseline). Undefined where it is the same as
 * {@link findingFingerprint}.
 */
export function indexFingerprint(f: Finding): string | undefined {
  const s = f.statement;
  if (!s || s.sid !== undefined || s.anchor === undefined) return undefined;
  return fingerprintOf(f, `index:${s.index}`);
}

function fingerprintOf(f: Finding, statement: string): string {
  const parts = [
    f.ruleId,
    f.file.replaceAll("\\", "/"),
    f.resource ?? "",
    statement,
    [...f.principals].sort().join(","),
  ];
  // node:crypto is loaded when a fingerprint is first asked for (SARIF, baselines), not by every
  // run: loading it took about 3 ms of a cold `check-iac` here.
  return process
    .getBuiltinModule("node:crypto")
    .createHash("sha256")
    .update(parts.join("\u0000"))
    .digest("hex")
    .slice(0, 32);
}
