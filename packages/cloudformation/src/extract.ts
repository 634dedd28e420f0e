import { readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve as resolvePath } from "node:path";
import {
  type Diagnostic,
  dedupeDiagnostics,
  type ExtractResult,
  enumerateVariants,
  type ScanOptions,
} from "@deputyguard/core";
import { assetTemplateOf, type CdkFileAssets } from "./cdk-assets.js";
import { parseTemplate } from "./read/template.js";
import { expandForEach } from "./resolve/foreach.js";
import { buildModel, type ResourceModel, type TemplateModel } from "./resolve/model.js";
import {
  CHILD_DEFAULT,
  type ChildOutputs,
  NO_VALUE,
  PASSED_NODE,
  type PassedValues,
  type ResolveEnv,
  Resolver,
  type StackOutput,
} from "./resolve/resolver.js";
import { loadArnFormats } from "./resolve/resource-types.js";
import { unknownSymbol } from "./resolve/symbols.js";
import { type CloudFormationSite, findSites, resourceConditions } from "./sites/find.js";
import {
  diagnostic,
  fromParts,
  getEntryOf,
  getOf,
  type ObjectNode,
  type SourceNode,
  scalar,
  scalarText,
} from "./tree.js";

export interface CloudFormationExtractOptions extends ScanOptions {
  /** Values of parameters as nodes (a parent stack passes resolved values, with their positions). */
  parameterNodes?: ReadonlyMap<string, SourceNode>;
  /** Parameters whose values a parent stack passes by its own choices or Defaults (see `PassedValues`). */
  parameterChoices?: ReadonlyMap<string, PassedValues>;
  /** Nested stack files already being read (cycle guard). */
  nestedChain?: readonly string[];
  /**
   * The file assets of the CDK stack being read (its nested stacks' too): a nested stack without
   * `aws:asset:path` metadata is read from the asset whose object key its TemplateURL ends in.
   */
  cdkFileAssets?: CdkFileAssets;
}

export interface CloudFormationExtractResult extends ExtractResult {
  sites: CloudFormationSite[];
  /** False when the text is not a CloudFormation template. */
  recognised: boolean;
  /** Nested stack templates that were followed (their sites are included). */
  nestedFiles: string[];
  /** The template's Outputs, resolved (for a parent stack): each value, or one per choice it depends on. */
  outputs?: ChildOutputs;
}

const MAX_NESTING = 5;

/**
 * Extracts every policy site of a CloudFormation template (JSON or YAML, SAM, CDK output): reads
 * it with positions, expands `Fn::ForEach`, resolves intrinsic functions with the given parameter
 * values, and follows nested stacks whose `TemplateURL` is a local file.
 */
