/**
 * Cancellation through `AbortSignal`, both ways (docs/mapping.md "Async functions"):
 * - an async export takes an optional trailing `{ signal }` after its parameters; aborting it
 *   requests cancellation of the task (CanonicalABI.md "Tasks" `request_cancellation`: the guest
 *   gets TASK_CANCELLED, or is never started if it still waits to enter). If the guest then
 *   acknowledges with `task.cancel`, the call rejects with `signal.reason`, as `fetch` does; if it
 *   returns a value anyway, the call resolves with it. A signal aborted before the call rejects at
 *   once without entering the guest.
 * - an async host import gets a trailing `{ signal }` that aborts when the guest cancels the
 *   subtask (`subtask.cancel`); the subtask ends when the implementation settles: with its value
 *   (RETURNED), or, if it rejects after the abort, as CANCELLED (CanonicalABI.md `subtask.cancel`).
 */
import type { FuncInst } from "../task/callback-loop.js";
import { callFromHost, type HostCallControl } from "../task/host-function.js";
import { AbiValueError } from "../trap.js";

/**
 * The part of the web's `AbortSignal` used here (the runtime compiles without the DOM library;
 * a real `AbortSignal` is one).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(reason?: unknown): void;
}

/**
 * The trailing argument of an async function in host declarations. Calling an export: pass
 * `{ signal }` to cancel the call by aborting it (the promise rejects with `signal.reason` once
 * the guest acknowledges; a guest may still return a value). Implementing an import: the runtime
 * always passes a `signal`, aborted when the guest cancels the call; reject (e.g. with
 * `signal.reason`) to end it as cancelled, or return a value anyway.
 */
export interface CallOptions {
  signal?: AbortSignalLike;
}

/** What an async host import implementation receives after its parameters. */
export interface ImportCallOptions {
  /** Aborts when the calling guest cancels the call (an `AbortSignal`). */
  signal: AbortSignalLike;
}

const CANCELLED: unique symbol = Symbol("cancelled");

function isAbortSignal(v: unknown): v is AbortSignalLike {
  return typeof v === "object" && v !== null && typeof (v as AbortSignalLike).aborted === "boolean" && typeof (v as AbortSignalLike).addEventListener === "function";
}

/**
 * Calls an async-lifted export with its JS arguments; `args` may end with `CallOptions`
 * (one more than `paramCount`).
 */
export function callAsyncExport(f: FuncInst, args: unknown[], paramCount: number, name: string, first: (r: unknown[] | undefined) => unknown): Promise<unknown> {
  if (args.length !== paramCount + 1) return callFromHost(f, args, first).result;
  const options = args[paramCount];
  const params = args.slice(0, paramCount);
  if (options === undefined) return callFromHost(f, params, first).result;
  if (typeof options !== "object" || options === null)
    return Promise.reject(new AbiValueError(`expected an options object ({ signal }) after the ${paramCount} argument(s), got ${options === null ? "null" : typeof options}`).locate(name, "options"));
  const signal = (options as CallOptions).signal;
  if (signal === undefined) return callFromHost(f, params, first).result;
  if (!isAbortSignal(signal)) return Promise.reject(new AbiValueError(`options.signal must be an AbortSignal, got ${typeof signal}`).locate(name, "options"));
  if (signal.aborted) return Promise.reject(signal.reason);
  const call = callFromHost(f, params, (r) => (r === undefined ? CANCELLED : first(r)));
  const onAbort = (): void => call.cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  return call.result.then(
    (v) => {
      signal.removeEventListener("abort", onAbort);
      if (v === CANCELLED) throw signal.reason;
      return v;
    },
    (e) => {
      signal.removeEventListener("abort", onAbort);
      throw e;
    },
  );
}

/**
 * The arguments for an async host import's implementation: its parameters and `{ signal }`,
 * which aborts when the guest cancels (`control.onCancel`). `cancelled()` tells whether a
 * rejection came after the abort, so the subtask ends as CANCELLED rather than trapping.
 */
export function withImportSignal(args: unknown[], control: HostCallControl): { args: unknown[]; cancelled: () => boolean } {
  const aborter = new (globalThis as unknown as { AbortController: new () => AbortControllerLike }).AbortController();
  control.onCancel(() => aborter.abort());
  const options: ImportCallOptions = { signal: aborter.signal };
  return { args: [...args, options], cancelled: () => aborter.signal.aborted };
}
