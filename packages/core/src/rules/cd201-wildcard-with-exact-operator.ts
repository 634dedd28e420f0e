import { conditionBlockOf } from "../engine/fix.js";
import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD201",
    slug: "wildcard-with-exact-operator",
    severity: "high",
    title: "Wildcard under an exact string operator",
    description:
      "`*` and `?` are literal characters under `StringEquals` and `StringEqualsIgnoreCase`, so the guard never matches a real source and the legitimate service calls fail. `ArnEquals` with wildcards is fine: it is the same operator as `ArnLike`.",
    howToFix:
      "Use `ArnLike` for `aws:SourceArn` patterns, `StringLike` for other keys, or write the exact value.",
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String",
      "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cross-service-confused-deputy-prevention.html",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail-logs/*", "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:*:210987654322:trail/*"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail-logs/*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:210987654322:trail/*"}}}`,
    },
  },
  check(ctx) {
    const first = ctx.facts.exactWildcards[0];
    if (!first) return;
    const text = first.value.parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("");
    const entry = first.guard.entry;
    const like = entry.keyLower === "aws:sourcearn" ? "ArnLike" : "StringLike";
    const input: Parameters<typeof ctx.report>[0] = {
      message: `${entry.operator.text} compares ${entry.key} with "${ctx.display(text)}" literally: * and ? are not wildcards there, so no real request matches and the service's own calls are refused. Use ${like}.`,
      principals: ctx.facts.principals.map((p) => p.name),
      fix: {
        description: `Use ${like} for ${entry.key}.`,
        text: `"${like}": { "${entry.key}": ${JSON.stringify(ctx.display(text))} }`,
        condition: conditionBlockOf(ctx.facts.statement.conditions, (c) =>
          ctx.facts.exactWildcards.some((g) => g.guard.entry === c)
            ? c.keyLower === "aws:sourcearn"
              ? "ArnLike"
              : "StringLike"
            : c.operator.text,
        ),
      },
    };
    const element = first.value.range ?? entry.range;
    if (element) input.element = element;
    ctx.report(input);
  },
});
