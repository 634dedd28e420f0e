/**
 * `pnpm bench` (node --expose-gc bench/run.js, after `pnpm build`).
 *
 * 1. Decisions per second of our `evaluate` and of iam-simulate's `runUnsafeSimulation` (AGPL,
 *    devDependency, never shipped) on the same generated (policy, request) cases, and the ratio.
 * 2. Analysis time per statement of `checkPolicyText` over a mix of realistic policies.
 */
import { createValidatedPolicy } from "@cloud-copilot/iam-policy";
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { checkPolicyText, clearAnalysisCaches, evaluate, nodeFromPlain, parsePolicy } from "../dist/index.js";

const OWN = "246813579135";
const FOREIGN = "999988887777";
const QUEUE = `arn:aws:sqs:us-east-1:${OWN}:queue1`;
const SERVICES = [
  "sns.amazonaws.com",
  "cloudtrail.amazonaws.com",
  "events.amazonaws.com",
  "s3.amazonaws.com",
];

/** Seeded xorshift, so every run measures the same cases. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}
const pick = (r, items) => items[Math.floor(r() * items.length)];

const GUARDS = [
  () => ({ StringEquals: { "aws:SourceAccount": OWN } }),
  () => ({ StringLike: { "aws:SourceAccount": "2468*" } }),
  () => ({ StringNotEquals: { "aws:SourceAccount": FOREIGN } }),
  () => ({ StringEqualsIfExists: { "aws:SourceAccount": OWN } }),
  () => ({ ArnLike: { "aws:SourceArn": `arn:aws:sns:*:${OWN}:*` } }),
  () => ({ ArnEquals: { "aws:SourceArn": `arn:aws:cloudtrail:us-east-1:${OWN}:trail/main` } }),
  () => ({ StringLike: { "aws:SourceArn": `arn:aws:sns:*:${OWN}:*` } }),
  () => ({ "ForAllValues:StringEquals": { "aws:SourceAccount": [OWN, "864297531086"] } }),
  () => ({ ArnLikeIfExists: { "aws:SourceArn": "arn:aws:s3:::bucket*" } }),
  () => ({ StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } }),
  () => ({ Null: { "aws:SourceAccount": "false" } }),
  () => ({ NumericLessThan: { "sqs:DelaySeconds": "10" }, Bool: { "aws:SecureTransport": "true" } }),
  () => ({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }),
  () => ({ DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }),
];

function condition(r, n) {
  const out = {};
  for (let i = 0; i < n; i++) Object.assign(out, pick(r, GUARDS)());
  return out;
}

/** A realistic resource policy: service grants with 0–2 guards, sometimes a Deny, sometimes public. */
function policy(r) {
  const statements = [];
  const allows = 1 + Math.floor(r() * 2);
  for (let i = 0; i < allows; i++) {
    const principal = pick(r, [
      { Service: pick(r, SERVICES) },
      { Service: pick(r, SERVICES) },
      { Service: [pick(r, SERVICES), pick(r, SERVICES)] },
      "*",
    ]);
    const guards = Math.floor(r() * 3);
    statements.push({
      Sid: `S${i}`,
      Effect: "Allow",
      Principal: principal,
      Action: pick(r, ["sqs:SendMessage", "sqs:*", ["sqs:SendMessage", "sqs:GetQueueUrl"]]),
      Resource: pick(r, [QUEUE, "*", `arn:aws:sqs:*:${OWN}:*`]),
      ...(guards > 0 ? { Condition: condition(r, guards) } : {}),
    });
  }
  if (r() < 0.3)
    statements.push({
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:*",
      Resource: "*",
      Condition: pick(r, [
        { StringNotEqualsIfExists: { "aws:SourceAccount": OWN } },
        { ArnNotLike: { "aws:SourceArn": `arn:aws:*:*:${OWN}:*` } },
        { Null: { "aws:SourceAccount": "true" } },
      ]),
    });
  return { Version: "2012-10-17", Statement: statements };
}

