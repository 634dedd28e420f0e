import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { EXAMPLES, FIXTURES } from "./cli.js";

export interface ExpectedFixture {
  /** The policy file the expectations are about. */
  policy: string;
  options: { accounts?: string[]; orgIds?: string[]; strict?: boolean };
  findings: { ruleId: string; line: number; column: number }[];
}

/** Every file under `dir` (recursively), sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** The policy fixtures (every `.json` that is not an `.expected.json`). */
export function policyFixtures(): string[] {
  return filesUnder(FIXTURES).filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"));
}

/** Every `.expected.json` with the policy it describes (beside it, or under examples/ for the examples). */
export function expectedFixtures(): ExpectedFixture[] {
  const out: ExpectedFixture[] = [];
  for (const e of filesUnder(FIXTURES).filter((f) => f.endsWith(".expected.json"))) {
    const beside = e.replace(/\.expected\.json$/, ".json");
    const policy = existsSync(beside)
      ? beside
      : join(EXAMPLES, basename(e).replace(/\.expected\.json$/, ".json"));
    if (!existsSync(policy)) continue;
    const doc = JSON.parse(readFileSync(e, "utf8")) as {
      options?: ExpectedFixture["options"];
      findings: ExpectedFixture["findings"];
    };
    out.push({ policy, options: doc.options ?? {}, findings: doc.findings });
  }
  return out;
}

/** CLI options for a fixture's `options`. */
export function optionArgs(o: ExpectedFixture["options"]): string[] {
  const args: string[] = [];
  for (const a of o.accounts ?? []) args.push("--account", a);
  for (const a of o.orgIds ?? []) args.push("--org-id", a);
  if (o.strict) args.push("--strict");
  return args;
}

/** Statements in a policy file as written (document, single statement or list). */
export function statementCount(file: string): number {
  const doc = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (Array.isArray(doc)) return doc.length;
  const st = (doc as { Statement?: unknown }).Statement;
  if (st === undefined) return 1;
  return Array.isArray(st) ? st.length : 1;
}
