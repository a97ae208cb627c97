/**
 * Component Model waits of a stackful task under `instantiate(..., { jspi: true })` (see
 * `jspi.ts`): `waitable-set.wait` and sync stream/future copies as `WebAssembly.Suspending`
 * imports, and the `Thread.wait_until` they (and `jspi-lower.ts`) suspend through.
 */
import type { CoreFunction } from "../abi/call.js";
import type { Canon } from "../binary/ast.js";
import { waitableSetWait } from "../async/builtins.js";
import type { LinearMemory } from "../async/deps.js";
import { BLOCKED, EventCode } from "../async/event-code.js";
import { Waitable } from "../async/waitable.js";
import { WaitableSet } from "../async/waitable-set.js";
import type { ComponentInstanceState } from "../instance-state.js";
import { maybeCurrentTask } from "../task/current.js";
import { leaveTo, storeOf } from "../task/instance.js";
import { noteSuspension } from "../task/store.js";
import { TaskState, type Task } from "../task/task.js";
import { Trap } from "../trap.js";
import { markSuspendable, message } from "./jspi.js";

/**
 * `canon waitable-set.wait` under `jspi`: in a sync-lifted `async func` (a stackful task, entered
 * through `WebAssembly.promising`) a wait whose set has no event yet suspends the wasm stack
 * (CanonicalABI.md "Threads" `Thread.wait_until`): the instance is left while the thread waits,
 * the task keeps the exclusive slot, and the store's tick resumes it once an event is pending.
 * Every other case is the ordinary built-in (a non-async function may not block: it traps).
 */
export function suspendingWait(inst: ComponentInstanceState, cancellable: boolean, memory: LinearMemory): CoreFunction {
  const store = storeOf(inst);
  const wait = (si: number, ptr: number): number | Promise<number> => {
    si >>>= 0;
    ptr >>>= 0;
    const task = maybeCurrentTask(inst);
    let wset: unknown;
    try {
      wset = inst.handles.get(si);
    } catch {
      wset = undefined;
    }
    const blocks =
      task !== undefined &&
      task.ft.async &&
      !task.opts.async &&
      wset instanceof WaitableSet &&
      !wset.hasPendingEvent() &&
      !(cancellable && task.state === TaskState.PENDING_CANCEL) &&
      inst.mayLeave;
    if (!blocks) {
      let code: number;
      try {
        code = waitableSetWait(inst, cancellable, memory, si, ptr);
      } catch (e) {
        // As every built-in (instantiate.ts `guarded`): a trap poisons the instance.
        if (e instanceof Trap) inst.poison(e);
        throw e;
      }
      // The engine suspends at a Suspending import anyway: the task is current again when it resumes.
      const current = store.current;
      noteSuspension();
      store.current = undefined;
      return Promise.resolve(code).then((c) => {
        store.current = current;
        return c;
      });
    }
    const set = wset as WaitableSet;
    set.numWaiting += 1;
    return waitUntil(
      inst,
      task!,
      () => set.hasPendingEvent(),
      cancellable,
      (cancelled) => {
        set.numWaiting -= 1;
        return cancelled ? taskCancelledEvent(memory, ptr) : waitableSetWait(inst, cancellable, memory, si, ptr);
      },
      "waitable-set.wait",
    );
  };
  markSuspendable(wait);
  return wait as unknown as CoreFunction;
}

/**
 * CanonicalABI.md "Threads" `Thread.wait_until` for a stack entered through `promising`: the
 * caller leaves the instance once the thread blocks ("Embedding" `Store.lift`), the task keeps its
 * exclusive slot, and the store's tick resumes it (entering the instance, which the resumed stack
 * keeps: `Waiter.keepEntered`) once `ready()`; `resume` computes the built-in's result then, as
 * the current task. The promise is what the Suspending import returns; a trap poisons.
 */
