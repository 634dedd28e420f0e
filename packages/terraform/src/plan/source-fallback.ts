import type { Diagnostic, PolicySite, PolicyValue, RelatedLocation } from "@deputyguard/core";
import { analyseModule, type ModuleAnalysis, type TerraformOptions } from "../analysis.js";
import type { PlanReading, PlanScanOptions, UnresolvedPolicy } from "../plan-format.js";
import { configAddress, covers } from "./addresses.js";
import type { ModuleSources } from "./module-sources.js";

/** What the module source adds to a plan: the policies it resolves and why the others stay unknown. */
export interface SourceFallback {
  sites: PolicySite[];
  diagnostics: Diagnostic[];
  /** Policies the source does not resolve either. */
  unresolved: UnresolvedPolicy[];
  /** Why the source leaves a policy unknown, for the plan's warning. */
  explain(u: UnresolvedPolicy): string | undefined;
  /** The source analysis's own warning that the policy is unknown, which a scan of the module gives too. */
  sourceWarning(u: UnresolvedPolicy): Diagnostic | undefined;
}

const NOT_KNOWN = " is not known before apply (";
const NOT_ANALYSED = "); it is not analysed";

/** Site matching on the evaluated module: exact instances first, else the one unexpanded block. */
class SourceSites {
  private readonly byConfig = new Map<string, PolicySite[]>();

  constructor(analysis: ModuleAnalysis) {
    for (const { site } of analysis.sites) {
      if (!site.resource) continue;
      const key = configAddress(site.resource);
      const list = this.byConfig.get(key);
      if (list) list.push(site);
      else this.byConfig.set(key, [site]);
    }
  }

  /** Sites of the plan instance `address` (with `propertyPath`, or Lambda permissions when undefined). */
  find(address: string, propertyPath: string | undefined): PolicySite[] {
    const candidates = (this.byConfig.get(configAddress(address)) ?? []).filter(
      (s) =>
        (propertyPath === undefined ? s.kind === "lambda-permission" : s.propertyPath === propertyPath) &&
        covers(s.resource as string, address),
    );
    const exact = candidates.filter((s) => s.resource === address);
    return exact.length > 0 ? exact : candidates;
  }
}

/**
 * Evaluates the plan's root module from its `.tf` files, with the variable values the plan was made
 * with, and takes from it what the plan knows only after apply: the module's evaluated value for the
 * same address, never a guess. A policy found this way is reported at its source (where a fix goes),
 * with the plan's resource as a related location that says where the value came from.
 */
