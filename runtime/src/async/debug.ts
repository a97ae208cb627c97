/**
 * Debug view of an instance's async state, so tests (and embedders chasing
 * leaks) can assert that everything was cleaned up.
 */
import { concurrencyOf } from "../task/instance.js";
import type { InstanceLike } from "./deps.js";
import { describe } from "./describe.js";
import { CopyEnd } from "./copy-end.js";
import { WaitableSet } from "./waitable-set.js";

export interface DebugState {
  /** Live handle-table entries by kind ("stream readable end", "waitable set", "subtask", ...). */
  handles: Record<string, number>;
  totalHandles: number;
  /** Waitable sets that still have members. */
  nonEmptyWaitableSets: number;
  /** Stream/future ends with a copy in flight. */
  pendingCopies: number;
  /** Tasks of this instance parked in the store (WAIT, YIELD, backpressure). */
  waitingTasks: number;
  backpressure: number;
  /** Whether a task holds the instance's exclusive slot. */
  exclusive: boolean;
}

export function debugState(inst: InstanceLike): DebugState {
  const handles: Record<string, number> = {};
  let totalHandles = 0;
  let nonEmptyWaitableSets = 0;
  let pendingCopies = 0;
  for (const [, e] of inst.handles.entries()) {
    const k = describe(e);
    handles[k] = (handles[k] ?? 0) + 1;
    totalHandles += 1;
    if (e instanceof WaitableSet && e.size > 0) nonEmptyWaitableSets += 1;
    if (e instanceof CopyEnd && e.copying()) pendingCopies += 1;
  }
  const c = concurrencyOf(inst);
  let waitingTasks = 0;
  for (const w of c.store.waiting) if (w.task.inst === inst) waitingTasks += 1;
  return {
    handles,
    totalHandles,
    nonEmptyWaitableSets,
    pendingCopies,
    waitingTasks,
    backpressure: c.backpressure,
    exclusive: c.exclusive !== undefined,
  };
}

/** Throws (a plain Error listing what is left) unless the instance holds no handles and no parked tasks. */
export function assertQuiescent(inst: InstanceLike): void {
  const s = debugState(inst);
  if (s.totalHandles > 0 || s.waitingTasks > 0 || s.exclusive)
    throw new Error(`instance is not quiescent: ${JSON.stringify(s)}`);
}
