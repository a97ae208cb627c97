import type { IrDocument } from "../../ir/types.js";
import { ComponentLoadError } from "../errors.js";
import { decodeComponent } from "../reader.js";
import { evaluateRoot } from "./evaluate.js";
import { buildWorld } from "./to-ir.js";

/**
 * The type of a component binary as an IR world (`root:component/root`, as
 * wit-parser names it): its imports and exports with every type resolved.
 * Throws ComponentLoadError on malformed input or types the IR cannot express.
 */
export function decodeWorld(bytes: Uint8Array): IrDocument {
  const ast = decodeComponent(bytes);
  try {
    return buildWorld(evaluateRoot(ast));
  } catch (e) {
    // Pathological nesting that slipped past the explicit bounds.
    if (e instanceof RangeError)
      throw new ComponentLoadError(0, `expected a component of bounded nesting, found: ${e.message}`);
    throw e;
  }
}
