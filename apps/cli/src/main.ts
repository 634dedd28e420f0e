import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  findRule,
  isSeverity,
  RULES,
  renderRuleDoc,
  renderServicesTable,
  type ScanOptions,
  SERVICES,
  servicesAsJson,
} from "@deputyguard/core";
import { type Config, ConfigError, findConfig, loadConfig } from "./config.js";
import { parseSize } from "./files.js";
import { loadFormats } from "./formats.js";
import { readFile, realpath, stat } from "./fs-async.js";
import { type ScanSettings, scan } from "./scan.js";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_INPUT = 2;
export const EXIT_INTERNAL = 3;

const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

const USAGE = `Usage:
  check-iac [options] [paths...]        check IAM policies, CloudFormation and Terraform (same as: deputyguard scan)
  deputyguard scan [options] [paths...]
  deputyguard rules                     list the rules
  deputyguard explain <RULE>            print a rule's documentation
  deputyguard services [--format json]  print the service knowledge table

Paths are files or directories ("-" reads one policy or template from standard input; default: .).
Directories: IAM policy JSON, CloudFormation (JSON, YAML, SAM, cdk.out) and Terraform modules and plans
are recognised by content; .gitignore is honoured; node_modules, .git and .terraform are not entered.

Options:
  --format text|json|sarif|junit   output format (default: text)
  --output FILE            write the report to FILE
  --fail-on SEVERITY       exit 1 when a finding is at least this severe: info, low, medium, high (default: medium)
  --account ID             an account that is yours (repeatable); the deploying account resolves to the first
  --org-id ID              an organization that is yours (repeatable)
  --strict                 also report PassRole-bound trust policies (lambda, edgelambda, ec2, ecs-tasks, iotevents) at low
  --parameters FILE        CloudFormation parameter values (create-stack list, {"Parameters": {...}} or a flat object)
  --parameter KEY=VALUE    one CloudFormation parameter value (repeatable; wins over --parameters)
  --var NAME=VALUE         one Terraform variable value (repeatable)
  --var-file FILE          a Terraform .tfvars or .tfvars.json file (repeatable)
  --config FILE            configuration file (default: deputyguard.config.json, .deputyguardrc.json or
                           .deputyguardrc.yaml found by walking up from the working directory)
  --baseline FILE          report only findings that are not in this baseline
  --write-baseline FILE    record the current findings as a baseline
  --report-unused-suppressions   warn about suppressions that match no finding
  --fix                    print unified diffs that fix the findings (policy JSON, CloudFormation, Terraform); --write applies them, and the report is then of the files as written
  --changed-since REF      only files changed in git since REF
  --only-recognised        skip named files that are no known input instead of failing (pre-commit)
  --max-file-size SIZE     refuse larger files (default: 64MB; a big file a walk finds that shows no
                           policy, template or plan in its name or start is only a warning)
  --quiet                  print findings and errors only (with --fix: the diff alone on
                           standard output; findings, errors and fix notes on standard error)
  --version                print the version
  -h, --help               print this help

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error or unreadable input; 3 internal error.`;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Standard input, read up to `limit` bytes and one more (a longer input is cut there). */
  readStdin: (limit?: number) => Promise<Buffer>;
  isTTY: boolean;
}

/** The streams whose reader has gone (`| head`): what is left to print there is dropped. */
const gone = new Set<NodeJS.WriteStream>();
/** Whether writing to standard output or error failed other than by EPIPE. */
let writeFailed = false;

const defaultIo: Io = {
  stdout: (s) => {
    if (!gone.has(process.stdout)) process.stdout.write(s);
  },
  stderr: (s) => {
    if (!gone.has(process.stderr)) process.stderr.write(s);
  },
  readStdin: async (limit = Number.POSITIVE_INFINITY) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of process.stdin) {
      chunks.push(c as Buffer);
      size += (c as Buffer).length;
      // Past the limit the rest is not read (`cat /dev/zero | check-iac -` would never end).
      if (size > limit) {
        process.stdin.destroy();
        break;
      }
    }
    return Buffer.concat(chunks, Math.min(size, Number.isFinite(limit) ? limit + 1 : size));
  },
  isTTY: !!process.stdout.isTTY,
};

