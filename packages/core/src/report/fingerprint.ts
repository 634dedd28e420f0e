import type { Finding } from "../engine/check.js";

/**
 * A fingerprint that survives unrelated edits: it names the rule, the file, the resource, the
 * statement (by Sid when it has one, else by index) and the principals, not the line.
 */
export function findingFingerprint(f: Finding): string {
  const statement = f.statement
    ? f.statement.sid !== undefined
      ? `sid:${f.statement.sid}`
      : `index:${f.statement.index}`
    : "permission";
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
