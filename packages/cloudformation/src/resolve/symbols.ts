import { SELF_ACCOUNT, type ValueSymbol } from "@deputyguard/core";

export { SELF_ACCOUNT };

export const REGION: ValueSymbol = {
  kind: "region",
  name: "REGION",
  provenance: { source: "AWS::Region", reason: "the region is chosen at deploy time" },
};

export const PARTITION: ValueSymbol = {
  kind: "partition",
  name: "PARTITION",
  provenance: { source: "AWS::Partition", reason: "the partition follows the region chosen at deploy time" },
};

export const URL_SUFFIX: ValueSymbol = {
  kind: "url-suffix",
  name: "URL_SUFFIX",
  provenance: {
    source: "AWS::URLSuffix",
    reason: "the domain suffix follows the region chosen at deploy time",
  },
};

export function unknownSymbol(name: string, source: string, reason: string): ValueSymbol {
  return { kind: "unknown", name, provenance: { source, reason } };
}

/**
 * Symbols this adapter builds for parts of an ARN it synthesised (account, region, a generated
 * name), with the characters other than letters and digits their values may hold: `Fn::Split` and
 * `Fn::Select` may cut around one only at a delimiter it cannot contain (a stack name holds `-`,
 * never `:`).
 */
const ATOMIC_SYMBOLS = new WeakMap<ValueSymbol, string>([
  [SELF_ACCOUNT, ""],
  [REGION, "-"],
  [PARTITION, "-"],
  [URL_SUFFIX, "."],
]);

/** Marks a symbol as holding only letters, digits and the characters of `mayContain`. */
export function atomic(symbol: ValueSymbol, mayContain: string): ValueSymbol {
  ATOMIC_SYMBOLS.set(symbol, mayContain);
  return symbol;
}

/** Whether `delim` can never occur inside the value of `symbol`. */
export function holdsNo(symbol: ValueSymbol, delim: string): boolean {
  const extra = ATOMIC_SYMBOLS.get(symbol);
  if (extra === undefined || delim === "") return false;
  for (const ch of delim) if (!/[A-Za-z0-9]/.test(ch) && !extra.includes(ch)) return true;
  return false;
}
