import type { DirectoryResult, ExtractResult, InputFormat, ScanInput, ScanOptions } from "@deputyguard/core";
import { policyJsonFormat } from "@deputyguard/core";

type Loader = () => Promise<InputFormat>;

/**
 * A format whose package is imported only when an input may need it: a scan of one template does not
 * load the Terraform reader, and a scan of policy files loads neither adapter. `mayBe` is a cheap look
 * at the text; when it says yes, `prepare` loads the real format, whose own `recognises` then decides.
 */
class LazyFormat implements InputFormat {
  private real: InputFormat | undefined;
  /** Only for formats that read a file with its directory (a `.tf` is part of a module). */
  readonly scanFileInContext?: (file: string, options: ScanOptions) => Promise<DirectoryResult | undefined>;
  constructor(
    readonly name: string,
    readonly extensions: readonly string[],
    private readonly load: Loader,
    private readonly mayBe: (input: ScanInput) => boolean,
    private readonly directories: boolean,
    inContext = false,
  ) {
    if (inContext)
      this.scanFileInContext = async (file, options) => (await this.get()).scanFileInContext?.(file, options);
  }
  async prepare(input: ScanInput): Promise<void> {
    if (!this.real && this.mayBe(input)) this.real = await this.load();
  }
  private async get(): Promise<InputFormat> {
    this.real ??= await this.load();
    return this.real;
  }
  recognises(input: ScanInput): boolean {
    return this.real?.recognises(input) ?? false;
  }
  async extract(input: ScanInput, options: ScanOptions): Promise<ExtractResult> {
    return (await this.get()).extract(input, options);
  }
  async scanDirectory(dir: string, options: ScanOptions): Promise<DirectoryResult | undefined> {
    if (!this.directories) return undefined;
    const real = await this.get();
    return real.scanDirectory?.(dir, options);
  }
}

const cloudFormation = (): Promise<InputFormat> =>
  import("@deputyguard/cloudformation").then((m) => m.cloudFormationFormat);
const terraform = (): Promise<typeof import("@deputyguard/terraform")> => import("@deputyguard/terraform");

/**
 * The input formats, most specific first: a CloudFormation template or a Terraform plan is also JSON,
 * so the adapters look at a file before the plain IAM policy reader does.
 */
export function loadFormats(): InputFormat[] {
  return [
    new LazyFormat(
      "cloudformation",
      [".json", ".yaml", ".yml", ".template", ".cfn"],
      cloudFormation,
      (i) => i.text.includes("AWS::") || i.text.includes("AWSTemplateFormatVersion"),
      true,
    ),
    new LazyFormat(
      "terraform-plan",
      [".json"],
      () => terraform().then((m) => m.terraformPlanFormat),
      (i) => i.text.includes('"format_version"'),
      false,
    ),
    new LazyFormat(
      "terraform",
      [".tf", ".tf.json", ".tofu", ".tofu.json"],
      () => terraform().then((m) => m.terraformFormat),
      (i) => /\.(tf|tofu)(\.json)?$/i.test(i.file),
      true,
      true,
    ),
    policyJsonFormat,
  ];
}

/** Loads the formats an input may need, before their synchronous `recognises` is asked. */
export async function prepareFormats(formats: InputFormat[], input: ScanInput): Promise<void> {
  for (const f of formats) if (f instanceof LazyFormat) await f.prepare(input);
}
