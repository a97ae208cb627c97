/**
 * CanonicalABI.md "Embedding" `Store`: the set of waiting threads and the
 * loop that resumes them. The spec's `tick` runs when the embedder chooses;
 * here it runs as a microtask queued whenever something a waiter may be
 * waiting for changes (an event, an exclusive slot, backpressure), so no
 * timers and no polling: an idle store queues nothing.
 */
import { Trap, type InstanceLike } from "../async/deps.js";
import { enterFrom, leaveTo, mayEnterFrom } from "./instance.js";
import type { Task } from "./task.js";

/** A suspended (implicit) thread: resumable once `ready()` holds. */
export interface Waiter {
  readonly task: Task;
  ready(): boolean;
  resume(cancelled: boolean): void;
  /**
   * Set by a resume that hands the instance to a wasm stack resuming later (JSPI, link/jspi.ts):
   * the tick then leaves the instance entered, and that stack leaves it.
   */
  keepEntered?: boolean;
  /** Called when the waiter is dropped because its instance trapped (a JSPI stack then fails). */
  dropped?: (poisoned: unknown) => void;
}

export interface StoreOptions {
  /** How to run the next tick; default `queueMicrotask`. */
  schedule?: (run: () => void) => void;
  /**
   * Receives traps raised while resuming a waiter (no JS caller is on the
   * stack then). Default: reject every pending `callFromHost` call of the
   * store (a trap ends all work in progress), or rethrow if there are none.
   */
  onTrap?: (error: unknown, task: Task) => void;
}

let suspensions = 0;

/**
 * JSPI (link/jspi.ts): a `WebAssembly.Suspending` import is about to suspend its wasm stack. A core
 * call entered through `WebAssembly.promising` answers with a promise either way; this count tells
 * whether it suspended or already completed.
 */
export function noteSuspension(): void {
  suspensions++;
}

export function suspensionCount(): number {
  return suspensions;
}

let hostImports = 0;

/** JSPI: runs a host import's implementation (a call into the component from it is re-entrance). */
export function inHostImport<T>(f: () => T): T {
  hostImports++;
  try {
    return f();
  } finally {
    hostImports--;
  }
}

export function hostImportDepth(): number {
  return hostImports;
}

interface HostCallLink {
  reject: (error: unknown) => void;
  prev: HostCallLink | undefined;
  next: HostCallLink | undefined;
  linked: boolean;
}

export class Store {
  /** CanonicalABI.md `Store.waiting`. */
  readonly waiting = new Set<Waiter>();
  /** The task whose core code is running (CanonicalABI.md "Stack Switching" `current_task`). */
  current: Task | undefined;
  private scheduled = false;
  private readonly found: Waiter[] = [];
  private readonly schedule: (run: () => void) => void;
  private readonly onTrap: (error: unknown, task: Task) => void;

  constructor(options: StoreOptions = {}) {
    this.schedule =
      options.schedule ?? ((run) => void Promise.resolve().then(run));
    this.onTrap =
      options.onTrap ??
      ((error) => {
        const rejects = this.takeHostCalls();
        if (rejects.length === 0) throw error;
        for (const reject of rejects) reject(error);
      });
  }

  /**
   * Pending host calls, a doubly linked list: a JS Set or Map that every call adds to and
   * removes from stays nearly empty, and V8 then rehashes it every few insertions (about
   * 1 µs per call, more than the rest of an awaited async call).
   */
  private hostCalls: HostCallLink | undefined;
  /** Host calls waiting for an instance a JSPI-suspended call keeps entered (`deferEntry`). */
  private readonly entries: { inst: InstanceLike; run: () => void }[] = [];

  /**
   * JSPI (link/jspi.ts): a host call into an instance that a suspended call keeps entered runs
   * once it is free, as if the host had made it then (the spec's host cannot call in meanwhile).
   */
  deferEntry(inst: InstanceLike, run: () => void): void {
    this.entries.push({ inst, run });
  }

