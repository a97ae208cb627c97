/**
 * `instantiate(imports, { jspi: true })`: JS Promise Integration. JS cannot block, so a
 * synchronous component call that has to wait needs the engine to suspend the wasm stack: every
 * root export's core function (and callback) is entered through `WebAssembly.promising` (its JS
 * function then returns a Promise), and the root component's sync-lowered host imports, its
 * `waitable-set.wait` and sync stream/future copies are `WebAssembly.Suspending` imports.
 *
 * - A host import of a non-async function that returns a promise (or `blockOn(p)`): a host
 *   suspension, invisible to the Component Model. The calling instance stays entered
 *   (CanonicalABI.md "Embedding" `Store.lift` holds `may_enter` until a non-async call returns):
 *   a host call into it waits until it is free (`Store.deferEntry`: the spec's host could not have
 *   called in meanwhile), a call from inside a host import is re-entrance (a trap), and the store
 *   resumes none of its waiting threads meanwhile. A promising entry that completed without
 *   suspending frees the instance at once (task/callback-loop.ts `runCore`).
 * - A Component Model wait (`waitable-set.wait` with no event, a sync stream/future copy that
 *   cannot finish, a sync lowering of an `async func` that did not) in an async-typed task: `Thread.wait_until` — the instance is left, the
 *   task keeps its exclusive slot, the store's tick resumes the stack. A non-async function may
 *   not block: it traps (CanonicalABI.md "canon lift").
 *
 * V8 (Node 26) suspends at every call of a Suspending import, even one answered without a
 * promise (the wasm resumes in a later job), so each such call costs a suspension; hence the
 * option, and nothing of this runs without it. The engine cannot suspend across JS frames, so
 * only the root component's own lowers are made suspending (a nested instance is reached through
 * the JS of a cross-instance call); code not entered through `promising` (resource destructors,
 * a core start function) must not call them.
 */
import { FlatReader, type Codec, type CodecCompiler, type Flat } from "../abi/codec.js";
import { containsBorrow, type CoreFunction } from "../abi/call.js";
import type { LiftLowerContext } from "../abi/context.js";
import { fieldOffsets, layoutOf, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS } from "../abi/layout.js";
import { planValue } from "../abi/plan.js";
import type { AbiType } from "../abi/valtype.js";
import { jspiAvailable, runSuspendable } from "../api/block-on.js";
import { JspiUnavailableError } from "../api/errors.js";
import type { ComponentInstanceState } from "../instance-state.js";
import { callFromHost } from "../task/host-function.js";
import type { FuncInst } from "../task/callback-loop.js";
import { leaveTo, storeOf } from "../task/instance.js";
import { inHostImport, noteSuspension } from "../task/store.js";
import { maybeCurrentTask } from "../task/current.js";
import { TaskState, type Task } from "../task/task.js";
import { waitableSetWait } from "../async/builtins.js";
import { Waitable } from "../async/waitable.js";
import { BLOCKED, EventCode } from "../async/event-code.js";
import { WaitableSet } from "../async/waitable-set.js";
import type { LinearMemory } from "../async/deps.js";
import { BorrowScope } from "../resources/handle.js";
import { AbiValueError, Trap } from "../trap.js";
import type { JsFunction } from "./adapters.js";
import type { RtFunc } from "./items.js";

interface JspiApi {
  Suspending: new (f: (...a: never[]) => unknown) => object;
  promising: (f: CoreFunction) => (...a: unknown[]) => Promise<unknown>;
}

function api(): JspiApi {
  return (globalThis as unknown as { WebAssembly: JspiApi }).WebAssembly;
}

/** `instantiate`'s check of the option: the engine must have JSPI. */
export function requireJspi(): void {
  if (!jspiAvailable()) throw new JspiUnavailableError("instantiate(imports, { jspi: true })");
}

/** Marks the core functions that core modules must import as `WebAssembly.Suspending`. */
const suspendable = new WeakSet<object>();

