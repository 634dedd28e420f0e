// The access findings (CD101–CD104) of a policy document, each witness replayed through `evaluate`
// on the parsed policy: a witness it refuses fails the test.
import { expect } from "vitest";
import { type CheckOptions, checkPolicyText, evaluate, nodeFromPlain, parsePolicy } from "../../src/index.js";

export const ACCESS_RULES: ReadonlySet<string> = new Set(["CD101", "CD102", "CD103", "CD104"]);

/** The policy's access findings, witnesses replayed; and the codes of its diagnostics. */
export function replayedAccess(
  doc: unknown,
  options: CheckOptions,
  defaults: { action: string; resource?: string },
) {
  const result = checkPolicyText(JSON.stringify(doc), "p.json", options);
  const parsed = parsePolicy(nodeFromPlain(doc), "p.json").policy;
  if (!parsed) throw new Error("policy did not parse");
  const access = result.findings.filter((f) => ACCESS_RULES.has(f.ruleId));
  for (const f of access) {
    const w = f.witness;
    if (!w) throw new Error(`${f.ruleId} without a witness`);
    const resource = w.resource ?? defaults.resource;
    const decision = evaluate(parsed, {
      principal: { type: "Service", id: w.principal },
      action: w.action ?? defaults.action,
      ...(resource ? { resource } : {}),
      context: w.context,
    }).decision;
    expect(decision, JSON.stringify(w)).toBe("Allow");
  }
  return { access, diagnostics: result.diagnostics.map((d) => d.code) };
}

/** Our account, and a queue of it that sns.amazonaws.com is allowed to send to, in the tests below. */
export const OUR_ACCOUNT = "246813579024";
export const OUR_QUEUE = `arn:aws:sqs:us-east-1:${OUR_ACCOUNT}:q`;

export type Condition = Record<string, Record<string, string | string[]>>;

/** An Allow of sqs:SendMessage on our queue to sns.amazonaws.com under `condition`, and a Deny of all under `deny`. */
export function snsToQueue(condition: Condition, deny?: Condition) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: OUR_QUEUE,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
      ...(deny ? [{ Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: deny }] : []),
    ],
  };
}

/** `replayedAccess` of such a policy, with our account declared. */
export function queueAccess(doc: ReturnType<typeof snsToQueue>) {
  return replayedAccess(doc, { accounts: [OUR_ACCOUNT] }, { action: "sqs:SendMessage", resource: OUR_QUEUE });
}
