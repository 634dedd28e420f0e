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
 * name): none of them contains a delimiter, so `Fn::Split` and `Fn::Select` may cut around them.
 */
export const ATOMIC_SYMBOLS = new WeakSet<ValueSymbol>([SELF_ACCOUNT, REGION, PARTITION, URL_SUFFIX]);

export function atomic(symbol: ValueSymbol): ValueSymbol {
  ATOMIC_SYMBOLS.add(symbol);
  return symbol;
}