/**
 * The import object for one core instantiation with every suspendable function (from the
 * instantiator's inline export bundles; a wasm instance's exports hold none) wrapped anew.
 */
export function withSuspendingImports(importObject: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, bundle] of Object.entries(importObject)) {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(bundle)) {
      const v = bundle[key];
      if (typeof v !== "function" || !suspendable.has(v)) continue;
      copy ??= { ...bundle };
      copy[key] = new (api().Suspending)(v as (...a: never[]) => unknown);
    }
    out[name] = copy ?? bundle;
  }
  return out;
}

/** `WebAssembly.promising(core)`, or `undefined` when `core` is not a wasm function (JSPI cannot enter it). */
export function promisingCore(core: CoreFunction): CoreFunction | undefined {
  try {
    return api().promising(core) as unknown as CoreFunction;
  } catch {
    return undefined;
  }
}

/** Traps that refuse an entry (re-entrance, lockdown) do not poison again (as `async-calls.ts`). */
function refusedEntry(t: Trap): boolean {
  return /may_enter|lockdown|invariant 1/.test(t.rule);
}

/**
 * A root export's JS function under JSPI: `lifted` runs its core function through
 * `WebAssembly.promising`, so the call returns a Promise of the result; a trap (before or after
 * a suspension) rejects it and poisons the instance.
 */
export function suspendableExport(lifted: FuncInst, state: ComponentInstanceState, name: string): JsFunction {
  return (...args) =>
    callFromHost(lifted, args).result.then(
      (r) => r?.[0],
      (e: unknown) => {
        if (e instanceof Trap) {
          e.locate(name);
          if (!refusedEntry(e)) state.poison(e);
        } else if (e instanceof AbiValueError) e.locate(name);
        throw e;
      },
    );
}

