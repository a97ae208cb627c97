/**
 * CanonicalABI.md "Tasks": one call of a lifted function, from the callee's
 * side: its state, its cancellation protocol, its result delivery.
 */
import type { SourceFailureSink } from "./source-failures.js";
import type { SetWait } from "./callback-loop.js";
import { trap, type InstanceLike, type LinearMemory } from "../async/deps.js";
import { BorrowScope } from "../resources/handle.js";
import { concurrencyOf, enterFrom, leaveTo, mayEnterFrom } from "./instance.js";
import { ImplicitThread } from "./thread.js";

/** CanonicalABI.md "Tasks" `Task.State`. */
export const TaskState = {
  INITIAL: 1,
  STARTED: 2,
  PENDING_CANCEL: 3,
  CANCEL_DELIVERED: 4,
  RESOLVED: 5,
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** The parts of a function type the async half needs. */
export interface FuncTypeInfo {
  /** `async func` (Concurrency.md: the function may block before returning). */
  async: boolean;
  /** Type identity of the result, compared by `task.return`; `undefined` for no result. */
  resultTypeKey?: string;
  /** For trap messages. */
  name?: string;
}

/** The canonical options of the lift, as far as the async half needs them. */
export interface LiftOptionsInfo {
  async: boolean;
  /** The core `callback` function: (event code, p1, p2) -> packed callback code. */
  callback?: (event: number, p1: number, p2: number) => number;
  memory?: LinearMemory;
  stringEncoding?: string;
}

/**
 * Caller-side hooks of a call (CanonicalABI.md "Tasks" `OnStart`/`OnResolve`). A host caller
 * may add `fail` to learn that its arguments could not be lowered (see `Task.abandon`).
 */
export type OnStart = (() => unknown[]) & {
  fail?: (error: unknown) => void;
  /** A host caller's sink for failures of host sources among the arguments (source-failures.ts). */
  sources?: SourceFailureSink;
};
/** `undefined` means the call was cancelled before returning a value. */
export type OnResolve = (result: unknown[] | undefined) => void;
export type OnCancel = (caller?: InstanceLike) => void;

/**
 * A `BorrowScope` so the ABI core can use the task as the callee's borrow
 * scope: borrow handles lowered into the callee count in `numBorrows`.
 */
export class Task extends BorrowScope {
  state: TaskState = TaskState.INITIAL;
  /** `context.get/set` slots of the implicit thread (CanonicalABI.md "Threads" `storage`). */
  readonly storage: [number, number] = [0, 0];
  readonly thread: ImplicitThread;
  /** Whether the implicit thread is registered (entered and not yet exited). */
  threadLive = false;
  /** The task's reusable WAIT on a waitable set, once it waited (callback-loop.ts). */
  setWait: SetWait | undefined;

  constructor(
    readonly inst: InstanceLike,
    readonly ft: FuncTypeInfo,
    readonly opts: LiftOptionsInfo,
    private readonly onStart: OnStart,
    private readonly onResolve: OnResolve,
  ) {
    super();
    this.thread = new ImplicitThread(this, concurrencyOf(inst).store);
  }

  /** CanonicalABI.md "Tasks" `needs_exclusive`: stackless and sync-lifted code shares one stack per instance. */
  needsExclusive(): boolean {
    return !this.opts.async || this.opts.callback !== undefined;
  }

  start(): unknown[] {
    this.state = TaskState.STARTED;
    return this.onStart();
  }

  /** Where failures of host sources among a host caller's arguments go (source-failures.ts). */
  get sourceFailures(): SourceFailureSink | undefined {
    return this.onStart.sources;
  }

  /**
   * The host's arguments could not be lowered (a JS value the parameter types refuse): that is
   * the host's error, not a guest trap, and no core code ran, so the task ends without a result
   * and the instance stays usable. Returns whether the caller took the error (else rethrow it).
   */
  abandon(error: unknown): boolean {
    this.state = TaskState.RESOLVED;
    const fail = this.onStart.fail;
    if (!fail) return false;
    fail(error);
    return true;
  }

  /** CanonicalABI.md "Tasks" `Task.return_`. */
  return_(result: unknown[]): void {
    if (this.state === TaskState.RESOLVED)
      trap(
        `task.return: ${this.describe()} already returned or was cancelled (a task returns exactly once)`,
        'CanonicalABI.md "Tasks"',
      );
    if (this.numBorrows > 0)
      trap(
        `task.return: ${this.describe()} still holds ${this.numBorrows} borrowed handle(s); drop them before returning`,
        'CanonicalABI.md "Tasks"',
      );
    this.onResolve(result);
    this.state = TaskState.RESOLVED;
    concurrencyOf(this.inst).store.wake();
  }

  /** CanonicalABI.md "Tasks" `Task.cancel`. */
  cancel(): void {
    if (this.state !== TaskState.CANCEL_DELIVERED)
      trap(
        `task.cancel: ${this.describe()} has not been delivered a cancellation request`,
        'CanonicalABI.md "Tasks"',
      );
    if (this.numBorrows > 0)
      trap(
        `task.cancel: ${this.describe()} still holds ${this.numBorrows} borrowed handle(s); drop them before cancelling`,
        'CanonicalABI.md "Tasks"',
      );
    this.onResolve(undefined);
    this.state = TaskState.RESOLVED;
    concurrencyOf(this.inst).store.wake();
  }

  /** CanonicalABI.md "Tasks" `deliver_pending_cancel`. */
  deliverPendingCancel(cancellable: boolean): boolean {
    if (cancellable && this.state === TaskState.PENDING_CANCEL) {
      this.state = TaskState.CANCEL_DELIVERED;
      return true;
    }
    return false;
  }

  /** CanonicalABI.md "Tasks" `request_cancellation`: the caller's `OnCancel`. */
  readonly requestCancellation = (caller?: InstanceLike): void => {
    if (this.state === TaskState.RESOLVED) return;
    if (this.state === TaskState.INITIAL) {
      // Still waiting to enter (backpressure): the wait ends as cancelled.
      this.state = TaskState.CANCEL_DELIVERED;
      if (this.thread.waiting()) this.thread.resume(true);
      return;
    }
    const c = concurrencyOf(this.inst);
    let candidate = this.thread.waiting() && this.thread.cancellable;
    if (
      this.needsExclusive() &&
      c.exclusive !== undefined &&
      c.exclusive !== this
    )
      candidate = false;
    if (candidate && mayEnterFrom(this.inst, caller)) {
      this.state = TaskState.CANCEL_DELIVERED;
      enterFrom(this.inst, caller);
      try {
        this.thread.resume(true);
      } finally {
        // A resumed callback that suspended (JSPI) keeps the instance until it completes.
        if (this.thread.keepEntered) this.thread.keepEntered = false;
        else leaveTo(this.inst, caller);
      }
    } else if (this.state === TaskState.STARTED) {
      this.state = TaskState.PENDING_CANCEL;
    }
  };

  describe(): string {
    return this.ft.name ? `the task of '${this.ft.name}'` : "the current task";
  }
}
