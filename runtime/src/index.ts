export * from "./ir/index.js";
export * from "./api/index.js";
export * from "./trap.js";
export * from "./instance-state.js";
export * from "./abi/index.js";
export * from "./resources/index.js";
export * from "./component.js";
export * from "./link/index.js";
