/**
 * `@witgen/runtime/binary`: decodes component binaries (Binary.md) into a
 * typed AST, and a component's type into the witgen IR.
 */
export type * from "./ast.js";
export { ComponentLoadError } from "./errors.js";
export { decodeComponent } from "./reader.js";
export { componentWorld, decodeWorld } from "./world/decode-world.js";
export { debugName, indexSpaces, type Definition, type IndexSpaces } from "./index-spaces.js";
