import { defineRule } from "./types.js";

export default defineRule({
  meta: {
    id: "CD301",
    slug: "unresolved-guard-value",
    severity: "info",
    title: "Verdict depends on a value unknown before deploy",
    description:
      "A source guard uses a value the tool could not resolve (a parameter without a default, an import, a variable). It is never guessed: the verdict assumes the value is one of your own accounts or resources, and this finding says so.",
    howToFix: "Give the value (`--parameter`, `--var`), or check that it names your own account or resource.",
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"],
    examples: { invalid: "", valid: "" },
  },
  check(ctx) {
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
