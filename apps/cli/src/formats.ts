import { type InputFormat, policyJsonFormat } from "@deputyguard/core";

/**
 * The input formats, most specific first: an adapter that recognises a file by its content takes it
 * before the plain IAM policy reader does.
 */
export function loadFormats(): InputFormat[] {
  return [policyJsonFormat];
}
