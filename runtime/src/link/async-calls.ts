/**
 * `canon lift` / `canon lower` with the `async` option, and `task.return`,
 * through the task machinery of `../task/` (its wiring guide: `../async/index.ts`).
 * The ABI core supplies the value codecs; this module flattens and spills
 * with the async limits (CanonicalABI.md "Flattening": MAX_FLAT_ASYNC_PARAMS
 * for async lowering) and picks the borrow scope (the Task or Subtask).
 *
 * Sync lifts stay on the dynamic path (`abi/call.ts`), which runs without a
 * Task: async built-ins that need the current task therefore trap when used
 * from a sync-lifted function (see the report's gaps).
 */
import type { Task } from "../task/task.js";
import { FlatReader, type CodecCompiler, type Codec, type Flat } from "../abi/codec.js";
import type { CanonOptions, LiftLowerContext } from "../abi/context.js";
import { lowerJournaled, lowersHandles, needsLoweringJournal } from "../abi/lowering-journal.js";
import { fieldOffsets, layoutOf, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS } from "../abi/layout.js";
import { planValue } from "../abi/plan.js";
import type { AbiType } from "../abi/valtype.js";
import { abiTypeKey, adapterTypeKey } from "../async/abi-adapter.js";
import { taskReturn } from "../async/builtins.js";
import type { CoreValue } from "../async/deps.js";
import type { ComponentInstanceState } from "../instance-state.js";
import { liftFunction, type FuncInst } from "../task/callback-loop.js";
import { hostFunction } from "../task/host-function.js";
import { lowerFunction } from "../task/lower.js";
import { AbiValueError, Trap } from "../trap.js";
import type { CoreFunction, FunctionSignature, HostAdapters, JsFunction, TaskExportValues, TaskImportValues } from "./adapters.js";
import { callAsyncExport, withImportSignal } from "./call-options.js";
import { callFrom } from "./cross-call.js";
import type { RtFunc } from "./items.js";

function codecs(compiler: CodecCompiler, ts: AbiType[]): Codec[] {
  return ts.map((t) => compiler.codec(planValue(t)));
}

function tupleLayout(ts: AbiType[]): { size: number; align: number; offsets: number[] } {
  const l = layoutOf({ kind: "tuple", types: ts });
  return { size: l.size, align: l.align, offsets: fieldOffsets(ts.map((type) => ({ type }))) };
}

/** Per types list (each lift or lower has its own, made once): computed on the first call only. */
const flatCounts = new WeakMap<AbiType[], number>();
function flatCount(ts: AbiType[]): number {
  let n = flatCounts.get(ts);
  if (n === undefined) {
    n = 0;
    for (const t of ts) n += layoutOf(t).flat.length;
    flatCounts.set(ts, n);
  }
  return n;
}

function withScope<T>(cx: LiftLowerContext, scope: LiftLowerContext["borrowScope"], f: () => T): T {
  const prev = cx.borrowScope;
  cx.borrowScope = scope;
  try {
    cx.refresh();
    return f();
  } finally {
    cx.borrowScope = prev;
  }
}

/** Runs the lowering of one argument, naming the function and parameter in a value error. */
function located(name: string, param: string, lower: () => void): void {
  try {
    lower();
  } catch (e) {
    if (e instanceof AbiValueError) e.locate(name, `param "${param}"`);
    throw e;
  }
}

/**
 * Runs `lower`, the lowering of a host call's arguments that can add handles to the callee's
 * table: a host source among them that fails later fails the call (task/source-failures.ts), and
 * with `journal` (abi/lowering-journal.ts) a refused argument takes back what the ones before it
 * moved, so the refused call leaves nothing behind.
 */
function lowerHandles(task: Task, cx: LiftLowerContext, journal: boolean, lower: () => Flat[]): Flat[] {
  cx.sourceFailures = task.sourceFailures;
  try {
    return journal ? lowerJournaled(cx, lower) : lower();
  } finally {
    cx.sourceFailures = undefined;
  }
}

