import { type Dirent, existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Diagnostic, PolicySite, SourceRange } from "@deputyguard/core";
import { dedupeDiagnostics, parseJsonSource, wideTextProblem } from "@deputyguard/core";
import {
  buildModuleConfig,
  type ConfigBlock,
  type ModuleConfig,
  type SourceFile,
} from "./config/module-config.js";
import { type AnalysisHost, ModuleInstance, type ResourceInstance } from "./eval/evaluator.js";
import { nodeToValue } from "./eval/json.js";
import { missingTemplateVars } from "./eval/template-vars.js";
import { failure, fromPlain, knownString, object, str, type TfValue, unknown } from "./eval/value.js";
import { readdir, readFile } from "./fs-async.js";
import { bodyFromJson } from "./hcl/json-body.js";
import { LineMap } from "./hcl/line-map.js";
import { HclParser, HclSyntaxError } from "./hcl/parser.js";
import type { Body } from "./hcl/syntax.js";
import { freeReferences } from "./hcl/traversals.js";
import { type HclSyntaxProblem, validateHcl } from "./load/hcl2json.js";
import { buildPolicyDocument } from "./policy/document.js";
import { documentSites, type FoundSite, resourceSites, type SiteCollector } from "./policy/sites.js";

export interface TerraformOptions {
  /** `--var name=value`: values for root variables (strings are parsed as Terraform does for complex types). */
  variables?: Readonly<Record<string, unknown>>;
  /** `--var-file`: applied after terraform.tfvars and *.auto.tfvars, in order; `variables` win over them. */
  varFiles?: readonly string[];
  /** Per-directory values from the configuration file: after *.auto.tfvars, before `varFiles`. */
  variablesFor?: (moduleDir: string) => Readonly<Record<string, unknown>> | undefined;
  maxFileSize?: number;
  /**
   * Texts of configuration files given by the caller, by absolute path (`path.resolve`): read
   * instead of the disk, and part of their directory's module even when no such file exists there
   * (`terraformFormat.extract` gives the text it was handed). Other files are read from the disk.
   */
  texts?: ReadonlyMap<string, string>;
}

/** A module call whose source was not analysed (not local and not installed by `terraform init`). */
export interface UnanalysedModule {
  address: string;
  source: string;
  file: string;
  line: number;
}

export interface ModuleAnalysis {
  sites: FoundSite[];
  diagnostics: Diagnostic[];
  /** Every configuration file read (root and called modules). */
  files: string[];
  /**
   * The files `file()` and `templatefile()` read, and those a policy argument of a resource with no
   * instance names (`count = 0`): a policy template is analysed as the module renders it, where it
   * is used, not as a policy of its own (its `${...}` are Terraform's, not IAM policy variables).
   */
  embeddedFiles: string[];
  /** Module directories reached through calls (besides the root). */
  calledDirs: Set<string>;
  unanalysedModules: UnanalysedModule[];
}

const CONFIG_SUFFIXES = [".tf", ".tf.json", ".tofu", ".tofu.json"];
export const DEFAULT_MAX_FILE = 64 * 1024 * 1024;
const MAX_MODULE_DEPTH = 24;

export function isConfigFile(name: string): boolean {
  return CONFIG_SUFFIXES.some((s) => name.endsWith(s));
}

/** Whether a directory entry is a file or a link to one (Terraform reads a linked file as its own). */
export function isFileEntry(dir: string, e: Dirent): boolean {
  if (e.isFile()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, e.name)).isFile();
  } catch {
    return false;
  }
}

/**
 * Configuration files of a directory (not recursive); `x.tofu` hides `x.tf` as in OpenTofu. `extra`
 * names files the caller gives the text of, listed even when the directory does not hold them.
 */
export async function configFiles(dir: string, extra: readonly string[] = []): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => isFileEntry(dir, e))
      .map((e) => e.name);
  } catch {
    names = [];
  }
  const files = [...new Set([...names, ...extra])].filter(isConfigFile);
  const tofu = new Set(
    files
      .filter((n) => n.endsWith(".tofu") || n.endsWith(".tofu.json"))
      .map((n) => n.replace(/\.tofu(\.json)?$/, "")),
  );
  return files
    .filter(
      (n) => !((n.endsWith(".tf") || n.endsWith(".tf.json")) && tofu.has(n.replace(/\.tf(\.json)?$/, ""))),
    )
    .sort()
    .map((n) => join(dir, n));
}