class UsageError extends Error {}

export async function main(
  argv: string[],
  opts: { defaultCommand: string | null },
  io: Io = defaultIo,
): Promise<number> {
  // A reader that stops early (`| head`) closes the pipe: no crash on EPIPE, and no early exit
  // either. The run goes on without printing there: `--fix --write` still writes every file, the
  // report still reaches the other stream, and the exit code is the run's own.
  // Any other write error on standard output (`> /dev/full`: ENOSPC), where the report goes, is
  // named on standard error and makes the run exit 2, as a failed --output does; it may come after
  // main has returned (a file stream reports it on the next tick), so the exit code is also set when
  // the process exits. Standard error that cannot be written only loses its notes (nowhere to say
  // so): the exit code stays the run's own.
  for (const stream of [process.stdout, process.stderr])
    if (io === defaultIo && stream.listenerCount("error") === 0)
      stream.on("error", (e: NodeJS.ErrnoException) => {
        gone.add(stream);
        if (e.code === "EPIPE" || stream !== process.stdout) return;
        if (!gone.has(process.stderr))
          process.stderr.write(`deputyguard: cannot write standard output: ${e.code ?? e.message}\n`);
        if (!writeFailed)
          process.once("exit", () => {
            process.exitCode = EXIT_USAGE_OR_INPUT;
          });
        writeFailed = true;
        process.exitCode = EXIT_USAGE_OR_INPUT;
      });
  try {
    const code = await run(argv, opts, io);
    return writeFailed ? EXIT_USAGE_OR_INPUT : code;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`deputyguard: ${e.message}\nRun with --help for usage.\n`);
      return EXIT_USAGE_OR_INPUT;
    }
    const err = e as Error;
    io.stderr(`deputyguard: internal error: ${err.message}\n`);
    if (process.env.DEPUTYGUARD_DEBUG) io.stderr(`${err.stack ?? ""}\n`);
    return EXIT_INTERNAL;
  }
}

