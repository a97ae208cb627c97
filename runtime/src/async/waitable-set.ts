/**
 * CanonicalABI.md "Waitable State" `WaitableSet`: a set of waitables a task
 * waits on together (like epoll). Members with a pending event wait in a
 * queue, oldest first, instead of the spec's random pick among them: no
 * member starves, and finding the next event costs the same for 1 member
 * or 10,000.
 */
import { trap } from "./deps.js";
import type { EventTuple } from "./event-code.js";
import type { Waitable } from "./waitable.js";

export class WaitableSet {
  readonly kind = "waitable set";
  /** How many waitables joined the set (CanonicalABI.md `len(self.elems)`). */
  size = 0;
  /** Callback-lifted tasks currently in `WAIT` on this set. */
  numWaiting = 0;
  /** The members with a pending event, a doubly linked list through `Waitable.readyPrev/readyNext`. */
  private first: Waitable | undefined;
  private last: Waitable | undefined;

  hasPendingEvent(): boolean {
    return this.first !== undefined;
  }

  getPendingEvent(): EventTuple | undefined {
    return this.first?.getPendingEvent();
  }

  /** A member's event became pending (called by `Waitable`, which keeps `readyIn` in step). */
  enqueue(w: Waitable): void {
    w.readyPrev = this.last;
    w.readyNext = undefined;
    if (this.last) this.last.readyNext = w;
    else this.first = w;
    this.last = w;
  }

  /** A member's event was taken or the member left. */
  unlink(w: Waitable): void {
    if (w.readyPrev) w.readyPrev.readyNext = w.readyNext;
    else this.first = w.readyNext;
    if (w.readyNext) w.readyNext.readyPrev = w.readyPrev;
    else this.last = w.readyPrev;
    w.readyPrev = w.readyNext = undefined;
  }

  /** CanonicalABI.md "canon waitable-set.drop". */
  drop(): void {
    if (this.size > 0)
      trap(
        `waitable-set.drop: the set still contains ${this.size} waitable(s)`,
        'CanonicalABI.md "canon waitable-set.drop"',
      );
    if (this.numWaiting > 0)
      trap(
        `waitable-set.drop: ${this.numWaiting} task(s) are waiting on the set`,
        'CanonicalABI.md "canon waitable-set.drop"',
      );
  }
}
