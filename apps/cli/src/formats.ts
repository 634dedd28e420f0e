import { type InputFormat, policyJsonFormat } from "@deputyguard/core";

/**
 * The input formats, most specific first: a CloudFormation template or a Terraform plan is also JSON,
 * so the adapters look at a file before the plain IAM policy reader does. The adapters are loaded
 * on demand so that a run on policy files alone stays fast; the Terraform reader loads its HCL parser
 * only when HCL is scanned.
 */
export async function loadFormats(): Promise<InputFormat[]> {
  const [{ cloudFormationFormat }, { terraformFormat, terraformPlanFormat }] = await Promise.all([
    import("@deputyguard/cloudformation"),
    import("@deputyguard/terraform"),
  ]);
  return [cloudFormationFormat, terraformPlanFormat, terraformFormat, policyJsonFormat];
}
