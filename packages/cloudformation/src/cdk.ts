import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Diagnostic, DirectoryResult, ScanOptions } from "@deputyguard/core";
import { type CdkFileAssets, readAssetManifest } from "./cdk-assets.js";
import { extractCloudFormation } from "./extract.js";
import type { CloudFormationSite } from "./sites/find.js";

interface ManifestArtifact {
  type?: string;
  /** `aws://<account>/<region>`; `unknown-account` for an environment-agnostic stack. */
  environment?: string;
  properties?: {
    templateFile?: string;
    directoryName?: string;
    /** A `cdk:asset-manifest`'s file. */
    file?: string;
    additionalDependencies?: unknown;
  };
  /** The artifacts deployed before it, among them a stack's `cdk:asset-manifest`. */
  dependencies?: unknown;
  displayName?: string;
}

const MAX_ASSEMBLY_DEPTH = 4;
/** A manifest larger than this is not read to find a single template's stack account. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** How deep below a scanned directory cloud assemblies are looked for. */
const MAX_TREE_DEPTH = 32;
/** Directories never looked into for cloud assemblies (as the directory walk skips them). */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".terraform", ".terragrunt-cache"]);

/** The cloud assembly directory for `dir`: `dir` itself when it has a manifest, or its `cdk.out`. */
export function findCloudAssembly(dir: string): string | undefined {
  for (const candidate of [dir, join(dir, "cdk.out")]) {
    const manifest = join(candidate, "manifest.json");
    if (!existsSync(manifest)) continue;
    try {
      const text = readFileSync(manifest, "utf8");
      if (text.includes('"aws:cloudformation:stack"') || text.includes('"cdk:cloud-assembly"'))
        return candidate;
    } catch {
      // unreadable manifest: not an assembly we can use
    }
  }
  return undefined;
}

/**
 * The account of a stack artifact's environment (`aws://123456789012/eu-west-1`); undefined for an
 * environment-agnostic stack (`aws://unknown-account/unknown-region`) or anything else.
 */
function environmentAccount(environment: unknown): string | undefined {
  if (typeof environment !== "string") return undefined;
  const m = /^aws:\/\/(\d{12})\//.exec(environment);
  return m?.[1];
}

/**
 * The account of the stack whose template `file` is, when `file` sits in a cloud assembly whose
 * manifest gives that stack an environment with an account (a template named on the command line).
 */
export function stackAccountOf(file: string): string | undefined {
  if (!file.endsWith(".template.json")) return undefined;
  return manifestStacks(join(dirname(file), "manifest.json"))?.get(basename(file))?.account;
}

/**
 * The file assets of the stack whose template `file` is, when `file` sits in a cloud assembly
 * whose manifest names that stack's asset manifest (a template named on the command line): its
 * nested stacks without `aws:asset:path` metadata are read through them, as in the assembly.
 */
export function stackFileAssetsOf(file: string, diagnostics: Diagnostic[]): CdkFileAssets | undefined {
  if (!file.endsWith(".template.json")) return undefined;
  const stack = manifestStacks(join(dirname(file), "manifest.json"))?.get(basename(file));
  if (!stack) return undefined;
  return fileAssetsFrom(dirname(file), stack.assetManifests, new Map(), diagnostics);
}

interface ManifestStack {
  account?: string;
  /** The files of the asset manifests among its dependencies. */
  assetManifests: string[];
}

/**
 * Each stack template's account and asset manifests in a manifest (by `templateFile`), read once
 * per manifest (and again when it changes): naming an assembly's thousands of templates one by
 * one reads it once, not once each. Undefined when there is no manifest, or one that cannot be read.
 */
function manifestStacks(manifestPath: string): ReadonlyMap<string, ManifestStack> | undefined {
  let stamp: string;
  try {
    const info = statSync(manifestPath);
    if (!info.isFile() || info.size > MAX_MANIFEST_BYTES) return undefined;
    stamp = `${info.size}:${info.mtimeMs}`;
  } catch {
    return undefined; // no manifest beside it: the template alone
  }
  const known = manifestsRead.get(manifestPath);
  if (known?.stamp === stamp) return known.stacks;
  let manifest: { artifacts?: Record<string, ManifestArtifact> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as typeof manifest;
  } catch {
    return undefined; // not one we can read: the template alone
  }
  const artifacts = manifest?.artifacts && typeof manifest.artifacts === "object" ? manifest.artifacts : {};
  const stacks = new Map<string, ManifestStack>();
  for (const artifact of Object.values(artifacts)) {
    const template = artifact?.properties?.templateFile;
    if (artifact?.type !== "aws:cloudformation:stack" || typeof template !== "string") continue;
    const account = environmentAccount(artifact.environment);
    stacks.set(template, {
      ...(account ? { account } : {}),
      assetManifests: assetManifestFiles(artifacts, artifact),
    });
  }
  manifestsRead.set(manifestPath, { stamp, stacks });
  return stacks;
}

