import { valueText } from "../analysis/guards.js";
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
      'Use `ArnLike` for an `aws:SourceArn` pattern whose account is written out and yours, or write the exact value. A pattern that would match other accounts (`"*"`, an ARN with a wildcard account or the id of an account not yours, a partial account id) must not become a `StringLike`/`ArnLike` pattern: pin the caller with `aws:SourceAccount` (and `aws:SourceArn`) of your own account instead, which is what `--fix` writes.',
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
    // Switching the operator keeps the pattern: safe only for an ARN whose account is written out.
    // A wildcard account ("*", "2109*") or an ARN with a wildcard account would then admit other
    // accounts, so the fix pins the caller instead (a --fix --write had turned a guard that blocks
    // everyone into one that admits everyone).
    const keepsOwner =
      !ctx.facts.likeAdmitsForeign &&
      ctx.facts.exactWildcards.every((g) => {
        if (g.guard.entry.keyLower !== "aws:sourcearn") return false;
        // A fixed account, the deploying one, or one not known before deployment (trusted as ours).
        const account = valueText(g.value, () => "\u0000").split(":")[4];
        return account !== undefined && (/^\d{12}$/.test(account) || account === "\u0000");
      });
    if (!keepsOwner) {
      const fix = ctx.fixes.sourceGuard(ctx.facts, ctx.facts.principals);
      const pinned: Parameters<typeof ctx.report>[0] = {
        message: `${entry.operator.text} compares ${entry.key} with "${ctx.display(text)}" literally: * and ? are not wildcards there, so no real request matches and the service's own calls are refused. ${like} would make it a pattern that admits other accounts: pin the caller to your own account instead. ${fix.description}`,
        principals: ctx.facts.principals.map((p) => p.name),
        fix,
      };
      const at = first.value.range ?? entry.range;
      if (at) pinned.element = at;
      ctx.report(pinned);
      return;
    }
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
