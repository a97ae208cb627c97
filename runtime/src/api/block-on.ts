/**
 * `blockOn`: finish async work from a synchronous host import, by suspending the calling
 * wasm through JSPI (JS Promise Integration: `WebAssembly.Suspending` on the import,
 * `WebAssembly.promising` on the export that entered the component). JS itself cannot block,
 * so `blockOn(p)` marks `p` as the import's result; the instantiator's `Suspending` wrapper
 * (`runSuspendable`, used by `link/jspi.ts` under `instantiate(..., { jspi: true })`) hands it to
 * the engine, which resumes the wasm with its value. (Under `jspi` returning the promise itself
 * works too; `blockOn` types it as the value and checks it is used inside such an import.)
 * Rules: call it inside such an import and return its result directly from the import.
 * Without JSPI (Node 20, browsers without it) it throws `JspiUnavailableError`.
 */
import { AsyncUsageError, JspiUnavailableError } from "./errors.js";

/** Whether this engine has JSPI (`WebAssembly.Suspending` and `WebAssembly.promising`). */
export function jspiAvailable(): boolean {
  const w = (globalThis as { WebAssembly?: { Suspending?: unknown; promising?: unknown } }).WebAssembly;
  return typeof w?.Suspending === "function" && typeof w?.promising === "function";
}

interface SuspendFrame {
  request: PromiseLike<unknown> | undefined;
}
let frame: SuspendFrame | undefined;

/**
 * Block the calling component on `promise` (see the module doc). Typed as returning the value
 * so an import implementation can `return blockOn(p)` where a `T` is expected.
 */
export function blockOn<T>(promise: PromiseLike<T>): T {
  if (!jspiAvailable()) throw new JspiUnavailableError("blockOn");
  if (typeof (promise as PromiseLike<T>)?.then !== "function")
    throw new AsyncUsageError("blockOn", `expected a promise, got ${promise === null ? "null" : typeof promise}`);
  if (!frame)
    throw new AsyncUsageError(
      "blockOn",
      "not inside a host import the engine can suspend: instantiate the component with { jspi: true } (then its synchronous host imports are wrapped with WebAssembly.Suspending and its synchronous exports entered through WebAssembly.promising)",
    );
  if (frame.request)
    throw new AsyncUsageError("blockOn", "called twice in one import call (return the first one's result)");
  frame.request = promise;
  return promise as unknown as T;
}

/**
 * For the instantiator, inside a `WebAssembly.Suspending` import wrapper: run the import's
 * implementation; if it returned a promise (`blockOn(p)`'s, or one derived from it by a result
 * adapter, or any other), return a promise of `onValue` of its value (the engine suspends on it),
 * else `onValue` of the result at once.
 */
export function runSuspendable<R>(impl: () => unknown, onValue: (value: unknown) => R): R | Promise<R> {
  const outer = frame;
  const mine: SuspendFrame = { request: undefined };
  frame = mine;
  let result: unknown;
  try {
    result = impl();
  } finally {
    frame = outer;
  }
  const thenable = (typeof result === "object" || typeof result === "function") && result !== null && typeof (result as PromiseLike<unknown>).then === "function";
  if (!thenable) {
    if (mine.request !== undefined)
      throw new AsyncUsageError("blockOn", "its result must be returned directly from the import implementation (it returned something else)");
    return onValue(result);
  }
  return Promise.resolve(result).then(onValue);
}
