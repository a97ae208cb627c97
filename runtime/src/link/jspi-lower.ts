/**
 * `canon lower` (sync) of a root host import under `instantiate(..., { jspi: true })`, as a
 * `WebAssembly.Suspending` import (see `jspi.ts`): a host suspension for a non-async function, a
 * Component Model wait for an `async func` that did not finish at once.
 */
import { FlatReader, type Codec, type CodecCompiler, type Flat } from "../abi/codec.js";
import { containsBorrow, type CoreFunction } from "../abi/call.js";
import type { LiftLowerContext } from "../abi/context.js";
import { fieldOffsets, layoutOf, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS } from "../abi/layout.js";
import { planValue } from "../abi/plan.js";
import type { AbiType } from "../abi/valtype.js";
import { runSuspendable } from "../api/block-on.js";
import type { ComponentInstanceState } from "../instance-state.js";
import { storeOf } from "../task/instance.js";
import { inHostImport, noteSuspension } from "../task/store.js";
import type { Task } from "../task/task.js";
import { BorrowScope } from "../resources/handle.js";
import { AbiValueError, Trap } from "../trap.js";
import type { RtFunc } from "./items.js";
import { markSuspendable, message } from "./jspi.js";
import { waitUntil } from "./jspi-wait.js";

function codecsOf(compiler: CodecCompiler, ts: AbiType[]): Codec[] {
  return ts.map((t) => compiler.codec(planValue(t)));
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
  const resultIsFuture = result?.kind === "future";
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
    const settle = (v: unknown): Flat | undefined => {
      store.current = task;
      return lowerResult(v);
    };
    const failed = (e: unknown): never => {
      store.current = task;
      throw fail(e, "rejected");
    };
    // A future<T> result is the promise or FutureReader (a thenable) itself, not what it resolves
    // to: boxed, so that the promise does not adopt it.
    if (resultIsFuture) return Promise.resolve([r]).then(([v]) => settle(v), failed);
    return Promise.resolve(r).then(settle, failed);
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
    // Trap handling of the host's failure is ours (`fail`); `waitUntil` poisons only on a dropped wait.
    return waitUntil(state, task, () => outcome !== undefined, false, () => outcome!, `call to '${path}'`).then((o) => {
      if ("error" in o) throw fail(o.error, "rejected");
      return lowerResult(o.value);
    });
  };
  markSuspendable(lowered);
  return lowered as CoreFunction;
}
