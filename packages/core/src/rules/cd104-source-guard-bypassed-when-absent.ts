import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD104",
    slug: "source-guard-bypassed-when-absent",
    severity: "medium",
    severityNote:
      "low for a role trust policy that only PassRole-bound services (lambda, ec2, ...) get through, reported only with --strict",
    title: "Source guard passes when the key is absent",
    description:
      "The only source guard is an `...IfExists` operator, a `ForAllValues:` operator or `Null: true`. Each of them is true when the request has no such key, and services do not send the source keys on every call path, so a foreign request without the key gets through.",
    howToFix: "Use the plain operator (`StringEquals`, `ArnLike`) so that the key must be present and match.",
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:210987654322:jobs", "Condition": {"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:events:us-east-1:210987654322:rule/jobs"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:210987654322:jobs", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:210987654322:rule/jobs"}}}`,
    },
  },
  check(ctx) {
    const hits = ctx.facts.verdicts.filter((v) => v.result.reachable && v.diagnoses.has("CD104"));
    const first = hits[0];
    if (!first?.result.reachable) return;
    const culprit = first.culprits.get("CD104");
    const op = culprit?.operator.text ?? "the guard";
    const fix = ctx.fixes.sourceGuard(
      ctx.facts,
      hits.map((h) => h.principal),
    );
    const input: Parameters<typeof ctx.report>[0] = {
      message: `${op} on ${culprit?.key ?? "the source key"} is true when the request has no such key; a request from another account that omits it gets through. Use the operator without IfExists / ForAllValues (or drop Null: true).`,
      principals: hits.map((h) => h.principal.name),
      witness: first.result.witness,
      fix,
    };
    const element = culprit?.operatorRange;
    if (element) input.element = element;
    ctx.report(input);
  },
});