/** A file's text, or why it cannot be read (too large, not a regular file, not UTF-8 text, missing). */
export async function readText(path: string, max: number): Promise<string | { error: string }> {
  try {
    const st = statSync(path);
    // A FIFO would block the run and a device never end: only regular files are read.
    if (!st.isFile()) return { error: "not a regular file (a device, pipe or socket); it is not read" };
    const size = st.size;
    if (size > max) return { error: `file is ${size} bytes, over the limit of ${max} (--max-file-size)` };
    const buf = await readFile(path);
    const wide = wideTextProblem(buf);
    if (wide) return { error: wide };
    if (buf.includes(0)) return { error: "binary content (NUL byte), not a text file" };
    return new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch (e) {
    return { error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}

/**
 * Terraform's verdict on each HCL file (hcl2json), started when the file is read: in a worker
 * thread for large files, so that it runs while our own parser and evaluator work on the module.
 */
export type Verdicts = Map<string, Promise<HclSyntaxProblem | undefined>>;

function syntaxError(
  path: string,
  problem: HclSyntaxProblem,
  at?: { line: number; column: number },
): Diagnostic {
  const d: Diagnostic = {
    code: "ParseError",
    severity: "error",
    file: path,
    message: `HCL syntax error: ${problem.message}`,
  };
  const line = problem.line ?? at?.line;
  if (line !== undefined) {
    d.line = line;
    d.column = problem.column ?? at?.column ?? 1;
  }
  return d;
}

/**
 * Parses one configuration file; syntax errors become diagnostics with Terraform's own message.
 * Terraform's verdict on a file our parser reads is not awaited here: it is in `verdicts`, for the
 * caller to wait for once it has done its own work. A file it is known to reject (`rejected`) is
 * not analysed, even if our parser reads it: Terraform's parser is the authority.
 */
export async function parseConfigFile(
  path: string,
  text: string,
  diagnostics: Diagnostic[],
  verdicts: Verdicts,
  rejected: ReadonlyMap<string, HclSyntaxProblem> = new Map(),
): Promise<SourceFile | undefined> {
  const map = new LineMap(path, text, { json: path.endsWith(".json") });
  if (path.endsWith(".json")) {
    const parsed = parseJsonSource(text, path);
    if (!parsed.node) {
      diagnostics.push(...parsed.diagnostics);
      return undefined;
    }
    // A template Terraform cannot parse makes it reject the file: it is not analysed, as in HCL.
    const errors = diagnostics.length;
    const body = bodyFromJson(parsed.node, map, diagnostics);
    if (diagnostics.slice(errors).some((d) => d.severity === "error")) return undefined;
    return { path, text, map, body };
  }
  const known = rejected.get(path);
  if (known) {
    diagnostics.push(syntaxError(path, known));
    return undefined;
  }
  let verdict = verdicts.get(path);
  if (!verdict) {
    // hcl2json overflows the JavaScript stack on deep nesting that Terraform itself accepts: that is
    // no verdict (our parser's nesting limit decides), not a syntax error of the file (verdictOf).
    verdict = validateHcl(path, text);
    // Awaited by the caller; a failure to load hcl2json must not also be an unhandled rejection.
    verdict.catch(() => undefined);
    verdicts.set(path, verdict);
  }
  let body: Body;
  try {
    body = HclParser.parseBody(text);
  } catch (e) {
    if (!(e instanceof HclSyntaxError)) throw e;
    const problem = await verdict;
    const p = map.position(e.offset);
    if (problem) diagnostics.push(syntaxError(path, problem, p));
    else
      diagnostics.push({
        code: "UnsupportedConstruct",
        severity: "error",
        file: path,
        line: p.line,
        column: p.column,
        message: `Terraform accepts this file but deputyguard cannot read it: ${e.message}`,
      });
    return undefined;
  }
  return { path, text, map, body };
}

interface ModulesJson {
  /** `logs` / `logs.inner` → directory (absolute). */
  dirs: Map<string, { dir: string; source: string }>;
}

async function readModulesJson(root: string): Promise<ModulesJson> {
  const dirs = new Map<string, { dir: string; source: string }>();
  const path = join(root, ".terraform", "modules", "modules.json");
  if (!existsSync(path)) return { dirs };
  try {
    const data = JSON.parse(await readFile(path, "utf8")) as {
      Modules?: Array<{ Key?: string; Dir?: string; Source?: string }>;
    };
    for (const m of data.Modules ?? []) {
      if (typeof m.Key !== "string" || typeof m.Dir !== "string" || m.Key === "") continue;
      // Relative to the root as given, so that findings in them are reported as the root's are.
      dirs.set(m.Key, { dir: isAbsolute(m.Dir) ? m.Dir : join(root, m.Dir), source: m.Source ?? "" });
    }
  } catch {
    // A damaged modules.json only means installed modules are not followed.
  }
  return { dirs };
}

/**
 * Analyses a root module and the modules it calls, in their callers' context, and returns every
 * policy site found. Nothing is fetched: modules that are neither local nor installed by
 * `terraform init` are listed as not analysed, and their outputs are unknown.
 */
export async function analyseModule(
  rootDir: string,
  options: TerraformOptions = {},
): Promise<ModuleAnalysis> {
  const verdicts: Verdicts = new Map();
  const read = new Set<string>();
  const analysis = await analyseOnce(rootDir, options, verdicts, new Map(), read);
  const rejected = new Map<string, HclSyntaxProblem>();
  for (const [path, verdict] of verdicts) {
    const problem = await verdict;
    if (problem) rejected.set(path, problem);
  }
  // A file our parser read but Terraform rejects (rare): the module is analysed again without it.
  if (![...rejected.keys()].some((p) => read.has(p))) return analysis;
  return analyseOnce(rootDir, options, verdicts, rejected, new Set());
}

async function analyseOnce(
  rootDir: string,
  options: TerraformOptions,
  verdicts: Verdicts,
  rejected: ReadonlyMap<string, HclSyntaxProblem>,
  read: Set<string>,
): Promise<ModuleAnalysis> {
  const diagnostics: Diagnostic[] = [];
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE;
  const configs = new Map<string, ModuleConfig | undefined>();
  const files: string[] = [];
  const embedded = new Set<string>();
  const modulesJson = await readModulesJson(rootDir);
  const calledDirs = new Set<string>();
  const unanalysedModules: UnanalysedModule[] = [];

  const loadDir = async (dir: string): Promise<ModuleConfig | undefined> => {
    const key = resolve(dir);
    if (configs.has(key)) return configs.get(key);
    configs.set(key, undefined);
    const given = [...(options.texts?.keys() ?? [])]
      .filter((f) => dirname(f) === key)
      .map((f) => basename(f));
    const paths = await configFiles(dir, given);
    if (paths.length === 0) return undefined;
    const parsed: SourceFile[] = [];
    for (const p of paths) {
      files.push(p);
      const text = options.texts?.get(resolve(p)) ?? (await readText(p, max));
      if (typeof text !== "string") {
        diagnostics.push({ code: "ReadError", severity: "error", file: p, message: text.error });
        continue;
      }
      const f = await parseConfigFile(p, text, diagnostics, verdicts, rejected);
      if (f) {
        parsed.push(f);
        read.add(p);
      }
    }
    const config = buildModuleConfig(dir, parsed, diagnostics);
    configs.set(key, config);
    return config;
  };

  /** Where a module call's code is: a local path, or what `terraform init` installed. */
  const sourceDir = (
    parentDir: string,
    keyPath: string,
    call: ConfigBlock,
  ): { dir?: string; source: string } => {
    const src = call.block.body.attributes.get("source");
    const source =
      src?.expr.type === "template"
        ? src.expr.parts.map((p) => (p.kind === "text" ? p.text : "")).join("")
        : "";
    if (source.startsWith("./") || source.startsWith("../") || source === "." || source === "..")
      return { dir: join(parentDir, source), source };
    const installed = modulesJson.dirs.get(keyPath);
    return installed ? { dir: installed.dir, source } : { source };
  };

  // Modules are loaded before evaluation (which is synchronous), following literal sources.
  const preload = async (dir: string, keyPath: string, depth: number, seen: Set<string>): Promise<void> => {
    const config = await loadDir(dir);
    if (!config || depth > MAX_MODULE_DEPTH) return;
    for (const [name, call] of config.moduleCalls) {
      const kp = keyPath === "" ? name : `${keyPath}.${name}`;
      const { dir: child } = sourceDir(config.dir, kp, call);
      if (!child || seen.has(resolve(child))) continue;
      calledDirs.add(resolve(child));
      await preload(child, kp, depth + 1, new Set([...seen, resolve(child)]));
    }
  };
  await preload(rootDir, "", 0, new Set([resolve(rootDir)]));
  const rootConfig = configs.get(resolve(rootDir));
  if (!rootConfig) return { sites: [], diagnostics, files, embeddedFiles: [], calledDirs, unanalysedModules };

  const rootInputs = await rootVariables(rootDir, rootConfig, options, diagnostics, max);
  const instances: Array<{ m: ModuleInstance; rootFile?: string }> = [];
  const children = new Map<string, ModuleInstance | undefined>();
  const keyPaths = new WeakMap<ModuleInstance, string>();

  const host: AnalysisHost = {
    diagnostics,
    sourceFile(path) {
      for (const c of configs.values()) {
        const f = c?.files.find((x) => x.path === path);
        if (f) return f;
      }
      return undefined;
    },
    childModule(parent, call, name, key) {
      const prefix = `${parent.prefix}module.${name}${key ? `[${key.kind === "number" ? knownString(key) : JSON.stringify(knownString(key))}]` : ""}.`;
      if (children.has(prefix)) return children.get(prefix);
      children.set(prefix, undefined);
      const parentKey = keyPaths.get(parent) ?? "";
      const kp = parentKey === "" ? name : `${parentKey}.${name}`;
      const { dir, source } = sourceDir(parent.config.dir, kp, call);
      const at = call.file.map.position(call.block.span.start);
      const address = prefix.slice(0, -1);
      if (!dir || !configs.get(resolve(dir))) {
        if (!unanalysedModules.some((u) => u.address === address)) {
          unanalysedModules.push({ address, source, file: call.file.path, line: at.line });
          diagnostics.push({
            code: "ModuleNotAnalysed",
            severity: "warning",
            file: call.file.path,
            line: at.line,
            column: at.column,
            message: dir
              ? `${address}: no Terraform files in ${relative(rootDir, dir) || "."}; its outputs are unknown`
              : `${address}: module "${source}" is not installed (run terraform init to analyse it); its outputs are unknown`,
          });
        }
        return undefined;
      }
      const resolved = resolve(dir);
      if (parent.chain.includes(resolved) || parent.chain.length > MAX_MODULE_DEPTH) {
        diagnostics.push({
          code: "ModuleCycle",
          severity: "error",
          file: call.file.path,
          line: at.line,
          column: at.column,
          message: `${address} calls ${relative(rootDir, resolved) || "."}, which is already being analysed (a module cycle); it is not followed`,
        });
        return undefined;
      }
      const inputs = new Map<string, () => TfValue>();
      const bindings = new Map<string, TfValue>();
      if (key) {
        if (call.block.body.attributes.has("count")) bindings.set("count", object(new Map([["index", key]])));
        else
          bindings.set(
            "each",
            object(
              new Map([
                ["key", key],
                ["value", eachValue(parent, call, key)],
              ]),
            ),
          );
      }
      for (const [argName, a] of call.block.body.attributes) {
        if (["source", "version", "count", "for_each", "providers", "depends_on"].includes(argName)) continue;
        const file = parent.fileOf(a) ?? call.file;
        inputs.set(argName, () => parent.evaluate(a.expr, parent.scope(file, bindings)));
      }
      const child = new ModuleInstance(
        host,
        configs.get(resolved) as ModuleConfig,
        prefix,
        inputs,
        address,
        [...parent.chain, resolved],
        rootDir,
      );
      keyPaths.set(child, kp);
      children.set(prefix, child);
      return child;
    },
    policyDocument: (inst: ResourceInstance) => buildPolicyDocument(inst),
    readFile: (m, path, range) => readModuleFile(m, path, range, max, embedded),
    renderTemplateFile: (m, path, vars, range) => {
      const f = readModuleFile(m, path, range, max, embedded);
      if (f.kind !== "string") return f;
      const seg = f.segments[0];
      if (!seg || !("text" in seg) || !seg.source) return f;
      let parts: ReturnType<typeof HclParser.parseTemplate>;
      try {
        parts = HclParser.parseTemplate(seg.text);
      } catch (e) {
        const p = seg.source.map.position((e as HclSyntaxError).offset ?? 0);
        diagnostics.push({
          code: "ParseError",
          severity: "error",
          file: seg.source.map.file,
          line: p.line,
          column: p.column,
          message: `template syntax error: ${(e as Error).message}`,
        });
        return unknown(`templatefile("${path}")`, "the template has a syntax error", range);
      }
      const missing = missingTemplateVars(parts, vars, seg.source.map, path, range, diagnostics);
      if (missing) return missing;
      const bindings = new Map<string, TfValue>(vars.kind === "object" ? vars.entries : []);
      return m.template(
        parts,
        { module: m, map: seg.source.map, bindings },
        range ?? seg.source.map.range({ start: 0, end: 0 }),
      );
    },
    renderTemplateString: (m, t, vars, range) =>
      // The function calls it with a known string and an object (see `templatestring`).
      renderTemplateString(m, t as TfValue & { kind: "string" }, vars as TfValue & { kind: "object" }, range),
  };

  const root = new ModuleInstance(
    host,
    rootConfig,
    "",
    rootInputs,
    "the root module",
    [resolve(rootDir)],
    rootDir,
  );
  keyPaths.set(root, "");

  // Every module instance reachable from the root, with the root file that called it.
  const visit = (m: ModuleInstance, rootFile: string | undefined, depth: number): void => {
    instances.push(rootFile === undefined ? { m } : { m, rootFile });
    if (depth > MAX_MODULE_DEPTH) return;
    for (const [name, call] of m.config.moduleCalls) {
      const origin = rootFile ?? call.file.path;
      const count = call.block.body.attributes.get("count");
      const forEach = call.block.body.attributes.get("for_each");
      const keys: Array<TfValue | undefined> = [];
      const scope = m.scope(call.file);
      if (count) {
        const n = m.evaluate(count.expr, scope);
        if (n.kind === "number")
          for (let i = 0; i < Math.min(n.value, 100); i++) keys.push({ kind: "number", value: i });
        else keys.push(undefined);
      } else if (forEach) {
        const c = m.evaluate(forEach.expr, scope);
        if (c.kind === "object") for (const k of c.entries.keys()) keys.push(str(k));
        else if (c.kind === "list" && c.items.every((i) => knownString(i) !== undefined))
          for (const i of c.items) keys.push(str(knownString(i) as string));
        else keys.push(undefined);
      } else keys.push(undefined);
      for (const k of keys) {
        const child = host.childModule(m, call, name, k);
        if (child) visit(child, origin, depth + 1);
      }
    }
  };
  visit(root, undefined, 0);

  const collector: SiteCollector = { sites: [], consumedDocuments: new Set() };
  for (const { m, rootFile } of instances) resourceSites(m, (f) => rootFile ?? f, collector);
  for (const { m, rootFile } of instances) documentSites(m, (f) => rootFile ?? f, collector);
  return {
    sites: collector.sites,
    diagnostics: dedupeDiagnostics(diagnostics),
    files,
    embeddedFiles: [...embedded],
    calledDirs,
    unanalysedModules,
  };
}

function eachValue(parent: ModuleInstance, call: ConfigBlock, key: TfValue): TfValue {
  const fe = call.block.body.attributes.get("for_each");
  if (!fe) return key;
  const c = parent.evaluate(fe.expr, parent.scope(call.file));
  const k = knownString(key);
  if (c.kind === "object" && k !== undefined) return c.entries.get(k) ?? key;
  return key;
}

/**
 * `templatestring(template, vars)`: the string rendered as a template with the vars only (as
 * `templatefile`; every reference must be a key of vars, and the result a string). Evaluated when
 * the string is written as it is in a file (a `file()` text, a string with no escapes), so that
 * what it makes keeps its positions; a template built or unescaped from another text stays unknown.
 */
function renderTemplateString(
  m: ModuleInstance,
  t: TfValue & { kind: "string" },
  vars: TfValue & { kind: "object" },
  range: SourceRange | undefined,
): TfValue {
  const text = knownString(t) as string;
  const seg = t.segments.length === 1 ? t.segments[0] : undefined;
  const src = seg && "text" in seg ? seg.source : undefined;
  if (!src || src.anchors?.length || src.map.text.slice(src.start, src.end) !== text)
    return unknown(
      "templatestring(...)",
      "the template is not written as it is in a file (it is computed, or has escapes), so what it makes would have no place in a file; it is not evaluated",
      range,
    );
  let parts: ReturnType<typeof HclParser.parseTemplate>;
  try {
    parts = HclParser.parseTemplate(src.map.text, src.start, src.end);
  } catch (e) {
    return failure("templatestring(...)", `invalid template expression: ${(e as Error).message}`, range);
  }
  if (!vars.unknownKeys?.length) {
    const missing = freeReferences(parts).find((r) => !vars.entries.has(r.name));
    if (missing)
      return failure("templatestring(...)", `the vars map does not contain key "${missing.name}"`, range);
  }
  const v = m.template(
    parts,
    { module: m, map: src.map, bindings: new Map(vars.entries) },
    range ?? src.map.range(src),
  );
  return v.kind === "list" || v.kind === "object" || v.kind === "null" || v.kind === "lazy"
    ? failure("templatestring(...)", "invalid template result: string required", range)
    : v;
}

/**
 * `file()` and `templatefile()`: files inside the module (or root module) directory only. A file
 * read goes to `read`.
 */
function readModuleFile(
  m: ModuleInstance,
  path: string,
  range: SourceRange | undefined,
  max: number,
  read: Set<string>,
): TfValue {
  const full = isAbsolute(path) ? path : join(m.rootDir, path);
  const inside = (dir: string): boolean => {
    try {
      const real = realpathSync(full);
      const base = realpathSync(dir);
      return real === base || real.startsWith(base + sep);
    } catch {
      return false;
    }
  };
  if (!existsSync(full)) return unknown(`file("${path}")`, "the file does not exist", range);
  if (!inside(m.config.dir) && !inside(m.rootDir))
    return unknown(`file("${path}")`, "the file is outside the module directory and is not read", range);
  try {
    const st = statSync(full);
    if (!st.isFile())
      return unknown(
        `file("${path}")`,
        "not a regular file (a device, pipe or socket); it is not read",
        range,
      );
    if (st.size > max) return unknown(`file("${path}")`, "the file is over the size limit", range);
    const text = readFileSync(full, "utf8");
    read.add(full);
    const map = new LineMap(full, text);
    const v: TfValue = { kind: "string", segments: [{ text, source: { map, start: 0, end: text.length } }] };
    if (range) v.range = range;
    return v;
  } catch (e) {
    return unknown(`file("${path}")`, `cannot read: ${(e as Error).message}`, range);
  }
}

/** Parses `--var` text the way Terraform does: complex values as HCL expressions, others as strings. */
function varOptionValue(v: unknown, declaredType: string | undefined): TfValue {
  if (typeof v !== "string") return fromPlain(v);
  const t = v.trim();
  const complex = declaredType !== undefined && !/^(string|number|bool)$/.test(declaredType);
  if (complex && (t.startsWith("[") || t.startsWith("{"))) {
    try {
      const expr = HclParser.parseExpression(t);
      return literalValue(expr) ?? str(v);
    } catch {
      return str(v);
    }
  }
  return str(v);
}

/** The value of a literal expression (tfvars files and `--var` can hold only literals). */
function literalValue(e: ReturnType<typeof HclParser.parseExpression>): TfValue | undefined {
  switch (e.type) {
    case "literal":
      return fromPlain(e.value);
    case "template": {
      let s = "";
      for (const p of e.parts) {
        if (p.kind !== "text") return undefined;
        s += p.text;
      }
      return str(s);
    }
    case "tuple": {
      const items: TfValue[] = [];
      for (const i of e.items) {
        const v = literalValue(i);
        if (!v) return undefined;
        items.push(v);
      }
      return { kind: "list", items };
    }
    case "object": {
      const m = new Map<string, TfValue>();
      for (const i of e.items) {
        const k =
          i.key.type === "variable" ? i.key.name : i.key.type === "literal" ? String(i.key.value) : undefined;
        const v = literalValue(i.value);
        if (k === undefined || !v) return undefined;
        m.set(k, v);
      }
      return object(m);
    }
    case "paren":
      return literalValue(e.expr);
    case "unary":
      if (e.operator === "-" && e.operand.type === "literal" && typeof e.operand.value === "number")
        return fromPlain(-e.operand.value);
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Root variable values with Terraform's precedence: defaults < terraform.tfvars(.json) <
 * *.auto.tfvars(.json) in name order < --var-file in order < --var
 * (https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).
 */
async function rootVariables(
  dir: string,
  config: ModuleConfig,
  options: TerraformOptions,
  diagnostics: Diagnostic[],
  max: number,
): Promise<Map<string, () => TfValue>> {
  const values = new Map<string, TfValue>();
  let names: string[] = [];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    names = [];
  }
  const files = [
    ...names.filter((n) => n === "terraform.tfvars" || n === "terraform.tfvars.json"),
    ...names.filter((n) => n.endsWith(".auto.tfvars") || n.endsWith(".auto.tfvars.json")),
  ].map((n) => join(dir, n));
  const typed = (k: string, v: unknown): TfValue => {
    const decl = config.variables.get(k);
    const typeAttr = decl?.block.body.attributes.get("type");
    // In JSON syntax the type is a string holding the type expression.
    const only = typeAttr?.expr.type === "template" ? typeAttr.expr.parts : undefined;
    const typeText =
      only?.length === 1 && only[0]?.kind === "text"
        ? only[0].text
        : typeAttr
          ? decl?.file.text.slice(typeAttr.expr.span.start, typeAttr.expr.span.end)
          : undefined;
    return varOptionValue(v, typeText);
  };
  for (const f of files) {
    const text = await readText(f, max);
    if (typeof text !== "string") {
      diagnostics.push({
        code: "ConfigError",
        severity: "error",
        file: f,
        message: `variable file: ${text.error}`,
      });
      continue;
    }
    for (const [k, v] of readVarFile(f, text, diagnostics)) values.set(k, v);
  }
  for (const [k, v] of Object.entries(options.variablesFor?.(resolve(dir)) ?? {})) values.set(k, typed(k, v));
  for (const f of options.varFiles ?? []) {
    const text = await readText(f, max);
    if (typeof text !== "string") {
      diagnostics.push({
        code: "ConfigError",
        severity: "error",
        file: f,
        message: `variable file: ${text.error}`,
      });
      continue;
    }
    for (const [k, v] of readVarFile(f, text, diagnostics)) values.set(k, v);
  }
  for (const [k, v] of Object.entries(options.variables ?? {})) values.set(k, typed(k, v));
  const inputs = new Map<string, () => TfValue>();
  for (const [k, v] of values) {
    if (!config.variables.has(k)) continue;
    inputs.set(k, () => v);
  }
  return inputs;
}

/** Reads a `.tfvars` (HCL) or `.tfvars.json` file; values keep their positions in that file. */
export function readVarFile(path: string, text: string, diagnostics: Diagnostic[]): Map<string, TfValue> {
  const out = new Map<string, TfValue>();
  if (path.endsWith(".json")) {
    const parsed = parseJsonSource(text, path);
    if (parsed.node?.kind !== "object") {
      diagnostics.push(...parsed.diagnostics);
      return out;
    }
    for (const e of parsed.node.entries) out.set(e.key, nodeToValue(e.value));
    return out;
  }
  const map = new LineMap(path, text);
  let body: Body;
  try {
    body = HclParser.parseBody(text);
  } catch (e) {
    const p = map.position((e as HclSyntaxError).offset ?? 0);
    diagnostics.push({
      code: "ParseError",
      severity: "error",
      file: path,
      line: p.line,
      column: p.column,
      message: `variable file: ${(e as Error).message}`,
    });
    return out;
  }
  for (const [k, a] of body.attributes) {
    const v = literalValue(a.expr);
    if (v) out.set(k, { ...v, range: map.range(a.expr.span) });
    else {
      const p = map.position(a.expr.span.start);
      diagnostics.push({
        code: "ConfigError",
        severity: "error",
        file: path,
        line: p.line,
        column: p.column,
        message: `variable file: the value of ${k} must be a literal`,
      });
    }
  }
  return out;
}

/** Sites of a root analysis as plain `PolicySite`s. */
export function sitesOf(a: ModuleAnalysis, onlyFile?: string): PolicySite[] {
  return a.sites
    .filter((s) => onlyFile === undefined || resolve(s.rootFile) === resolve(onlyFile))
    .map((s) => s.site);
}

export { basename, dirname };