function request(r) {
  const account = pick(r, [OWN, FOREIGN, "864297531086"]);
  const context = {};
  if (r() < 0.8) context["aws:SourceAccount"] = account;
  if (r() < 0.7)
    context["aws:SourceArn"] = pick(r, [
      `arn:aws:sns:us-east-1:${account}:topic1`,
      `arn:aws:cloudtrail:us-east-1:${account}:trail/main`,
      `arn:aws:sns:us-east-1:${account}:x:${OWN}:y`,
      "arn:aws:s3:::bucket1",
    ]);
  if (r() < 0.3) context["aws:SourceOrgID"] = pick(r, ["o-a1b2c3d4e5", "o-zzzzzzzzzz"]);
  if (r() < 0.5) context["aws:SecureTransport"] = pick(r, ["true", "false"]);
  if (r() < 0.5) context["sqs:DelaySeconds"] = pick(r, ["0", "5", "30"]);
  if (r() < 0.5) context["aws:SourceIp"] = pick(r, ["10.1.2.3", "203.0.113.7"]);
  context["aws:CurrentTime"] = "2026-03-01T08:00:00Z";
  return { principal: pick(r, SERVICES), action: "sqs:SendMessage", resource: QUEUE, context };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function gc() {
  if (typeof globalThis.gc === "function") globalThis.gc();
}

// ---------------------------------------------------------------------------------------------
// 1. Decisions per second

const POLICIES = 2_000;
const REQUESTS_PER_POLICY = 10;
const r = rng(20_260_927);
const cases = [];
for (let i = 0; i < POLICIES; i++) {
  const doc = policy(r);
  const ours = parsePolicy(nodeFromPlain(doc), "bench.json").policy;
  // runUnsafeSimulation needs a policy with metadata (evaluator.md b.2); built once, outside the clock.
  const theirs = createValidatedPolicy(doc, () => [], { name: "rp" });
  for (let j = 0; j < REQUESTS_PER_POLICY; j++) cases.push({ ours, theirs, request: request(r) });
}

function runOurs() {
  let allowed = 0;
  for (const c of cases) {
    const q = c.request;
    const d = evaluate(c.ours, {
      principal: { type: "Service", id: q.principal },
      action: q.action,
      resource: q.resource,
      context: q.context,
    }).decision;
    if (d === "Allow") allowed++;
  }
  return allowed;
}

function runTheirs() {
  let allowed = 0;
  for (const c of cases) {
    const q = c.request;
    const d = runUnsafeSimulation(
      {
        request: {
          principal: q.principal,
          action: q.action,
          resource: { resource: q.resource, accountId: OWN },
          contextVariables: q.context,
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: c.theirs,
      },
      {},
    );
    if (d === "Allowed") allowed++;
  }
  return allowed;
}

/** Best of `rounds` timed passes, after one warm-up pass. */
function rate(fn, rounds) {
  fn();
  let best = Infinity;
  let result = 0;
  for (let i = 0; i < rounds; i++) {
    gc();
    const t0 = process.hrtime.bigint();
    result = fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s < best) best = s;
  }
  return { perSecond: cases.length / best, allowed: result };
}

console.log(`deputyguard bench — Node ${process.version}, ${process.platform}/${process.arch}`);
console.log(`decisions: ${cases.length} cases (${POLICIES} policies × ${REQUESTS_PER_POLICY} requests)`);
const mine = rate(runOurs, 5);
const theirs = rate(runTheirs, 2);
if (mine.allowed !== theirs.allowed)
  console.log(`  note: Allowed counts differ (ours ${mine.allowed}, iam-simulate ${theirs.allowed})`);
console.log(`  evaluate            ${Math.round(mine.perSecond).toLocaleString("en")} decisions/s`);
console.log(`  runUnsafeSimulation ${Math.round(theirs.perSecond).toLocaleString("en")} decisions/s`);
const ratio = mine.perSecond / theirs.perSecond;
console.log(`  ratio               ${ratio.toFixed(1)}× (goal ≥ 20×)${ratio >= 20 ? "" : "  BELOW GOAL"}`);
console.log(`  allowed             ${mine.allowed} of ${cases.length}`);

// ---------------------------------------------------------------------------------------------
// 2. Analysis time per statement

const ANALYSIS_POLICIES = 3_000;
const texts = [];
const ra = rng(4_242);
for (let i = 0; i < ANALYSIS_POLICIES; i++) texts.push(JSON.stringify(policy(ra), null, 2));
const options = { accounts: [OWN] };

for (const t of texts.slice(0, 500)) checkPolicyText(t, "warm.json", options);
// The warm-up ran the first 500 policies: forget their answers, so that they are analysed, not looked up.
clearAnalysisCaches();
gc();
const perStatement = [];
let statements = 0;
let findings = 0;
for (const t of texts) {
  const t0 = process.hrtime.bigint();
  const res = checkPolicyText(t, "bench.json", options);
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  statements += res.statements;
  findings += res.findings.length;
  const n = Math.max(1, res.statements);
  for (let k = 0; k < n; k++) perStatement.push(us / n);
}
perStatement.sort((a, b) => a - b);
console.log(
  `analysis: ${ANALYSIS_POLICIES} policies, ${statements} statements, ${findings} findings (checkPolicyText)`,
);
console.log(
  `  per statement: median ${percentile(perStatement, 50).toFixed(1)} µs, p99 ${percentile(perStatement, 99).toFixed(1)} µs, max ${perStatement[perStatement.length - 1].toFixed(1)} µs`,
);
