import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD301",
    slug: "unresolved-guard-value",
    severity: "info",
    title: "Verdict depends on a value unknown before deploy",
    description:
      "A source guard uses a value the tool could not resolve (a parameter without a default, an import, a variable). It is never guessed: the verdict assumes the value is one of your own accounts or resources, and this finding says so (not when the verdict does not depend on it: another guard, such as aws:SourceAccount with your account, already keeps every other account out). Likewise when the policy compares with aws:ResourceOrgID (a Deny of requests from outside your organization, `StringNotEquals aws:SourceOrgID ${aws:ResourceOrgID}`) and no `--org-id` says your account is in an organization: in an account in none, requests carry no aws:ResourceOrgID, such a Deny does not apply, and the finding shows the request that then gets in.",
    howToFix:
      "Give the value (`--parameter`, `--var`), or check that it names your own account or resource. For aws:ResourceOrgID: pass `--org-id` when the account is in an organization; otherwise pin the caller with aws:SourceAccount.",
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"],
    examples: { invalid: "", valid: "" },
  },
  check(ctx) {
    const outside = ctx.facts.outsideOrganization;
    if (outside) {
      const w = outside.witness;
      const context = Object.entries(w.context)
        .filter(([k]) => /^aws:source/i.test(k))
        .map(([k, v]) => `${k} = ${v}`)
        .join(", ");
      ctx.report({
        message: `The verdict assumes your account is in an AWS organization: the policy compares with aws:ResourceOrgID, which requests to an account in none do not carry, and then ${w.principal} can act for another account${context ? ` (${context})` : ""}. Pass --org-id if the account is in an organization; if it is not, pin the caller with aws:SourceAccount.`,
        principals: [outside.principal],
        witness: w,
      });
    }
    const first = ctx.facts.unknowns[0];
    if (!first) return;
    const names = [
      ...new Set(
        ctx.facts.unknowns.map((u) => `${u.symbol.provenance.source} (${u.symbol.provenance.reason})`),
      ),
    ];
    const input: Parameters<typeof ctx.report>[0] = {
      message: `The verdict assumes ${names.join(", ")} ${names.length > 1 ? "are" : "is"} yours: the statement is guarded only if ${names.length > 1 ? "they name" : "it names"} your own account or resource.`,
      principals: ctx.facts.principals.map((p) => p.name),
    };
    const element = first.value.range;
    if (element) input.element = element;
    ctx.report(input);
  },
});
