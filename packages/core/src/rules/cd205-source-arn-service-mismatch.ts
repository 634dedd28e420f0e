import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD205",
    slug: "source-arn-service-mismatch",
    severity: "medium",
    title: "aws:SourceArn names a resource the service never acts for",
    description:
      "The service knowledge table lists the resources each service principal sends as `aws:SourceArn`. This guard names a resource of another service, so it never matches the service's real calls (a copy-paste slip, or the wrong principal).",
    howToFix:
      "Name the ARN of the resource that uses the service (for CloudTrail, the trail), or fix the principal.",
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail-logs/*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:210987654322:alerts"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail-logs/*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:210987654322:trail/main"}}}`,
    },
  },
  check(ctx) {
    const first = ctx.facts.serviceMismatches[0];
    if (!first) return;
    const input: Parameters<typeof ctx.report>[0] = {
      message: `aws:SourceArn names a "${first.service}" resource, but ${first.principal.name} sends the ARN of ${first.expected.map((e) => `a "${e}" resource`).join(" or ")} (service knowledge table), so the guard never matches its calls.`,
      principals: [...new Set(ctx.facts.serviceMismatches.map((m) => m.principal.name))],
    };
    const element = first.value.range;
    if (element) input.element = element;
    ctx.report(input);
  },
});
