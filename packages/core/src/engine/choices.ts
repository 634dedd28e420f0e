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

  describe(): string | undefined {
    if (this.seen.length === 0) return undefined;
    return this.seen.map((c) => `${c.label}: ${c.options[c.chosen]}`).join(", ");
  }
}

/** The most variants (combinations of undecided choices) one policy is analysed in. */
export const MAX_VARIANTS = 16;

/**
 * Runs `resolve` once per leaf of the decision tree of its choices (depth first), at most
 * `limit` times. Returns each run's result with its description and whether the limit cut it short.
 */
export function enumerateVariants<T>(
  resolve: (run: ChoiceRun) => T,
  limit = MAX_VARIANTS,
  forced?: ReadonlyMap<string, number>,
): {
  results: Array<{ value: T; variant: string | undefined; choices: ReadonlyMap<string, number> }>;
  truncated: boolean;
} {
  const results: Array<{ value: T; variant: string | undefined; choices: ReadonlyMap<string, number> }> = [];
  const stack: number[][] = [[]];
  while (stack.length > 0) {
    if (results.length >= limit) return { results, truncated: true };
    const prefix = stack.pop() as number[];
    const run = new ChoiceRun(prefix, forced);
    const value = resolve(run);
    results.push({
      value,
      variant: run.describe(),
      choices: new Map(run.seen.map((c) => [c.key, c.chosen])),
    });
    const chosen = run.seen.map((c) => c.chosen);
    for (let i = run.seen.length - 1; i >= prefix.length; i--) {
      const c = run.seen[i] as Choice;
      for (let alt = c.options.length - 1; alt >= 1; alt--) stack.push([...chosen.slice(0, i), alt]);
    }
  }
  return { results, truncated: false };
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