  private runEntries(): void {
    for (let i = 0; i < this.entries.length; ) {
      const e = this.entries[i]!;
      if (!mayEnterFrom(e.inst, undefined)) {
        i++;
        continue;
      }
      this.entries.splice(i, 1);
      e.run();
    }
  }

  /** A trap raised outside any JS caller's stack (e.g. after a JSPI suspension): as in `tick`. */
  fail(error: unknown, task: Task): void {
    this.onTrap(error, task);
  }

  /** Register a pending host call's `reject`; returns the unregister function. */
  trackHostCall(reject: (error: unknown) => void): () => void {
    const link: HostCallLink = { reject, prev: undefined, next: this.hostCalls, linked: true };
    if (this.hostCalls) this.hostCalls.prev = link;
    this.hostCalls = link;
    return () => {
      if (!link.linked) return;
      link.linked = false;
      if (link.prev) link.prev.next = link.next;
      else this.hostCalls = link.next;
      if (link.next) link.next.prev = link.prev;
    };
  }

  /** Unregisters every pending host call; returns their `reject`s. */
  private takeHostCalls(): ((error: unknown) => void)[] {
    const rejects: ((error: unknown) => void)[] = [];
    for (let l = this.hostCalls; l; l = l.next) {
      l.linked = false;
      rejects.push(l.reject);
    }
    this.hostCalls = undefined;
    return rejects;
  }

  /** Run `f` as core code of `task`, restoring the previous current task after (calls nest). */
  runAs<T>(task: Task, f: () => T): T {
    const outer = this.current;
    this.current = task;
    try {
      return f();
    } finally {
      this.current = outer;
    }
  }

  addWaiter(w: Waiter): void {
    this.waiting.add(w);
    this.wake();
  }

  removeWaiter(w: Waiter): void {
    this.waiting.delete(w);
  }

  /** Something changed: look at the waiters again soon. Cheap and idempotent. */
  readonly wake = (): void => {
    if (this.scheduled || (this.waiting.size === 0 && this.entries.length === 0)) return;
    this.scheduled = true;
    this.schedule(this.scheduledTick);
  };

  private readonly scheduledTick = (): void => {
    this.scheduled = false;
    this.tick();
  };

  /**
   * CanonicalABI.md "Embedding" `Store.tick`: resume every waiter that is
   * ready, each at most once per tick so a task that keeps yielding cannot
   * monopolise the loop; anything still ready is picked up by the next tick.
   */
  tick(): void {
    if (this.entries.length > 0) this.runEntries();
    // The waiters as the tick found them (a resume may add or remove some); a reused array, as
    // a byte stream ticks once per chunk. Ticks do not nest: only the scheduled job runs one.
    const found = this.found;
    for (const w of this.waiting) found.push(w);
    try {
      for (let k = 0; k < found.length; k++) {
        const w = found[k]!;
        if (!this.waiting.has(w)) continue;
        const inst: InstanceLike = w.task.inst;
        if (inst.poisoned) {
          // Explainer.md invariant 1: a trapped instance runs no more code; its waiters are dropped.
          this.waiting.delete(w);
          w.dropped?.(inst.poisoned);
          continue;
        }
        // An instance held by a call suspended through JSPI (link/jspi.ts) resumes nothing meanwhile.
        if (!w.ready() || !mayEnterFrom(inst, undefined)) continue;
        enterFrom(inst, undefined);
        try {
          w.resume(false);
        } catch (error) {
          // Explainer.md invariant 1: no further execution in an instance after it trapped.
          if (error instanceof Trap) inst.poison?.(error);
          this.onTrap(error, w.task);
        } finally {
          if (w.keepEntered) w.keepEntered = false;
          else leaveTo(inst, undefined);
        }
      }
    } finally {
      found.length = 0;
    }
    for (const w of this.waiting) {
      if (w.ready() && mayEnterFrom(w.task.inst, undefined)) {
        this.wake();
        break;
      }
    }
  }
}
