import { describe, expect, it } from "vitest";
import { shortName } from "../src/model/values.js";

// From the corpus (terraform-aws-modules/terraform-aws-lambda modules/alias): a CD101 message named
// four unknown source arguments as `<aws_lambda_permission.qualified_alias_triggers each.value.s…>`,
// `<… each.value.s…>`, `<… each.value.p…>`, `<… each.value.e…>`: the cut took the part that tells
// them apart.
describe("shortName", () => {
  const base = "aws_lambda_permission.qualified_alias_triggers each.value.";
  it("keeps a long name's start and end, so that names differing at the end stay apart", () => {
    const names = ["source_arn", "source_account", "principal_org_id", "event_source_token"].map((k) =>
      shortName(`${base}${k}`),
    );
    expect(new Set(names).size).toBe(4);
    for (const n of names) {
      expect(n.length).toBe(60);
      expect(n.startsWith("aws_lambda_permission.")).toBe(true);
    }
    expect(names[1]).toBe("aws_lambda_permission.qu…_triggers each.value.source_account");
  });

  it("leaves a short name alone, on one line", () => {
    expect(shortName("var.account")).toBe("var.account");
    expect(shortName("  local.a\n   .b  ")).toBe("local.a .b");
    expect(shortName("x".repeat(60))).toBe("x".repeat(60));
  });
});
