/**
 * Concurrency.md "Backpressure", CanonicalABI.md "canon backpressure.{inc,dec}"
 * and "Tasks" `enter_implicit_thread`: when an instance may start another
 * task of an async function.
 */
import { trap, type InstanceLike } from "../async/deps.js";
import { concurrencyOf } from "./instance.js";
import type { Task } from "./task.js";

const MAX_BACKPRESSURE = 2 ** 16;

export function backpressureInc(inst: InstanceLike): void {
  const c = concurrencyOf(inst);
  if (c.backpressure + 1 >= MAX_BACKPRESSURE)
    trap(
      `backpressure.inc: counter would reach ${MAX_BACKPRESSURE}`,
      'CanonicalABI.md "canon backpressure.{inc,dec}"',
    );
  c.backpressure += 1;
}

export function backpressureDec(inst: InstanceLike): void {
  const c = concurrencyOf(inst);
  if (c.backpressure === 0)
    trap(
      "backpressure.dec: counter is already 0 (more dec than inc)",
      'CanonicalABI.md "canon backpressure.{inc,dec}"',
    );
  c.backpressure -= 1;
  if (c.backpressure === 0) c.store.wake();
}

/** CanonicalABI.md "Tasks" `enter_implicit_thread` `has_backpressure`. */
export function hasBackpressure(task: Task): boolean {
  const c = concurrencyOf(task.inst);
  return (
    c.backpressure > 0 || (task.needsExclusive() && c.exclusive !== undefined)
  );
}
