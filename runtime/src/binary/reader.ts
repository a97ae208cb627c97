/** Entry point of the binary decoder: bytes -> ComponentAst. */
import type { ComponentAst } from "./ast.js";
import { ByteReader } from "./byte-reader.js";
import { ComponentLoadError } from "./errors.js";
import { component } from "./sections.js";

/**
 * Decodes a whole component binary (Binary.md). Core modules are not parsed,
 * only sliced: the AST holds views into `bytes` (no copies), so the caller
 * must not mutate them afterwards. Throws ComponentLoadError on malformed or
 * unsupported input.
 */
export function decodeComponent(bytes: Uint8Array | ArrayBuffer): ComponentAst {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new ComponentLoadError(
      0,
      `expected the component binary as a Uint8Array or ArrayBuffer, found ${describe(bytes)}`,
    );
  }
  return component(new ByteReader(bytes, 0, bytes.length));
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return (v as object).constructor?.name ?? "an object";
  return typeof v;
}