/** CanonicalABI.md `lower_flat_values` of the arguments with `max_flat` (spilling through realloc). */
function lowerValues(cx: LiftLowerContext, cs: Codec[], types: AbiType[], args: unknown[], maxFlat: number, name: string, params: string[]): Flat[] {
  if (args.length !== cs.length) throw new AbiValueError(`${name} takes ${cs.length} argument(s), got ${args.length}`);
  const out: Flat[] = [];
  if (flatCount(types) > maxFlat) {
    const { size, align, offsets } = tupleLayout(types);
    const ptr = cx.allocate(align, size);
    cx.checkRange(ptr, size, align, "parameter tuple", "CanonicalABI.md lower_flat_values");
    cs.forEach((c, i) => located(name, params[i]!, () => c.store(cx, args[i], ptr + offsets[i])));
    out.push(ptr | 0);
  } else cs.forEach((c, i) => located(name, params[i]!, () => c.lowerFlat(cx, args[i], out)));
  return out;
}

/** CanonicalABI.md `lift_flat_values` with `max_flat`. */
function liftValues(cx: LiftLowerContext, cs: Codec[], types: AbiType[], flat: readonly CoreValue[], maxFlat: number): unknown[] {
  if (flatCount(types) > maxFlat) {
    const { size, align, offsets } = tupleLayout(types);
    const ptr = (flat[0] as number) >>> 0;
    cx.checkRange(ptr, size, align, "parameter tuple", "CanonicalABI.md lift_flat_values");
    return cs.map((c, i) => c.load(cx, ptr + offsets[i]));
  }
  const r = new FlatReader(flat as Flat[]);
  return cs.map((c) => c.liftFlat(cx, r));
}

const firstResult = (r: unknown[] | undefined): unknown => (r === undefined ? undefined : r[0]);

const resultKey = (t: AbiType | undefined) => (t ? abiTypeKey(t) : undefined);

/**
 * A task lift's value code: the dynamic codecs, until a `taskExport` adapter gives generated
 * code (`use`). Either lowering runs in the task's borrow scope, and through `lowerHandles` when
 * the arguments can add handles to the callee's table.
 */
class TaskValues {
  lowerParams: (task: Task, args: unknown[]) => Flat[];
  liftResults: ((flat: readonly Flat[]) => unknown[]) | undefined;
  private readonly handles: boolean;
  private readonly journal: boolean;

  constructor(
    private readonly cx: LiftLowerContext,
    types: AbiType[],
    dynamicLower: (args: unknown[]) => Flat[],
  ) {
    this.handles = lowersHandles(types);
    this.journal = needsLoweringJournal(types);
    this.lowerParams = this.scoped(dynamicLower);
  }

  private scoped(lower: (args: unknown[]) => Flat[]): (task: Task, args: unknown[]) => Flat[] {
    const { cx, journal } = this;
    return this.handles
      ? (task, args) => withScope(cx, task, () => lowerHandles(task, cx, journal, () => lower(args)))
      : (task, args) => withScope(cx, task, () => lower(args));
  }

  use(values: TaskExportValues): void {
    const cx = this.cx;
    this.lowerParams = this.scoped((args) => values.lowerParams(args));
    if (values.liftResults) {
      const lift = values.liftResults;
      this.liftResults = (flat) => withScope(cx, undefined, () => lift(flat));
    }
  }
}

/** `canon lift ... async (callback f)?`: a FuncInst, and a JS function returning a Promise of the result. */
export function asyncLift(
  compiler: CodecCompiler,
  state: ComponentInstanceState,
  sig: FunctionSignature,
  opts: CanonOptions,
  callback: CoreFunction | undefined,
  core: CoreFunction,
  cx: LiftLowerContext,
): RtFunc {
  const types = sig.params.map((p) => p.type);
  const paramNames = sig.params.map((p) => p.name);
  const cs = codecs(compiler, types);
  const values = new TaskValues(cx, types, (args) => lowerValues(cx, cs, types, args, MAX_FLAT_PARAMS, sig.name, paramNames));
  const funcInst = liftFunction({
    inst: state,
    ft: { async: sig.async, resultTypeKey: resultKey(sig.result), name: sig.name },
    opts: {
      async: true,
      ...(callback ? { callback: callback as (e: number, p1: number, p2: number) => number } : {}),
      ...(opts.memory ? { memory: opts.memory } : {}),
      stringEncoding: opts.stringEncoding ?? "utf8",
    },
    core: core as (...a: CoreValue[]) => unknown,
    lowerParams: (task, args) => values.lowerParams(task, args),
  });
  const call: JsFunction = (...args) => callAsyncExport(funcInst, args, types.length, sig.name, firstResult);
  return { sig, call, funcInst, taskLift: { cx, opts, use: (v) => values.use(v) } };
}

