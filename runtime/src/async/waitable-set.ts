/**
 * CanonicalABI.md "Waitable State" `WaitableSet`: a set of waitables a task
 * waits on together (like epoll). Delivery order rotates over the members
 * instead of the spec's random shuffle, so no member starves.
 */
import { trap } from "./deps.js";
import type { EventTuple } from "./event-code.js";
import type { Waitable } from "./waitable.js";

export class WaitableSet {
  readonly kind = "waitable set";
  /** Insertion-ordered; a delivered member moves to the back. */
  readonly elems = new Set<Waitable>();
  /** Callback-lifted tasks currently in `WAIT` on this set. */
  numWaiting = 0;

  hasPendingEvent(): boolean {
    for (const w of this.elems) if (w.hasPendingEvent()) return true;
    return false;
  }

  getPendingEvent(): EventTuple | undefined {
    for (const w of this.elems) {
      if (w.hasPendingEvent()) {
        // A lone member needs no rotation (and V8 rehashes a small Set on every few re-adds).
        if (this.elems.size > 1) {
          this.elems.delete(w);
          this.elems.add(w);
        }
        return w.getPendingEvent();
      }
    }
    return undefined;
  }

  /** CanonicalABI.md "canon waitable-set.drop". */
  drop(): void {
    if (this.elems.size > 0)
      trap(
        `waitable-set.drop: the set still contains ${this.elems.size} waitable(s)`,
        'CanonicalABI.md "canon waitable-set.drop"',
      );
    if (this.numWaiting > 0)
      trap(
        `waitable-set.drop: ${this.numWaiting} task(s) are waiting on the set`,
        'CanonicalABI.md "canon waitable-set.drop"',
      );
  }
}