export async function extractCloudFormation(
  file: string,
  text: string,
  options: CloudFormationExtractOptions = {},
): Promise<CloudFormationExtractResult> {
  const diagnostics: Diagnostic[] = [];
  const parsed = parseTemplate(text, file);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.root) return { sites: [], diagnostics, recognised: true, nestedFiles: [] };
  let model = buildModel(parsed.root, file, text, diagnostics);
  const given = new Map<string, SourceNode>(options.parameterNodes ?? []);
  for (const [k, v] of Object.entries(options.parameters ?? {})) if (!given.has(k)) given.set(k, scalar(v));
  const arnFormats = await loadArnFormats([...model.resources.values()].map((r) => r.type));
  const passed = withChildDefaults(options.parameterChoices, model);
  let env: ResolveEnv = { model, given, arnFormats, diagnostics, ...(passed ? { passed } : {}) };

  const resources = getEntryOf(model.root, "Resources")?.value;
  if (resources?.kind === "object" && resources.entries.some((e) => e.key.startsWith("Fn::ForEach::"))) {
    if (!model.transforms.includes("AWS::LanguageExtensions")) {
      diagnostics.push(
        diagnostic(
          "UnsupportedConstruct",
          "warning",
          "Fn::ForEach needs `Transform: AWS::LanguageExtensions`; it is expanded anyway",
          file,
          resources.range,
        ),
      );
    }
    const expanded = expandForEach(resources, env);
    const root: ObjectNode = {
      ...model.root,
      entries: model.root.entries.map((e) => (e.key === "Resources" ? { ...e, value: expanded } : e)),
    };
    model = buildModel(root, file, text, []);
    const formats = await loadArnFormats([...model.resources.values()].map((r) => r.type));
    env = { model, given, arnFormats: formats, diagnostics, ...(passed ? { passed } : {}) };
  }

  const nestedFiles: string[] = [];
  const nestedSites: CloudFormationSite[] = [];
  const chain = [...(options.nestedChain ?? []), resolvePath(file)];
  const conditions = resourceConditions(env);
  // Nested stacks first, each after the ones whose Outputs its parameters read
  // (`!GetAtt StackA.Outputs.TopicArn`), so that their Outputs are known to it and to this
  // template's own policies.
  const stackOutputs = new Map<string, ChildOutputs>();
  // (Resolved while the map holds the Outputs of the stacks followed so far; it only grows.)
  const withOutputs: ResolveEnv = { ...env, stackOutputs };
  for (const r of nestedStackOrder(model)) {
    // A nested stack with a Condition: never created (with the values given), not followed;
    // created only under it, its parameters are read as it holds and its findings say so.
    const created = conditions(r);
    if (created === false) continue;
    const stackEnv: ResolveEnv =
      created === true || r.condition === undefined
        ? withOutputs
        : { ...withOutputs, assume: new Map([[r.condition, true]]) };
    const followed = await followNestedStack(stackEnv, r.id, chain, options);
    if (!followed) continue;
    const { path, result: nested } = followed;
    if (typeof created === "string") {
      const label = `${created} in ${basename(file)} (nested stack ${r.id})`;
      for (const site of nested.sites) {
        site.variant = site.variant ? `${label}; ${site.variant}` : label;
        if (site.statementVariants)
          site.statementVariants = site.statementVariants.map((v) => (v ? `${label}; ${v}` : label));
      }
    }
    nestedSites.push(...nested.sites);
    if (nested.outputs) stackOutputs.set(r.id, nested.outputs);
    diagnostics.push(...nested.diagnostics);
    for (const f of [path, ...nested.nestedFiles]) if (!nestedFiles.includes(f)) nestedFiles.push(f);
  }
  const sites = [...findSites(withOutputs), ...nestedSites];
  // Only a nested stack's Outputs are read (by its parent).
  const outputs = options.nestedChain?.length ? resolvedOutputs(withOutputs) : undefined;
  return {
    sites,
    diagnostics: dedupeDiagnostics(diagnostics),
    recognised: true,
    nestedFiles,
    ...(outputs ? { outputs } : {}),
  };
}

/**
 * The template's nested stacks (`AWS::CloudFormation::Stack`, `AWS::Serverless::Application`),
 * each after the nested stacks whose Outputs its properties read; in template order otherwise (and
 * where they read each other's in a circle, which CloudFormation rejects).
 */
function nestedStackOrder(model: TemplateModel): ResourceModel[] {
  const stacks = [...model.resources.values()].filter(
    (r) => r.type === "AWS::CloudFormation::Stack" || r.type === "AWS::Serverless::Application",
  );
  const ids = new Set(stacks.map((r) => r.id));
  const out: ResourceModel[] = [];
  const seen = new Set<string>();
  const visit = (r: ResourceModel): void => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    for (const dep of outputsRead(r.properties, ids)) {
      const d = model.resources.get(dep);
      if (d) visit(d);
    }
    out.push(r);
  };
  for (const r of stacks) visit(r);
  return out;
}

/** The stacks among `ids` whose Outputs a node reads (`Fn::GetAtt [S, Outputs.X]`, `S.Outputs.X`, `${S.Outputs.X}`). */
function outputsRead(
  node: SourceNode | undefined,
  ids: ReadonlySet<string>,
  depth = 0,
  out = new Set<string>(),
): Set<string> {
  if (!node || depth > 64) return out;
  if (node.kind === "array") for (const i of node.items) outputsRead(i, ids, depth + 1, out);
  else if (node.kind === "object")
    for (const e of node.entries) {
      if (e.key === "Fn::GetAtt") {
        const v = e.value;
        const text =
          v.kind === "array"
            ? `${scalarText(v.items[0]) ?? ""}.${scalarText(v.items[1]) ?? ""}`
            : (scalarText(v) ?? "");
        const m = /^([^.]+)\.Outputs\./.exec(text);
        if (m && ids.has(m[1] as string)) out.add(m[1] as string);
      }
      if (e.key === "Fn::Sub") {
        const text = e.value.kind === "array" ? scalarText(e.value.items[0]) : scalarText(e.value);
        for (const m of (text ?? "").matchAll(/\$\{([^.}!]+)\.Outputs\./g))
          if (ids.has(m[1] as string)) out.add(m[1] as string);
      }
      outputsRead(e.value, ids, depth + 1, out);
    }
  return out;
}