/** `canon task.return (result T)? opts`. */
export function taskReturnBuiltin(
  compiler: CodecCompiler,
  state: ComponentInstanceState,
  result: AbiType | undefined,
  opts: CanonOptions,
  cx: LiftLowerContext,
  generated?: HostAdapters["taskReturn"],
): CoreFunction {
  const cs = result ? codecs(compiler, [result]) : [];
  const types = result ? [result] : [];
  // Generated code (`taskReturn` adapters), given the result's plan for its stream/future types and resources.
  const lift = result ? generated?.(adapterTypeKey(result), cx, planValue(result), compiler) : undefined;
  const sig = {
    resultTypeKey: resultKey(result),
    ...(opts.memory ? { memory: opts.memory } : {}),
    stringEncoding: opts.stringEncoding ?? "utf8",
    lift: lift
      ? (flat: CoreValue[]) => withScope(cx, undefined, () => lift(flat as Flat[]))
      : (flat: CoreValue[]) => withScope(cx, undefined, () => liftValues(cx, cs, types, flat, MAX_FLAT_PARAMS)),
  };
  return (...flat) => void taskReturn(state, sig, flat as CoreValue[]);
}

/** The FuncInst of any component function: async-lifted ones have one; others are called like host functions. */
export function funcInstOf(f: RtFunc, state: ComponentInstanceState): FuncInst {
  if (f.funcInst) return f.funcInst;
  const hasResult = !!f.sig.result;
  const call = callFrom(f, state);
  // An async host import learns of the guest's cancellation through an AbortSignal (call-options.ts).
  const signalled = f.sig.async && f.hostPath !== undefined;
  return hostFunction(
    (args, control) => {
      const { args: withOptions, cancelled } = signalled ? withImportSignal(args, control) : { args, cancelled: () => false };
      const r = call(...withOptions);
      if (r && typeof (r as PromiseLike<unknown>).then === "function") {
        return (r as PromiseLike<unknown>).then(
          (v) => (hasResult ? [v] : []),
          (e) => {
            if (cancelled()) return undefined;
            throw e;
          },
        );
      }
      return hasResult ? [r] : [];
    },
    (e) => {
      // A host promise rejected after the call started: the caller cannot continue.
      state.poison(e instanceof Trap ? e : new Trap(`host function failed: ${e instanceof Error ? e.message : String(e)}`, { rule: "CanonicalABI.md call_and_trap_on_throw", cause: e }));
    },
  );
}

/** `canon lower` through a Subtask: with the `async` option, or of a callee that only has a FuncInst. */
export function taskLower(
  compiler: CodecCompiler,
  state: ComponentInstanceState,
  f: RtFunc,
  async: boolean,
  cx: LiftLowerContext,
  generated?: () => TaskImportValues | undefined,
): CoreFunction {
  const types = f.sig.params.map((p) => p.type);
  const cs = codecs(compiler, types);
  const result = f.sig.result;
  const rc = result ? compiler.codec(planValue(result)) : undefined;
  const resultSpilled = !!result && layoutOf(result).flat.length > MAX_FLAT_RESULTS;
  // Generated value code (`taskImport` adapters) for async lowerings.
  const adapted = async ? generated?.() : undefined;
  const core = lowerFunction({
    inst: state,
    callee: funcInstOf(f, state),
    ft: { async: f.sig.async, name: f.sig.name },
    opts: { async },
    liftParams: adapted
      ? (subtask, flat) => withScope(cx, subtask, () => adapted.liftParams(flat as Flat[]))
      : (subtask, flat) => withScope(cx, subtask, () => liftValues(cx, cs, types, flat, async ? MAX_FLAT_ASYNC_PARAMS : MAX_FLAT_PARAMS)),
    lowerResults: adapted
      ? (subtask, values, flat) => withScope(cx, subtask, () => (adapted.lowerResults(values, flat as Flat[]), []))
      : (subtask, values, flat) =>
      withScope(cx, subtask, () => {
        if (!rc) return [];
        if (async || resultSpilled) {
          const ptr = (flat[flat.length - 1] as number) >>> 0;
          const { size, align } = layoutOf(result!);
          cx.checkRange(ptr, size, align, "result out-pointer", "CanonicalABI.md lower_flat_values");
          rc.store(cx, values[0], ptr);
          return [];
        }
        const out: Flat[] = [];
        rc.lowerFlat(cx, values[0], out);
        return out;
      }),
  });
  return (...flat) => {
    try {
      const r = core(...(flat as CoreValue[]));
      return r.length === 1 ? r[0] : undefined;
    } catch (e) {
      const t = e instanceof Trap ? e : new Trap(`lowering failed: ${e instanceof Error ? e.message : String(e)}`, { rule: "CanonicalABI.md canon_lower", cause: e });
      state.poison(t.locate(f.sig.name));
      throw t;
    }
  };
}

