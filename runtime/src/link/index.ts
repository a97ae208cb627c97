/** `@witgen/runtime/link`: the component instantiator and the adapter seam for generated glue. */
export * from "./adapters.js";
export * from "./errors.js";
export { lookupImport, semverCompatible } from "./names.js";
export { describeAbiType, describeSignature } from "./types.js";
