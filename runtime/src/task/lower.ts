/**
 * CanonicalABI.md "canon lower": a core wasm call of an imported function,
 * creating a subtask. Async-lowered calls that do not finish at once return
 * `state | (index << 4)` and later deliver SUBTASK events; sync-lowered calls
 * must finish before returning (no stack switching, see `wouldBlock`).
 */
import { type CoreValue, type InstanceLike } from "../async/deps.js";
import {
  EventCode,
  SubtaskState,
  packSubtaskResult,
} from "../async/event-code.js";
import type { FuncInst } from "./callback-loop.js";
import { checkMayLeave, concurrencyOf } from "./instance.js";
import { Subtask } from "./subtask.js";
import { currentTaskOf } from "./current.js";
import { wouldBlock } from "./thread.js";
import type { OnResolve, OnStart } from "./task.js";

/** What the instantiator supplies for one `canon lower`. */
export interface LoweredFunction {
  /** The calling instance. */
  inst: InstanceLike;
  /** The callee: a `liftFunction` result or a `hostFunction`. */
  callee: FuncInst;
  ft: { async: boolean; name?: string };
  opts: { async: boolean };
  /** ABI core: lift the flat arguments from the caller (borrow scope: `subtask`). */
  liftParams(subtask: Subtask, flatArgs: CoreValue[]): unknown[];
  /** ABI core: lower the result into the caller; for async lowering write it through the out-pointer in `flatArgs` and return []. */
  lowerResults(
    subtask: Subtask,
    result: unknown[],
    flatArgs: CoreValue[],
  ): CoreValue[];
}

/** The core function the instantiator hands to wasm for a lowered import. */
export function lowerFunction(
  def: LoweredFunction,
): (...flatArgs: CoreValue[]) => CoreValue[] {
  return (...flatArgs) => canonLower(def, flatArgs);
}

export function canonLower(
  def: LoweredFunction,
  flatArgs: CoreValue[],
): CoreValue[] {
  const what = `call to '${def.ft.name ?? "import"}'`;
  const task = currentTaskOf(def.inst, what);
  checkMayLeave(def.inst, what);
  const store = concurrencyOf(def.inst).store;
  const subtask = new Subtask(store.wake);
  let onProgress = (): void => {};

  const onStart: OnStart = () => {
    onProgress();
    subtask.state = SubtaskState.STARTED;
    return def.liftParams(subtask, flatArgs);
  };
  const onResolve: OnResolve = (result) => {
    onProgress();
    if (result === undefined) {
      subtask.resolve(
        subtask.state === SubtaskState.STARTING
          ? SubtaskState.CANCELLED_BEFORE_STARTED
          : SubtaskState.CANCELLED_BEFORE_RETURNED,
        [],
      );
    } else {
      subtask.resolve(
        SubtaskState.RETURNED,
        def.lowerResults(subtask, result, flatArgs),
      );
    }
  };

  subtask.onCancel = def.callee(onStart, onResolve, def.inst);

  if (!def.opts.async) {
    if (!subtask.resolved()) wouldBlock(`synchronous ${what}`, task);
    subtask.deliverResolve();
    return subtask.flatResults;
  }
  if (subtask.resolved()) {
    subtask.deliverResolve();
    return [SubtaskState.RETURNED];
  }
  const i = def.inst.handles.add(subtask);
  onProgress = () => {
    subtask.setPendingEvent(() => {
      if (subtask.resolved()) subtask.deliverResolve();
      return [EventCode.SUBTASK, i, subtask.state];
    });
  };
  return [packSubtaskResult(subtask.state, i)];
}
