import { readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import {
  applyBaseline,
  applyPolicyJsonFixes,
  applySuppressions,
  atLeast,
  batched,
  checkSite,
  compareFindings,
  createBaseline,
  type Diagnostic,
  dedupeDiagnostics,
  editBetween,
  emptyReport,
  type Finding,
  findRule,
  fixNeedsUserValue,
  type InputFormat,
  mergeVariantFindings,
  PolicyVariants,
  parseBaseline,
  parseJsonSource,
  RULES,
  renderJsonChunks,
  renderJunit,
  renderSarifChunks,
  renderText,
  type ScanOptions,
  type ScanReport,
  type Severity,
  type Suppression,
  suggestRule,
  unifiedDiff,
} from "@deputyguard/core";
import type { CheckedSite, PlanScanOptions } from "@deputyguard/terraform";
import pc from "picocolors";
import type { Config } from "./config.js";
import { decode, formatBytes, mayBeInput, readText, walk } from "./files.js";
import { prepareFormats } from "./formats.js";
import { PieceError, readFile, realpath, stat, writeFile, writeFileChunks } from "./fs-async.js";

export interface ScanSettings {
  format: "text" | "json" | "sarif" | "junit";
  output?: string;
  failOn: Severity;
  options: ScanOptions;
  maxFileSize: number;
  quiet: boolean;
  paths: string[];
  config?: Config;
  baseline?: string;
  writeBaseline?: string;
  reportUnusedSuppressions: boolean;
  fix: boolean;
  write: boolean;
  changedSince?: string;
  /** Explicit files that no format recognises are skipped, not errors (pre-commit passes every staged file). */
  onlyRecognised: boolean;
  progress: boolean;
  /**
   * Set for the scan that follows `--fix --write`: what the fixing pass said (its notes and write
   * errors, carried into this report) and the files it wrote.
   */
  afterFix?: { warnings: Diagnostic[]; errors: Diagnostic[]; written: string[] };
}

export interface ScanIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Standard input, read up to `limit` bytes and one more (a longer input is cut there). */
  readStdin: (limit?: number) => Promise<Buffer>;
  isTTY: boolean;
}

export interface ScanOutcome {
  report: ScanReport;
  code: number;
}

interface Target {
  file: string;
  explicit: boolean;
  stdin?: boolean;
  /**
   * A scanned Terraform module reads it (`file()`, `templatefile()`): an IAM policy JSON file found
   * by a walk is then left to the module, which analyses it rendered where it uses it.
   */
  embedded?: boolean;
  /** Its `inputKey`: one file named twice, or through a link, is one target. */
  key?: string;
}

/** A path with its links resolved (absolute as given when it cannot be). */
const realKey = (path: string): Promise<string> => realpath(path).catch(() => resolve(path));

/**
 * What makes two paths one input: the real path, so that a file named twice or through a link is read
 * once. A Terraform file belongs to the module of its directory: one file linked into two modules is
 * two inputs, so only its directory's links are resolved.
 */
async function inputKey(path: string): Promise<string> {
  if (!/\.(tf|tofu)(\.json)?$/i.test(path)) return realKey(path);
  return join(await realKey(dirname(path)), basename(path));
}

/** Files changed since a git revision (committed, staged, unstaged and untracked), as absolute paths. */
async function changedFiles(ref: string): Promise<Set<string>> {
  // Loaded here: child_process costs a few milliseconds of every cold start, and only this needs it.
  const { execFile } = await import("node:child_process");
  const execFileAsync = promisify(execFile);
  const top = (await execFileAsync("git", ["rev-parse", "--show-toplevel"])).stdout.trim();
  // -z: names as they are, NUL-separated (git otherwise quotes names with spaces or non-ASCII letters).
  const diff = (
    await execFileAsync("git", ["diff", "--name-only", "-z", ref, "--"], { cwd: top, maxBuffer: 64 << 20 })
  ).stdout;
  const untracked = (
    await execFileAsync("git", ["ls-files", "-z", "--others", "--exclude-standard"], {
      cwd: top,
      maxBuffer: 64 << 20,
    })
  ).stdout;
  const out = new Set<string>();
  for (const name of `${diff}\u0000${untracked}`.split("\u0000"))
    if (name !== "") out.add(resolve(top, name));
  return out;
}

/** The configuration file's Terraform variables for a module directory (globs match the module's files). */
function configVariables(dir: string, settings: ScanSettings): Record<string, unknown> | undefined {
  const c = settings.config;
  if (!c || c.variables.length === 0) return undefined;
  const probe = join(dir, "main.tf");
  const out: Record<string, unknown> = {};
  for (const v of c.variables) if (v.matches(probe) || v.matches(dir)) Object.assign(out, v.values);
  return out;
}

/** Per-file values from the configuration file, added to the command line's. */
function optionsFor(file: string, settings: ScanSettings): ScanOptions {
  const c = settings.config;
  if (!c) return settings.options;
  const parameters: Record<string, string> = {};
  for (const p of c.parameters) if (p.matches(file)) Object.assign(parameters, p.values);
  const variables: Record<string, unknown> = {};
  for (const v of c.variables) if (v.matches(file)) Object.assign(variables, v.values);
  if (Object.keys(parameters).length === 0 && Object.keys(variables).length === 0) return settings.options;
  return {
    ...settings.options,
    parameters: { ...parameters, ...(settings.options.parameters ?? {}) },
    variables: { ...variables, ...(settings.options.variables ?? {}) },
  };
}

