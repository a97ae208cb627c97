/**
 * CanonicalABI.md "canon lift" and "Embedding" `Store.lift`: run a lifted
 * function as a task. Sync-lifted and stackful-async core functions run to
 * completion on the JS stack; a callback-lifted function is driven the way
 * the spec's event loop does it: call the core function, then, for every
 * `WAIT`/`YIELD` it returns, park the task with the store and call its
 * `callback` with the next event, until it returns `EXIT`. Parking stores a
 * continuation, so this needs neither threads nor JSPI.
 */
import { trap, Trap, type CoreValue, type InstanceLike } from "../async/deps.js";
import {
  CallbackCode,
  EventCode,
  unpackCallbackResult,
  type EventTuple,
} from "../async/event-code.js";
import { aOrAn, describe } from "../async/describe.js";
import { WaitableSet } from "../async/waitable-set.js";
import { hasBackpressure } from "./backpressure.js";
import { callCore, heldEntry, runCore, type Suspended } from "./core-call.js";
import { concurrencyOf, enterFrom, enteringSet, leaveTo, mayEnterFrom, type InstanceConcurrency } from "./instance.js";
import { hostImportDepth, type Store } from "./store.js";
import {
  Task,
  TaskState,
  type FuncTypeInfo,
  type LiftOptionsInfo,
  type OnCancel,
  type OnResolve,
  type OnStart,
} from "./task.js";

/**
 * CanonicalABI.md "Tasks" `FuncInst`: how any component-level function is
 * called (guest or host). A lifted one also names its store, so host calls
 * can learn of traps raised later in the event loop.
 */
export type FuncInst = ((
  onStart: OnStart,
  onResolve: OnResolve,
  caller?: InstanceLike,
) => OnCancel) & {
  store?: Store;
  /** A lifted one's instance. */
  inst?: InstanceLike;
};

/** What the instantiator supplies for one `canon lift`. */
export interface LiftedFunction {
  /** The instance the core function belongs to. */
  inst: InstanceLike;
  ft: FuncTypeInfo;
  opts: LiftOptionsInfo & {
    postReturn?: (...flatResults: CoreValue[]) => unknown;
  };
  /** The core function (a wasm export). */
  core: (...flatArgs: CoreValue[]) => unknown;
  /** ABI core: `lower_flat_values` of the arguments into the callee (may call realloc). */
  lowerParams(task: Task, args: unknown[]): CoreValue[];
  /** ABI core, sync lift only: `lift_flat_values` of the core results. */
  liftResults?(task: Task, flatResults: CoreValue[]): unknown[];
}

/** CanonicalABI.md "Embedding" `Store.lift`: the reentrance check around `canon lift`. */
export function liftFunction(def: LiftedFunction): FuncInst {
  validateLiftOptions(def);
  const f: FuncInst = (onStart, onResolve, caller) => {
    const poisoned = def.inst.poisoned;
    if (poisoned)
      trap(
        `cannot call ${def.ft.name ? `'${def.ft.name}'` : "the export"}: the instance trapped earlier (${poisoned.message})`,
        "Explainer.md component invariant 1 (lockdown after a trap)",
      );
    if (!mayEnterFrom(def.inst, caller)) {
      // JSPI: held by a suspended call, not re-entered from a host import: wait for it.
      const held = enteringSet(def.inst, caller).some((i) => concurrencyOf(i).suspendedHolds > 0);
      if (caller === undefined && held && hostImportDepth() === 0) return deferredEntry(f, onStart, onResolve);
      trap(
        `cannot call ${def.ft.name ? `'${def.ft.name}'` : "the export"}: its instance is already executing (reentrance is only allowed where the instance blocks; Explainer.md Component Invariant #2)`,
        'CanonicalABI.md "Embedding" Store.lift may_enter_from',
      );
    }
    enterFrom(def.inst, caller);
    const suspended: Suspended = { pending: false };
    try {
      return canonLift(def, onStart, onResolve, suspended);
    } finally {
      // JSPI (link/jspi.ts): the core code suspended inside a host call, invisible to the
      // Component Model, so the instance stays entered until the call completes.
      if (suspended.pending) suspended.leave = heldEntry(def.inst, caller);
      else leaveTo(def.inst, caller);
    }
  };
  f.store = concurrencyOf(def.inst).store;
  f.inst = def.inst;
  return f;
}

/** CanonicalABI.md "canonopt Validation" for `canon lift` (a component that breaks these is invalid, not trapping). */
function validateLiftOptions(def: LiftedFunction): void {
  const where = `canon lift of ${def.ft.name ? `'${def.ft.name}'` : "a function"}`;
  if (def.opts.async && !def.ft.async)
    throw new Error(
      `${where}: the async option needs an async function type (CanonicalABI.md "canonopt Validation")`,
    );
  if (def.opts.callback && !def.opts.async)
    throw new Error(
      `${where}: a callback needs the async option (CanonicalABI.md "canonopt Validation")`,
    );
  if (def.opts.async && def.opts.postReturn)
    throw new Error(
      `${where}: post-return cannot be combined with async (CanonicalABI.md "canonopt Validation")`,
    );
  if (!def.opts.async && !def.liftResults)
    throw new Error(`${where}: a synchronous lift needs liftResults`);
}

