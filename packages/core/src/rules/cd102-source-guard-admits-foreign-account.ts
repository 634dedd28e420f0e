import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD102",
    slug: "source-guard-admits-foreign-account",
    severity: "high",
    severityNote:
      "low for a role trust policy that only PassRole-bound services (lambda, ec2, ...) get through, reported only with --strict",
    title: "Source guard admits another account",
    description:
      "The statement has a source guard, but a request from another AWS account still satisfies it: a wildcard in the account part of `aws:SourceArn`, a wildcard `aws:SourceAccount`, a negated operator (StringNotEquals, ArnNotLike) on a source key in an Allow, `Null: false` alone, or a literal account that is not one of yours (`--account`).",
    howToFix:
      "Name your own account exactly: `StringEquals` on `aws:SourceAccount`, and an `aws:SourceArn` pattern whose account component is your account id.",
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:210987654322:orders", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:orders-topic"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:210987654322:orders", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:210987654322:orders-topic"}}}`,
    },
  },
  check(ctx) {
    const hits = ctx.facts.verdicts.filter((v) => v.result.reachable && v.diagnoses.has("CD102"));
    const first = hits[0];
    if (!first?.result.reachable) return;
    const culprit = first.culprits.get("CD102");
    const w = first.result.witness;
    const shown = Object.entries(w.context)
      .filter(([k]) => k.toLowerCase().startsWith("aws:source") || culprit?.keyLower === k.toLowerCase())
      .map(([k, v]) => `${k} = ${ctx.display(v)}`)
      .join(", ");
    const guard = culprit
      ? `${culprit.operator.text} on ${culprit.key}`
      : "the Deny statements' source guards";
    const fix = ctx.fixes.sourceGuard(
      ctx.facts,
      hits.map((h) => h.principal),
    );
    const input: Parameters<typeof ctx.report>[0] = {
      message: `${guard} admits a request from another account (${shown || "no source keys"}), so the service can be made to act for that account. ${fix.description}`,
      principals: hits.map((h) => h.principal.name),
      witness: w,
      fix,
    };
    const element = culprit?.range ?? culprit?.keyRange;
    if (element) input.element = element;
    ctx.report(input);
  },
});
