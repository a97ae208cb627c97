export * from "./layout.js";
export * from "./valtype.js";
export * from "./naming.js";
export * from "./plan.js";
export * from "./context.js";
export { loadStringFromRange, storeStringIntoRange } from "./strings.js";
export * from "./codec.js";
export * from "./call.js";
export * from "./glue-support.js";
