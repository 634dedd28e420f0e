import { SERVICES } from "./services.js";
import type { ServiceKnowledge } from "./types.js";

const REGION_MARK = "<region>";

interface PrincipalIndex {
  exact: Map<string, ServiceKnowledge>;
  regional: Array<{ prefix: string; suffix: string; row: ServiceKnowledge }>;
}

let index: PrincipalIndex | undefined;

function buildIndex(rows: readonly ServiceKnowledge[]): PrincipalIndex {
  const exact = new Map<string, ServiceKnowledge>();
  const regional: PrincipalIndex["regional"] = [];
  for (const row of rows) {
    for (const p of row.principals) {
      const lower = p.toLowerCase();
      const at = lower.indexOf(REGION_MARK);
      if (at >= 0)
        regional.push({ prefix: lower.slice(0, at), suffix: lower.slice(at + REGION_MARK.length), row });
      else exact.set(lower, row);
    }
  }
  return { exact, regional };
}

/** Whether `text` is written as an AWS Region is (`eu-west-1`, `us-gov-east-1`). */
export function isRegionName(text: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d$/.test(text);
}

/** How the adapters show the partition's DNS suffix (`AWS::URLSuffix`, `data.aws_partition...dns_suffix`), lower-cased. */
const URL_SUFFIX_TOKEN = "<url_suffix>";

/** The knowledge row for a service principal name, regional forms included (`logs.eu-west-1.amazonaws.com`). */
export function findService(principal: string): ServiceKnowledge | undefined {
  index ??= buildIndex(SERVICES);
  let lower = principal.toLowerCase();
  // China-partition principals are the same services (`ec2.amazonaws.com.cn`).
  if (lower.endsWith(".amazonaws.com.cn")) lower = lower.slice(0, -3);
  // The partition's DNS suffix as a template writes it (`cloudtrail.\${AWS::URLSuffix}`).
  if (lower.endsWith(URL_SUFFIX_TOKEN)) lower = `${lower.slice(0, -URL_SUFFIX_TOKEN.length)}amazonaws.com`;
  const hit = index.exact.get(lower);
  if (hit) return hit;
  for (const r of index.regional) {
    if (
      lower.length > r.prefix.length + r.suffix.length &&
      lower.startsWith(r.prefix) &&
      lower.endsWith(r.suffix)
    ) {
      const region = lower.slice(r.prefix.length, lower.length - r.suffix.length);
      // The deploying region as a template writes it (`logs.\${AWS::Region}.amazonaws.com`), or a
      // value not known before deployment in its place (`logs.\${var.aws_region}.amazonaws.com`):
      // the service is the same whichever region it names.
      if (region === "<region>" || isRegionName(region) || /^<[^<>]+>$/.test(region)) return r.row;
    }
  }
  return undefined;
}

/** True for names that are AWS service principals: `*.amazonaws.com`, `*.amazon.com`, `*.amazonaws.com.cn`. */
export function isServicePrincipalName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith("arn:")) return false;
  return (
    lower.endsWith(".amazonaws.com") || lower.endsWith(".amazon.com") || lower.endsWith(".amazonaws.com.cn")
  );
}