class Progress {
  private timer: NodeJS.Timeout | undefined;
  private done = 0;
  private total = 0;
  private shown = false;
  constructor(
    enabled: boolean,
    private readonly write: (s: string) => void,
  ) {
    // A progress line only for scans that take over a second.
    if (enabled) this.timer = setTimeout(() => this.tick(), 1000);
  }
  set(done: number, total: number): void {
    this.done = done;
    this.total = total;
  }
  private tick(): void {
    this.shown = true;
    this.write(`\rdeputyguard: ${this.done}/${this.total} files…`);
    this.timer = setTimeout(() => this.tick(), 200);
  }
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.shown) this.write("\r\u001b[2K");
  }
}

export async function scan(
  settings: ScanSettings,
  formats: InputFormat[],
  io: ScanIo,
  tool: { name: string; version: string },
): Promise<ScanOutcome> {
  const report = emptyReport();
  const extensions = [...new Set(formats.flatMap((f) => f.extensions))];
  const targets: Target[] = [];
  const inSource: Suppression[] = [];
  const sources = new Map<string, string>();
  const formatOf = new Map<string, string>();
  /** Each plan scanned, with the files its policies were read from (its own, and .tf sources beside it). */
  const planFiles = new Map<string, Set<string>>();
  const keep =
    settings.config && (settings.config.include.length > 0 || settings.config.exclude.length > 0)
      ? keepFilter(settings.config)
      : undefined;
  const changed = settings.changedSince ? await changedFiles(settings.changedSince) : undefined;
  const isChanged = (f: string) => !changed || changed.has(resolve(f));
  // A Terraform module is a directory: a changed variables.tf changes what main.tf's policies say.
  const changedDirs = new Set([...(changed ?? [])].map((f) => dirname(f)));
  const isChangedModule = (f: string) => isChanged(f) || changedDirs.has(dirname(resolve(f)));
  const progress = new Progress(settings.progress, io.stderr);

  // A nested template is read with its parent's parameters when the parent is scanned: what the same
  // file gives read on its own (parameters unknown) would contradict it, so the parent's reading wins.
  const followedNested = new Set<string>();
  /**
   * A bug met while reading or checking one input: reported as an error at that input (exit 3 at
   * the end), and the other inputs are still scanned and reported.
   */
  let internal = false;
  const internalError = (file: string, e: unknown) => {
    internal = true;
    const err = e as Error;
    report.errors.push({
      code: "InternalError",
      severity: "error",
      file,
      message: `internal error while checking this input (${err?.message ?? String(e)}); the other inputs are still reported. Please report it with the input.`,
    });
    if (process.env.DEPUTYGUARD_DEBUG) io.stderr(`${err?.stack ?? ""}\n`);
  };
  /** The variants each policy was analysed in (its Fn::If branches, its Terraform choices). */
  const policyVariants = new PolicyVariants();
  const ownScan = new Set<Finding>();
  /**
   * Terraform sites as checked: a plan's (with what it added to the counts) and module scans', so
   * that a policy read both from a plan and from the module it was made from is reported once.
   */
  const terraformChecked: CheckedSite[] = [];
  const terraformCounts = new Map<CheckedSite, { policies: number; statements: number }>();
  const addSites = (
    sites: Awaited<ReturnType<InputFormat["extract"]>>["sites"],
    format: string,
    inModule = false,
    origin?: string,
  ) => {
    const ofPlan =
      format === "terraform-plan" && origin !== undefined ? new Set<string>([origin]) : undefined;
    if (ofPlan && origin !== undefined) planFiles.set(origin, ofPlan);
    for (const site of sites) {
      // A plan's finding may be reported at the .tf source it was analysed from: it belongs to the plan.
      const fromOrigin =
        format === "terraform-plan" && origin !== undefined && site.file !== origin && isChanged(origin);
      // A site in a child module also changes when a module calling it does (its inputs).
      const callerChanged =
        inModule &&
        (site.moduleDirs?.length ?? 0) > 1 &&
        (site.moduleDirs ?? []).some((d) => changedDirs.has(d));
      if (!fromOrigin && !callerChanged && !(inModule ? isChangedModule(site.file) : isChanged(site.file)))
        continue;
      let r: ReturnType<typeof checkSite>;
      try {
        r = checkSite(site, optionsFor(site.file, settings));
      } catch (e) {
        internalError(site.file, e);
        continue;
      }
      // The variants of one policy (Fn::If branches) are one policy of the input.
      const first = policyVariants.add(site, r.findings);
      if (first) {
        report.summary.policies += r.policies;
        report.summary.statements += r.statements;
      }
      const fromPlan = format === "terraform-plan" && site.file === origin;
      if ((fromPlan || format === "terraform") && site.moduleDirs) {
        // Not the policy itself: a large module's documents are not held to the end for this.
        const { resource, propertyPath, moduleDirs } = site;
        const c: CheckedSite = {
          site: { resource, propertyPath, moduleDirs },
          fromPlan,
          findings: r.findings,
          diagnostics: r.diagnostics,
        };
        terraformChecked.push(c);
        if (first) terraformCounts.set(c, { policies: r.policies, statements: r.statements });
      }
      for (const d of r.diagnostics) (d.severity === "error" ? report.errors : report.warnings).push(d);
      report.findings.push(...r.findings);
      if (format === "cloudformation" && origin !== undefined) {
        if (site.file !== origin) followedNested.add(resolve(site.file));
        else for (const f of r.findings) ownScan.add(f);
      }
      if (site.suppressions) inSource.push(...site.suppressions);
      ofPlan?.add(resolve(site.file));
      // --fix edits a plan's finding in the .tf source it points at, as a module scan's; a Terraform
      // policy read from a file (`templatefile("policy.json", {...})`) in that file, as the policy
      // JSON it is (a template that is not JSON, with `%{if}` directives, is not edited: a note says so).
      const fixedAs = format === "terraform-plan" && site.file !== origin ? "terraform" : format;
      formatOf.set(
        site.file,
        fixedAs === "terraform" && !/\.(tf|tofu)(\.json)?$/i.test(site.file) ? "iam-policy-json" : fixedAs,
      );
    }
  };
  /** Directories named on the command line: a plan's module may be one of them (`check-iac plan.json infra/`). */
  const moduleDirs: string[] = [];

  /** Targets by `inputKey`, the real paths of the directories scanned, and the keys of the files their scans read. */
  const targetOf = new Map<string, Target>();
  const scannedDirs = new Set<string>();
  const consumed = new Set<string>();
  /** Keys of the files directory scans read as part of their inputs (a module's policy templates). */
  const embedded = new Set<string>();
  const addTarget = (file: string, key: string, explicit: boolean) => {
    const known = targetOf.get(key);
    if (known) known.explicit ||= explicit;
    else {
      const t: Target = { file, explicit, key };
      targetOf.set(key, t);
      targets.push(t);
    }
  };

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
    if (info.isDirectory()) {
      const real = await realKey(p);
      if (scannedDirs.has(real)) continue;
      scannedDirs.add(real);
      moduleDirs.push(p);
      const unreadable = (dir: string, reason: string) =>
        report.errors.push({
          code: "ReadError",
          severity: "error",
          file: dir,
          message: `cannot read this directory (${reason}); the files in it are not scanned`,
        });
      const notFollowed = (link: string, reason: string) =>
        report.warnings.push({ code: "LinkNotFollowed", severity: "warning", file: link, message: reason });
      // One walk (.gitignore, config include/exclude): directory scans read no file it leaves out, and
      // the files they consumed are not read again one by one.
      const walked: Array<{ file: string; key: string }> = [];
      for (const f of await walk(p, { extensions, unreadable, notFollowed, ...(keep ? { keep } : {}) }))
        walked.push({ file: f, key: await inputKey(f) });
      // A directory inside one scanned before (`check-iac infra infra/app`): its modules were analysed.
      const included = new Set(walked.filter((w) => !consumed.has(w.key)).map((w) => resolve(w.file)));
      let readByScans = 0;
      for (const format of formats) {
        if (!format.scanDirectory) continue;
        let r: Awaited<ReturnType<NonNullable<InputFormat["scanDirectory"]>>>;
        try {
          r = await format.scanDirectory(p, {
            ...settings.options,
            variablesFor: (dir) => configVariables(dir, settings),
            includeFile: (f) => included.has(resolve(f)),
          });
        } catch (e) {
          internalError(p, e);
          continue;
        }
        if (!r) continue;
        for (const f of r.files) consumed.add(await inputKey(f));
        for (const f of r.embedded ?? []) embedded.add(await inputKey(f));
        readByScans += r.files.length;
        report.summary.files += changed ? r.files.filter(isChangedModule).length : r.recognisedFiles;
        for (const d of r.diagnostics)
          if (isChangedModule(d.file)) (d.severity === "error" ? report.errors : report.warnings).push(d);
        addSites(r.sites, format.name, true);
      }
      for (const w of walked) if (!consumed.has(w.key) && isChanged(w.file)) addTarget(w.file, w.key, false);
      // A directory with no file of a name the walk reads (`policy` without an extension) is said,
      // not reported as clean without a word.
      if (walked.length === 0 && readByScans === 0 && !changed)
        report.warnings.push({
          code: "NothingToScan",
          severity: "warning",
          file: p,
          message: `no file in this directory has a name a scan reads (${extensions.map((x) => `*${x}`).join(", ")}), or .gitignore or the configuration leaves them out; name a file to scan it`,
        });
    } else if (isChanged(p)) addTarget(p, await inputKey(p), true);
  }
  // A file a directory scan read (a module's .tf, a cdk.out template) is not read again on its own;
  // nor is a policy template a scanned module renders (`templatefile("policy.json", {...})`) that a
  // walk found: its policy is the one rendered where the module uses it, and read alone its
  // `${account_id}` would be an IAM policy variable. One named explicitly is still read, and so is
  // any other input a module reads (a CloudFormation template an aws_cloudformation_stack deploys
  // with `file()`): see scanFile.
  for (let i = targets.length - 1; i >= 0; i--) {
    const t = targets[i];
    if (t?.key !== undefined && consumed.has(t.key)) targets.splice(i, 1);
    else if (t?.key !== undefined && embedded.has(t.key) && !t.explicit) t.embedded = true;
  }

  /** Keys of the inputs read and recognised (the files directory scans read are in `consumed`). */
  const recognised = new Set<string>();
  let done = 0;
  for (const t of targets) {
    progress.set(done++, targets.length);
    const filesBefore = report.summary.files;
    const inContext = !t.stdin
      ? formats.find((f) => f.scanFileInContext && f.extensions.includes(extname(t.file).toLowerCase()))
      : undefined;
    if (inContext?.scanFileInContext) {
      let r: Awaited<ReturnType<NonNullable<InputFormat["scanFileInContext"]>>>;
      try {
        r = await inContext.scanFileInContext(t.file, optionsFor(t.file, settings));
      } catch (e) {
        internalError(t.file, e);
        continue;
      }
      if (r) {
        report.summary.files += r.recognisedFiles;
        for (const d of r.diagnostics) (d.severity === "error" ? report.errors : report.warnings).push(d);
        addSites(r.sites, inContext.name, true);
        if (t.key !== undefined && r.recognisedFiles > 0) recognised.add(t.key);
        continue;
      }
    }
    try {
      await scanFile(t, formats, settings, report, sources, addSites, io, moduleDirs);
    } catch (e) {
      internalError(t.file, e);
    }
    if (t.key !== undefined && report.summary.files > filesBefore) recognised.add(t.key);
  }
  progress.stop();

  // A report or baseline written over an input found in a directory would destroy it (inputs named
  // on the command line are refused before the scan): nothing is written.
  for (const [option, file] of [
    ["--output", settings.output],
    ["--write-baseline", settings.writeBaseline],
  ] as const) {
    if (file === undefined) continue;
    const key = await realpath(file).then(
      () => inputKey(file),
      () => undefined,
    );
    if (key !== undefined && (recognised.has(key) || consumed.has(key) || embedded.has(key))) {
      io.stderr(
        `deputyguard: ${option} ${file} is one of the inputs scanned; it is not overwritten (nothing was written): write the ${option === "--output" ? "report" : "baseline"} elsewhere\n`,
      );
      return { report, code: 2 };
    }
  }

  // Rules turned off or re-rated in the configuration file.
  let findings = mergeVariantFindings(
    policyVariants.of,
    report.findings.filter((f) => !(ownScan.has(f) && followedNested.has(resolve(f.file)))),
  );
  if (terraformChecked.some((c) => c.fromPlan) && terraformChecked.some((c) => !c.fromPlan))
    findings = await oncePerPolicy(terraformChecked, terraformCounts, findings, report);
  if (settings.config && settings.config.rules.size > 0) {
    const overrides = new Map<string, Severity | "off">();
    for (const [k, v] of settings.config.rules) {
      const rule = findRule(k);
      if (rule) {
        overrides.set(rule.meta.id, v);
        continue;
      }
      // A misspelt name would leave the rule as it is, silently.
      const near = suggestRule(k);
      report.warnings.push({
        code: "ConfigUnknownRule",
        severity: "warning",
        file: settings.config.file,
        ...settings.config.ruleAt.get(k),
        message: `rules: "${k}" is not a rule${near ? ` (did you mean "${near}"?)` : ""}; its setting is ignored (see deputyguard rules)`,
      });
    }
    findings = findings.flatMap((f) => {
      const o = overrides.get(f.ruleId);
      if (o === "off") return [];
      return o ? [{ ...f, severity: o }] : [f];
    });
  }
  const suppressions = [...inSource, ...(settings.config?.suppressions ?? [])];
  const today = new Date().toISOString().slice(0, 10);
  const sup = applySuppressions(findings, suppressions, today);
  findings = sup.findings;
  report.warnings.push(...sup.warnings);
  if (settings.reportUnusedSuppressions) {
    for (const u of sup.unused) {
      report.warnings.push({
        code: "UnusedSuppression",
        severity: "warning",
        file: u.origin.file,
        ...(u.origin.line !== undefined ? { line: u.origin.line } : {}),
        ...(u.origin.column !== undefined ? { column: u.origin.column } : {}),
        message: `suppression of ${u.rule} matches no finding`,
      });
    }
  }
  if (settings.writeBaseline) {
    const { mapped } = relativeTo(
      settings.writeBaseline,
      findings.filter((f) => !f.suppressed),
    );
    try {
      await writeFile(settings.writeBaseline, `${JSON.stringify(createBaseline(mapped), null, 2)}\n`);
    } catch (e) {
      io.stderr(
        `deputyguard: cannot write the baseline ${settings.writeBaseline}: ${writeProblem(settings.writeBaseline, e)}\n`,
      );
      return { report, code: 2 };
    }
  }
  if (settings.baseline) {
    let text: string;
    try {
      text = await readFile(settings.baseline, "utf8");
      const { mapped, original } = relativeTo(settings.baseline, findings);
      const b = applyBaseline(mapped, parseBaseline(JSON.parse(text)));
      findings = b.findings.map(original);
      report.warnings.push({
        code: "Baseline",
        severity: "warning",
        file: settings.baseline,
        message: `${b.matched} finding${b.matched === 1 ? "" : "s"} in the baseline not reported; ${b.stale} baseline entr${b.stale === 1 ? "y no longer occurs" : "ies no longer occur"}`,
      });
    } catch (e) {
      report.errors.push({
        code: "ConfigError",
        severity: "error",
        file: settings.baseline,
        message: `cannot use the baseline: ${(e as Error).message}`,
      });
    }
  }
  findings.sort(compareFindings);
  report.findings = findings;
  report.summary.findings = findings.length;
  report.summary.suppressed = findings.filter((f) => f.suppressed).length;
  // The variants of one resource (Fn::If branches, SAM's generated resources) repeat what they share,
  // suppressions included: each diagnostic once.
  report.warnings = dedupeDiagnostics(report.warnings);
  report.errors = dedupeDiagnostics(report.errors);
  if (settings.fix) {
    const warnings = report.warnings.length;
    const errors = report.errors.length;
    const written = await fixFiles(findings, formatOf, sources, settings, io, report);
    // The files as written are what the report and the exit code speak of (as linters' --fix
    // does): scanned again, with the notes and write errors of the fixing pass. Not when standard
    // input was read (it cannot be read twice) or nothing was written.
    if (written.length > 0 && !targets.some((t) => t.stdin)) {
      if (!settings.quiet)
        io.stderr(
          `deputyguard: --fix --write changed ${written.length} file${written.length === 1 ? "" : "s"}; the report is of the files as written\n`,
        );
      return scan(
        {
          ...settings,
          fix: false,
          write: false,
          afterFix: {
            warnings: report.warnings.slice(warnings),
            errors: report.errors.slice(errors),
            written,
          },
        },
        formats,
        io,
        tool,
      );
    }
  }
  if (settings.afterFix) {
    report.warnings.unshift(...settings.afterFix.warnings.map((d) => relocated(d, findings)));
    report.errors.unshift(...settings.afterFix.errors);
    // A saved plan is not rewritten by the fixes to its configuration: its findings are of the
    // configuration as it was (and deploying that plan deploys them), which is said at the plan:
    // one with findings, or one whose policies were read from (or lie beside) a file the fix wrote;
    // the rescan reads a plan's unknown policies from the fixed source, which the plan does not hold.
    const tf = settings.afterFix.written.filter((f) => /\.(tf|tofu)$/.test(f));
    if (tf.length > 0) {
      const plans = new Set(
        findings.filter((f) => formatOf.get(f.file) === "terraform-plan").map((f) => f.file),
      );
      for (const [plan, read] of planFiles) {
        const dir = resolve(dirname(plan));
        if (tf.some((f) => read.has(resolve(f)) || resolve(f).startsWith(`${dir}${sep}`))) plans.add(plan);
      }
      for (const plan of [...plans].sort())
        report.warnings.push({
          code: "StalePlan",
          severity: "warning",
          file: plan,
          message: `this plan was made before --fix --write changed ${tf.length} Terraform file${tf.length === 1 ? "" : "s"} (${tf.map((f) => relative(dirname(plan), f) || f).join(", ")}); applying it deploys the configuration as it was, without the fixes: run terraform plan again and check the new plan`,
        });
    }
  }
  report.summary.errors = report.errors.length;
  if (settings.format === "sarif" || settings.format === "json")
    await attachEdits(findings, formatOf, sources);

  // NO_COLOR (no-color.org) turns colour off; FORCE_COLOR turns it on when piped, as Node reads it
  // (set to "", 1, 2, 3 or true: on; to anything else, 0 or false: off). A report written to a
  // file (--output) has none.
  const forceColor = process.env.FORCE_COLOR;
  const forced = forceColor === undefined ? undefined : ["", "1", "2", "3", "true"].includes(forceColor);
  const useColor = !settings.output && !process.env.NO_COLOR && (forced ?? (io.isTTY && pc.isColorSupported));
  const failing = (s: Severity) => atLeast(s, settings.failOn);
  // JSON and SARIF are written in pieces (batched to about 1 MB): a large report (180 MB for a 50 MB
  // policy) is then never held whole, once as a string and again as the bytes written.
  let rendered: string[] | Generator<string>;
  switch (settings.format) {
    case "json":
      rendered = batched(renderJsonChunks(report, tool));
      break;
    case "sarif":
      rendered = batched(
        renderSarifChunks(report, {
          tool,
          rules: RULES,
          helpBase: "https://github.com/deputyguard/deputyguard/blob/main/docs/rules/",
          root: process.cwd(),
        }),
      );
      break;
    case "junit":
      rendered = [
        renderJunit({ ...report, findings: report.findings.filter((f) => !f.suppressed) }, failing),
      ];
      break;
    default:
      rendered = [
        renderText(
          { ...report, findings: report.findings.filter((f) => !f.suppressed) },
          {
            ...(useColor ? { palette: forced ? pc.createColors(true) : pc } : {}),
            source: (f) => sources.get(f) ?? readForFrame(f, settings.maxFileSize),
            quiet: settings.quiet,
            // What a `--fix` asked for could not be done, or needs a hand: said even when quiet.
            ...(settings.fix || settings.afterFix ? { keepWarnings: ["FixNote", "FixUnsupported"] } : {}),
            suppressed: report.findings.filter((f) => f.suppressed).length,
          },
        ),
      ];
  }
  if (settings.output) {
    try {
      await writeFileChunks(settings.output, rendered);
    } catch (e) {
      // Not a write problem: the report itself could not be made (an internal error).
      if (e instanceof PieceError) throw e.reason;
      io.stderr(`deputyguard: cannot write ${settings.output}: ${writeProblem(settings.output, e)}\n`);
      return { report, code: 2 };
    }
  } else if ((settings.fix || settings.afterFix) && settings.format === "text" && settings.quiet) {
    // `--fix --quiet`: standard output is the diff alone (for `patch`); the findings and errors
    // still reach the user, on standard error.
    for (const piece of rendered) io.stderr(piece);
  } else for (const piece of rendered) io.stdout(piece);

  if (internal) return { report, code: 3 };
  if (report.errors.length > 0) return { report, code: 2 };
  const open = report.findings.filter((f) => !f.suppressed && failing(f.severity));
  return { report, code: open.length > 0 ? 1 : 0 };
}