/** Traps that refuse an entry (lockdown, re-entrance) do not poison again. */
function refusedEntry(t: Trap): boolean {
  return /may_enter|lockdown|invariant 1/.test(t.rule);
}

/**
 * A sync `canon lift` run as a Task (`liftFunction`), for components that use
 * async built-ins: those need a current task even in sync-lifted code. Called
 * synchronously (a sync lift cannot block), so the JS function returns the
 * value, not a Promise.
 */
export function syncTaskLift(
  compiler: CodecCompiler,
  state: ComponentInstanceState,
  sig: FunctionSignature,
  opts: CanonOptions,
  core: CoreFunction,
  cx: LiftLowerContext,
): RtFunc {
  const types = sig.params.map((p) => p.type);
  const paramNames = sig.params.map((p) => p.name);
  const cs = codecs(compiler, types);
  const result = sig.result;
  const rc = result ? compiler.codec(planValue(result)) : undefined;
  const resultSpilled = !!result && layoutOf(result).flat.length > MAX_FLAT_RESULTS;
  const trapping = (f: CoreFunction): ((...a: CoreValue[]) => unknown) => (...a) => {
    try {
      return f(...(a as Flat[]));
    } catch (e) {
      if (e instanceof Trap) throw e;
      throw new Trap(`core function trapped: ${e instanceof Error ? e.message : String(e)}`, { rule: "CanonicalABI.md call_and_trap_on_throw", cause: e });
    }
  };
  const values = new TaskValues(cx, types, (args) => lowerValues(cx, cs, types, args, MAX_FLAT_PARAMS, sig.name, paramNames));
  const funcInst = liftFunction({
    inst: state,
    ft: { async: sig.async, resultTypeKey: resultKey(result), name: sig.name },
    opts: {
      async: false,
      ...(opts.memory ? { memory: opts.memory } : {}),
      stringEncoding: opts.stringEncoding ?? "utf8",
      ...(opts.postReturn ? { postReturn: trapping(opts.postReturn as CoreFunction) } : {}),
    },
    core: trapping(core),
    lowerParams: (task, args) => values.lowerParams(task, args),
    liftResults: (_task, flat) =>
      values.liftResults !== undefined ? values.liftResults(flat as Flat[]) : withScope(cx, undefined, () => {
        if (!rc) return [];
        if (resultSpilled) {
          const ptr = (flat[0] as number) >>> 0;
          const { size, align } = layoutOf(result!);
          cx.checkRange(ptr, size, align, "result", "CanonicalABI.md lift_flat_values");
          return [rc.load(cx, ptr)];
        }
        return [rc.liftFlat(cx, new FlatReader(flat as Flat[]))];
      }),
  });
  const call: JsFunction = (...args) => {
    let out: unknown[] | undefined;
    let done = false;
    try {
      funcInst(
        () => args,
        (r) => {
          out = r;
          done = true;
        },
      );
    } catch (e) {
      if (e instanceof Trap) {
        e.locate(sig.name);
        if (!refusedEntry(e)) state.poison(e);
      } else if (e instanceof AbiValueError) e.locate(sig.name);
      throw e;
    }
    if (!done) throw new Trap(`${sig.name} did not return synchronously`, { rule: 'CanonicalABI.md "canon lift"' });
    return out?.[0];
  };
  return { sig, call, funcInst, taskLift: { cx, opts, use: (v) => values.use(v) } };
}
