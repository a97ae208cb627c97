import type { IrDocument } from "../../ir/types.js";
import type { ComponentAst } from "../ast.js";
import { ComponentLoadError } from "../errors.js";
import { decodeComponent } from "../reader.js";
import { evaluateRoot } from "./evaluate.js";
import { buildWorld } from "./to-ir.js";

/**
 * The type of a component binary as an IR world (`root:component/root`, as
 * wit-parser names it): its imports and exports with every type resolved.
 * Throws ComponentLoadError on malformed input or types the IR cannot express.
 */
export function decodeWorld(bytes: Uint8Array | ArrayBuffer): IrDocument {
  return componentWorld(decodeComponent(bytes));
}

/** {@link decodeWorld} for an already decoded component (decode once, use twice). */
export function componentWorld(ast: ComponentAst): IrDocument {
  try {
    return buildWorld(evaluateRoot(ast));
  } catch (e) {
    // Pathological nesting that slipped past the explicit bounds.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new ComponentLoadError(ast.offset, `expected a component of bounded nesting, found: ${e.message}`);
    }
    throw e;
  }
}
