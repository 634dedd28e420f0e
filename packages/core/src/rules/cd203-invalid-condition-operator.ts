import { conditionBlockOf } from "../engine/fix.js";
import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD203",
    slug: "invalid-condition-operator",
    severity: "high",
    title: "Not an IAM condition operator",
    description:
      'The condition operator is not one IAM knows (`ArnEqual`, `" ArnEquals"` with a space, `StringEqual`, `stringEquals` in another case, a misspelt `ForAnyValue:` prefix). AWS\'s own documentation has published both of the first two. IAM Access Analyzer reports it as an error; the guard is either rejected at deploy time or never counts, so it protects nothing.',
    howToFix:
      "Write the operator exactly as IAM spells it; the message names the likely intended one. When the guard, written as meant, would still admit another account (one that is not yours under --account), the fix also pins the caller to your own account.",
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
    ],
    examples: {
      invalid: `{"Effect": "Allow", "Principal": {"Service": "dms.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"ArnEqual": {"aws:SourceArn": "arn:aws:dms:us-east-1:210987654322:rep:my-instance"}}}`,
      valid: `{"Effect": "Allow", "Principal": {"Service": "dms.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:dms:us-east-1:210987654322:rep:my-instance"}}}`,
    },
  },
  check(ctx) {
    const first = ctx.facts.invalidOperators[0];
    if (!first) return;
    const all = [...new Set(ctx.facts.invalidOperators.map((c) => JSON.stringify(c.operator.text)))].join(
      ", ",
    );
    const suggestion = first.operator.suggestion;
    const input: Parameters<typeof ctx.report>[0] = {
      message: `${all} ${ctx.facts.invalidOperators.length > 1 ? "are not IAM condition operators" : "is not an IAM condition operator"}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}: the policy is rejected or the guard never counts, so it protects nothing.`,
      principals: ctx.facts.principals.map((p) => p.name),
    };
    const corrected = ctx.facts.correctedAdmitsForeign;
    if (suggestion && corrected) {
      // Written as meant, the guard would admit another account: the fix also pins the caller.
      const fix = ctx.fixes.sourceGuard({ ...ctx.facts, statement: corrected }, ctx.facts.principals);
      input.message += ` Written as meant, the guard would still admit another account: pin the caller to your own account. ${fix.description}`;
      input.fix = fix;
    } else if (suggestion) {
      input.fix = {
        description: `Write "${suggestion}".`,
        text: `"${suggestion}": { "${first.key}": ${JSON.stringify(first.values.map((v) => v.parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("")))} }`,
        condition: conditionBlockOf(ctx.facts.statement.conditions, (c) =>
          c.operator.base === null && c.operator.suggestion ? c.operator.suggestion : c.operator.text,
        ),
      };
    }
    const element = first.operatorRange;
    if (element) input.element = element;
    ctx.report(input);
  },
});
