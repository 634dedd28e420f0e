import {
  type Diagnostic,
  diagnostic,
  getEntryOf,
  type ObjectNode,
  type SourceNode,
  type SourceRange,
  scalarText,
} from "../tree.js";

/** The choices under which a resource made by Fn::ForEach exists (when only some choices make it). */
export const copyChoices = new WeakMap<SourceNode, { choices: ReadonlyMap<string, number>; label: string }>();

export interface ParameterModel {
  name: string;
  type: string;
  definition: ObjectNode | undefined;
  range: SourceRange | undefined;
}

export interface ResourceModel {
  id: string;
  type: string;
  node: ObjectNode;
  properties: ObjectNode | undefined;
  condition: string | undefined;
  /** For a copy of Fn::ForEach that only some choices make: those choices, and what they are. */
  only?: { choices: ReadonlyMap<string, number>; label: string };
  /** The logical id as written (findings on permission resources point here). */
  keyRange: SourceRange | undefined;
  range: SourceRange | undefined;
}

/** The sections of a template, indexed. Keys are user input, so every index is a `Map`. */
export interface TemplateModel {
  file: string;
  text: string;
  root: ObjectNode;
  parameters: Map<string, ParameterModel>;
  mappings: ObjectNode | undefined;
  conditions: Map<string, SourceNode>;
  resources: Map<string, ResourceModel>;
  transforms: string[];
}

export function buildModel(
  root: ObjectNode,
  file: string,
  text: string,
  diagnostics: Diagnostic[],
): TemplateModel {
  const parameters = new Map<string, ParameterModel>();
  const params = getEntryOf(root, "Parameters")?.value;
  if (params?.kind === "object") {
    for (const e of params.entries) {
      const def = e.value.kind === "object" ? e.value : undefined;
      const type = (def && scalarText(getEntryOf(def, "Type")?.value)) ?? "String";
      parameters.set(e.key, { name: e.key, type, definition: def, range: e.keyRange });
    }
  }
  const conditions = new Map<string, SourceNode>();
  const conds = getEntryOf(root, "Conditions")?.value;
  if (conds?.kind === "object") for (const e of conds.entries) conditions.set(e.key, e.value);
  const resources = new Map<string, ResourceModel>();
  const res = getEntryOf(root, "Resources")?.value;
  if (res && res.kind !== "object") {
    diagnostics.push(
      diagnostic("TemplateShape", "error", "Resources must be a mapping of logical ids", file, res.range),
    );
  }
  if (res?.kind === "object") {
    for (const e of res.entries) {
      if (e.value.kind !== "object") {
        // A loop (AWS::LanguageExtensions) is expanded before the model is built again.
        if (e.key.startsWith("Fn::ForEach::")) continue;
        diagnostics.push(
          diagnostic(
            "TemplateShape",
            "warning",
            `resource ${e.key} is not a mapping; it is skipped`,
            file,
            e.keyRange,
          ),
        );
        continue;
      }
      const type = scalarText(getEntryOf(e.value, "Type")?.value);
      if (type === undefined) {
        diagnostics.push(
          diagnostic(
            "TemplateShape",
            "warning",
            `resource ${e.key} has no Type; it is skipped`,
            file,
            e.keyRange,
          ),
        );
        continue;
      }
      const props = getEntryOf(e.value, "Properties")?.value;
      const only = copyChoices.get(e.value);
      resources.set(e.key, {
        id: e.key,
        type,
        node: e.value,
        properties: props?.kind === "object" ? props : undefined,
        condition: scalarText(getEntryOf(e.value, "Condition")?.value),
        ...(only ? { only } : {}),
        keyRange: e.keyRange,
        range: e.value.range,
      });
    }
  }
  const transforms: string[] = [];
  const t = getEntryOf(root, "Transform")?.value;
  if (t?.kind === "array")
    for (const item of t.items) {
      const s = scalarText(item);
      if (s) transforms.push(s);
    }
  else {
    const s = scalarText(t);
    if (s) transforms.push(s);
  }
  const mappings = getEntryOf(root, "Mappings")?.value;
  return {
    file,
    text,
    root,
    parameters,
    mappings: mappings?.kind === "object" ? mappings : undefined,
    conditions,
    resources,
    transforms,
  };
}
