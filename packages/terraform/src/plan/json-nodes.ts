import type { ObjectNode, SourceNode } from "@deputyguard/core";
import { parseJsonSource } from "@deputyguard/core";

export { parseJsonSource };

/** An object entry's value by key (the last one wins, as JSON.parse does). */
export function getEntryNode(node: ObjectNode, key: string): SourceNode | undefined {
  let found: SourceNode | undefined;
  for (const e of node.entries) if (e.key === key) found = e.value;
  return found;
}
