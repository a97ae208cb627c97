/** `@witgen/runtime/task`: tasks, subtasks, the store's event loop, `canon lift` / `canon lower` drivers. */
export * from "./store.js";
export * from "./instance.js";
export * from "./task.js";
export * from "./thread.js";
export * from "./subtask.js";
export * from "./backpressure.js";
export * from "./callback-loop.js";
export * from "./lower.js";
export * from "./current.js";
export * from "./host-function.js";
