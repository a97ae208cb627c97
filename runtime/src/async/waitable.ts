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

  constructor(private readonly wake: Wake) {}

  /** Human-readable kind for trap messages ("subtask", "stream readable end", ...). */
  abstract readonly kind: string;

  setPendingEvent(pendingEvent: () => EventTuple): void {
    this.pendingEvent = pendingEvent;
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
    return pendingEvent();
  }

  join(wset: WaitableSet | undefined): void {
    if (this.wset) this.wset.elems.delete(this);
    this.wset = wset;
    if (wset) wset.elems.add(this);
  }

  /** Leave any waitable set; the caller has checked the type-specific drop rules. */
  drop(): void {
    this.join(undefined);
  }
}
