/**
 * CanonicalABI.md "Threads": the implicit thread of a task, as a state machine
 * instead of a stack. "Blocking" stores a continuation and a readiness
 * predicate with the store; the store calls the continuation when the
 * predicate holds (or with `cancelled` when the task is cancelled). Only the
 * stackless (callback) ABI can block this way: a core wasm stack cannot be
 * suspended without stack switching, see `wouldBlock`.
 */
import { trap } from "../async/deps.js";
import type { Store, Waiter } from "./store.js";
import type { Task } from "./task.js";

export class ImplicitThread implements Waiter {
  private readyFunc: (() => boolean) | undefined;
  private continuation: ((cancelled: boolean) => void) | undefined;
  /** Whether the current wait may be interrupted by cancellation (CanonicalABI.md `Thread.cancellable`). */
  cancellable = false;
  /** See `Waiter` (a wait of a core stack suspended through JSPI, link/jspi.ts). */
  keepEntered = false;
  dropped: ((poisoned: unknown) => void) | undefined;
  /** Inside `resume`: the thread is still in the store's waiting set (see `waitUntil`). */
  private resuming = false;

  constructor(
    readonly task: Task,
    private readonly store: Store,
  ) {}

  waiting(): boolean {
    return this.continuation !== undefined;
  }

  ready(): boolean {
    return this.readyFunc !== undefined && this.readyFunc();
  }

  /**
   * CanonicalABI.md "Threads" `Thread.wait_until`: a pending cancellation is
   * delivered at once; otherwise `k` runs in a later tick once `ready()`.
   */
  waitUntil(
    ready: () => boolean,
    cancellable: boolean,
    k: (cancelled: boolean) => void,
  ): void {
    if (this.task.deliverPendingCancel(cancellable)) return k(true);
    this.readyFunc = ready;
    this.continuation = k;
    this.cancellable = cancellable;
    // Waiting again from inside `resume` (the common case: a callback returned WAIT): the
    // thread is still in the store's set, and leaving it in place spares V8 re-hashing a
    // nearly empty Set on every event. A tick is needed only if it is ready already; else
    // whatever makes it ready (an event, a released slot) wakes the store.
    if (!this.resuming) this.store.addWaiter(this);
    else if (ready()) this.store.wake();
  }

  /** CanonicalABI.md "Threads" `Thread.resume`. */
  resume(cancelled: boolean): void {
    const k = this.continuation!;
    this.readyFunc = undefined;
    this.continuation = undefined;
    this.cancellable = false;
    this.resuming = true;
    try {
      k(cancelled);
    } finally {
      this.resuming = false;
      if (this.continuation === undefined) this.store.removeWaiter(this);
    }
  }
}

/**
 * A synchronous (on-stack) wait whose condition does not hold yet. The spec
 * would suspend the core wasm stack here; without stack switching (JSPI, which
 * `instantiate(..., { jspi: true })` uses for blocking built-ins in a sync-lifted
 * `async func` export, link/jspi.ts) we cannot, so this is a trap that says what to do instead.
 */
export function wouldBlock(what: string, task: Task | undefined): never {
  if (task && !task.ft.async)
    trap(
      `${what} would block inside a non-async function, which may not block (CanonicalABI.md "canon lift")`,
      'Concurrency.md "Blocking"',
    );
  trap(
    `${what} would block, and suspending a core wasm stack needs stack switching: JSPI, with instantiate(..., { jspi: true }) ` +
      `on an engine that has it (Node >= 24; it covers blocking built-ins in a sync-lifted async func export), ` +
      `or the async ABI (a callback-lifted export, async-lowered imports, async stream/future ops and waitable-set WAIT via the callback)`,
    'Concurrency.md "Blocking"',
  );
}
