/** `@witgen/runtime/async`: the async half of the Canonical ABI (streams, futures, waitables, built-ins). */
export * from "./event-code.js";
export * from "./element-codec.js";
export * from "./buffer.js";
export * from "./waitable.js";
export * from "./waitable-set.js";
export * from "./copy-end.js";
export * from "./stream.js";
export * from "./future.js";
export * from "./error-context.js";
export * from "./lift-lower.js";
export * from "./host-ends.js";
export * from "./builtins.js";
export * from "./debug.js";
export type {
  CoreValue,
  LinearMemory,
  HandleTable,
  InstanceLike,
} from "./deps.js";
export * from "./abi-adapter.js";
