import { ELB_LOG_DELIVERY_ACCOUNTS, ELB_LOG_DELIVERY_SOURCE } from "./elb-accounts.js";
import type { AlternativeGuardKey, KeyPresence, ServiceKnowledge } from "./types.js";

/** One service as `deputyguard services --format json` prints it. */
export interface ServiceJson {
  service: string;
  name: string;
  principals: string[];
  sourceArnFormats: string[];
  accountInArn: boolean | "some" | "unknown";
  keysSent: { sourceArn: KeyPresence; sourceAccount: KeyPresence; sourceOrgId: KeyPresence };
  alternativeGuardKeys: AlternativeGuardKey[];
  passRoleBound: boolean;
  notes: string[];
  sources: string[];
}

/** The knowledge table as a JSON-ready array, one object per service, in table order. */
export function servicesAsJson(rows: readonly ServiceKnowledge[]): ServiceJson[] {
  return rows.map((r) => ({
    service: r.service,
    name: r.name,
    principals: [...r.principals],
    sourceArnFormats: [...r.sourceArnFormats],
    accountInArn: r.accountInArn,
    keysSent: { ...r.keysSent },
    alternativeGuardKeys: r.alternativeGuardKeys.map((g) => ({ ...g })),
    passRoleBound: r.passRoleBound,
    notes: [...(r.notes ?? [])],
    sources: [...r.sources],
  }));
}

function accountText(a: boolean | "some" | "unknown"): string {
  return typeof a === "string" ? a : a ? "yes" : "no";
}

function keysText(k: ServiceKnowledge["keysSent"]): string {
  return `arn=${k.sourceArn} account=${k.sourceAccount} org=${k.sourceOrgId}`;
}

function byService(rows: readonly ServiceKnowledge[]): ServiceKnowledge[] {
  return [...rows].sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

/**
 * A fixed-width text table for `deputyguard services`: one block of lines per service, with the
 * principals and ARN shapes one per line. Plain ASCII, no colours, trailing spaces trimmed.
 */
export function renderServicesTable(rows: readonly ServiceKnowledge[]): string {
  const header = ["SERVICE", "PRINCIPALS", "SOURCE ARN FORMATS", "ACCOUNT IN ARN", "KEYS SENT", "PASSROLE"];
  const blocks = byService(rows).map((r) => [
    [r.service],
    r.principals.length > 0 ? r.principals : ["-"],
    r.sourceArnFormats.length > 0 ? r.sourceArnFormats : ["-"],
    [accountText(r.accountInArn)],
    [keysText(r.keysSent)],
    [r.passRoleBound ? "yes" : "no"],
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...blocks.flatMap((b) => (b[i] ?? []).map((c) => c.length))),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w)))];
  for (const b of blocks) {
    const height = Math.max(...b.map((c) => c.length));
    for (let n = 0; n < height; n++) out.push(line(b.map((c) => c[n] ?? "")));
  }
  out.push("", `${rows.length} services. Every row cites AWS pages: deputyguard services --format json.`);
  return `${out.join("\n")}\n`;
}

function md(text: string): string {
  return text
    .replace(/[|*_]/g, (c) => `\\${c}`)
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function code(text: string): string {
  return `\`${text}\``;
}

/** The Markdown page docs/services.md, generated from the table. */
export function renderServicesDoc(rows: readonly ServiceKnowledge[]): string {
  const sorted = byService(rows);
  const out: string[] = [];
  out.push("# Service knowledge");
  out.push("");
  out.push(
    "<!-- Generated from packages/core/src/knowledge/services.ts by packages/core/scripts/gen-services-doc.js. Do not edit. -->",
  );
  out.push("");
  out.push(
    `deputyguard knows ${rows.length} AWS services that act for your resources as a service principal. For each one the table says which principal names AWS's examples use, which ARN the service sends as \`aws:SourceArn\`, whether that ARN carries the account, which source keys it sends, other keys that bind the caller, and whether a role trust is bound by \`iam:PassRole\`. Every row comes from the AWS pages listed under it. A principal that is not in the table falls back to the generic rules: no CD205 check, and the text output says the service is unknown to the tool.`,
  );
  out.push("");
  out.push(
    "Print the table with `deputyguard services`, or as JSON with `deputyguard services --format json`.",
  );
  out.push("");
  out.push(
    "Key presence: `always` lets the analysis drop the case where the key is missing from the request; `sometimes`, `unknown` and `never` keep it (`never` drops the key-present case).",
  );
  out.push("");
  out.push("## Summary");
  out.push("");
  out.push("| Service | Principals | ARN service | Account in ARN | PassRole-bound |");
  out.push("|---|---|---|---|---|");
  for (const r of sorted) {
    const arnServices = [...new Set(r.sourceArnFormats.map((f) => f.split(":")[2] ?? ""))].filter(
      (s) => s !== "",
    );
    out.push(
      `| [${md(r.service)}](#${anchor(r.service)}) | ${r.principals.map((p) => code(p)).join("<br>")} | ${arnServices.length > 0 ? arnServices.map(code).join(", ") : "–"} | ${accountText(r.accountInArn)} | ${r.passRoleBound ? "yes" : "no"} |`,
    );
  }
  out.push("");
  out.push("## Services");
  for (const r of sorted) {
    out.push("");
    out.push(`### ${r.service}`);
    out.push("");
    out.push(`**${md(r.name)}**`);
    out.push("");
    out.push(`- Principals: ${r.principals.map((p) => code(p)).join(", ")}`);
    if (r.sourceArnFormats.length > 0) {
      out.push("- `aws:SourceArn` formats:");
      for (const f of r.sourceArnFormats) out.push(`  - ${code(f)}`);
    } else {
      out.push("- `aws:SourceArn` formats: none documented on the pages read");
    }
    out.push(`- Account in ARN: ${accountText(r.accountInArn)}`);
    out.push(
      `- Keys sent: \`aws:SourceArn\` ${r.keysSent.sourceArn}, \`aws:SourceAccount\` ${r.keysSent.sourceAccount}, \`aws:SourceOrgID\` ${r.keysSent.sourceOrgId}`,
    );
    if (r.alternativeGuardKeys.length > 0) {
      out.push("- Alternative guard keys:");
      for (const g of r.alternativeGuardKeys)
        out.push(
          `  - ${code(g.key)} (binds ${g.binds})${g.note ? `: ${md(g.note)}` : ""} [source](${g.source})`,
        );
    }
    out.push(`- PassRole-bound trust: ${r.passRoleBound ? "yes" : "no"}`);
    if (r.notes && r.notes.length > 0) {
      out.push("- Notes:");
      for (const n of r.notes) out.push(`  - ${md(n)}`);
    }
    out.push("- Sources:");
    for (const s of r.sources) out.push(`  - <${s}>`);
  }
  out.push("");
  out.push("## Elastic Load Balancing log-delivery accounts");
  out.push("");
  out.push(
    `In the Regions below, AWS's access-log bucket policy grants \`s3:PutObject\` to the AWS-owned account \`arn:aws:iam::<account>:root\` instead of a service principal. Other Regions use \`logdelivery.elasticloadbalancing.amazonaws.com\`. Source: <${ELB_LOG_DELIVERY_SOURCE}>.`,
  );
  out.push("");
  out.push("| Region | ELB account |");
  out.push("|---|---|");
  for (const e of ELB_LOG_DELIVERY_ACCOUNTS) out.push(`| ${code(e.region)} | ${code(e.account)} |`);
  out.push("");
  return out.join("\n");
}

function anchor(service: string): string {
  return service.toLowerCase().replace(/[^a-z0-9 -]/g, "");
}