/**
 * The template's Outputs, by name: each value, or one per choice it depends on (at most
 * {@link MAX_OUTPUT_VARIANTS}). An Output with more, or whose text is longer than CloudFormation
 * takes (each stack passing its sibling's Outputs on could double it), is left out: reading it
 * stays an unknown.
 */
function resolvedOutputs(env: ResolveEnv): ChildOutputs {
  const out = new Map<string, StackOutput>();
  const outputs = getEntryOf(env.model.root, "Outputs")?.value;
  if (outputs === undefined) return { outputs: out, complete: true };
  if (outputs.kind !== "object") return { outputs: out, complete: false };
  // Names a Fn::ForEach would make are not expanded here: such a template's list is not complete.
  const complete = !outputs.entries.some((e) => e.key.startsWith("Fn::ForEach::"));
  for (const e of outputs.entries) {
    // Every Output is named, an unknown one with no value (reading it stays an unknown).
    out.set(e.key, { variants: [] });
    const value = e.value.kind === "object" ? getEntryOf(e.value, "Value")?.value : undefined;
    if (!value) continue;
    const { results, truncated } = enumerateVariants(
      (run) => new Resolver({ ...env, diagnostics: [] }, run).resolve(value),
      MAX_OUTPUT_VARIANTS,
    );
    if (truncated) continue;
    const variants = results
      .filter((r) => r.value !== NO_VALUE)
      .map((r) => ({ node: r.value as SourceNode, label: r.variant }));
    if (variants.length === 0 || variants.some((v) => textLength(v.node) > MAX_OUTPUT_LENGTH)) continue;
    out.set(e.key, { variants });
  }
  return { outputs: out, complete };
}

const MAX_OUTPUT_VARIANTS = 8;
/** CloudFormation's limit on a parameter's value, which a nested stack's Output is passed as. */
const MAX_OUTPUT_LENGTH = 4096;

/** About how long a resolved value's text is (a symbol counts 16), stopping once over the limit. */
function textLength(node: SourceNode, depth = 0): number {
  if (depth > 64) return Number.POSITIVE_INFINITY;
  switch (node.kind) {
    case "scalar":
      return String(node.value).length;
    case "value": {
      let n = 0;
      for (const p of node.value.parts) n += typeof p === "string" ? p.length : 16;
      return n;
    }
    case "array": {
      let n = 0;
      for (const i of node.items) {
        n += textLength(i, depth + 1);
        if (n > MAX_OUTPUT_LENGTH) break;
      }
      return n;
    }
    case "object": {
      let n = 0;
      for (const en of node.entries) {
        n += en.key.length + textLength(en.value, depth + 1);
        if (n > MAX_OUTPUT_LENGTH) break;
      }
      return n;
    }
  }
}

