import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD202",
    slug: "source-account-arn-mismatch",
    severity: "high",
    title: "aws:SourceAccount and aws:SourceArn name different accounts",
    description:
      "When a statement uses both keys, the account in `aws:SourceArn` and `aws:SourceAccount` must be the same: a request carries one source. If no value of one can agree with any value of the other, the statement never applies and the service's calls fail.",
    howToFix: "Use the same account id in both keys.",
    references: [
      "https://docs.aws.amazon.com/connect/latest/adminguide/cross-service-confused-deputy-prevention.html",
      "https://docs.aws.amazon.com/dms/latest/userguide/cross-service-confused-deputy-prevention.html",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "connect.amazonaws.com"}, "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:210987654322:chat", "Condition": {"StringEquals": {"aws:SourceAccount": "210987654322"}, "ArnEquals": {"aws:SourceArn": "arn:aws:connect:us-east-1:246813579135:instance/abc"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "connect.amazonaws.com"}, "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:210987654322:chat", "Condition": {"StringEquals": {"aws:SourceAccount": "210987654322"}, "ArnEquals": {"aws:SourceArn": "arn:aws:connect:us-east-1:210987654322:instance/abc"}}}`,
    },
  },
  check(ctx) {
    const m = ctx.facts.accountMismatch;
    if (!m) return;
    const input: Parameters<typeof ctx.report>[0] = {
      message: `${m.sourceAccount.key} is ${m.accounts.map(ctx.display).join(" or ")} but ${m.sourceArn.key} names account ${[...new Set(m.arnAccounts)].map(ctx.display).join(" or ")}: one request cannot satisfy both, so the statement never applies and the service's calls fail. Use the same account in both keys.`,
      principals: ctx.facts.principals.map((p) => p.name),
    };
    const element = m.sourceArn.range ?? m.sourceArn.keyRange;
    if (element) input.element = element;
    ctx.report(input);
  },
});
