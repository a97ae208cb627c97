/**
 * The types generated bindings refer to, and their implementation for streams and futures on
 * the host side (one API whatever the peer: another host end or a component):
 * - `stream()` / `future()` make pairs; `streamFrom()` / `futureFrom()` turn any
 *   `StreamSource` / `FutureSource` into a reader end (pumped in the background);
 * - `spawn()` / `BackgroundScope` run background work whose failures are reported;
 * - `blockOn()` / `runSuspendable()` block a synchronous import through JSPI;
 * - `apiAsyncValueHooks()` is what the instantiator gives the ABI core so lifted streams and
 *   futures arrive as these objects and sources are lowered into components.
 */
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
