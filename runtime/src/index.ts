export * from "./ir/index.js";
export * from "./api/index.js";
