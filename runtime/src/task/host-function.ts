/**
 * Host-side calls: a JS function as a component-level `FuncInst` (an import
 * the host implements), and calling a `FuncInst` from JS (an export).
 */
import type { FuncInst } from "./callback-loop.js";
import { CallSourceFailures } from "./source-failures.js";
import type { OnCancel } from "./task.js";

export interface HostCallControl {
  /**
   * Take over cancellation: `handler` runs when the caller cancels, and the
   * call then ends when the implementation settles, with its result or with
   * `undefined` (cancelled). Without a handler a cancel request resolves the
   * call as cancelled at once.
   */
  onCancel(handler: () => void): void;
}

/**
 * A host implementation of an import. A synchronous result resolves the
 * subtask at once; a promise resolves it in a later microtask (so the import
 * must be lowered `async`, or the sync caller traps: it would block).
 */
export function hostFunction(
  impl: (
    args: unknown[],
    control: HostCallControl,
  ) => unknown[] | PromiseLike<unknown[] | undefined>,
  onError: (error: unknown) => void = (e) => {
    throw e;
  },
): FuncInst {
  return (onStart, onResolve) => {
    const args = onStart();
    let done = false;
    let cancelHandler: (() => void) | undefined;
    const finish = (result: unknown[] | undefined): void => {
      if (done) return;
      done = true;
      onResolve(result);
    };
    const r = impl(args, { onCancel: (h) => (cancelHandler = h) });
    if (r && typeof (r as PromiseLike<unknown[]>).then === "function") {
      (r as PromiseLike<unknown[] | undefined>).then(finish, (e) => {
        done = true;
        onError(e);
      });
    } else {
      finish(r as unknown[]);
    }
    return () => {
      if (done) return;
      if (cancelHandler) cancelHandler();
      else finish(undefined);
    };
  };
}

export interface HostCall<R = unknown[] | undefined> {
  /** The result values, or `undefined` if the call was cancelled. Rejects on a trap (during the call or later in the store's event loop). */
  result: Promise<R>;
  /** Request cancellation (CanonicalABI.md "Tasks" `request_cancellation`). */
  cancel(): void;
}

/**
 * CanonicalABI.md "Embedding" `Store.invoke`: call a lifted export from JS. `map` shapes the
 * result values before the promise settles (one promise per call, not a `then` chain).
 */
export function callFromHost(f: FuncInst, args: unknown[]): HostCall;
export function callFromHost<R>(f: FuncInst, args: unknown[], map: (r: unknown[] | undefined) => R): HostCall<R>;
export function callFromHost<R>(
  f: FuncInst,
  args: unknown[],
  map?: (r: unknown[] | undefined) => R,
): HostCall<R | unknown[] | undefined> {
  let onCancel: OnCancel | undefined;
  let cancelRequested = false;
  const sources = new CallSourceFailures();
  const result = new Promise<R | unknown[] | undefined>((resolve, reject) => {
    const untrack = f.store?.trackHostCall(reject);
    const onStart = Object.assign(() => args, {
      fail: (e: unknown) => {
        untrack?.();
        reject(e);
      },
      sources,
    });
    try {
      onCancel = f(
        onStart,
        (r) => {
          untrack?.();
          sources.settleValue(map ? map(r) : r, resolve, reject);
        },
      );
    } catch (e) {
      untrack?.();
      reject(e);
    }
  });
  sources.call = result;
  return {
    result,
    cancel() {
      if (cancelRequested) return;
      cancelRequested = true;
      onCancel?.(undefined);
    },
  };
}