/** A host call that waits for a suspended call's instance (`Store.deferEntry`); cancelling it first resolves it as cancelled. */
function deferredEntry(f: FuncInst, onStart: OnStart, onResolve: OnResolve): OnCancel {
  let onCancel: OnCancel | undefined;
  let cancelled = false;
  concurrencyOf(f.inst!).store.deferEntry(f.inst!, () => {
    if (cancelled) return;
    try {
      onCancel = f(onStart, onResolve);
    } catch (e) {
      if (!onStart.fail) throw e;
      onStart.fail(e);
    }
  });
  return (caller) => {
    if (onCancel) return onCancel(caller);
    if (cancelled) return;
    cancelled = true;
    onResolve(undefined);
  };
}

function canonLift(
  def: LiftedFunction,
  onStart: OnStart,
  onResolve: OnResolve,
  suspended: Suspended,
): OnCancel {
  const task = new Task(def.inst, def.ft, def.opts, onStart, onResolve);
  const c = concurrencyOf(def.inst);
  enterImplicitThread(task, (fromTick) => {
    if (!fromTick) return runBody(def, task, suspended);
    // Entered later by the store's tick: that tick holds the instance (see `resumeWith`).
    const mine: Suspended = { pending: false };
    runBody(def, task, mine);
    if (mine.pending) {
      task.thread.keepEntered = true;
      mine.leave = heldEntry(task.inst, undefined);
    }
  });
  if (!def.ft.async && !suspended.pending && !suspended.deferred) {
    // CanonicalABI.md "canon lift": a non-async function may not block; run this instance's ready threads until it returns.
    while (task.state !== TaskState.RESOLVED) {
      const w = [...c.store.waiting].find(
        (w) => w.task.inst === def.inst && w.task !== c.exclusive && w.ready(),
      );
      if (!w)
        trap(
          `${task.describe()} (a non-async function) blocked before returning a value; non-async functions may not block`,
          'CanonicalABI.md "canon lift"',
        );
      w.resume(false);
    }
  }
  return task.requestCancellation;
}

/** CanonicalABI.md "Tasks" `enter_implicit_thread`: wait out backpressure, then take the exclusive slot. */
function enterImplicitThread(task: Task, then: (fromTick: boolean) => void): void {
  const c = concurrencyOf(task.inst);
  const proceed = (fromTick = false): void => {
    if (task.ft.async && task.needsExclusive()) c.exclusive = task;
    task.threadLive = true;
    then(fromTick);
  };
  if (task.ft.async && (hasBackpressure(task) || c.numWaitingToEnter > 0)) {
    c.numWaitingToEnter += 1;
    task.thread.waitUntil(
      () => !hasBackpressure(task),
      true,
      (cancelled) => {
        c.numWaitingToEnter -= 1;
        if (cancelled) task.cancel();
        else proceed(true);
      },
    );
    return;
  }
  proceed();
}

/** CanonicalABI.md "Tasks" `exit_implicit_thread` / `unregister_thread`. */
function exitImplicitThread(task: Task): void {
  if (task.state !== TaskState.RESOLVED)
    trap(
      `${task.describe()} finished without returning a value: call task.return (or task.cancel after TASK_CANCELLED) before exiting`,
      'CanonicalABI.md "canon lift"',
    );
  task.threadLive = false;
  const c = concurrencyOf(task.inst);
  if (c.exclusive === task) c.exclusive = undefined;
  c.store.wake();
}

/** CanonicalABI.md "canon lift", sync: lift the results, return them, run post-return, exit. */
function finishSync(def: LiftedFunction, task: Task, results: CoreValue[]): void {
  task.return_(def.liftResults!(task, results));
  if (def.opts.postReturn) {
    // CanonicalABI.md "canon lift": post-return may not call built-ins that leave the instance.
    def.inst.mayLeave = false;
    try {
      callCore(task, def.opts.postReturn, results);
    } finally {
      def.inst.mayLeave = true;
    }
  }
  exitImplicitThread(task);
}

