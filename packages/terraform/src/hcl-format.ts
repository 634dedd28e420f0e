import { dirname, join, resolve } from "node:path";
import type { Diagnostic, DirectoryResult, ExtractResult, InputFormat, ScanOptions } from "@deputyguard/core";
import { parseJsonSource } from "@deputyguard/core";
import {
  analyseModule,
  configFiles,
  DEFAULT_MAX_FILE,
  isFileEntry,
  readText,
  sitesOf,
  type TerraformOptions,
} from "./analysis.js";
import { readdir, readFile } from "./fs-async.js";
import { bodyFromJson } from "./hcl/json-body.js";
import { LineMap } from "./hcl/line-map.js";
import { HclParser } from "./hcl/parser.js";
import type { Body } from "./hcl/syntax.js";

/** Directories a tree scan never enters (`.terraform` holds installed modules, read only through calls). */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".terraform", ".terragrunt-cache", ".turbo", "dist"]);
const MAX_TREE_DEPTH = 32;
/** A line that may open a module block (a fixed pattern, linear: one optional run of blanks). */
const MODULE_BLOCK = /^[\uFEFF \t]*module[ \t"]/m;

function terraformOptions(options: ScanOptions): TerraformOptions {
  const o: TerraformOptions = {};
  if (options.variables) o.variables = options.variables;
  if (options.varFiles) o.varFiles = options.varFiles;
  if (options.variablesFor) o.variablesFor = options.variablesFor;
  if (options.maxFileSize !== undefined) o.maxFileSize = options.maxFileSize;
  return o;
}

async function moduleDirs(root: string, includeFile?: (file: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const stack: Array<[string, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [dir, depth] = stack.pop() as [string, number];
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    if (
      entries.some(
        (e) =>
          /\.(tf|tofu)(\.json)?$/.test(e.name) &&
          isFileEntry(dir, e) &&
          (!includeFile || includeFile(join(dir, e.name))),
      )
    )
      out.push(dir);
    if (depth >= MAX_TREE_DEPTH) continue;
    for (const e of entries)
      if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) stack.push([join(dir, e.name), depth + 1]);
  }
  return out.sort();
}

/** Local module sources a directory calls (a cheap syntactic pass, before any analysis). */
async function localCalls(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of await configFiles(dir)) {
    let body: Body;
    try {
      const text = await readFile(f, "utf8");
      // Most files call no module: they are not parsed twice (the analysis parses every file).
      if (f.endsWith(".json")) {
        if (!text.includes('"module"')) continue;
        const node = parseJsonSource(text, f).node;
        if (!node) continue;
        body = bodyFromJson(node, new LineMap(f, text, { json: true }), []);
      } else {
        if (!MODULE_BLOCK.test(text)) continue;
        body = HclParser.parseBody(text);
      }
    } catch {
      continue;
    }
    for (const b of body.blocks) {
      if (b.type !== "module") continue;
      const src = b.body.attributes.get("source")?.expr;
      if (src?.type !== "template" || src.parts.length !== 1) continue;
      const p = src.parts[0];
      if (p?.kind === "text" && (p.text.startsWith("./") || p.text.startsWith("../")))
        out.push(resolve(dir, p.text));
    }
  }
  return out;
}

function result(sites: ExtractResult["sites"], diagnostics: Diagnostic[], files: string[]): DirectoryResult {
  return { sites, diagnostics, files, recognisedFiles: files.length };
}

/**
 * Terraform and OpenTofu configurations (`*.tf`, `*.tf.json`, `*.tofu`): each directory is a module;
 * modules called by another scanned module are analysed in their caller's context only.
 */
export const terraformFormat: InputFormat = {
  name: "terraform",
  extensions: [".tf", ".tf.json", ".tofu", ".tofu.json"],
  recognises(input) {
    return /\.(tf|tofu)(\.json)?$/.test(input.file);
  },
  /**
   * Analyses `input.text` as the file `input.file` of its module: the other configuration files of
   * its directory (and the modules it calls, variable files, `file()` targets) are read from the
   * disk, since a `.tf` file's references reach them; `input.file` itself is never read from it.
   */
  async extract(input, options) {
    const r = await fileInContext(input.file, options, input.text);
    return { sites: r.sites, diagnostics: r.diagnostics };
  },
  async scanDirectory(dir, options) {
    const dirs = await moduleDirs(dir, options.includeFile);
    if (dirs.length === 0) return undefined;
    const called = new Set<string>();
    const resolved = new Set(dirs.map((d) => resolve(d)));
    for (const d of dirs)
      for (const c of await localCalls(d)) if (resolved.has(c) && c !== resolve(d)) called.add(c);
    const roots = dirs.filter((d) => !called.has(resolve(d)));
    const sites: ExtractResult["sites"] = [];
    const diagnostics: Diagnostic[] = [];
    const files = new Set<string>();
    const embedded = new Set<string>();
    const covered = new Set<string>();
    const analyse = async (root: string) => {
      const a = await analyseModule(root, terraformOptions(options));
      sites.push(...sitesOf(a));
      diagnostics.push(...a.diagnostics);
      for (const f of a.files) files.add(f);
      for (const f of a.embeddedFiles) embedded.add(f);
      covered.add(resolve(root));
      for (const c of a.calledDirs) covered.add(c);
    };
    for (const r of roots) await analyse(r);
    // Modules that only call each other (a cycle) have no root: each is analysed on its own.
    for (const d of dirs) if (!covered.has(resolve(d))) await analyse(d);
    const list = [...files];
    return { sites, diagnostics, files: list, recognisedFiles: list.length, embedded: [...embedded] };
  },
  scanFileInContext(file, options) {
    return fileInContext(file, options);
  },
};

/**
 * One file analysed in its directory's module, reporting only what concerns it; `text`, when given,
 * is its content (the disk's is not read). A file that cannot be read is a `ReadError` naming it.
 */
async function fileInContext(file: string, options: ScanOptions, text?: string): Promise<DirectoryResult> {
  const own = resolve(file);
  const o = terraformOptions(options);
  if (text !== undefined) o.texts = new Map([[own, text]]);
  const a = await analyseModule(dirname(file), o);
  const dirFiles = new Set(
    a.files.filter((f) => resolve(dirname(f)) === resolve(dirname(file))).map((f) => resolve(f)),
  );
  const diagnostics = a.diagnostics.filter((d) => resolve(d.file) === own || !dirFiles.has(resolve(d.file)));
  if (text === undefined && !dirFiles.has(own)) {
    // The module's listing does not hold the file: it is missing, or not a file. Said, not a clean result.
    const read = await readText(file, options.maxFileSize ?? DEFAULT_MAX_FILE);
    if (typeof read !== "string") {
      diagnostics.unshift({ code: "ReadError", severity: "error", file, message: read.error });
      return { sites: [], diagnostics, files: [file], recognisedFiles: 0 };
    }
  }
  return result(sitesOf(a, file), diagnostics, [file]);
}
