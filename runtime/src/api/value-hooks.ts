/**
 * The seam between the ABI core and this API: `AsyncValueHooks` that lift `stream` /
 * `future` / `error-context` values to the JS objects of this API and lower any
 * `StreamSource` / `FutureSource` / `ErrorContext` back. The instantiator passes
 * `apiAsyncValueHooks(codecOf)` to every `LiftLowerContext` instead of the async half's
 * bare `asyncValueHooks(codecOf)` (which hands out the shared states themselves).
 *
 * Lowering moves the reader end into the component (CanonicalABI.md "Storing" lower_stream /
 * lower_future): the JS reader becomes unusable; a late-bound element type is bound to the
 * component's type here; a reader of another element type is an `AsyncUsageError`.
 */
import type { AsyncValueHooks } from "../abi/context.js";
import type { AbiType } from "../abi/valtype.js";
import { asyncValueHooks } from "../async/abi-adapter.js";
import type { ElementCodec } from "../async/element-codec.js";
import { ErrorContext as SharedErrorContext } from "../async/error-context.js";
import type { SharedFuture } from "../async/future.js";
import type { SharedStream } from "../async/stream.js";
import { futureFrom, streamFrom, wrapLiftedFuture, wrapLiftedStream } from "./create.js";
import type { ErrorContext } from "./error-context.js";
import { LateCodec } from "./element-type.js";
import type { SourceFailureSink } from "../task/source-failures.js";
import { AbiValueError } from "../trap.js";
import { AsyncUsageError } from "./errors.js";
import { HostFutureReaderApi } from "./future-ends.js";
import { HostStreamReaderApi } from "./stream-reader.js";
import type { FutureSource } from "./futures.js";
import type { StreamSource } from "./streams.js";

/** Bind a late element type, or check that the end carries `codec`'s elements. */
function bindOrCheck(shared: { codec: ElementCodec }, codec: ElementCodec, what: string, operation: string): void {
  const c = shared.codec;
  if (c instanceof LateCodec) {
    c.bind(codec, `passing the ${what} into a component`, operation);
    return;
  }
  if (c.typeKey !== codec.typeKey)
    throw new AsyncUsageError(
      operation,
      `the ${what} carries ${c.typeKey} elements, the component expects ${codec.typeKey}`,
    );
}

/** The shared state of a `StreamSource` moved out of JS for lowering as `stream<element>`. */
export function takeStreamForLowering(value: unknown, codec: ElementCodec, failures?: SourceFailureSink): SharedStream {
  const operation = `lowering a stream<${codec.typeKey}>`;
  return asValueError(() => {
    const reader = streamFrom(value as StreamSource<unknown>, undefined) as unknown as HostStreamReaderApi<unknown>;
    bindOrCheck(reader.sharedStream, codec, "stream", operation);
    return reader.transfer(operation, failures);
  });
}

export function takeFutureForLowering(value: unknown, codec: ElementCodec, failures?: SourceFailureSink): SharedFuture {
  const operation = `lowering a future<${codec.typeKey}>`;
  return asValueError(() => {
    const reader = futureFrom(value as FutureSource<unknown>, undefined) as unknown as HostFutureReaderApi<unknown>;
    bindOrCheck(reader.sharedFuture, codec, "future", operation);
    return reader.transfer(operation, failures);
  });
}

/** A value the host cannot pass is an `AbiValueError`, so the caller's error names the function and parameter. */
function asValueError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof AsyncUsageError) throw Object.assign(new AbiValueError(e.message.slice(e.operation.length + 2)), { cause: e });
    throw e;
  }
}

/** An `error-context` as JS holds it (Explainer.md "Error Context"). */
class ErrorContextHandle implements ErrorContext {
  constructor(readonly shared: SharedErrorContext) {}
  get debugMessage(): string {
    return this.shared.debugMessage;
  }
}

/** A new error-context the host can pass to a component. */
export function errorContext(debugMessage: string): ErrorContext {
  return new ErrorContextHandle(new SharedErrorContext(String(debugMessage)));
}

type Async = { element?: AbiType };

/** `AsyncValueHooks` mapping stream/future/error-context values to this API (see the module doc). */
export function apiAsyncValueHooks(codecOf: (element: AbiType | undefined) => ElementCodec): AsyncValueHooks {
  const base = asyncValueHooks(codecOf);
  return {
    liftStream: (cx, i, t) => wrapLiftedStream(base.liftStream(cx, i, t) as SharedStream),
    lowerStream: (cx, v, t) => base.lowerStream(cx, takeStreamForLowering(v, codecOf((t as Async).element), cx.sourceFailures), t),
    liftFuture: (cx, i, t) => wrapLiftedFuture(base.liftFuture(cx, i, t) as SharedFuture),
    lowerFuture: (cx, v, t) => base.lowerFuture(cx, takeFutureForLowering(v, codecOf((t as Async).element), cx.sourceFailures), t),
    liftErrorContext: (cx, i) => new ErrorContextHandle(base.liftErrorContext(cx, i) as SharedErrorContext),
    lowerErrorContext: (cx, v) => base.lowerErrorContext(cx, v instanceof ErrorContextHandle ? v.shared : v),
  };
}
