import { readFileSync } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  atLeast,
  type CheckOptions,
  checkSite,
  compareFindings,
  emptyReport,
  findRule,
  type InputFormat,
  isSeverity,
  RULES,
  renderJson,
  renderRuleDoc,
  renderText,
  type ScanReport,
  type Severity,
} from "@deputyguard/core";
import pc from "picocolors";
import { decode, parseSize, readText, walk } from "./files.js";
import { loadFormats } from "./formats.js";

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
  check-iac [options] [paths...]        check IAM policy files (same as: deputyguard scan)
  deputyguard scan [options] [paths...]
  deputyguard rules                     list the rules
  deputyguard explain <RULE>            print a rule's documentation

Paths are files or directories ("-" reads one policy from standard input; default: .).

Options:
  --format text|json       output format (default: text)
  --output FILE            write the report to FILE
  --fail-on SEVERITY       exit 1 when a finding is at least this severe: info, low, medium, high (default: medium)
  --account ID             an account that is yours (repeatable); the deploying account resolves to the first
  --org-id ID              an organization that is yours (repeatable)
  --strict                 also report PassRole-bound trust policies (lambda, ec2, ecs-tasks, edgelambda) at low
  --max-file-size SIZE     refuse larger files (default: 64MB)
  --quiet                  print findings and errors only
  --version                print the version
  -h, --help               print this help

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error or unreadable input; 3 internal error.`;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<Buffer>;
  isTTY: boolean;
}

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  },
  isTTY: !!process.stdout.isTTY,
};

class UsageError extends Error {}

export async function main(
  argv: string[],
  opts: { defaultCommand: string | null },
  io: Io = defaultIo,
): Promise<number> {
  try {
    return await run(argv, opts, io);
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
    default:
      throw new UsageError(`unknown command "${command}" (scan, rules, explain)`);
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

interface ScanSettings {
  format: "text" | "json";
  output?: string;
  failOn: Severity;
  check: CheckOptions;
  maxFileSize: number;
  quiet: boolean;
  paths: string[];
}

function parseScanArgs(args: string[]): ScanSettings | "help" | "version" {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
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
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (v.help) return "help";
  if (v.version) return "version";
  const format = (v.format as string | undefined) ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json, not "${format}"`);
  const failOn = (v["fail-on"] as string | undefined) ?? "medium";
  if (!isSeverity(failOn))
    throw new UsageError(`--fail-on must be info, low, medium or high, not "${failOn}"`);
  const accounts = (v.account as string[] | undefined) ?? [];
  for (const a of accounts)
    if (!/^\d{12}$/.test(a)) throw new UsageError(`--account takes a 12-digit account id, not "${a}"`);
  const orgIds = (v["org-id"] as string[] | undefined) ?? [];
  for (const o of orgIds)
    if (!/^o-[a-z0-9]{10,32}$/.test(o))
      throw new UsageError(`--org-id takes an organization id (o-...), not "${o}"`);
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  if (v["max-file-size"] !== undefined) {
    const n = parseSize(v["max-file-size"] as string);
    if (n === undefined || n <= 0)
      throw new UsageError(`--max-file-size takes a size such as 64MB, not "${v["max-file-size"]}"`);
    maxFileSize = n;
  }
  const settings: ScanSettings = {
    format,
    failOn,
    check: { accounts, orgIds, strict: !!v.strict },
    maxFileSize,
    quiet: !!v.quiet,
    paths: parsed.positionals.length > 0 ? parsed.positionals : ["."],
  };
  if (typeof v.output === "string") settings.output = v.output;
  return settings;
}

interface Target {
  file: string;
  explicit: boolean;
  stdin?: boolean;
}