export function waitUntil<T>(
  inst: ComponentInstanceState,
  task: Task,
  ready: () => boolean,
  cancellable: boolean,
  resume: (cancelled: boolean) => T,
  builtin: string,
): Promise<T> {
  const store = storeOf(inst);
  const thread = task.thread;
  const resumed = new Promise<T>((resolve, reject) => {
    thread.dropped = reject;
    thread.waitUntil(ready, cancellable, (cancelled) => {
      thread.dropped = undefined;
      thread.keepEntered = true;
      try {
        resolve(store.runAs(task, () => resume(cancelled)));
      } catch (e) {
        reject(e);
      }
    });
  });
  noteSuspension();
  store.current = undefined;
  leaveTo(inst, undefined);
  store.wake();
  return resumed.then(
    (v) => {
      store.current = task;
      return v;
    },
    (e: unknown) => {
      store.current = task;
      const t = e instanceof Trap ? e : new Trap(`${builtin} failed: ${message(e)}`, { rule: `CanonicalABI.md canon ${builtin}`, cause: e });
      inst.poison(t);
      throw t;
    },
  );
}

/**
 * Sync built-ins that wait for their handle's event (CanonicalABI.md `wait_for_pending_event`):
 * copies (`stream_copy`, `future_copy`), cancellations of a copy (`cancel_copy`) and
 * `canon subtask.cancel`. The handle is always their first argument.
 */
export const SUSPENDING_BUILTINS = new Set([
  "stream.read",
  "stream.write",
  "future.read",
  "future.write",
  "stream.cancel-read",
  "stream.cancel-write",
  "future.cancel-read",
  "future.cancel-write",
  "subtask.cancel",
]);

/** The async form of a sync built-in of `SUSPENDING_BUILTINS`; undefined for any other canon. */
export function asyncVariant(c: Canon): Canon | undefined {
  if (!SUSPENDING_BUILTINS.has(c.kind)) return undefined;
  if ("options" in c) return c.options.async ? undefined : ({ ...c, options: { ...c.options, async: true } } as Canon);
  if ("async" in c) return c.async ? undefined : ({ ...c, async: true } as Canon);
  return undefined;
}

/**
 * A sync built-in of `SUSPENDING_BUILTINS` under `jspi`: in an async-typed task, one that cannot
 * finish at once suspends until its handle has an event (e.g. CanonicalABI.md "canon stream.read"
 * or "canon subtask.cancel": `wait_for_pending_event()`), as the async variant's BLOCKED would be
 * waited for; the event's payload is the result (copy counts, or the subtask's state). Elsewhere,
 * or for a handle in a waitable set, the sync built-in (which traps if it would block).
 */
export function suspendingBuiltin(inst: ComponentInstanceState, sync: (...a: number[]) => unknown, async: (...a: number[]) => unknown, builtin: string): CoreFunction {
  const store = storeOf(inst);
  const copy = (...a: number[]): unknown => {
    const task = maybeCurrentTask(inst);
    let end: unknown;
    try {
      end = inst.handles.get(a[0]! >>> 0);
    } catch {
      end = undefined;
    }
    const stackful = task !== undefined && task.ft.async && !task.opts.async && inst.mayLeave && end instanceof Waitable && !end.inWaitableSet();
    let r: unknown;
    try {
      r = (stackful ? async : sync)(...a);
    } catch (e) {
      if (e instanceof Trap) inst.poison(e);
      throw e;
    }
    if (stackful && r === BLOCKED) {
      const e = end as Waitable;
      return waitUntil(inst, task!, () => e.hasPendingEvent(), false, () => e.getPendingEvent()[2], builtin);
    }
    const current = store.current;
    noteSuspension();
    store.current = undefined;
    return Promise.resolve(r).then((v) => {
      store.current = current;
      return v;
    });
  };
  markSuspendable(copy);
  return copy as unknown as CoreFunction;
}

/** The TASK_CANCELLED event of a wait (CanonicalABI.md `unpack_event` with p1 = p2 = 0). */
function taskCancelledEvent(memory: LinearMemory, ptr: number): number {
  if (ptr % 4 !== 0 || ptr + 8 > memory.buffer.byteLength)
    throw new Trap(`waitable-set.wait: event pointer ${ptr} is misaligned or out of bounds`, { rule: "CanonicalABI.md canon waitable-set.wait" });
  const view = new DataView(memory.buffer);
  view.setUint32(ptr, 0, true);
  view.setUint32(ptr + 4, 0, true);
  return EventCode.TASK_CANCELLED;
}
