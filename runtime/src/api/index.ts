// The types generated bindings refer to, and the host-side implementation of streams and futures.
import "./web-streams.js";

export type { ErrorContext } from "./error-context.js";
export type { FutureReader, FutureSource, FutureWriter } from "./futures.js";
export { ComponentError, type Option, type Result } from "./result.js";
export type { StreamChunk, StreamReader, StreamSource, StreamWriter } from "./streams.js";
export { AsyncUsageError, CancelledError, JspiUnavailableError, StreamClosedError } from "./errors.js";
export { type StreamElementType } from "./element-type.js";
export {
  future,
  futureFrom,
  isFutureReader,
  isStreamReader,
  stream,
  streamFrom,
  wrapLiftedFuture,
  wrapLiftedStream,
} from "./create.js";
export { BackgroundScope, type BackgroundScopeOptions, currentBackgroundScope, spawn } from "./background.js";
export { blockOn, jspiAvailable, runSuspendable } from "./block-on.js";
export { apiAsyncValueHooks, errorContext, takeFutureForLowering, takeStreamForLowering } from "./value-hooks.js";