async function run(argv: string[], opts: { defaultCommand: string | null }, io: Io): Promise<number> {
  let command = opts.defaultCommand;
  let args = argv;
  if (command === null) {
    const first = argv[0];
    if (first === undefined || first === "-h" || first === "--help") {
      io.stdout(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (first === "--version") {
      io.stdout(`${version()}\n`);
      return EXIT_OK;
    }
    command = first;
    args = argv.slice(1);
  }
  switch (command) {
    case "scan":
      return scanCommand(args, io);
    case "rules":
      return rulesCommand(args, io);
    case "explain":
      return explainCommand(args, io);
    case "services":
      return servicesCommand(args, io);
    default:
      throw new UsageError(`unknown command "${command}" (scan, rules, explain, services)`);
  }
}

function rulesCommand(args: string[], io: Io): number {
  if (args.length > 0) throw new UsageError(`rules takes no arguments`);
  const lines = RULES.map(
    (r) => `${r.meta.id}  ${r.meta.severity.padEnd(6)}  ${r.meta.slug.padEnd(40)}  ${r.meta.title}`,
  );
  io.stdout(`${lines.join("\n")}\n`);
  return EXIT_OK;
}

function explainCommand(args: string[], io: Io): number {
  const id = args[0];
  if (!id || args.length > 1)
    throw new UsageError("explain takes one rule id, e.g. deputyguard explain CD103");
  const rule = findRule(id);
  if (!rule) throw new UsageError(`no rule "${id}" (see deputyguard rules)`);
  io.stdout(renderRuleDoc(rule));
  return EXIT_OK;
}

function servicesCommand(args: string[], io: Io): number {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, strict: true, options: { format: { type: "string" } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const format = (parsed.values.format as string | undefined) ?? "text";
  if (format === "json") io.stdout(`${JSON.stringify(servicesAsJson(SERVICES), null, 2)}\n`);
  else if (format === "text") io.stdout(renderServicesTable(SERVICES));
  else throw new UsageError(`--format must be text or json, not "${format}"`);
  return EXIT_OK;
}

const SCAN_OPTIONS = {
  format: { type: "string" },
  output: { type: "string", short: "o" },
  "fail-on": { type: "string" },
  account: { type: "string", multiple: true },
  "org-id": { type: "string", multiple: true },
  strict: { type: "boolean" },
  "max-file-size": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  version: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  config: { type: "string" },
  parameters: { type: "string", multiple: true },
  parameter: { type: "string", multiple: true },
  var: { type: "string", multiple: true },
  "var-file": { type: "string", multiple: true },
  baseline: { type: "string" },
  "write-baseline": { type: "string" },
  "report-unused-suppressions": { type: "boolean" },
  fix: { type: "boolean" },
  write: { type: "boolean" },
  "changed-since": { type: "string" },
  "only-recognised": { type: "boolean" },
} as const;

/** `--var name=value`: the value is read as HCL would read a literal (number, bool, JSON list/map) or kept as text. */
function parseVar(arg: string): [string, unknown] {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new UsageError(`--var takes name=value, not "${arg}"`);
  const name = arg.slice(0, eq);
  const raw = arg.slice(eq + 1);
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(raw) || /^[[{]/.test(raw)) {
    try {
      return [name, JSON.parse(raw)];
    } catch {
      return [name, raw];
    }
  }
  return [name, raw];
}

async function parseScanArgs(args: string[]): Promise<ScanSettings | "help" | "version"> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: typeof SCAN_OPTIONS }>
  >;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: SCAN_OPTIONS });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  if (v.version) return "version";
  const format = v.format ?? "text";
  if (format !== "text" && format !== "json" && format !== "sarif" && format !== "junit") {
    throw new UsageError(`--format must be text, json, sarif or junit, not "${format}"`);
  }
  let config: Config | undefined;
  try {
    const file = v.config ?? (await findConfig(process.cwd()));
    if (file) config = await loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.toString());
    throw e;
  }
  const failOn = v["fail-on"] ?? config?.failOn ?? "medium";
  if (!isSeverity(failOn))
    throw new UsageError(`--fail-on must be info, low, medium or high, not "${failOn}"`);
  const accounts = [...(v.account ?? []), ...(config?.accounts ?? [])];
  for (const a of v.account ?? [])
    if (!/^\d{12}$/.test(a)) throw new UsageError(`--account takes a 12-digit account id, not "${a}"`);
  const orgIds = [...(v["org-id"] ?? []), ...(config?.orgIds ?? [])];
  for (const o of v["org-id"] ?? []) {
    if (!/^o-[a-z0-9]{10,32}$/.test(o))
      throw new UsageError(`--org-id takes an organization id (o-...), not "${o}"`);
  }
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  if (v["max-file-size"] !== undefined) {
    const n = parseSize(v["max-file-size"]);
    if (n === undefined || n <= 0)
      throw new UsageError(`--max-file-size takes a size such as 64MB, not "${v["max-file-size"]}"`);
    maxFileSize = n;
  }
  if (v.write && !v.fix) throw new UsageError("--write goes with --fix");
  if (parsed.positionals.filter((p) => p === "-").length > 1)
    throw new UsageError('standard input ("-") can be named once');
  if (v.fix && parsed.positionals.includes("-"))
    throw new UsageError('--fix edits files: it cannot edit standard input ("-")');
  const options: ScanOptions = { accounts, orgIds, strict: !!(v.strict ?? config?.strict), maxFileSize };
  const parameters = await cfnParameters(v.parameters ?? [], v.parameter ?? []);
  if (parameters) options.parameters = parameters;
  if (v.var?.length) options.variables = Object.fromEntries(v.var.map(parseVar));
  if (v["var-file"]?.length) options.varFiles = v["var-file"];
  const settings: ScanSettings = {
    format,
    failOn,
    options,
    maxFileSize,
    quiet: !!v.quiet,
    paths: parsed.positionals.length > 0 ? parsed.positionals : ["."],
    reportUnusedSuppressions: !!v["report-unused-suppressions"],
    fix: !!v.fix,
    write: !!v.write,
    onlyRecognised: !!v["only-recognised"],
    progress: !!process.stderr.isTTY && !process.env.CI && !v.quiet,
  };
  if (config) settings.config = config;
  if (v.output !== undefined) settings.output = v.output;
  if (v.baseline !== undefined) settings.baseline = v.baseline;
  if (v["write-baseline"] !== undefined) settings.writeBaseline = v["write-baseline"];
  if (v["changed-since"] !== undefined) settings.changedSince = v["changed-since"];
  return settings;
}

