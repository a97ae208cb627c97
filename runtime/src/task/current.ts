/** CanonicalABI.md "Stack Switching" `current_task`, checked against the instance whose built-in was called. */
import { trap, type InstanceLike } from "../async/deps.js";
import { concurrencyOf } from "./instance.js";
import type { Task } from "./task.js";

export function currentTaskOf(inst: InstanceLike, builtin: string): Task {
  const task = concurrencyOf(inst).store.current;
  if (!task || task.inst !== inst)
    trap(
      `${builtin}: called while no task of this instance is running`,
      'CanonicalABI.md "Stack Switching" current_task',
    );
  return task;
}

/** The current task if one of this instance is running (built-ins that work outside tasks too). */
export function maybeCurrentTask(inst: InstanceLike): Task | undefined {
  const task = concurrencyOf(inst).store.current;
  return task && task.inst === inst ? task : undefined;
}