export async function sourceFallback(
  sources: ModuleSources,
  options: PlanScanOptions,
  reading: PlanReading,
): Promise<SourceFallback> {
  const tf: TerraformOptions = { variables: { ...reading.variables, ...(options.variables ?? {}) } };
  if (options.varFiles) tf.varFiles = options.varFiles;
  if (options.variablesFor) tf.variablesFor = options.variablesFor;
  if (options.maxFileSize !== undefined) tf.maxFileSize = options.maxFileSize;
  const analysis = await analyseModule(sources.rootDir, tf);
  const found = new SourceSites(analysis);

  const sites: PolicySite[] = [];
  const unresolved: UnresolvedPolicy[] = [];
  for (const u of reading.unresolved) {
    const matches = found.find(u.address, u.attribute.path).filter((s) => s.document);
    // One block of several unknown in the plan: which source block it is cannot be told (the provider
    // orders blocks as a set), so only a single block is matched.
    const usable =
      typeof u.block === "number" ? (u.blocks === 1 && matches.length === 1 ? matches : []) : matches;
    if (usable.length === 0) {
      unresolved.push(u);
      continue;
    }
    const note: RelatedLocation = {
      file: u.at.file,
      line: u.at.start.line,
      column: u.at.start.column,
      message: `${u.address} in the plan, where its ${u.attribute.path} is known only after apply (analysed from this source)`,
    };
    for (const s of usable) sites.push({ ...s, resource: u.address, related: [note] });
  }

  // A permission's arguments known only after apply, from the source: one plan site per distinct
  // set of values the source's variants give them (a conditional's branches), each labelled with
  // its variant, as the module's own scan reports them.
  const bySite = new Map<PolicySite, Array<(typeof reading.unresolvedArguments)[number]>>();
  for (const a of reading.unresolvedArguments) {
    const list = bySite.get(a.site);
    if (list) list.push(a);
    else bySite.set(a.site, [a]);
  }
  const replaced = new Map<PolicySite, PolicySite[]>();
  for (const [site, args] of bySite) {
    const first = args[0] as (typeof args)[number];
    const matches = found.find(first.address, undefined).filter((m) => m.permission);
    if (!site.permission || matches.length === 0) continue;
    const clones = new Map<string, PolicySite>();
    for (const m of matches) {
      const permission = { ...site.permission };
      const related = [...(site.related ?? [])];
      for (const a of args) {
        const value: PolicyValue | undefined = m.permission?.[a.field];
        if (!value) continue;
        permission[a.field] = { ...value, range: a.at };
        if (value.range)
          related.push({
            file: value.range.file,
            line: value.range.start.line,
            column: value.range.start.column,
            message: `${a.attribute} of ${a.address}, known only after apply in the plan (analysed from this source)`,
          });
      }
      const key = JSON.stringify(args.map((a) => permission[a.field]?.parts));
      if (clones.has(key)) continue;
      const clone: PolicySite = { ...site, permission, related };
      if (m.variant) clone.variant = m.variant;
      clones.set(key, clone);
    }
    // Values alike in every variant hold for all: no label then.
    const made = [...clones.values()];
    if (made.length === 1 && matches.length > 1) delete (made[0] as PolicySite).variant;
    replaced.set(site, made);
  }
  // Put in place in one pass (a plan may have thousands of such permissions).
  if (replaced.size > 0) {
    const sitesNow = reading.sites.flatMap((s) => replaced.get(s) ?? [s]);
    reading.sites.length = 0;
    reading.sites.push(...sitesNow);
  }

  const explain = (u: UnresolvedPolicy): string => {
    const declared = sources.declaration(u.address);
    if (!declared)
      return `the module in ${sources.rootDir} does not declare it, so its source cannot resolve it`;
    const at = `${declared.file}:${declared.line}:${declared.column}`;
    if (typeof u.block === "number" && (u.blocks ?? 0) > 1)
      return `its source (${at}) cannot tell which of its ${u.blocks} blocks this is`;
    const reason = unknownWarning(analysis.diagnostics, u)?.reason;
    return `its source (${at}) does not resolve it either${reason ? ` (${reason})` : ""}`;
  };
  const sourceWarning = (u: UnresolvedPolicy) =>
    sources.declaration(u.address) && !(typeof u.block === "number" && (u.blocks ?? 0) > 1)
      ? unknownWarning(analysis.diagnostics, u)?.diagnostic
      : undefined;
  return { sites, diagnostics: [], unresolved, explain, sourceWarning };
}

/** The module analysis's own account of why the value is unknown (its `PolicyUnknown` warning). */
function unknownWarning(
  diagnostics: readonly Diagnostic[],
  u: UnresolvedPolicy,
): { diagnostic: Diagnostic; reason: string } | undefined {
  const prefix = `the ${u.attribute.path} of `;
  for (const d of diagnostics) {
    if (d.code !== "PolicyUnknown" || !d.message.startsWith(prefix)) continue;
    const rest = d.message.slice(prefix.length);
    const cut = rest.indexOf(NOT_KNOWN);
    const end = rest.lastIndexOf(NOT_ANALYSED);
    if (cut < 0 || end < cut) continue;
    if (covers(rest.slice(0, cut), u.address))
      return { diagnostic: d, reason: rest.slice(cut + NOT_KNOWN.length, end) };
  }
  return undefined;
}
