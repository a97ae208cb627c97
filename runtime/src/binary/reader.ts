/** Entry point of the binary decoder: bytes -> ComponentAst. */
import type { ComponentAst } from "./ast.js";
import { ByteReader } from "./byte-reader.js";
import { ComponentLoadError } from "./errors.js";
import { component } from "./sections.js";

/**
 * Decodes a whole component binary (Binary.md). Core modules are not parsed,
 * only sliced. Throws ComponentLoadError on malformed or unsupported input.
 */
export function decodeComponent(bytes: Uint8Array): ComponentAst {
  if (!(bytes instanceof Uint8Array))
    throw new ComponentLoadError(0, "expected the component binary as a Uint8Array, found " + typeof bytes);
  const r = new ByteReader(bytes, 0, bytes.length);
  return component(r);
}
