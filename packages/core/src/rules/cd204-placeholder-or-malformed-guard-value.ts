import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD204",
    slug: "placeholder-or-malformed-guard-value",
    severity: "high",
    title: "Placeholder or malformed value in a source guard",
    description:
      "A source guard holds text copied from documentation (`your AWS account ID`, `accountNumber`, `your_account_id`, a `region` ARN component), an account id that AWS documentation uses as an example (unless you declare it as yours with `--account`), or a value that is not an account id, ARN or organization id. In an ARN, such words count in its Region and account components (a resource named `rule/sync-account-id-mapping` is not a placeholder). The guard never matches the real source, so legitimate calls fail, or the deploy is rejected.",
    howToFix: "Replace the value with your real account id, ARN or organization id.",
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "personalize.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "accountNumber"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "personalize.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "210987654322"}}}`,
    },
  },
  check(ctx) {
    const first = ctx.facts.valueProblems[0];
    if (!first) return;
    const more = ctx.facts.valueProblems.length - 1;
    const input: Parameters<typeof ctx.report>[0] = {
      message: `${first.guard.entry.key}: ${first.problem}${more > 0 ? ` (and ${more} more value${more > 1 ? "s" : ""})` : ""}. The guard never matches the real source: replace it with your own ${first.guard.kind === "arn" ? "resource ARN" : first.guard.kind === "org" ? "organization id" : "account id"}.`,
      principals: ctx.facts.principals.map((p) => p.name),
    };
    const element = first.value.range ?? first.guard.entry.range;
    if (element) input.element = element;
    ctx.report(input);
  },
});
