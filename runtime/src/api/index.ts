// The types generated bindings refer to. Declarations only, apart from the tiny ComponentError.
import "./web-streams.js";

export type { ErrorContext } from "./error-context.js";
export type { FutureReader, FutureSource, FutureWriter } from "./futures.js";
export { ComponentError, type Option, type Result } from "./result.js";
export type { StreamChunk, StreamReader, StreamSource, StreamWriter } from "./streams.js";
