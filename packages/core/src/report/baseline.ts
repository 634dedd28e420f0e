import type { Finding } from "../engine/check.js";
import { findingFingerprint, indexFingerprint } from "./fingerprint.js";

/** A recorded set of accepted findings, identified by fingerprints that survive moved lines. */
export interface Baseline {
  version: 1;
  entries: Array<{
    fingerprint: string;
    ruleId: string;
    file: string;
    resource: string | null;
    statement: string;
  }>;
}

/** Records findings by fingerprints that survive moved lines. */
export function createBaseline(findings: readonly Finding[]): Baseline {
  const entries = findings.map((f) => ({
    fingerprint: findingFingerprint(f),
    ruleId: f.ruleId,
    file: f.file.replaceAll("\\", "/"),
    resource: f.resource,
    statement: f.statement ? (f.statement.sid ?? String(f.statement.index)) : "permission",
  }));
  entries.sort((a, b) => (a.file + a.fingerprint < b.file + b.fingerprint ? -1 : 1));
  return { version: 1, entries };
}

/** Parses a baseline file's JSON; throws a message naming what is wrong. */
export function parseBaseline(value: unknown): Baseline {
  const v = value as Partial<Baseline> | null;
  if (v?.version !== 1 || !Array.isArray(v.entries))
    throw new Error("not a deputyguard baseline (expected version 1 and entries)");
  for (const e of v.entries) {
    if (typeof e?.fingerprint !== "string") throw new Error("a baseline entry has no fingerprint");
  }
  return v as Baseline;
}

/** Findings not in the baseline, and how many baseline entries no longer occur. */
export function applyBaseline(
  findings: readonly Finding[],
  baseline: Baseline,
): { findings: Finding[]; matched: number; stale: number } {
  const known = new Map<string, number>();
  for (const e of baseline.entries) known.set(e.fingerprint, (known.get(e.fingerprint) ?? 0) + 1);
  const seen = new Set<string>();
  const out: Finding[] = [];
  let matched = 0;
  for (const f of findings) {
    // A baseline written before statements without a Sid were anchored names them by index.
    const fp = [findingFingerprint(f), indexFingerprint(f)].find((x) => x !== undefined && known.has(x));
    if (fp !== undefined) {
      matched++;
      seen.add(fp);
    } else out.push(f);
  }
  const stale = [...known.keys()].filter((k) => !seen.has(k)).length;
  return { findings: out, matched, stale };
}