const manifestsRead = new Map<string, { stamp: string; stacks: ReadonlyMap<string, ManifestStack> }>();

interface AssetManifestRead {
  byObjectKey: Map<string, string>;
  sources: Set<string>;
}

/**
 * The files of a stack artifact's asset manifests: the `cdk:asset-manifest` artifacts among its
 * dependencies, where CDK's stack synthesizer puts its own and its nested stacks' templates.
 */
function assetManifestFiles(artifacts: Record<string, ManifestArtifact>, stack: ManifestArtifact): string[] {
  const names = [stack.dependencies, stack.properties?.additionalDependencies].flatMap((d) =>
    Array.isArray(d) ? d.filter((n): n is string => typeof n === "string") : [],
  );
  const files: string[] = [];
  for (const name of new Set(names)) {
    const artifact = Object.hasOwn(artifacts, name) ? artifacts[name] : undefined;
    const file = artifact?.type === "cdk:asset-manifest" ? artifact.properties?.file : undefined;
    if (typeof file === "string" && !files.includes(file)) files.push(file);
  }
  return files;
}

/**
 * The file assets of the asset manifests `files` in `assembly`, each read once (`read` holds those
 * read so far); undefined when there is none.
 */
function fileAssetsFrom(
  assembly: string,
  files: readonly string[],
  read: Map<string, AssetManifestRead>,
  diagnostics: Diagnostic[],
): CdkFileAssets | undefined {
  if (files.length === 0) return undefined;
  const byObjectKey = new Map<string, string>();
  for (const file of files) {
    let manifest = read.get(file);
    if (!manifest) {
      manifest = { byObjectKey: new Map(), sources: new Set() };
      readAssetManifest(join(assembly, file), manifest.byObjectKey, manifest.sources, diagnostics);
      read.set(file, manifest);
    }
    for (const [key, path] of manifest.byObjectKey) byObjectKey.set(key, path);
  }
  return { directory: assembly, byObjectKey };
}

/** Whether `dir` holds the manifest of a cloud assembly. */
function isCloudAssembly(dir: string): boolean {
  return findCloudAssembly(dir) === dir;
}

/**
 * The cloud assemblies in a directory tree: the one of `root` ({@link findCloudAssembly}), and
 * every directory below holding an assembly's `manifest.json` that `includeFile` keeps. An
 * assembly's own subdirectories (assets, stage assemblies its manifest names) are not looked into.
 * Links to directories are not followed, as the directory walk does not follow them.
 */
export function findCloudAssemblies(root: string, includeFile?: (file: string) => boolean): string[] {
  const out: string[] = [];
  const top = findCloudAssembly(root);
  if (top) out.push(top);
  // The root itself an assembly: its subdirectories are its assets and stages.
  const stack: Array<[string, number]> =
    top !== undefined && resolve(top) === resolve(root) ? [] : [[root, 0]];
  while (stack.length > 0) {
    const [dir, depth] = stack.pop() as [string, number];
    if (depth >= MAX_TREE_DEPTH) continue;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isDirectory() || SKIPPED_DIRS.has(e.name)) continue;
      const sub = join(dir, e.name);
      if (top !== undefined && resolve(sub) === resolve(top)) continue;
      const manifest = join(sub, "manifest.json");
      // An assembly the walk leaves out (a .gitignore'd cdk.out) is not read, nor looked into.
      if (existsSync(manifest) && isCloudAssembly(sub)) {
        if (!includeFile || includeFile(manifest)) out.push(sub);
      } else stack.push([sub, depth + 1]);
    }
  }
  return out.sort();
}

/**
 * Every cloud assembly in a directory tree ({@link findCloudAssemblies}), each read through its
 * manifest ({@link scanCloudAssembly}); undefined when there is none.
 */
export async function scanCloudAssemblies(
  dir: string,
  options: ScanOptions,
): Promise<DirectoryResult | undefined> {
  const assemblies = findCloudAssemblies(dir, options.includeFile);
  if (assemblies.length === 0) return undefined;
  const result: DirectoryResult = { sites: [], diagnostics: [], files: [], recognisedFiles: 0 };
  for (const assembly of assemblies) {
    const r = await scanCloudAssembly(assembly, options);
    if (!r) continue;
    result.sites.push(...r.sites);
    result.diagnostics.push(...r.diagnostics);
    result.files.push(...r.files);
    result.recognisedFiles += r.recognisedFiles;
  }
  return result;
}

