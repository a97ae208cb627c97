/**
 * Calling core code as a task's (CanonicalABI.md "Stack Switching" `current_task`), including
 * core code entered through `WebAssembly.promising` (JSPI, link/jspi.ts), which answers with a
 * promise: who keeps the instance entered meanwhile, and how a later trap ends the task.
 */
import { Trap, type CoreValue, type InstanceLike } from "../async/deps.js";
import { concurrencyOf, enteringSet, leaveTo } from "./instance.js";
import { suspensionCount } from "./store.js";
import { TaskState, type Task } from "./task.js";

/** Core wasm returns nothing, one value, or (multi-value) an array. */
export function flatResults(r: unknown): CoreValue[] {
  if (r === undefined) return [];
  if (Array.isArray(r)) return r as CoreValue[];
  return [r as CoreValue];
}

export function callCore(
  task: Task,
  f: (...a: CoreValue[]) => unknown,
  args: CoreValue[],
): CoreValue[] {
  return concurrencyOf(task.inst).store.runAs(task, () =>
    flatResults(f(...args)),
  );
}

/** The instance stays entered for a suspended JSPI call: counted, and left (waking the store) when it completes. */
export function heldEntry(inst: InstanceLike, caller: InstanceLike | undefined): () => void {
  const held = enteringSet(inst, caller).map(concurrencyOf);
  for (const c of held) c.suspendedHolds++;
  return () => {
    for (const c of held) c.suspendedHolds--;
    leaveTo(inst, caller);
    concurrencyOf(inst).store.wake();
  };
}

/** A sync lift whose core code suspended (JSPI): `leave` runs when it completes. */
export interface Suspended {
  pending: boolean;
  leave?: () => void;
  /** Completed without suspending; its continuation runs later (see `runCore`). */
  deferred?: boolean;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | undefined)?.then === "function";
}

/** How a trap after a JSPI suspension ends the task: poison, then reject the host's call. */
function failSuspended(task: Task, e: unknown): void {
  const t =
    e instanceof Trap
      ? e
      : new Trap(`core function trapped: ${e instanceof Error ? e.message : String(e)}`, {
          rule: "CanonicalABI.md call_and_trap_on_throw",
          cause: e,
        });
  if (task.ft.name) t.locate(task.ft.name);
  task.inst.poison?.(t);
  task.threadLive = false;
  const c = concurrencyOf(task.inst);
  if (c.exclusive === task) c.exclusive = undefined;
  // The host's call ends with the trap (as `abandon` ends it with a host argument error);
  // once it has its value, the store's trap handling (as for a trap in `Store.tick`).
  if (task.state === TaskState.RESOLVED || !task.abandon(t)) c.store.fail(t, task);
}

/**
 * Calls core code of `task`, then `then` with its flat results; returns whether `then` ran at once.
 * Core code entered through `WebAssembly.promising` (JSPI, link/jspi.ts) answers with a promise:
 * - if it suspended inside a host call (invisible to the Component Model), whoever entered the
 *   instance for this call (`hold`) keeps it entered until the code completes and `then` has run;
 *   `hold.leave` (set by that holder once it sees `pending`) then leaves it, in the same job;
 * - if it completed without suspending, the instance is free at once (`hold.deferred`) and `then`
 *   runs from the store's tick, which enters the instance again (so a call made meanwhile
 *   queues behind the task's exclusive slot instead of being refused).
 * Without JSPI this is `then(callCore(...))`.
 */
export function runCore(
  task: Task,
  f: (...a: CoreValue[]) => unknown,
  args: CoreValue[],
  hold: Suspended,
  then: (flat: CoreValue[], hold: Suspended, task: Task) => void,
): boolean {
  const store = concurrencyOf(task.inst).store;
  const before = suspensionCount();
  const raw = store.runAs(task, () => f(...args));
  if (!isThenable(raw)) {
    then(flatResults(raw), hold, task);
    return true;
  }
  /** Runs the continuation; further core calls in it may suspend again, and take the entry on. */
  const continueWith = (k: (next: Suspended) => void): Suspended => {
    const next: Suspended = { pending: false };
    // A job of its own: no task's code is running (the last resume left its task current).
    store.current = undefined;
    try {
      k(next);
    } catch (e) {
      failSuspended(task, e);
    }
    return next;
  };
  if (suspensionCount() !== before) {
    hold.pending = true;
    const settle = (k: (next: Suspended) => void): void => {
      const next = continueWith(k);
      if (next.pending) next.leave = hold.leave;
      else hold.leave?.();
    };
    Promise.resolve(raw).then(
      (r) => settle((next) => then(flatResults(r), next, task)),
      (e: unknown) => settle(() => failSuspended(task, e)),
    );
    return false;
  }
  hold.deferred = true;
  let outcome: { value: unknown } | { error: unknown } | undefined;
  Promise.resolve(raw).then(
    (value) => ((outcome = { value }), store.wake()),
    (error: unknown) => ((outcome = { error }), store.wake()),
  );
  const thread = task.thread;
  thread.dropped = (poisoned) => failSuspended(task, poisoned);
  thread.waitUntil(
    () => outcome !== undefined,
    false,
    () => {
      thread.dropped = undefined;
      const o = outcome!;
      const next = continueWith((n) => ("value" in o ? then(flatResults(o.value), n, task) : failSuspended(task, o.error)));
      if (next.pending) {
        // The continuation's core code suspended: it keeps the instance the tick entered.
        thread.keepEntered = true;
        next.leave = heldEntry(task.inst, undefined);
      }
    },
  );
  return false;
}
