import { SELF_ACCOUNT, type ValueSymbol } from "@deputyguard/core";

export { SELF_ACCOUNT };

export const REGION: ValueSymbol = {
  kind: "region",
  name: "REGION",
  provenance: { source: "provider region", reason: "the region is chosen by the provider configuration" },
};

export const PARTITION: ValueSymbol = {
  kind: "partition",
  name: "PARTITION",
  provenance: { source: "provider partition", reason: "the partition follows the provider's region" },
};

export const URL_SUFFIX: ValueSymbol = {
  kind: "url-suffix",
  name: "URL_SUFFIX",
  provenance: { source: "provider DNS suffix", reason: "the DNS suffix follows the provider's partition" },
};
