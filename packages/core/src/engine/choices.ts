import type { SourceNode } from "../model/tree.js";

/** One undecidable choice met while resolving (a condition, a map key chosen by an unknown). */
export interface Choice {
  key: string;
  /** What is chosen, e.g. `condition IsProd` or `Fn::Equals [<Env>, prod]`. */
  label: string;
  options: readonly string[];
  chosen: number;
}

/** What the resolver asks when it meets an undecidable choice. */
export interface Chooser {
  choose(key: string, label: string, options: readonly string[]): number;
  /** The option a choice already took in this run, without making it (undefined: not made yet). */
  peek?(key: string): number | undefined;
}

/**
 * One resolution run over a fixed prefix of choices. The same key always gets the same answer in a
 * run, so related conditions stay consistent; new choices take their first option and are recorded
 * so that {@link enumerateVariants} can visit the others.
 */
export class ChoiceRun implements Chooser {
  readonly seen: Choice[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(
    private readonly prefix: readonly number[],
    /** Choices already made elsewhere (by key): taken as given, neither asked nor named. */
    private readonly forced?: ReadonlyMap<string, number>,
  ) {}

  choose(key: string, label: string, options: readonly string[]): number {
    const given = this.forced?.get(key);
    if (given !== undefined && given < options.length) return given;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const index = this.seen.length;
    const chosen = Math.min(this.prefix[index] ?? 0, options.length - 1);
    this.seen.push({ key, label, options, chosen });
    this.byKey.set(key, chosen);
    return chosen;
  }

  peek(key: string): number | undefined {
    return this.forced?.get(key) ?? this.byKey.get(key);
  }

  describe(): string | undefined {
    if (this.seen.length === 0) return undefined;
    return this.seen.map((c) => `${c.label}: ${c.options[c.chosen]}`).join(", ");
  }
}

/** The most variants (combinations of undecided choices) one policy is analysed in. */
export const MAX_VARIANTS = 16;

/**
 * How many times {@link MAX_VARIANTS} are analysed while every run made one and the same choice (a
 * parameter with many AllowedValues): its options grow the work linearly, not as a product, and
 * one left out may be the one that lets another account in.
 */
export const ONE_CHOICE_FACTOR = 4;

/** How {@link enumerateVariants} tells runs apart. */
export interface VariantOutcomes<T> {
  /**
   * The outcome of a run: runs with the same outcome are one variant (its label says every way it
   * is reached), and `null` is a run to drop (choices no deploy can make). Only distinct outcomes
   * count against the limit.
   */
  outcome: (value: T) => string | null;
  /** At most this many runs in all (default: 16 times the limit). */
  maxRuns?: number;
}

/**
 * Runs `resolve` once per leaf of the decision tree of its choices (depth first), until `limit`
 * variants. Returns each variant's result with its description and whether the limit cut it short.
 */
export function enumerateVariants<T>(
  resolve: (run: ChoiceRun) => T,
  limit = MAX_VARIANTS,
  forced?: ReadonlyMap<string, number>,
  outcomes?: VariantOutcomes<T>,
): {
  results: Array<{
    value: T;
    variant: string | undefined;
    choices: ReadonlyMap<string, number>;
    /** How many runs had this outcome (`choices` are the first's). */
    runs: number;
  }>;
  truncated: boolean;
} {
  const kept: Array<{ value: T; runs: Choice[][] }> = [];
  const byOutcome = new Map<string, { value: T; runs: Choice[][] }>();
  const maxRuns = outcomes?.maxRuns ?? limit * 16;
  const stack: number[][] = [[]];
  let runs = 0;
  let truncated = false;
  const choiceKeys = new Set<string>();
  while (stack.length > 0) {
    if (runs >= maxRuns) {
      truncated = true;
      break;
    }
    const prefix = stack.pop() as number[];
    const run = new ChoiceRun(prefix, forced);
    const value = resolve(run);
    runs++;
    for (const c of run.seen) choiceKeys.add(c.key);
    const chosen = run.seen.map((c) => c.chosen);
    for (let i = run.seen.length - 1; i >= prefix.length; i--) {
      const c = run.seen[i] as Choice;
      for (let alt = c.options.length - 1; alt >= 1; alt--) stack.push([...chosen.slice(0, i), alt]);
    }
    // A single run (no choice at all) needs no outcome: there is nothing to merge it with.
    const key = outcomes && (runs > 1 || stack.length > 0) ? outcomes.outcome(value) : String(runs);
    if (key === null) continue;
    const same = byOutcome.get(key);
    if (same) {
      same.runs.push([...run.seen]);
      continue;
    }
    // A new outcome beyond the limit: the runs left are not analysed.
    if (kept.length >= (choiceKeys.size <= 1 ? limit * ONE_CHOICE_FACTOR : limit)) {
      truncated = true;
      break;
    }
    const entry = { value, runs: [[...run.seen]] };
    byOutcome.set(key, entry);
    kept.push(entry);
  }
  return {
    results: kept.map((k) => ({
      value: k.value,
      variant: describeRuns(k.runs),
      choices: new Map((k.runs[0] ?? []).map((c) => [c.key, c.chosen])),
      runs: k.runs.length,
    })),
    truncated,
  };
}

function describeRun(run: readonly Choice[]): string | undefined {
  if (run.length === 0) return undefined;
  return run.map((c) => `${c.label}: ${c.options[c.chosen]}`).join(", ");
}

/**
 * What a set of runs with one outcome chose: per choice, the options taken (a choice that took
 * every option is left out), when the runs are every combination of those; otherwise each run's
 * choices, joined by "; or ". Undefined when the outcome does not depend on any choice.
 */
function describeRuns(runs: ReadonlyArray<readonly Choice[]>): string | undefined {
  const first = runs[0];
  if (!first || runs.length === 1) return first ? describeRun(first) : undefined;
  const keys = first.map((c) => c.key).join("\u0000");
  const sameKeys = runs.every((r) => r.map((c) => c.key).join("\u0000") === keys);
  if (sameKeys) {
    const taken = first.map((_, i) => new Set(runs.map((r) => (r[i] as Choice).chosen)));
    const product = taken.reduce((n, set) => n * set.size, 1);
    if (product === runs.length) {
      const parts: string[] = [];
      first.forEach((c, i) => {
        const set = taken[i] as Set<number>;
        if (set.size === c.options.length) return;
        const missing = c.options.filter((_, o) => !set.has(o));
        parts.push(
          missing.length < set.size
            ? `${c.label}: any but ${missing.join(" or ")}`
            : `${c.label}: ${[...set].map((o) => c.options[o]).join(" or ")}`,
        );
      });
      return parts.length > 0 ? parts.join(", ") : undefined;
    }
  }
  const shown = runs.slice(0, 4).map((r) => describeRun(r) ?? "");
  return `${shown.join("; or ")}${runs.length > 4 ? `; or ${runs.length - 4} more` : ""}`;
}

/** Whether a tree holds a value with alternatives (see {@link expandAlternatives}). */
export function hasAlternatives(node: SourceNode, depth = 0): boolean {
  if (depth > 256) return false;
  switch (node.kind) {
    case "value":
      return node.alternatives !== undefined;
    case "array":
      return node.items.some((i) => hasAlternatives(i, depth + 1));
    case "object":
      return node.entries.some((e) => hasAlternatives(e.value, depth + 1));
    default:
      return false;
  }
}

/** The tree with each value with alternatives replaced by the option `chooser` picks. */
export function chooseAlternatives(node: SourceNode, chooser: Chooser): SourceNode {
  return choose(node, chooser, 0);
}

function choose(node: SourceNode, run: Chooser, depth: number): SourceNode {
  if (depth > 256) return node;
  switch (node.kind) {
    case "value": {
      const alt = node.alternatives;
      if (!alt || alt.options.length === 0) return node;
      const i = run.choose(
        alt.key,
        alt.label,
        alt.options.map((o) => o.label),
      );
      return choose((alt.options[i] ?? alt.options[0])?.node as SourceNode, run, depth + 1);
    }
    case "array": {
      let changed = false;
      const items = node.items.map((item) => {
        const c = choose(item, run, depth + 1);
        if (c !== item) changed = true;
        return c;
      });
      return changed ? { ...node, items } : node;
    }
    case "object": {
      let changed = false;
      const entries = node.entries.map((e) => {
        const value = choose(e.value, run, depth + 1);
        if (value === e.value) return e;
        changed = true;
        return { ...e, value };
      });
      return changed ? { ...node, entries } : node;
    }
    default:
      return node;
  }
}

/**
 * One tree per combination of the choices its values with alternatives make (the same key is the
 * same choice), at most `limit`, each with what was chosen (`variant`).
 */
export function expandAlternatives(
  node: SourceNode,
  limit = MAX_VARIANTS,
): { results: Array<{ value: SourceNode; variant: string | undefined }>; truncated: boolean } {
  return enumerateVariants((run) => choose(node, run, 0), limit);
}