/** `--parameters FILE` (CloudFormation's list, `{"Parameters": {...}}` or a flat object) and `--parameter Key=Value`. */
async function cfnParameters(files: string[], pairs: string[]): Promise<Record<string, string> | undefined> {
  if (files.length === 0 && pairs.length === 0) return undefined;
  const { parseParameterArgument, parseParametersFile } = await import("@deputyguard/cloudformation");
  const out: Record<string, string> = {};
  try {
    for (const f of files) {
      let text: string;
      try {
        text = await readFile(f, "utf8");
      } catch (e) {
        throw new UsageError(
          `--parameters ${f}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      Object.assign(out, parseParametersFile(text, f));
    }
    for (const p of pairs) {
      const [k, val] = parseParameterArgument(p);
      out[k] = val;
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e as Error & { line?: number; column?: number };
    throw new UsageError(
      `${err.message}${err.line !== undefined ? ` (line ${err.line}, column ${err.column ?? 1})` : ""}`,
    );
  }
  return out;
}

/** `--output` or `--write-baseline` naming a file also named as an input would overwrite it: refused. */
async function refuseInputAsOutput(settings: ScanSettings): Promise<void> {
  const written = [
    ["--output", settings.output],
    ["--write-baseline", settings.writeBaseline],
  ] as const;
  if (written.every(([, file]) => file === undefined)) return;
  const inputs = new Map<string, string>();
  for (const p of settings.paths) {
    if (p === "-" || (await stat(p).catch(() => undefined))?.isDirectory() !== false) continue;
    inputs.set(await realpath(p).catch(() => p), p);
  }
  for (const [option, file] of written) {
    if (file === undefined) continue;
    const input = inputs.get((await realpath(file).catch(() => undefined)) ?? "");
    if (input !== undefined)
      throw new UsageError(
        `${option} ${file} is the input ${input}: it would be overwritten; write the ${option === "--output" ? "report" : "baseline"} elsewhere`,
      );
  }
}

async function scanCommand(args: string[], io: Io): Promise<number> {
  const settings = await parseScanArgs(args);
  if (settings === "help") {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (settings === "version") {
    io.stdout(`${version()}\n`);
    return EXIT_OK;
  }
  if (settings.changedSince) {
    const { execFileSync } = await import("node:child_process");
    const git = (args: string[]): boolean => {
      try {
        execFileSync("git", args, { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    };
    if (!git(["rev-parse", "--is-inside-work-tree"]))
      throw new UsageError(
        `--changed-since ${settings.changedSince}: the current directory is not in a git work tree (or git is not installed)`,
      );
    if (!git(["rev-parse", "--verify", "--quiet", `${settings.changedSince}^{commit}`]))
      throw new UsageError(`--changed-since ${settings.changedSince}: not a git revision here`);
  }
  await refuseInputAsOutput(settings);
  const outcome = await scan(settings, loadFormats(), io, { name: "deputyguard", version: version() });
  return outcome.code;
}
