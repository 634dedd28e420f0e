import type { CoveredPrincipal } from "../analysis/statement-facts.js";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../knowledge/elb-accounts.js";
import { shortName } from "../model/values.js";
import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD101",
    slug: "service-principal-without-source-guard",
    severity: "high",
    severityNote:
      "high for resource policies and Lambda permissions, medium for role trust policies and for statements whose Effect, Principal, whole Condition or guard arguments are not known before deployment, low for PassRole-bound trust with --strict",
    title: "Service principal without a source guard",
    description:
      'An Allow statement lets an AWS service principal act, and nothing binds the request to the account or resource it comes from. Any other AWS customer can point that service at this resource (a cross-service confused deputy). A statement with `"Principal": "*"` and no such guard is public, and is reported here too, except the Lambda permissions that open a function URL with AuthType NONE to anyone (`Principal: "*"` with `lambda:InvokeFunctionUrl` and FunctionUrlAuthType NONE, or with `lambda:InvokeFunction` and InvokedViaFunctionUrl true or FunctionUrlAuthType NONE): anyone may call such a URL directly, so no service is needed as a deputy, and a source guard would shut the URL. (`lambda:InvokeFunction` with InvokedViaFunctionUrl true is skipped whatever the auth type of the URL: it admits only calls through the URL, which the `lambda:InvokeFunctionUrl` permission decides, and that one is analysed.) A Lambda layer version permission is not analysed either: it names accounts, an organization or every account, never a service. An Elastic Load Balancing log-delivery account written as an AWS principal (`arn:aws:iam::127311923021:root`, one per older Region) writes the access logs of the load balancers of every customer, and is analysed as the service it stands for; for it and for `logdelivery.elasticloadbalancing.amazonaws.com` the guard is the path: granted only `s3:PutObject` under `[prefix/]AWSLogs/<your account>/`, no load balancer of another account can write (ELB refuses a prefix holding AWSLogs).',
    howToFix:
      "Add a condition that pins the caller: `aws:SourceAccount` (StringEquals) with your account id, and `aws:SourceArn` (ArnLike) with the ARN of the resource that uses the service. For a Lambda permission, set `SourceAccount` and `SourceArn`.",
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail-logs/AWSLogs/*"}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail-logs/AWSLogs/*", "Condition": {"StringEquals": {"aws:SourceAccount": "210987654322"}, "ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:210987654322:trail/*"}}}`,
    },
  },
  check(ctx) {
    const hits = ctx.facts.verdicts.filter((v) => v.result.reachable && v.diagnoses.has("CD101"));
    const first = hits[0];
    if (!first?.result.reachable) return;
    const names = hits.map((h) => h.principal.name);
    const passRoleOnly = hits.every((h) => h.principal.passRoleBound) && ctx.facts.isTrust;
    const unknownCondition = ctx.facts.statement.conditionUnknown;
    const unknownEffect = ctx.facts.statement.effectUnknown;
    // A whole Principal not known before deployment (a parameter) was analysed as a service; it may
    // be an account instead: reported, one level lower, as for an unknown Effect. A service
    // principal whose name alone is unknown ({"Service": <X>}) is a service: no lower.
    const unknownPrincipal = ctx.facts.statement.principal?.unknown ?? [];
    // A Condition not known before deployment may still hold a guard: reported, one level lower.
    const severity = passRoleOnly
      ? "low"
      : ctx.facts.isTrust || unknownCondition || unknownEffect || unknownPrincipal.length > 0
        ? "medium"
        : ctx.site.kind === "trust-policy"
          ? "medium"
          : "high";
    const who =
      ctx.facts.isPublic && names.includes("*")
        ? ctx.facts.statement.notPrincipal && !ctx.facts.statement.principal
          ? "every principal that NotPrincipal does not name (the statement is public), AWS services included,"
          : "any principal (the statement is public), AWS services included,"
        : hits.map((h) => named(h.principal)).join(", ");
    // Elastic Load Balancing writes only under AWSLogs/<account>/: the path is what lets others in.
    const logs = hits.every((h) => h.principal.knowledge?.awsLogsKeyPrefix);
    const what = ctx.site.kind === "lambda-permission" ? "The permission" : "The statement";
    const fix = ctx.fixes.sourceGuard(
      ctx.facts,
      hits.map((h) => h.principal),
    );
    const conditionNote = unknownCondition
      ? ` Its ${ctx.site.kind === "lambda-permission" ? "source arguments depend" : "Condition depends"} on ${unknownCondition.map((s) => `<${shortName(s.name)}>`).join(", ")}, not known before deployment; that may hold no guard, so the ${ctx.site.kind === "lambda-permission" ? "permission" : "statement"} was judged without it.`
      : "";
    const effectNote = unknownEffect
      ? ` Its Effect is ${unknownEffect.map((s) => `<${shortName(s.name)}>`).join(", ")}, not known before deployment; it was analysed as an Allow.`
      : "";
    const principalNote =
      unknownPrincipal.length > 0
        ? ` Its Principal${ctx.site.kind === "lambda-permission" ? " argument" : ""} is ${unknownPrincipal.map((s) => `<${shortName(s.name)}>`).join(", ")}, not known before deployment; it was analysed as a service principal.`
        : "";
    const passRoleNote = passRoleOnly
      ? " The role must be passed with iam:PassRole by someone in your account, so this is reported only with --strict."
      : "";
    const input: Parameters<typeof ctx.report>[0] = {
      severity,
      message: `${
        logs
          ? `${what} allows ${who} to write outside AWSLogs/<your account>/ without a source guard, so another AWS account's load balancer can deliver its access logs into this bucket (confused deputy).`
          : `${what} allows ${who} without aws:SourceAccount, aws:SourceArn or aws:SourceOrgID, so another AWS account can make the service act on this resource for its own purposes (confused deputy).`
      }${effectNote}${principalNote}${conditionNote}${passRoleNote} ${fix.description}`,
      principals: names,
      witness: first.result.witness,
      fix,
    };
    const element = first.principal.element?.range ?? ctx.facts.statement.principal?.range;
    if (element) input.element = element;
    ctx.report(input);
  },
});

/** A principal as a finding names it: an AWS principal that stands for a service says which. */
function named(p: CoveredPrincipal): string {
  if (!p.standsFor) return p.name;
  const account = /(\d{12})/.exec(p.name)?.[1];
  const region = ELB_LOG_DELIVERY_ACCOUNTS.find((e) => e.account === account)?.region;
  return `${p.name} (the Elastic Load Balancing log-delivery account${region ? ` of ${region}` : ""}, which writes the access logs of every load balancer there)`;
}