/** Code frames for files read by directory-level formats (Terraform modules, cdk.out). */
function readForFrame(file: string, max: number): string | undefined {
  try {
    if (statSync(file).size > Math.min(max, 16 * 1024 * 1024)) return undefined;
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Baseline fingerprints name the file: use its path relative to the baseline file, so that the baseline
 * matches however the paths were typed (`./src`, `src`) and wherever the scan runs from.
 */
function relativeTo(
  baselineFile: string,
  findings: Finding[],
): { mapped: Finding[]; original: (f: Finding) => Finding } {
  const base = dirname(resolve(baselineFile));
  const back = new Map<Finding, Finding>();
  const mapped = findings.map((f) => {
    if (f.file === "<stdin>") return f;
    const g = { ...f, file: relative(base, resolve(f.file)).split("\\").join("/") };
    back.set(g, f);
    return g;
  });
  return { mapped, original: (f) => back.get(f) ?? f };
}

function keepFilter(config: Config): (file: string) => boolean {
  const include = config.include.length > 0 ? config.matcher(config.include) : undefined;
  const exclude = config.exclude.length > 0 ? config.matcher(config.exclude) : undefined;
  return (f) => (!include || include(f)) && !(exclude?.(f) ?? false);
}

async function scanFile(
  t: Target,
  formats: InputFormat[],
  settings: ScanSettings,
  report: ScanReport,
  sources: Map<string, string>,
  addSites: (
    sites: Awaited<ReturnType<InputFormat["extract"]>>["sites"],
    format: string,
    inModule?: boolean,
    origin?: string,
  ) => void,
  io: ScanIo,
  moduleDirs: readonly string[],
): Promise<void> {
  let text: string;
  if (t.stdin) {
    const buf = await io.readStdin(settings.maxFileSize);
    if (buf.length > settings.maxFileSize) {
      report.errors.push({
        code: "ReadError",
        severity: "error",
        file: t.file,
        message: `standard input is over the limit of ${formatBytes(settings.maxFileSize)} (--max-file-size)`,
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
      // A big file a directory walk found whose name and start show no input (a data dump): said,
      // without failing the run. One that may be an input stays an error: it is never missed quietly.
      if (r.tooLarge && !t.explicit && !(await mayBeInput(t.file))) {
        report.warnings.push({
          code: "ReadError",
          severity: "warning",
          file: t.file,
          message: `${r.message}; not read: its name and first 64 KB show no policy, template or plan (raise --max-file-size to have it checked)`,
        });
        return;
      }
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
  await prepareFormats(formats, input);
  const format = formats.find((f) => f.recognises(input));
  // A policy template a scanned module reads is analysed where the module renders it (see `embedded`).
  if (t.embedded && format?.name === "iam-policy-json") return;
  if (!format) {
    if (t.explicit && !settings.onlyRecognised) {
      // Text that starts like JSON but does not parse: the JSON error says more than "not recognised".
      // (A .yaml file in flow style starts with "{" too: only .json files are held to JSON.)
      const trimmed = text.trimStart();
      const broken =
        extname(t.file).toLowerCase() === ".json" && (trimmed.startsWith("{") || trimmed.startsWith("["))
          ? parseJsonSource(text, t.file).diagnostics.find((d) => d.severity === "error")
          : undefined;
      report.errors.push({
        code: "NotRecognised",
        severity: "error",
        file: t.file,
        message:
          text.trim() === ""
            ? "the file is empty: expected an IAM policy (JSON), a CloudFormation template or a Terraform plan"
            : broken
              ? `not valid JSON (${broken.message}), so not recognised as an IAM policy, a CloudFormation template or a Terraform plan`
              : "not a recognised input: expected an IAM policy JSON document (Statement), a statement (Effect), a list of statements, a CloudFormation template or a Terraform plan",
        ...(broken?.line !== undefined ? { line: broken.line, column: broken.column ?? 1 } : {}),
      });
    }
    return;
  }
  let extracted: Awaited<ReturnType<InputFormat["extract"]>>;
  try {
    const options = optionsFor(t.file, settings);
    const planOptions: PlanScanOptions = { ...options, moduleDirs };
    extracted = await format.extract(input, format.name === "terraform-plan" ? planOptions : options);
  } catch (e) {
    // A limit of the engine (`Invalid string length`, a stack overflow) is no fault of the input's
    // syntax: the caller reports it as an internal error, as any other.
    if (e instanceof RangeError) throw e;
    const err = e as Error & { line?: number; column?: number };
    report.errors.push({
      code: "ParseError",
      severity: "error",
      file: t.file,
      message: err.message,
      ...(err.line ? { line: err.line, column: err.column ?? 1 } : {}),
    });
    return;
  }
  // `recognises` is a quick look at the text; a format may still find, once it has parsed the file, that it
  // is not one of its inputs (a package.json whose keywords mention "Statement"). In a directory walk such a
  // file is skipped like any other unrecognised one; named explicitly it is an error.
  if (
    (!t.explicit || settings.onlyRecognised) &&
    extracted.sites.length === 0 &&
    extracted.diagnostics.length > 0 &&
    extracted.diagnostics.every((d) => d.code === "NotRecognised")
  )
    return;
  report.summary.files++;
  for (const d of extracted.diagnostics) (d.severity === "error" ? report.errors : report.warnings).push(d);
  const before = report.findings.length;
  addSites(extracted.sites, format.name, false, t.file);
  if ((report.findings.length > before || settings.fix) && text.length < 16 * 1024 * 1024)
    sources.set(t.file, text);
}

/**
 * A plan scanned with the module it was made from (`check-iac plan.json infra/`, or a directory that
 * holds both) reads each of its policies twice. What both readings say is reported once, at the
 * `.tf` source (where a fix goes), and counted once; what only one finds stays.
 */
async function oncePerPolicy(
  checked: CheckedSite[],
  counts: Map<CheckedSite, { policies: number; statements: number }>,
  findings: Finding[],
  report: ScanReport,
): Promise<Finding[]> {
  const { PlanModulePairs } = await import("@deputyguard/terraform");
  const pairs = new PlanModulePairs(checked);
  const repeated = new Set<Diagnostic>(pairs.repeatedWarnings(report.warnings));
  const uncount = new Set<CheckedSite>();
  for (const c of checked) {
    const inModule = pairs.inModule(c);
    if (inModule.length === 0) continue;
    // One policy: the plan's instance, unless the module has it too; a resource the module leaves
    // unexpanded (its count not known there) stands for the plan's instances, which are counted.
    if (inModule.some((m) => m.site.resource === c.site.resource)) uncount.add(c);
    else for (const m of inModule) uncount.add(m);
    for (const d of pairs.repeatedDiagnostics(c)) repeated.add(d);
  }
  for (const c of uncount) {
    const counted = counts.get(c);
    if (!counted) continue;
    report.summary.policies -= counted.policies;
    report.summary.statements -= counted.statements;
  }
  if (repeated.size > 0) {
    report.warnings = report.warnings.filter((d) => !repeated.has(d));
    report.errors = report.errors.filter((d) => !repeated.has(d));
  }
  return pairs.fold(findings);
}

/** Files with more fixable findings than this get no per-finding edits (each edit re-reads the file). */
const MAX_EDITS_PER_FILE = 200;

/** The edits that apply each fix alone, for SARIF `fixes` and JSON `fix.edits`. */
async function attachEdits(
  findings: Finding[],
  formatOf: Map<string, string>,
  sources: Map<string, string>,
): Promise<void> {
  const byFile = new Map<string, Finding[]>();
  // Pushed, not copied: a file with 48,000 fixable findings made this quadratic (1.5 s of 4 s on 10 MB).
  for (const f of findings) {
    if (!fixable(f)) continue;
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  for (const [file, list] of byFile) {
    if (list.length > MAX_EDITS_PER_FILE || file === "<stdin>") continue;
    const text = sources.get(file) ?? readForFrame(file, 16 * 1024 * 1024);
    if (text === undefined) continue;
    if (formatOf.get(file) === "cloudformation") {
      // The template is read once for all its findings, not once per finding.
      const { cloudFormationFixPerFinding } = await import("@deputyguard/cloudformation");
      for (const [f, after] of cloudFormationFixPerFinding(text, file, list)) {
        const e = editBetween(file, text, after);
        if (e && f.fix) f.fix.edits = [e];
      }
      continue;
    }
    for (const f of list) {
      const changed = await fixedTexts(formatOf.get(file), new Map([[file, text]]), [f]);
      const edits = [...(changed ?? [])].flatMap(([path, after]) => {
        const e = editBetween(
          path,
          path === file ? text : (readForFrame(path, 16 * 1024 * 1024) ?? ""),
          after,
        );
        return e ? [e] : [];
      });
      if (edits.length > 0 && f.fix) f.fix.edits = edits;
    }
  }
}

/**
 * A fixed text in the form of the file it replaces: the fixers insert "\n" and read the text without
 * its byte order mark, so a CRLF file gets CRLF throughout and a BOM is kept.
 */
function asWritten(original: Buffer | undefined, text: string): string {
  if (!original) return text;
  const bom = original.length >= 3 && original[0] === 0xef && original[1] === 0xbb && original[2] === 0xbf;
  const raw = original.toString("utf8");
  const crlf = raw.includes("\r\n") && !/(^|[^\r])\n/.test(raw);
  const body = crlf ? text.replace(/\r?\n/g, "\r\n") : text;
  return bom && !body.startsWith("\uFEFF") ? `\uFEFF${body}` : body;
}

/**
 * The finding a note of the fixing pass is about, by what a fix does not move (its file, rule,
 * resource, statement and variant): the scan of the files as written puts the note at that
 * finding's new line.
 */
const noteOf = new WeakMap<Diagnostic, string>();

function findingIdentity(f: Finding): string {
  return `${f.file}\u0000${f.ruleId}\u0000${f.resource ?? ""}\u0000${f.statement?.index ?? ""}\u0000${f.variant ?? ""}`;
}

/** A note of the fixing pass at the line its finding has in the files as written. */
function relocated(d: Diagnostic, findings: readonly Finding[]): Diagnostic {
  const id = noteOf.get(d);
  const now = id === undefined ? undefined : findings.find((f) => findingIdentity(f) === id);
  return now ? { ...d, line: now.line, column: now.column } : d;
}

/** A fixer's note as a warning at the place it names (`file:line:column: text`), else at `fallback`. */
function fixNote(note: string, fallback: string): Diagnostic {
  const m = /^(.+?):(\d+):(\d+)((?: \([^)]*\))?: .*)$/s.exec(note);
  if (!m) {
    const f = /^([^:\n]+): (.*)$/s.exec(note);
    return f
      ? { code: "FixNote", severity: "warning", file: f[1] as string, message: f[2] as string }
      : { code: "FixNote", severity: "warning", file: fallback, message: note };
  }
  return {
    code: "FixNote",
    severity: "warning",
    file: m[1] as string,
    line: Number(m[2]),
    column: Number(m[3]),
    message: (m[4] as string).replace(/^: /, "").trim(),
  };
}

/** The whole new text of each file the fixes touch, per input format, and notes on what was left alone. */
async function fixedTexts(
  format: string | undefined,
  files: Map<string, string>,
  findings: Finding[],
  notes: string[] = [],
): Promise<Map<string, string> | undefined> {
  const out = new Map<string, string>();
  if (format === "iam-policy-json" || format === "cloudformation") {
    const cfn = format === "cloudformation" ? await import("@deputyguard/cloudformation") : undefined;
    for (const [file, text] of files) {
      const mine = findings.filter((f) => f.file === file);
      const after = cfn
        ? cfn.applyCloudFormationFixes(text, file, mine, notes)
        : applyPolicyJsonFixes(text, file, mine);
      if (after !== undefined && after !== text) out.set(file, after);
    }
    return out;
  }
  if (format === "terraform") {
    const { applyTerraformFixesWithNotes } = await import("@deputyguard/terraform");
    const r = await applyTerraformFixesWithNotes(files, findings);
    notes.push(...r.notes);
    return r.files;
  }
  return undefined;
}

function fixable(f: Finding): boolean {
  return !f.suppressed && (f.fix?.condition !== undefined || f.fix?.permission !== undefined);
}

/** `--fix`: print unified diffs (and with `--write`, apply them); the files written. */
async function fixFiles(
  findings: Finding[],
  formatOf: Map<string, string>,
  sources: Map<string, string>,
  settings: ScanSettings,
  io: ScanIo,
  report: ScanReport,
): Promise<string[]> {
  const written: string[] = [];
  const byFormat = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.fix && !f.suppressed && !fixable(f) && f.file !== "<stdin>") {
      // A fix with no edit the tool can make (an Alexa skill ID only the user knows, a SAM event's
      // property): said, not skipped.
      const why = fixNeedsUserValue(f.fix)
        ? "needs a value only you know"
        : "is set where the permission is generated, which --fix does not edit,";
      const d: Diagnostic = {
        code: "FixNote",
        severity: "warning",
        file: f.file,
        line: f.line,
        column: f.column,
        message: `${f.ruleId}${f.resource ? ` (${f.resource})` : ""}: this fix ${why} and is not applied; apply the fix text shown with the finding`,
      };
      noteOf.set(d, findingIdentity(f));
      report.warnings.push(d);
      continue;
    }
    if (!fixable(f) || f.file === "<stdin>") continue;
    const format = formatOf.get(f.file) ?? "unknown";
    const list = byFormat.get(format);
    if (list) list.push(f);
    else byFormat.set(format, [f]);
  }
  /** Format → a file of that format the warning names. */
  const unsupported = new Map<string, string>();
  for (const [format, list] of byFormat) {
    const files = new Map<string, string>();
    for (const f of list) {
      const text = sources.get(f.file) ?? readForFrame(f.file, settings.maxFileSize);
      if (text !== undefined) files.set(f.file, text);
    }
    const notes: string[] = [];
    const changed = await fixedTexts(format, files, list, notes);
    for (const n of notes) {
      const d = fixNote(n, list[0]?.file ?? format);
      const about = list.find((f) => f.file === d.file && f.line === d.line && f.column === d.column);
      if (about) noteOf.set(d, findingIdentity(about));
      report.warnings.push(d);
    }
    if (!changed) {
      unsupported.set(format, list[0]?.file ?? format);
      continue;
    }
    // A file none of whose fixes could be edited in (a policy in an Fn::Sub string, a .tf.json) and
    // that no note speaks of: said, not skipped in silence.
    for (const file of new Set(list.map((f) => f.file)))
      if (!changed.has(file) && !notes.some((n) => n.startsWith(file)))
        for (const f of list.filter((x) => x.file === file)) {
          const d: Diagnostic = {
            code: "FixNote",
            severity: "warning",
            file,
            line: f.line,
            column: f.column,
            message: `${f.ruleId}${f.resource ? ` (${f.resource})` : ""}: this fix could not be edited into the file here; apply the fix text shown with the finding`,
          };
          noteOf.set(d, findingIdentity(f));
          report.warnings.push(d);
        }
    if (format === "cloudformation") {
      // A template the CDK synthesized: the fix holds for a deploy of this assembly
      // (`cdk deploy --app cdk.out`), and the next `cdk synth` writes the template anew.
      const { findCloudAssembly } = await import("@deputyguard/cloudformation");
      for (const file of changed.keys())
        if (findCloudAssembly(dirname(file)) === dirname(file))
          report.warnings.push({
            code: "FixNote",
            severity: "warning",
            file,
            message:
              "this template was synthesized by the CDK: the next `cdk synth` writes it anew without the fix; make the change in the CDK app too (each finding's construct path says where)",
          });
    }
    for (const [file, after] of [...changed].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const before = files.get(file) ?? readForFrame(file, settings.maxFileSize) ?? "";
      // The diff goes to standard output unless a machine-readable report goes there.
      (settings.format !== "text" && !settings.output ? io.stderr : io.stdout)(
        unifiedDiff(file, before, after),
      );
      if (!settings.write) continue;
      try {
        await writeFile(file, asWritten(await readFile(file).catch(() => undefined), after));
        written.push(file);
      } catch (e) {
        // A read-only file: said at the file, and the other files are still written.
        report.errors.push({
          code: "WriteError",
          severity: "error",
          file,
          message: `cannot write the fix (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the file is left as it was`,
        });
      }
    }
  }
  for (const [name, file] of unsupported) {
    report.warnings.push({
      code: "FixUnsupported",
      severity: "warning",
      file,
      message: `--fix has no automatic edits for ${name} inputs; apply the fix text shown with each finding`,
    });
  }
  return written;
}

/** Why a report file could not be written: its error code, and a missing folder named. */
function writeProblem(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return code === "ENOENT" ? `ENOENT, the folder ${dirname(file)} does not exist (create it first)` : code;
}