/**
 * Reads a CDK cloud assembly (`cdk.out`): `manifest.json` names each stack
 * (`aws:cloudformation:stack` artifacts, with `properties.templateFile`) and nested assemblies of
 * stages (`cdk:cloud-assembly`, `properties.directoryName`). Sites carry the construct path from
 * each resource's `aws:cdk:path` metadata. A stack's nested stacks are followed through their
 * `aws:asset:path` metadata or, without it, through the stack's asset manifest (its
 * `cdk:asset-manifest` dependency). A `*.template.json` in the assembly that neither the
 * manifest nor a stack read names is left from an earlier synth (`cdk synth` does not delete the
 * templates of stacks taken out of the app): it is not scanned, with a `TemplateNotInManifest`
 * warning, since it is not what a deploy of this assembly deploys.
 */
export async function scanCloudAssembly(
  dir: string,
  options: ScanOptions,
  depth = 0,
): Promise<DirectoryResult | undefined> {
  const assembly = findCloudAssembly(dir);
  if (!assembly) return undefined;
  const result: DirectoryResult & { sites: CloudFormationSite[] } = {
    sites: [],
    diagnostics: [],
    files: [],
    recognisedFiles: 0,
  };
  const manifestPath = join(assembly, "manifest.json");
  let manifest: { artifacts?: Record<string, ManifestArtifact> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as typeof manifest;
  } catch (e) {
    result.diagnostics.push({
      code: "ParseError",
      severity: "error",
      file: manifestPath,
      message: `cdk manifest: ${(e as Error).message}`,
    });
    return result;
  }
  result.files.push(manifestPath);
  const artifacts = manifest.artifacts && typeof manifest.artifacts === "object" ? manifest.artifacts : {};
  const assetManifests = new Map<string, AssetManifestRead>();
  for (const [name, artifact] of Object.entries(artifacts)) {
    if (
      artifact?.type === "aws:cloudformation:stack" &&
      typeof artifact.properties?.templateFile === "string"
    ) {
      const file = join(assembly, artifact.properties.templateFile);
      const diagnostic = (message: string): Diagnostic => ({
        code: "ReadError",
        severity: "error",
        file,
        message,
      });
      let text: string;
      try {
        if (statSync(file).size > (options.maxFileSize ?? 64 * 1024 * 1024)) {
          result.diagnostics.push(diagnostic("template is over the size limit (--max-file-size)"));
          continue;
        }
        text = readFileSync(file, "utf8");
      } catch (e) {
        result.diagnostics.push(
          diagnostic(
            `stack ${name}: cannot read its template (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          ),
        );
        continue;
      }
      const cdkFileAssets = fileAssetsFrom(
        assembly,
        assetManifestFiles(artifacts, artifact),
        assetManifests,
        result.diagnostics,
      );
      const extracted = await extractCloudFormation(file, text, {
        ...options,
        ...(cdkFileAssets ? { cdkFileAssets } : {}),
      });
      // A stack synthesized for an account deploys there (its nested stacks too): that account is ours.
      const own = environmentAccount(artifact.environment);
      if (own !== undefined) for (const site of extracted.sites) site.ownAccount = own;
      result.sites.push(...extracted.sites);
      result.diagnostics.push(...extracted.diagnostics);
      result.files.push(file, ...extracted.nestedFiles);
      result.recognisedFiles += 1 + extracted.nestedFiles.length;
    } else if (
      artifact?.type === "cdk:cloud-assembly" &&
      typeof artifact.properties?.directoryName === "string"
    ) {
      if (depth >= MAX_ASSEMBLY_DEPTH) continue;
      // Named like the assembly (relative stays relative), so that stage templates' findings carry
      // paths of the same form as the other stacks'.
      const nested = await scanCloudAssembly(
        join(assembly, artifact.properties.directoryName),
        options,
        depth + 1,
      );
      if (!nested) continue;
      result.sites.push(...(nested.sites as CloudFormationSite[]));
      result.diagnostics.push(...nested.diagnostics);
      result.files.push(...nested.files);
      result.recognisedFiles += nested.recognisedFiles;
    }
  }
  const read = new Set(result.files.map((f) => resolve(f)));
  let names: string[] = [];
  try {
    names = readdirSync(assembly).filter((n) => n.endsWith(".template.json"));
  } catch {
    // the manifest was read; a listing that fails leaves nothing to warn of
  }
  const assetSources = new Set([...assetManifests.values()].flatMap((m) => [...m.sources]));
  for (const name of names.sort()) {
    const file = join(assembly, name);
    if (read.has(resolve(file))) continue;
    result.files.push(file);
    result.diagnostics.push({
      code: "TemplateNotInManifest",
      severity: "warning",
      file,
      message: assetSources.has(name)
        ? "a stack's asset manifest in the cloud assembly lists this template as a file asset (a nested stack's template), but no stack read links a nested stack to it, by aws:asset:path metadata or by a TemplateURL ending in its object key: it is not scanned (name the file to scan it on its own)"
        : "the cloud assembly's manifest.json names no stack with this template, and no stack read refers to it as a nested stack: it is not scanned (probably left from an earlier synth; synthesize again or delete it, or name the file to scan it anyway)",
    });
  }
  return result;
}
