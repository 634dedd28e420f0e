import { conditionBlockOf } from "../engine/fix.js";
import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD105",
    slug: "source-arn-string-operator",
    severity: "low",
    title: "StringLike on aws:SourceArn",
    description:
      "`StringLike` matches the ARN as one string, so a `*` in or before the account component can span ARN components: `arn:aws:dms:*:210987654322:*` also matches a foreign resource whose name embeds `:210987654322:`. `ArnLike` matches each component separately. The CloudTrail documentation shows StringLike for wildcard source ARNs; IAM's operator reference and IAM Access Analyzer prefer ArnLike. It concerns a value written as a full ARN (its account is the fifth component); whatever the form, the analysis decides whether a foreign ARN matches, and if one does (the account component admits another account, or a `*` lets a foreign ARN end the way the value does), that is CD102 instead.",
    howToFix: "Use `ArnLike` (or `ArnEquals`, the same operator) for `aws:SourceArn`.",
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN",
      "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cross-service-confused-deputy-prevention.html",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail-logs/*", "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:210987654322:trail/*"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail-logs/*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:210987654322:trail/*"}}}`,
    },
  },
  check(ctx) {
    const first = ctx.facts.stringLikeArns[0];
    if (!first) return;
    const text = first.value.parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("");
    const input: Parameters<typeof ctx.report>[0] = {
      message: `StringLike on ${first.guard.entry.key} matches "${ctx.display(text)}" as one string, so its * can span ARN components; ArnLike matches each component separately (the CloudTrail guide shows StringLike, IAM's operator reference prefers ArnLike). Write "ArnLike" instead of "StringLike".`,
      principals: ctx.facts.principals.map((p) => p.name),
      fix: {
        description: "Use ArnLike for aws:SourceArn.",
        text: `"ArnLike": { "${first.guard.entry.key}": ${JSON.stringify(ctx.display(text))} }`,
        condition: conditionBlockOf(ctx.facts.statement.conditions, (c) =>
          ctx.facts.stringLikeArns.some((g) => g.guard.entry === c) ? "ArnLike" : c.operator.text,
        ),
      },
    };
    const element = first.guard.entry.operatorRange;
    if (element) input.element = element;
    ctx.report(input);
  },
});
