import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { afterAll, beforeAll } from "vitest";

export const CLI_DIR = join(import.meta.dirname, "..", "..");
export const ROOT = join(CLI_DIR, "..", "..");
export const CHECK_IAC = join(CLI_DIR, "bin", "check-iac.js");
export const DEPUTYGUARD = join(CLI_DIR, "bin", "deputyguard.js");
export const MEASURE = join(import.meta.dirname, "measure.mjs");
export const FIXTURES = join(ROOT, "test-fixtures", "policy-json");
export const EXAMPLES = join(ROOT, "examples");
export const SCHEMA_FILE = join(ROOT, "packages", "core", "schemas", "output.schema.json");

/** The tests run the built CLI: fail early, and clearly, when it has not been built. */
export function assertBuilt(): void {
  if (!existsSync(join(CLI_DIR, "dist", "main.js")))
    throw new Error("apps/cli/dist/main.js is missing: run `pnpm build` at the repository root first");
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Set when the child was killed because it ran past `timeoutMs`. */
  timedOut: boolean;
  /** Peak resident set size in KB seen in /proc while the child ran (Linux only). */
  peakRssKb?: number;
}

export interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  nodeArgs?: string[];
  timeoutMs?: number;
  /** Poll /proc/<pid>/status for the peak RSS (VmHWM) while the child runs. */
  watchMemory?: boolean;
}

/** Runs `node [nodeArgs] <script> [args]`, NO_COLOR=1 unless `env` says otherwise. */
export function runNode(script: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // Vitest and CI colour variables must not leak into the child.
  delete env.FORCE_COLOR;
  env.NO_COLOR = "1";
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.stdin.on("error", () => {});
    let timedOut = false;
    let peakRssKb: number | undefined;
    const sample = (): void => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) peakRssKb = Math.max(peakRssKb ?? 0, Number(m[1]));
      } catch {
        // not Linux, or the child has gone
      }
    };
    const poll = options.watchMemory ? setInterval(sample, 250) : undefined;
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            sample();
            child.kill("SIGKILL");
          }, options.timeoutMs)
        : undefined;
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      const result: RunResult = {
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        timedOut,
      };
      if (peakRssKb !== undefined) result.peakRssKb = peakRssKb;
      resolve(result);
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

export const checkIac = (args: string[], options?: RunOptions): Promise<RunResult> =>
  runNode(CHECK_IAC, args, options);
export const deputyguard = (args: string[], options?: RunOptions): Promise<RunResult> =>
  runNode(DEPUTYGUARD, args, options);

/** A stack frame line as Node prints it (`    at fn (file:1:2)`). */
export const STACK_FRAME = /^\s+at /m;

let validator: ValidateFunction | undefined;
/** The JSON output schema, compiled once. */
export function validateOutput(doc: unknown): { ok: boolean; errors: string } {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as object);
  }
  const ok = validator(doc) as boolean;
  return { ok, errors: ok ? "" : JSON.stringify(validator.errors, null, 2) };
}

export interface Finding {
  ruleId: string;
  rule: string;
  severity: "high" | "medium" | "low" | "info";
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  element?: { line: number; column: number };
  resource: string | null;
  statement: { index: number; sid?: string; anchor?: string } | null;
  variant?: string;
  principals: string[];
  witness?: { principal: string; action?: string; resource?: string; context: Record<string, string> };
  fix?: { description: string; text: string };
}

export interface Diagnostic {
  file: string;
  line?: number;
  column?: number;
  code: string;
  message: string;
}

export interface Report {
  version: 1;
  tool: { name: string; version: string };
  findings: Finding[];
  warnings: Diagnostic[];
  errors: Diagnostic[];
  summary: {
    files: number;
    policies: number;
    statements: number;
    findings: number;
    suppressed: number;
    errors: number;
  };
}

/** Parses `--format json` output and checks it against the schema. */
export function parseReport(stdout: string): Report {
  const doc = JSON.parse(stdout) as unknown;
  const v = validateOutput(doc);
  if (!v.ok) throw new Error(`output does not match output.schema.json:\n${v.errors}`);
  return doc as Report;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** A fresh directory under os.tmpdir(); remove it with `cleanup`. */
export function tempDir(prefix = "deputyguard-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A temporary directory for one test file (made before its tests, removed after them), and fresh
 * numbered folders under it. Call at the top level of the file.
 */
export function tempFolders(prefix: string): { readonly dir: string; folder(name: string): string } {
  let dir = "";
  let counter = 0;
  beforeAll(() => {
    dir = tempDir(prefix);
  });
  afterAll(() => cleanup(dir));
  return {
    get dir() {
      return dir;
    },
    folder(name: string): string {
      const d = join(dir, `${counter++}-${name}`);
      mkdirSync(d, { recursive: true });
      return d;
    },
  };
}
