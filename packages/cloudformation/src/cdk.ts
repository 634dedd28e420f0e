import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic, DirectoryResult, ScanOptions } from "@deputyguard/core";
import { extractCloudFormation } from "./extract.js";
import type { CloudFormationSite } from "./sites/find.js";

interface ManifestArtifact {
  type?: string;
  properties?: { templateFile?: string; directoryName?: string };
  displayName?: string;
}

const MAX_ASSEMBLY_DEPTH = 4;

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
 * Reads a CDK cloud assembly (`cdk.out`): `manifest.json` names each stack
 * (`aws:cloudformation:stack` artifacts, with `properties.templateFile`) and nested assemblies of
 * stages (`cdk:cloud-assembly`, `properties.directoryName`). Sites carry the construct path from
 * each resource's `aws:cdk:path` metadata.
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
      const extracted = await extractCloudFormation(file, text, options);
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
  return result;
}