async function scanCommand(args: string[], io: Io): Promise<number> {
  const settings = parseScanArgs(args);
  if (settings === "help") {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (settings === "version") {
    io.stdout(`${version()}\n`);
    return EXIT_OK;
  }
  const formats = loadFormats();
  const extensions = [...new Set(formats.flatMap((f) => f.extensions))];
  const report = emptyReport();
  const targets: Target[] = [];
  for (const p of settings.paths) {
    if (p === "-") {
      targets.push({ file: "<stdin>", explicit: true, stdin: true });
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(p);
    } catch (e) {
      report.errors.push({
        code: "ReadError",
        severity: "error",
        file: p,
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
      continue;
    }
    if (info.isDirectory())
      for (const f of await walk(p, { extensions })) targets.push({ file: f, explicit: false });
    else targets.push({ file: p, explicit: true });
  }

  const sources = new Map<string, string>();
  for (const t of targets) {
    await scanTarget(t, formats, settings, io, report, sources);
  }
  report.findings.sort(compareFindings);
  report.summary.findings = report.findings.length;
  report.summary.errors = report.errors.length;

  const tool = { name: "deputyguard", version: version() };
  const useColor = !settings.output && io.isTTY && pc.isColorSupported && !process.env.NO_COLOR;
  const palette = useColor ? pc : undefined;
  const rendered =
    settings.format === "json"
      ? renderJson(report, tool)
      : renderText(report, {
          ...(palette ? { palette } : {}),
          source: (f) => sources.get(f),
          quiet: settings.quiet,
        });
  if (settings.output) {
    try {
      await writeFile(settings.output, rendered);
    } catch (e) {
      io.stderr(
        `deputyguard: cannot write ${settings.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
      );
      return EXIT_USAGE_OR_INPUT;
    }
  } else io.stdout(rendered);

  if (report.errors.length > 0) return EXIT_USAGE_OR_INPUT;
  return report.findings.some((f) => atLeast(f.severity, settings.failOn)) ? EXIT_FINDINGS : EXIT_OK;
}

async function scanTarget(
  t: Target,
  formats: InputFormat[],
  settings: ScanSettings,
  io: Io,
  report: ScanReport,
  sources: Map<string, string>,
): Promise<void> {
  let text: string;
  if (t.stdin) {
    const buf = await io.readStdin();
    if (buf.length > settings.maxFileSize) {
      report.errors.push({
        code: "ReadError",
        severity: "error",
        file: t.file,
        message: `standard input is over the limit of ${settings.maxFileSize} bytes (--max-file-size)`,
      });
      return;
    }
    const d = decode(buf);
    if (!d.ok) {
      report.errors.push({
        code: "ReadError",
        severity: "error",
        file: t.file,
        message: d.message,
        ...(d.line ? { line: d.line, column: d.column } : {}),
      });
      return;
    }
    text = d.text;
  } else {
    const r = await readText(t.file, settings.maxFileSize);
    if (!r.ok) {
      // In a directory walk, binary or oversized files that no format would read are skipped silently only
      // when they cannot be a policy; a file named explicitly is always reported.
      report.errors.push({
        code: "ReadError",
        severity: "error",
        file: t.file,
        message: r.message,
        ...(r.line ? { line: r.line, column: r.column } : {}),
      });
      return;
    }
    text = r.text;
  }
  const input = { file: t.file, text };
  const format = formats.find((f) => f.recognises(input));
  if (!format) {
    if (t.explicit) {
      report.errors.push({
        code: "NotRecognised",
        severity: "error",
        file: t.file,
        message:
          "not a recognised input: expected an IAM policy JSON document (Statement), a statement (Effect) or a list of statements",
      });
    }
    return;
  }
  report.summary.files++;
  const extracted = await format.extract(input, settings.check);
  for (const d of extracted.diagnostics) (d.severity === "error" ? report.errors : report.warnings).push(d);
  let any = false;
  for (const site of extracted.sites) {
    const r = checkSite(site, settings.check);
    report.summary.policies += r.policies;
    report.summary.statements += r.statements;
    for (const d of r.diagnostics) (d.severity === "error" ? report.errors : report.warnings).push(d);
    if (r.findings.length > 0) any = true;
    report.findings.push(...r.findings);
  }
  if (any && settings.format === "text" && text.length < 8 * 1024 * 1024) sources.set(t.file, text);
  void io;
}
