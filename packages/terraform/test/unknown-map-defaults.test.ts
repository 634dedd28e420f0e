import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// A map not known before apply (a variable without a default) may lack the key: `lookup`'s default
// and `try`'s fallback are then the value. Both were only a CD301 that trusted the map's value as
// ours, so `lookup(var.accounts, "events", "*")` was never reported.
const module = (value: string) => ({
  "main.tf": `variable "accounts" { type = map(string) }
resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:246813579024:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*",
      Condition = { StringLike = { "aws:SourceAccount" = ${value} } } },
  ] })
}
`,
});

async function run(value: string) {
  const r = await scan(module(value), { accounts: ["246813579024"] });
  return r.findings.map((f) => `${f.ruleId}${f.variant ? ` when ${f.variant}` : ""}`).sort();
}

describe("defaults for a key a map not known before apply may lack", () => {
  it("lookup: the default is analysed where the map does not set the key", async () => {
    expect(await run('lookup(var.accounts, "events", "*")')).toEqual([
      'CD102 when var.accounts["events"]: not set (the lookup default)',
      'CD301 when var.accounts["events"]: set',
    ]);
    expect(await run('lookup(var.accounts, "events", "246813579024")')).toEqual([
      'CD301 when var.accounts["events"]: set',
    ]);
  });

  it("try: the fallback is analysed where the map lacks the key", async () => {
    expect(await run('try(var.accounts["events"], "*")')).toEqual([
      'CD102 when var.accounts["events"]: not set (the try fallback)',
      'CD301 when var.accounts["events"]: set',
    ]);
    expect(await run('try(var.accounts.events, "246813579024")')).toEqual(["CD301"]);
  });

  it("a value given for the map decides it", async () => {
    const r = await scan(module('lookup(var.accounts, "events", "*")'), {
      accounts: ["246813579024"],
      variables: { accounts: { events: "246813579024" } },
    });
    expect(r.findings).toEqual([]);
  });
});