function codecsOf(compiler: CodecCompiler, ts: AbiType[]): Codec[] {
  return ts.map((t) => compiler.codec(planValue(t)));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * `canon lower` (sync) of a host function as a `WebAssembly.Suspending` import: lift the
 * arguments, call the host; a promise result (or `blockOn(p)`) suspends the wasm until it settles,
 * then the value is lowered as usual (CanonicalABI.md "canon lower" with a callee that returns
 * late: the caller sees an ordinary synchronous call).
 */
export function suspendingHostLower(compiler: CodecCompiler, state: ComponentInstanceState, f: RtFunc, path: string, cx: LiftLowerContext): CoreFunction {
  const types = f.sig.params.map((p) => p.type);
  const params = codecsOf(compiler, types);
  const names = f.sig.params.map((p) => p.name);
  const result = f.sig.result;
  const rc = result ? compiler.codec(planValue(result)) : undefined;
  const spilledParams = types.reduce((n, t) => n + layoutOf(t).flat.length, 0) > MAX_FLAT_PARAMS;
  const tuple = spilledParams ? { ...layoutOf({ kind: "tuple", types }), offsets: fieldOffsets(types.map((type) => ({ type }))) } : undefined;
  const spilledResult = !!result && layoutOf(result).flat.length > MAX_FLAT_RESULTS;
  const borrows = types.some((t) => containsBorrow(planValue(t)));
  const store = storeOf(state);
  const call = f.call;

  const fail = (e: unknown, what: string): Trap => {
    const t =
      e instanceof Trap
        ? e
        : e instanceof AbiValueError
          ? new Trap(`host function returned an invalid value: ${e.reason}`, { rule: "CanonicalABI.md lower_flat_values", cause: e }).prependPath(e.path)
          : new Trap(`host function ${what}: ${message(e)}`, { rule: "CanonicalABI.md call_and_trap_on_throw", cause: e });
    t.locate(path);
    state.poison(t);
    return t;
  };

  const lowered = (...flat: Flat[]): unknown => {
    state.checkMayLeave(path);
    const scope = borrows ? new BorrowScope() : undefined;
    const inScope = <T>(g: () => T): T => {
      const prev = cx.borrowScope;
      cx.borrowScope = scope;
      try {
        cx.refresh();
        return g();
      } finally {
        cx.borrowScope = prev;
      }
    };
    let args: unknown[];
    try {
      args = inScope(() => {
        if (tuple) {
          const ptr = (flat[0] as number) >>> 0;
          cx.checkRange(ptr, tuple.size, tuple.align, "parameter tuple", "CanonicalABI.md lift_flat_values");
          return params.map((c, i) => c.load(cx, ptr + tuple.offsets[i]!));
        }
        const r = new FlatReader(flat);
        return params.map((c, i) => {
          try {
            return c.liftFlat(cx, r);
          } catch (e) {
            if (e instanceof AbiValueError) e.locate(path, `param "${names[i]}"`);
            throw e;
          }
        });
      });
    } catch (e) {
      throw fail(e, "arguments");
    }
    const lowerResult = (value: unknown): Flat | undefined => {
      try {
        return inScope(() => {
          let out: Flat | undefined;
          if (rc && spilledResult) {
            const ptr = (flat[flat.length - 1] as number) >>> 0;
            const { size, align } = layoutOf(result!);
            cx.checkRange(ptr, size, align, "result out-pointer", "CanonicalABI.md lower_flat_values");
            rc.store(cx, value, ptr);
          } else if (rc) {
            const o: Flat[] = [];
            rc.lowerFlat(cx, value, o);
            out = o[0];
          }
          // CanonicalABI.md Subtask.deliver_resolve: handles lent for the call may be dropped again.
          scope?.releaseLenders();
          return out;
        });
      } catch (e) {
        throw fail(e, "result");
      }
    };
    let r: unknown;
    try {
      r = inHostImport(() => runSuspendable(() => call(...args), (v) => v));
    } catch (e) {
      throw fail(e, "threw");
    }
    // The stack suspends even for a value that is not a promise (V8 always suspends at a
    // Suspending import; the wasm resumes in a later job): no task runs until then (`Store.current`).
    const task = store.current;
    if (f.sig.async && r instanceof Promise) return waitFor(task, r, lowerResult);
    noteSuspension();
    store.current = undefined;
    return Promise.resolve(r).then(
      (v) => {
        store.current = task;
        return lowerResult(v);
      },
      (e: unknown) => {
        store.current = task;
        throw fail(e, "rejected");
      },
    );
  };
  /**
   * CanonicalABI.md "canon lower", sync, of an `async func` that did not finish at once: the
   * caller's thread `wait_until(subtask.resolved)`. A non-async function may not block (it traps,
   * "canon lift"); an async one's stack suspends, leaving the instance (it keeps its exclusive
   * slot), and the store's tick resumes it once the host settled.
   */
  const waitFor = (task: Task | undefined, p: Promise<unknown>, lowerResult: (value: unknown) => Flat | undefined): Promise<Flat | undefined> => {
    p.catch(() => {}); // handled below, after the wait
    if (!task || task.inst !== state) throw fail(new Trap(`synchronous call to '${path}' would block outside a task`, { rule: 'Concurrency.md "Blocking"' }), "blocked");
    if (!task.ft.async)
      throw fail(
        new Trap(`synchronous call to '${path}' would block inside a non-async function, which may not block (CanonicalABI.md "canon lift")`, {
          rule: 'Concurrency.md "Blocking"',
        }),
        "blocked",
      );
    let outcome: { value: unknown } | { error: unknown } | undefined;
    p.then(
      (value) => ((outcome = { value }), store.wake()),
      (error: unknown) => ((outcome = { error }), store.wake()),
    );
    const thread = task.thread;
    const resumed = new Promise<void>((resolve, reject) => {
      thread.dropped = reject;
      thread.waitUntil(
        () => outcome !== undefined,
        false,
        () => {
          thread.dropped = undefined;
          // The tick entered the instance for this resume; the wasm stack resumes later and keeps it.
          thread.keepEntered = true;
          resolve();
        },
      );
    });
    noteSuspension();
    store.current = undefined;
    leaveTo(state, undefined);
    store.wake();
    return resumed.then(
      () => {
        store.current = task;
        if ("error" in outcome!) throw fail(outcome.error, "rejected");
        return lowerResult(outcome!.value);
      },
      (e: unknown) => {
        store.current = task;
        throw fail(e, "dropped");
      },
    );
  };
  suspendable.add(lowered);
  return lowered as CoreFunction;
}

/**
 * Without `jspi`: a sync-lowered host import that returns a Promise cannot be waited for.
 * (The check is one `typeof` on the host's result.)
 */
export function noPromiseResult(path: string, call: JsFunction, jspi: boolean): JsFunction {
  const why = jspi
    ? "inside a nested component instance, where JSPI cannot suspend (a cross-instance call has JS frames on the stack); return the value synchronously"
    : "and cannot wait for it without JSPI: instantiate the component with { jspi: true } on an engine with JSPI " +
      "(WebAssembly.Suspending / promising: Node >= 24), or return the value synchronously";
  return (...args) => {
    const r = call(...args);
    if (typeof (r as PromiseLike<unknown> | undefined)?.then === "function") {
      // Nobody would await it: a rejection would go unhandled.
      Promise.resolve(r).catch(() => {});
      throw new Trap(`host import ${path} returned a Promise, but the component calls it synchronously ${why}`, {
        rule: 'Concurrency.md "Blocking"',
        func: path,
      });
    }
    return r;
  };
}

/**
 * `canon waitable-set.wait` under `jspi`: in a sync-lifted `async func` (a stackful task, entered
 * through `WebAssembly.promising`) a wait whose set has no event yet suspends the wasm stack
 * (CanonicalABI.md "Threads" `Thread.wait_until`): the instance is left while the thread waits,
 * the task keeps the exclusive slot, and the store's tick resumes it once an event is pending.
 * Every other case is the ordinary built-in (a non-async function may not block: it traps).
 */
export function suspendingWait(inst: ComponentInstanceState, cancellable: boolean, memory: LinearMemory): CoreFunction {
  const store = storeOf(inst);
  const wait = (si: number, ptr: number): number | Promise<number> => {
    si >>>= 0;
    ptr >>>= 0;
    const task = maybeCurrentTask(inst);
    let wset: unknown;
    try {
      wset = inst.handles.get(si);
    } catch {
      wset = undefined;
    }
    const blocks =
      task !== undefined &&
      task.ft.async &&
      !task.opts.async &&
      wset instanceof WaitableSet &&
      !wset.hasPendingEvent() &&
      !(cancellable && task.state === TaskState.PENDING_CANCEL) &&
      inst.mayLeave;
    if (!blocks) {
      let code: number;
      try {
        code = waitableSetWait(inst, cancellable, memory, si, ptr);
      } catch (e) {
        // As every built-in (instantiate.ts `guarded`): a trap poisons the instance.
        if (e instanceof Trap) inst.poison(e);
        throw e;
      }
      // The engine suspends at a Suspending import anyway: the task is current again when it resumes.
      const current = store.current;
      noteSuspension();
      store.current = undefined;
      return Promise.resolve(code).then((c) => {
        store.current = current;
        return c;
      });
    }
    const set = wset as WaitableSet;
    set.numWaiting += 1;
    return waitUntil(
      inst,
      task!,
      () => set.hasPendingEvent(),
      cancellable,
      (cancelled) => {
        set.numWaiting -= 1;
        return cancelled ? taskCancelledEvent(memory, ptr) : waitableSetWait(inst, cancellable, memory, si, ptr);
      },
      "waitable-set.wait",
    );
  };
  suspendable.add(wait);
  return wait as unknown as CoreFunction;
}

/**
 * CanonicalABI.md "Threads" `Thread.wait_until` for a stack entered through `promising`: the
 * caller leaves the instance once the thread blocks ("Embedding" `Store.lift`), the task keeps its
 * exclusive slot, and the store's tick resumes it (entering the instance, which the resumed stack
 * keeps: `Waiter.keepEntered`) once `ready()`; `resume` computes the built-in's result then, as
 * the current task. The promise is what the Suspending import returns; a trap poisons.
 */
function waitUntil<T>(
  inst: ComponentInstanceState,
  task: Task,
  ready: () => boolean,
  cancellable: boolean,
  resume: (cancelled: boolean) => T,
  builtin: string,
): Promise<T> {
  const store = storeOf(inst);
  const thread = task.thread;
  const resumed = new Promise<T>((resolve, reject) => {
    thread.dropped = reject;
    thread.waitUntil(ready, cancellable, (cancelled) => {
      thread.dropped = undefined;
      thread.keepEntered = true;
      try {
        resolve(store.runAs(task, () => resume(cancelled)));
      } catch (e) {
        reject(e);
      }
    });
  });
  noteSuspension();
  store.current = undefined;
  leaveTo(inst, undefined);
  store.wake();
  return resumed.then(
    (v) => {
      store.current = task;
      return v;
    },
    (e: unknown) => {
      store.current = task;
      const t = e instanceof Trap ? e : new Trap(`${builtin} failed: ${message(e)}`, { rule: `CanonicalABI.md canon ${builtin}`, cause: e });
      inst.poison(t);
      throw t;
    },
  );
}

/**
 * A sync `stream.read`/`write` or `future.read`/`write` under `jspi`: in an async-typed task a
 * copy that cannot finish at once suspends until its end has an event (CanonicalABI.md "canon
 * stream.read": `e.wait_for_pending_event()`), as the async variant's BLOCKED would be waited
 * for. Elsewhere, or for an end in a waitable set, the sync built-in (which traps if it would block).
 */
export function suspendingCopy(inst: ComponentInstanceState, sync: (...a: number[]) => unknown, async: (...a: number[]) => unknown, builtin: string): CoreFunction {
  const store = storeOf(inst);
  const copy = (...a: number[]): unknown => {
    const task = maybeCurrentTask(inst);
    let end: unknown;
    try {
      end = inst.handles.get(a[0]! >>> 0);
    } catch {
      end = undefined;
    }
    const stackful = task !== undefined && task.ft.async && !task.opts.async && inst.mayLeave && end instanceof Waitable && !end.inWaitableSet();
    let r: unknown;
    try {
      r = (stackful ? async : sync)(...a);
    } catch (e) {
      if (e instanceof Trap) inst.poison(e);
      throw e;
    }
    if (stackful && r === BLOCKED) {
      const e = end as Waitable;
      return waitUntil(inst, task!, () => e.hasPendingEvent(), false, () => e.getPendingEvent()[2], builtin);
    }
    const current = store.current;
    noteSuspension();
    store.current = undefined;
    return Promise.resolve(r).then((v) => {
      store.current = current;
      return v;
    });
  };
  suspendable.add(copy);
  return copy as unknown as CoreFunction;
}

/** The TASK_CANCELLED event of a wait (CanonicalABI.md `unpack_event` with p1 = p2 = 0). */
function taskCancelledEvent(memory: LinearMemory, ptr: number): number {
  if (ptr % 4 !== 0 || ptr + 8 > memory.buffer.byteLength)
    throw new Trap(`waitable-set.wait: event pointer ${ptr} is misaligned or out of bounds`, { rule: "CanonicalABI.md canon waitable-set.wait" });
  const view = new DataView(memory.buffer);
  view.setUint32(ptr, 0, true);
  view.setUint32(ptr + 4, 0, true);
  return EventCode.TASK_CANCELLED;
}
