/**
 * Terraform resource addresses, as plans write them:
 * `module.a["x"].module.b.data.aws_iam_policy_document.d[0]`
 * (https://developer.hashicorp.com/terraform/cli/state/resource-addressing).
 */
export interface ResourceAddress {
  /** The module instance with its keys and a trailing dot (`module.a["x"].`), or "" for the root module. */
  modulePrefix: string;
  /** Module call names from the root (`["a", "b"]`). */
  moduleCalls: string[];
  /** `aws_s3_bucket.b` or `data.aws_iam_policy_document.d`, without an instance key. */
  resource: string;
}

/** Splits an address into its segments, keeping the instance keys (`[0]`, `["x"]`) with each. */
function segments(address: string): Array<{ name: string; key: string }> {
  const out: Array<{ name: string; key: string }> = [];
  let name = "";
  let key = "";
  let i = 0;
  while (i < address.length) {
    const c = address[i] as string;
    if (c === "[") {
      // An instance key: a number or a quoted string, in which `]` and `.` may appear.
      const start = i;
      i++;
      if (address[i] === '"') {
        i++;
        while (i < address.length && address[i] !== '"') i += address[i] === "\\" ? 2 : 1;
        i++;
      }
      while (i < address.length && address[i] !== "]") i++;
      i++;
      key += address.slice(start, i);
      continue;
    }
    if (c === ".") {
      out.push({ name, key });
      name = "";
      key = "";
    } else name += c;
    i++;
  }
  out.push({ name, key });
  return out;
}

/** Parses an address; undefined when it is not one of a resource or data source. */
export function parseAddress(address: string): ResourceAddress | undefined {
  const parts = segments(address);
  const moduleCalls: string[] = [];
  let modulePrefix = "";
  let i = 0;
  while (parts[i]?.name === "module" && i + 2 < parts.length) {
    const call = parts[i + 1] as { name: string; key: string };
    moduleCalls.push(call.name);
    modulePrefix += `module.${call.name}${call.key}.`;
    i += 2;
  }
  const rest = parts.slice(i);
  const data = rest[0]?.name === "data";
  const body = data ? rest.slice(1) : rest;
  if (body.length !== 2 || body[0]?.key !== "" || !body[0]?.name || !body[1]?.name) return undefined;
  const resource = `${data ? "data." : ""}${body[0].name}.${body[1].name}`;
  return { modulePrefix, moduleCalls, resource };
}

/** The address with every instance key removed: `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b`. */
export function configAddress(address: string): string {
  if (!address.includes("[")) return address;
  return segments(address)
    .map((s) => s.name)
    .join(".");
}

/**
 * Whether `general` names `specific` or a set of instances it belongs to: the module source analysis
 * keeps a resource or module unexpanded (no key) when its `count` or `for_each` is not known, and
 * that one value then holds for each of the plan's instances.
 */
export function covers(general: string, specific: string): boolean {
  if (general === specific) return true;
  const g = segments(general);
  const s = segments(specific);
  if (g.length !== s.length) return false;
  for (let i = 0; i < g.length; i++) {
    const a = g[i] as { name: string; key: string };
    const b = s[i] as { name: string; key: string };
    if (a.name !== b.name || (a.key !== "" && a.key !== b.key)) return false;
  }
  return true;
}
