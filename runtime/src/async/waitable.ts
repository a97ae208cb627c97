/**
 * CanonicalABI.md "Waitable State": something core wasm can wait on (a
 * subtask or a stream/future end). An event is kept as a thunk and computed
 * only when delivered, so a later partial copy updates the count it reports.
 */
import type { EventTuple } from "./event-code.js";
import type { WaitableSet } from "./waitable-set.js";

/** Called whenever an event becomes pending, so the store can resume waiters. */
export type Wake = () => void;

export abstract class Waitable {
  private pendingEvent: (() => EventTuple) | undefined;
  wset: WaitableSet | undefined;
  hasSyncWaiter = false;
  /** Whether this waitable sits in its set's queue of pending events (waitable-set.ts). */
  private queued = false;
  /** Links of that queue, kept by `WaitableSet`. */
  readyPrev: Waitable | undefined;
  readyNext: Waitable | undefined;

  constructor(private readonly wake: Wake) {}

  /** Human-readable kind for trap messages ("subtask", "stream readable end", ...). */
  abstract readonly kind: string;

  setPendingEvent(pendingEvent: () => EventTuple): void {
    this.pendingEvent = pendingEvent;
    // A newer outcome replaces the older one in place: the member keeps its turn.
    if (this.wset && !this.queued) {
      this.queued = true;
      this.wset.enqueue(this);
    }
    this.wake();
  }

  hasPendingEvent(): boolean {
    return this.pendingEvent !== undefined;
  }

  inWaitableSet(): boolean {
    return this.wset !== undefined;
  }

  getPendingEvent(): EventTuple {
    const pendingEvent = this.pendingEvent!;
    this.pendingEvent = undefined;
    this.leaveQueue();
    return pendingEvent();
  }

  join(wset: WaitableSet | undefined): void {
    if (this.wset) {
      this.leaveQueue();
      this.wset.size -= 1;
    }
    this.wset = wset;
    if (wset) {
      wset.size += 1;
      if (this.pendingEvent) {
        this.queued = true;
        wset.enqueue(this);
      }
    }
  }

  private leaveQueue(): void {
    if (!this.queued) return;
    this.queued = false;
    this.wset!.unlink(this);
  }

  /** Leave any waitable set; the caller has checked the type-specific drop rules. */
  drop(): void {
    this.join(undefined);
  }
}