async function followNestedStack(
  env: ResolveEnv,
  id: string,
  chain: readonly string[],
  options: CloudFormationExtractOptions,
): Promise<{ path: string; result: CloudFormationExtractResult } | undefined> {
  const model = env.model;
  const resource = model.resources.get(id);
  if (!resource?.properties) return undefined;
  const isSam = resource.type === "AWS::Serverless::Application";
  const urlNode = getOf(resource.properties, isSam ? "Location" : "TemplateURL");
  const where = urlNode?.range ?? resource.keyRange;
  // A parameter or a Sub gives the path too (`TemplateURL: !Ref ChildTemplate`, with --parameter).
  const resolvedUrl = urlNode ? new Resolver(env, { choose: () => 0 }).resolve(urlNode) : undefined;
  let location = resolvedUrl && resolvedUrl !== NO_VALUE ? scalarText(resolvedUrl) : undefined;
  // CDK uploads a nested stack's template as an asset: TemplateURL is an S3 URL built at deploy
  // time, and the metadata names the template's file beside the parent's in cdk.out.
  const metadata = getOf(resource.node, "Metadata");
  const assetPath = scalarText(getOf(metadata, "aws:asset:path"));
  const assetProperty = scalarText(getOf(metadata, "aws:asset:property"));
  let fromAsset = false;
  if (
    !isSam &&
    assetPath &&
    (assetProperty === undefined || assetProperty === "TemplateURL") &&
    !REMOTE.test(assetPath) &&
    (!location || REMOTE.test(location))
  ) {
    location = assetPath;
    fromAsset = true;
  }
  // That metadata is optional (`cdk synth --no-asset-metadata`; aws-cdk's integ snapshots have
  // none): the stack's asset manifest names the file uploaded to the object the TemplateURL ends in.
  const assets = isSam ? undefined : options.cdkFileAssets;
  let assetFile: string | undefined;
  if (assets && !fromAsset && (!location || REMOTE.test(location))) {
    const asset = assetTemplateOf(assets, resolvedUrl === NO_VALUE ? undefined : resolvedUrl);
    if (asset.kind === "file") {
      location = asset.sourcePath;
      assetFile = asset.path;
    } else if (asset.kind !== "none") {
      const why =
        asset.kind === "outside"
          ? `the file asset its TemplateURL names, ${asset.sourcePath.slice(0, 200)}, is outside the cloud assembly; it is not followed`
          : `its TemplateURL ends in the object keys of several file assets (${asset.sourcePaths.join(", ").slice(0, 400)}); none is followed`;
      env.diagnostics.push(
        diagnostic(
          "NestedStackNotChecked",
          "warning",
          `nested stack ${id}: ${why}, and its policies are not checked`,
          model.file,
          where,
        ),
      );
      return undefined;
    }
  }
  // Remote templates (https://, s3://) and SAR applications are not fetched: the tool is offline.
  if (!location || REMOTE.test(location)) {
    const what = isSam ? "application" : "stack";
    const why = location
      ? `its template is at ${location.slice(0, 200)}, which is not downloaded`
      : isSam && urlNode?.kind === "object" && getOf(urlNode, "ApplicationId")
        ? "it comes from the Serverless Application Repository, which is not downloaded"
        : `its ${isSam ? "Location" : "TemplateURL"} is not known before deployment`;
    const unlinked = assets
      ? " (it has no aws:asset:path metadata, and no file asset of the stack's asset manifest has the object key it ends in)"
      : "";
    env.diagnostics.push(
      diagnostic(
        "NestedStackNotChecked",
        "warning",
        `nested ${what} ${id}: ${why}${unlinked}; its policies are not checked (scan its template on its own)`,
        model.file,
        where,
      ),
    );
    return undefined;
  }
  // Findings name the nested file the way the parent was named (relative stays relative), so that
  // the same file named on the command line too is recognised as the same.
  const base = model.file.startsWith("<") ? process.cwd() : dirname(model.file);
  const path = assetFile ?? (isAbsolute(location) ? location : join(base, location));
  // CDK's asset files sit in cdk.out beside the parent: a path leaving that folder is not followed.
  if (
    fromAsset &&
    (isAbsolute(location) || relative(resolvePath(base), resolvePath(path)).startsWith(".."))
  ) {
    env.diagnostics.push(
      diagnostic(
        "NestedStackNotChecked",
        "warning",
        `nested stack ${id}: its aws:asset:path ${location.slice(0, 200)} is outside the cloud assembly; it is not followed, and its policies are not checked`,
        model.file,
        where,
      ),
    );
    return undefined;
  }
  if (chain.includes(resolvePath(path)) || chain.length > MAX_NESTING) {
    env.diagnostics.push(
      diagnostic(
        "CircularReference",
        "warning",
        `nested stack ${id}: ${location} is already being read (or nesting is deeper than ${MAX_NESTING}); not followed again`,
        model.file,
        where,
      ),
    );
    return undefined;
  }
  let text: string;
  try {
    const info = statSync(path);
    // A device or a FIFO (TemplateURL: /dev/zero) would be read forever.
    if (!info.isFile()) throw new Error("not a regular file");
    if (info.size > (options.maxFileSize ?? 64 * 1024 * 1024)) throw new Error("file is over the size limit");
    text = readFileSync(path, "utf8");
  } catch (e) {
    env.diagnostics.push(
      diagnostic(
        "ReadError",
        "warning",
        `nested stack ${id}: cannot read ${location} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); its policies are not checked`,
        model.file,
        where,
      ),
    );
    return undefined;
  }
  // Parameters of the nested stack: the parent's resolved values, positions kept. A value that
  // depends on an undecided choice of the parent or on one of its parameter Defaults is passed as
  // the values it may take (each analysed, as a choice of the child), or, when one of them is not
  // text, as an unknown: never left to the child's own Default, which the parent overrides.
  // Passing the first choice's value had decided the child's conditions, so its other branches,
  // which other deploys of the parent reach, were never analysed.
  const parameterNodes = new Map<string, SourceNode>();
  const parameterChoices = new Map<string, PassedValues>();
  const params = getOf(resource.properties, "Parameters");
  if (params?.kind === "object") {
    for (const e of params.entries) {
      const { results } = enumerateVariants((run) => {
        const resolver = new Resolver(env, run);
        // The child may use it as a guard: a parent parameter's AllowedValues are each passed.
        const value = resolver.resolveAsGuard(e.value);
        return { value, defaults: resolver.defaultsCount };
      });
      const only = results.length === 1 ? results[0]?.value : undefined;
      const value = only?.value;
      if (only && only.defaults === 0 && value !== undefined && typeof value !== "symbol") {
        parameterNodes.set(e.key, value);
        continue;
      }
      // AWS::NoValue in every run: not passed, the child's Default applies.
      if (results.every((r) => r.value.value === NO_VALUE)) continue;
      // Per run: its text; AWS::NoValue (the child's Default applies in that deploy); or a value
      // holding deploy-time parts (`!Ref AWS::AccountId`), passed as its node under a key of its own.
      const nodes = new Map<string, SourceNode>();
      const texts = results.map((r) => {
        const v = r.value.value;
        if (v === NO_VALUE) return CHILD_DEFAULT;
        const node = v as SourceNode;
        const text = scalarText(node);
        if (text !== undefined || node.kind !== "value") return text;
        const key = `${PASSED_NODE}${node.value.parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("")}`;
        nodes.set(key, node);
        return key;
      });
      if (texts.every((t): t is string => t !== undefined)) {
        parameterChoices.set(e.key, {
          values: [...new Set(texts)],
          exact: results.every((r) => r.value.defaults === 0),
          ...(nodes.size > 0 ? { nodes } : {}),
        });
        continue;
      }
      parameterNodes.set(
        e.key,
        fromParts(
          [
            unknownSymbol(
              e.key,
              `parameter ${e.key} of nested stack ${id}`,
              "the parent stack passes a value that depends on its conditions or Defaults, and is not text",
            ),
          ],
          e.value.range,
        ),
      );
    }
  }
  const { parameters: _ignored, parameterChoices: _parent, ...rest } = options;
  return {
    path,
    result: await extractCloudFormation(path, text, {
      ...rest,
      parameterNodes,
      ...(parameterChoices.size > 0 ? { parameterChoices } : {}),
      nestedChain: chain,
    }),
  };
}

