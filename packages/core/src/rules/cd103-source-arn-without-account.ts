import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD103",
    slug: "source-arn-without-account",
    severity: "medium",
    severityNote:
      "low for a role trust policy that only PassRole-bound services (lambda, ec2, ...) get through, reported only with --strict",
    title: "aws:SourceArn without an account",
    description:
      "`aws:SourceArn` names a resource whose ARN has no account field (an S3 bucket, for example) and nothing pins the owner. If the resource is deleted, another account can create one with the same name and use the service against this resource. (A wildcard in the name, `arn:aws:s3:::logs-*`, admits resources another account simply creates: that is CD102.)",
    howToFix:
      "Add `aws:SourceAccount` (StringEquals, your account id) next to `aws:SourceArn`, as AWS recommends when the source ARN carries no account.",
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
      "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:210987654322:uploads", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-bucket"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:210987654322:uploads", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-bucket"}, "StringEquals": {"aws:SourceAccount": "210987654322"}}}`,
    },
  },
  check(ctx) {
    const hits = ctx.facts.verdicts.filter((v) => v.result.reachable && v.diagnoses.has("CD103"));
    const first = hits[0];
    if (!first?.result.reachable) return;
    const culprit = first.culprits.get("CD103");
    const fix = ctx.fixes.sourceGuard(
      ctx.facts,
      hits.map((h) => h.principal),
    );
    const arn = Object.entries(first.result.witness.context).find(
      ([k]) => k.toLowerCase() === "aws:sourcearn",
    )?.[1];
    const input: Parameters<typeof ctx.report>[0] = {
      message: `aws:SourceArn ${arn ? `(${ctx.display(arn)}) ` : ""}names a resource whose ARN has no account, and nothing pins the owner: another account that takes over the name gets through. Add aws:SourceAccount with your account id.`,
      principals: hits.map((h) => h.principal.name),
      witness: first.result.witness,
      fix,
    };
    const element = culprit?.range;
    if (element) input.element = element;
    ctx.report(input);
  },
});
