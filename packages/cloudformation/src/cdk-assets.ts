import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Diagnostic } from "@deputyguard/core";
import { type SourceNode, scalarText } from "./tree.js";

/**
 * The file assets of a CDK stack, from its asset manifest (`<Stack>.assets.json`): where each is
 * uploaded (its S3 object key) and the file in the cloud assembly it is made from. A nested stack's
 * template is such an asset, and its parent's TemplateURL is the S3 URL of the object.
 */
export interface CdkFileAssets {
  /** The cloud assembly's directory (named as the stack's template is named under it). */
  directory: string;
  /** Each destination's `objectKey` → the asset's `source.path`, relative to {@link directory}. */
  byObjectKey: ReadonlyMap<string, string>;
}

/** An asset manifest larger than this is not read. */
const MAX_ASSET_MANIFEST_BYTES = 16 * 1024 * 1024;

interface AssetManifest {
  files?: Record<string, { source?: { path?: unknown; packaging?: unknown }; destinations?: unknown }>;
}

/**
 * The file assets (`packaging: file`) of the asset manifest `file`, added to `byObjectKey`; each
 * `source.path` is also added to `sources`. A manifest that cannot be read is a warning: a nested
 * stack without `aws:asset:path` metadata is then not followed through it.
 */
export function readAssetManifest(
  file: string,
  byObjectKey: Map<string, string>,
  sources: Set<string>,
  diagnostics: Diagnostic[],
): void {
  let manifest: AssetManifest;
  try {
    if (statSync(file).size > MAX_ASSET_MANIFEST_BYTES) throw new Error("file is over the size limit");
    manifest = JSON.parse(readFileSync(file, "utf8")) as AssetManifest;
  } catch (e) {
    diagnostics.push({
      code: "ReadError",
      severity: "warning",
      file,
      message: `cdk asset manifest: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); a nested stack whose resource has no aws:asset:path metadata is not followed through it`,
    });
    return;
  }
  const files = manifest && typeof manifest.files === "object" && manifest.files ? manifest.files : {};
  for (const asset of Object.values(files)) {
    const source = asset?.source;
    if (source?.packaging !== "file" || typeof source.path !== "string") continue;
    sources.add(source.path);
    const destinations = asset.destinations;
    if (!destinations || typeof destinations !== "object") continue;
    for (const destination of Object.values(destinations as Record<string, unknown>)) {
      const key = (destination as { objectKey?: unknown } | null)?.objectKey;
      if (typeof key === "string" && key !== "") byObjectKey.set(key, source.path);
    }
  }
}

/** What a nested stack's TemplateURL names among a stack's file assets. */
export type AssetTemplate =
  | { kind: "file"; path: string; sourcePath: string; objectKey: string }
  | { kind: "outside"; sourcePath: string }
  | { kind: "ambiguous"; sourcePaths: string[] }
  | { kind: "none" };

/**
 * The file asset whose object key a TemplateURL ends in (`https://s3.<region>.<suffix>/<bucket>/
 * <objectKey>`, as CDK's stack synthesizer writes it, mostly from deploy-time parts): only an
 * exact match of the whole key after a `/`. The key holds the hash of the template's content, so
 * the match names the very file that is uploaded. Keys matching it as suffixes of one another
 * (`p/h.json`, `h.json`) that name different files are not decided between.
 */
export function assetTemplateOf(assets: CdkFileAssets, url: SourceNode | undefined): AssetTemplate {
  const tail = url ? trailingText(url) : undefined;
  if (tail === undefined) return { kind: "none" };
  const matches = new Map<string, string>();
  for (const [key, sourcePath] of assets.byObjectKey)
    if (tail.endsWith(`/${key}`) && !matches.has(sourcePath)) matches.set(sourcePath, key);
  if (matches.size === 0) return { kind: "none" };
  if (matches.size > 1) return { kind: "ambiguous", sourcePaths: [...matches.keys()] };
  const [[sourcePath, objectKey]] = [...matches] as [[string, string]];
  const path = join(assets.directory, sourcePath);
  if (isAbsolute(sourcePath) || relative(resolve(assets.directory), resolve(path)).startsWith(".."))
    return { kind: "outside", sourcePath };
  return { kind: "file", path, sourcePath, objectKey };
}

/** The known text a resolved string ends in (all of it for a scalar). */
function trailingText(node: SourceNode): string | undefined {
  if (node.kind === "value") {
    const last = node.value.parts[node.value.parts.length - 1];
    return typeof last === "string" ? last : undefined;
  }
  return scalarText(node);
}