/**
 * The values a parent passes, with {@link CHILD_DEFAULT} (a deploy of the parent that passes
 * AWS::NoValue) replaced by the child's Default. Without a Default such a deploy fails, so it is
 * dropped; a parameter the parent then never passes a value to is left to the child alone.
 */
function withChildDefaults(
  passed: ReadonlyMap<string, PassedValues> | undefined,
  model: TemplateModel,
): ReadonlyMap<string, PassedValues> | undefined {
  if (!passed || ![...passed.values()].some((p) => p.values.includes(CHILD_DEFAULT))) return passed;
  const out = new Map<string, PassedValues>();
  for (const [name, p] of passed) {
    if (!p.values.includes(CHILD_DEFAULT)) {
      out.set(name, p);
      continue;
    }
    const definition = model.parameters.get(name)?.definition;
    const fallback = scalarText(definition ? getEntryOf(definition, "Default")?.value : undefined);
    const values = [
      ...new Set(
        p.values.flatMap((v) => (v !== CHILD_DEFAULT ? [v] : fallback === undefined ? [] : [fallback])),
      ),
    ];
    if (values.length > 0) out.set(name, { ...p, values });
  }
  return out;
}

/** A URL with a scheme (https://, s3://): a template the tool does not download. */
const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;

export type { TemplateModel };