function runBody(def: LiftedFunction, task: Task, suspended: Suspended): void {
  const args = task.start();
  let flatArgs: CoreValue[];
  try {
    flatArgs = def.lowerParams(task, args);
  } catch (e) {
    if (e instanceof Trap) throw e;
    // A host value the parameter types refuse: release the instance before reporting it.
    task.threadLive = false;
    const c = concurrencyOf(task.inst);
    if (c.exclusive === task) c.exclusive = undefined;
    const taken = task.abandon(e);
    c.store.wake();
    if (taken) return;
    throw e;
  }
  if (!def.opts.async) runCore(task, def.core, flatArgs, suspended, (results) => finishSync(def, task, results));
  else if (!def.opts.callback) runCore(task, def.core, flatArgs, suspended, () => exitImplicitThread(task));
  else runCore(task, def.core, flatArgs, suspended, ([packed], hold) => callbackLoop(task, Number(packed ?? 0), hold));
}

/**
 * The callback with `event`, called by the store's tick, which entered the instance
 * (`Waiter.keepEntered` if the callback suspends). A function of its own, not a closure of
 * `callbackLoop`: a call that EXITs at once (the common case) allocates none of it.
 */
function resumeWith(task: Task, event: EventTuple): void {
  concurrencyOf(task.inst).exclusive = task;
  const mine: Suspended = { pending: false };
  const callback = task.opts.callback! as (...a: CoreValue[]) => unknown;
  // The event tuple is the argument list as it is (a call does not change its arguments).
  runCore(task, callback, event as unknown as CoreValue[], mine, loopOn);
  if (mine.pending) {
    task.thread.keepEntered = true;
    mine.leave = heldEntry(task.inst, undefined);
  }
}

/** `runCore`'s continuation after a callback: the loop goes on with the code it returned. */
const loopOn = (flat: CoreValue[], hold: Suspended, task: Task): void => callbackLoop(task, Number(flat[0] ?? 0), hold);

/** CanonicalABI.md "canon lift": interpret callback codes until EXIT, parking the task at each WAIT/YIELD. */
function callbackLoop(task: Task, packed: number, hold: Suspended): void {
  // CanonicalABI.md "canon lift": EXIT (0) ends the task at once, the common case of a call.
  if (packed === CallbackCode.EXIT) return exitImplicitThread(task);
  const c = concurrencyOf(task.inst);
  const callback = task.opts.callback! as (...a: CoreValue[]) => unknown;
  for (;;) {
    const { code, waitableSetIndex } = unpackCallbackResult(packed >>> 0);
    if (code === undefined)
      trap(
        `callback returned unknown callback code ${packed & 0xf} (expected EXIT=0, YIELD=1 or WAIT=2)`,
        'CanonicalABI.md "canon lift"',
      );
    if (code === CallbackCode.EXIT) return exitImplicitThread(task);
    if (c.exclusive === task) c.exclusive = undefined;
    if (code === CallbackCode.YIELD) {
      // Always through the store: a YIELD lets every other ready task run first.
      task.thread.waitUntil(
        () => c.exclusive === undefined,
        true,
        (cancelled) =>
          resumeWith(
            task,
            cancelled
              ? [EventCode.TASK_CANCELLED, 0, 0]
              : [EventCode.NONE, 0, 0],
          ),
      );
      return;
    }
    const wset = task.inst.handles.get(waitableSetIndex);
    if (!(wset instanceof WaitableSet))
      trap(
        `callback returned WAIT on handle ${waitableSetIndex}, which is ${aOrAn(describe(wset))}, not a waitable set`,
        'CanonicalABI.md "canon lift"',
      );
    if (task.state !== TaskState.PENDING_CANCEL && wset.hasPendingEvent()) {
      // Ready already: the spec's `wait_until` may return at once, so deliver without a round trip.
      c.exclusive = task;
      // The event tuple is the argument list as it is, as in `resumeWith`.
      const event = wset.getPendingEvent()! as unknown as CoreValue[];
      const atOnce = runCore(task, callback, event, hold, ([next], h) => {
        if (h === hold) packed = Number(next ?? 0);
        // Else the callback answered later (JSPI): the loop goes on from there.
        else callbackLoop(task, Number(next ?? 0), h);
      });
      if (!atOnce) return;
      continue;
    }
    wset.numWaiting += 1;
    const wait = (task.setWait ??= new SetWait(task, c));
    wait.wset = wset;
    task.thread.waitUntil(wait.ready, true, wait.resume);
    return;
  }
}

/**
 * A callback-lifted task's WAIT on a waitable set (CanonicalABI.md "canon lift"): the readiness
 * test and continuation the store calls, made once per task rather than on every WAIT (a
 * stream moves one chunk per WAIT).
 */
export class SetWait {
  wset: WaitableSet | undefined;
  constructor(
    private readonly task: Task,
    private readonly c: InstanceConcurrency,
  ) {}

  readonly ready = (): boolean => this.c.exclusive === undefined && this.wset!.hasPendingEvent();

  readonly resume = (cancelled: boolean): void => {
    const wset = this.wset!;
    this.wset = undefined;
    wset.numWaiting -= 1;
    resumeWith(this.task, cancelled ? [EventCode.TASK_CANCELLED, 0, 0] : wset.getPendingEvent()!);
  };
}
