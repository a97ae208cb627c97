/**
 * The dynamic path: turns a {@link FunctionPlan} into a callable once per
 * function and instance. The plan's steps are read once, at compile time,
 * into a few specialised closures (argument lowering, the core call, result
 * lifting, ...); a call then runs those closures with no per-step dispatch.
 * Value codecs come from {@link CodecCompiler}.
 *
 * - `compileLift`: `canon lift` seen from the host: a JS function calling a core export.
 * - `compileLower`: `canon lower` seen from core code: a core import calling a JS function.
 *
 * Sync only: a lifted function reuses per-function scratch arrays, which is
 * safe because a sync call cannot re-enter its instance (`may_enter`) and
 * realloc/post-return cannot leave it (`may_leave`).
 */
import { BorrowScope } from "../resources/handle.js";
import { lowerJournaled, needsLoweringJournal } from "./lowering-journal.js";
import { AbiValueError, Trap } from "../trap.js";
import { FlatReader, type CodecCompiler, type Flat } from "./codec.js";
import type { LiftLowerContext } from "./context.js";
import type { FunctionPlan, PlanStep, SpillPlan, ValuePlan } from "./plan.js";

/** Core function as exposed by the JS API: 0 or 1 results (sync MAX_FLAT_RESULTS = 1). */
export type CoreFunction = (...args: Flat[]) => Flat | undefined | void;
/** A host (JS) implementation of an imported function. */
export type HostFunction = (...args: unknown[]) => unknown;

export const CALL_RULE = "CanonicalABI.md call_and_trap_on_throw";

function paramWhere(plan: FunctionPlan, i: number): string {
  return `param "${plan.params[i]?.witName ?? i}"`;
}

function locate(
  e: unknown,
  plan: FunctionPlan,
  where: string | undefined,
): unknown {
  if (e instanceof Trap || e instanceof AbiValueError)
    e.locate(plan.name, where);
  return e;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function containsBorrow(p: ValuePlan): boolean {
  switch (p.kind) {
    case "borrow":
      return true;
    case "list":
      return containsBorrow(p.element);
    case "record":
      return p.fields.some((f) => containsBorrow(f.type));
    case "variant":
      return p.cases.some((c) => !!c.type && containsBorrow(c.type));
    case "map":
      return containsBorrow(p.entry);
    default:
      return false;
  }
}

function checkOptions(plan: FunctionPlan, cx: LiftLowerContext): void {
  if (plan.needsMemory && !cx.opts.memory)
    throw new Error(
      `${plan.name}: the canonical options need a memory for this signature`,
    );
  if (plan.needsRealloc && !cx.opts.realloc)
    throw new Error(
      `${plan.name}: the canonical options need a realloc for this signature`,
    );
  if (plan.stringEncoding !== cx.stringEncoding) {
    throw new Error(
      `${plan.name}: plan was made for ${plan.stringEncoding} strings but the options say ${cx.stringEncoding}`,
    );
  }
}

/** Calls `f` with the values of `a` without spreading for the common small arities. */
function applier<R>(
  f: (...a: never[]) => R,
  arity: number,
): (a: readonly unknown[]) => R {
  const g = f as (...a: unknown[]) => R;
  switch (arity) {
    case 0:
      return () => g();
    case 1:
      return (a) => g(a[0]);
    case 2:
      return (a) => g(a[0], a[1]);
    case 3:
      return (a) => g(a[0], a[1], a[2]);
    case 4:
      return (a) => g(a[0], a[1], a[2], a[3]);
    default:
      return (a) => g(...a);
  }
}

function unexpected(plan: FunctionPlan, step: PlanStep): never {
  throw new Error(
    `${plan.name}: step "${step.op}" does not belong in a ${plan.direction} plan`,
  );
}

/**
 * `canon lift` for the host: returns a JS function that lowers its arguments,
 * calls the core export, lifts the result and runs post-return.
 * Traps poison the instance; AbiValueErrors (bad host arguments) do not.
 */
export function compileLift(
  plan: FunctionPlan,
  cx: LiftLowerContext,
  compiler: CodecCompiler,
  core: CoreFunction,
): (...args: unknown[]) => unknown {
  if (plan.direction !== "lift")
    throw new Error(`${plan.name}: compileLift needs a "lift" plan`);
  checkOptions(plan, cx);
  const params = plan.params.map((p) => compiler.codec(p.type));
  const n = params.length;
  const result = plan.result && compiler.codec(plan.result);
  const borrows = plan.params.some((p) => containsBorrow(p.type));
  // Arguments that add handles to the callee's table are lowered in the journal: a refused one takes them back.
  const journal = needsLoweringJournal(plan.params.map((p) => p.type));
  const inst = cx.inst;
  const flatArgs: Flat[] = [];
  const resultBox: Flat[] = [];
  const resultReader = new FlatReader(resultBox);

  let enter = false;
  let lowerArgs: (args: readonly unknown[]) => void = () => {};
  let callCore: (a: readonly unknown[]) => Flat | undefined | void = applier(
    core,
    plan.core.params.length,
  );
  let liftResult: (ret: Flat | undefined | void) => unknown = () => undefined;
  let checkBorrows = false;
  let postReturn: ((ret: Flat | undefined | void) => void) | undefined;

  for (const step of plan.steps) {
    switch (step.op) {
      case "enter-instance":
        enter = true;
        break;
      case "lower-params-flat":
        lowerArgs = (args) => {
          for (let i = 0; i < n; i++) {
            try {
              params[i].lowerFlat(cx, args[i], flatArgs);
            } catch (e) {
              throw locate(e, plan, paramWhere(plan, i));
            }
          }
        };
        break;
      case "lower-params-spilled": {
        const { size, align, offsets } = step.spill;
        lowerArgs = (args) => {
          const ptr = cx.allocate(align, size);
          cx.checkRange(
            ptr,
            size,
            align,
            "parameter tuple",
            "CanonicalABI.md lower_flat_values",
          );
          for (let i = 0; i < n; i++) {
            try {
              params[i].store(cx, args[i], ptr + offsets[i]);
            } catch (e) {
              throw locate(e, plan, paramWhere(plan, i));
            }
          }
          flatArgs.push(ptr | 0);
        };
        break;
      }
      case "call-core":
        break; // always: between lowering and lifting
      case "lift-result-flat":
        liftResult = (ret) => {
          resultBox[0] = ret as Flat;
          resultReader.i = 0;
          try {
            return result!.liftFlat(cx, resultReader);
          } catch (e) {
            throw locate(e, plan, "result");
          }
        };
        break;
      case "lift-result-spilled":
        liftResult = liftSpilledResult(plan, cx, step.spill, result!);
        break;
      case "check-borrows-dropped":
        checkBorrows = borrows;
        break;
      case "post-return": {
        const pr = cx.opts.postReturn;
        if (pr)
          postReturn = (ret) =>
            runPostReturn(
              cx,
              pr,
              plan.core.results.length === 1 ? [ret as Flat] : [],
            );
        break;
      }
      default:
        unexpected(plan, step);
    }
  }
  const coreCall = callCore;
  callCore = (a) => {
    try {
      return coreCall(a);
    } catch (e) {
      if (e instanceof Trap) throw e;
      throw new Trap(`core function trapped: ${message(e)}`, {
        rule: CALL_RULE,
        cause: e,
      });
    }
  };

  return function lifted(...args: unknown[]): unknown {
    // A refused entry (poisoned, re-entered) traps before anything changes.
    const entered = enter ? inst.enter(plan.name) : undefined;
    const prevScope = cx.borrowScope;
    const scope = borrows ? new BorrowScope() : undefined;
    cx.borrowScope = scope;
    try {
      cx.refresh();
      flatArgs.length = 0;
      if (journal) lowerJournaled(cx, () => lowerArgs(args));
      else lowerArgs(args);
      const ret = callCore(flatArgs);
      cx.refresh();
      const value = liftResult(ret);
      // CanonicalABI.md Task.return_: borrows lent to the callee must have been dropped.
      if (checkBorrows && scope!.numBorrows > 0) {
        throw new Trap(
          `${scope!.numBorrows} borrowed handle(s) lent to the callee were not dropped before it returned`,
          {
            rule: "CanonicalABI.md Task.return_ (num_borrows)",
          },
        );
      }
      if (postReturn) postReturn(ret);
      return value;
    } catch (e) {
      if (e instanceof Trap) {
        e.locate(plan.name);
        inst.poison(e);
      }
      throw e;
    } finally {
      if (entered) inst.leave(entered);
      cx.borrowScope = prevScope;
    }
  };
}

function liftSpilledResult(
  plan: FunctionPlan,
  cx: LiftLowerContext,
  spill: SpillPlan,
  result: ReturnType<CodecCompiler["codec"]>,
) {
  const { size, align } = spill;
  return (ret: Flat | undefined | void): unknown => {
    try {
      const ptr = (ret as number) >>> 0;
      cx.checkRange(
        ptr,
        size,
        align,
        "result",
        "CanonicalABI.md lift_flat_values",
      );
      return result.load(cx, ptr);
    } catch (e) {
      throw locate(e, plan, "result");
    }
  };
}

/** CanonicalABI.md `canon_lift`: post-return runs with `may_leave` cleared. */
function runPostReturn(
  cx: LiftLowerContext,
  pr: NonNullable<LiftLowerContext["opts"]["postReturn"]>,
  flatResults: Flat[],
): void {
  cx.inst.mayLeave = false;
  try {
    pr(...flatResults);
  } catch (e) {
    if (e instanceof Trap) throw e;
    throw new Trap(`post-return trapped: ${message(e)}`, {
      rule: CALL_RULE,
      cause: e,
    });
  } finally {
    cx.inst.mayLeave = true;
  }
}

/** A host value error while the guest is mid-call cannot be returned to the host: it traps the guest. */
export function hostValueTrap(e: unknown): unknown {
  if (e instanceof AbiValueError) {
    return new Trap(`host function returned an invalid value: ${e.reason}`, {
      rule: "CanonicalABI.md lower_flat_values",
      cause: e,
    }).prependPath(e.path);
  }
  return e;
}

/**
 * `canon lower` for core code: returns a core import function that lifts its
 * arguments, calls the host function and lowers its result. Every failure is a
 * trap of the calling instance (the guest cannot continue).
 */
export function compileLower(
  plan: FunctionPlan,
  cx: LiftLowerContext,
  compiler: CodecCompiler,
  host: HostFunction,
): CoreFunction {
  if (plan.direction !== "lower")
    throw new Error(`${plan.name}: compileLower needs a "lower" plan`);
  checkOptions(plan, cx);
  const params = plan.params.map((p) => compiler.codec(p.type));
  const n = params.length;
  const result = plan.result && compiler.codec(plan.result);
  const borrows = plan.params.some((p) => containsBorrow(p.type));
  const inst = cx.inst;
  const callHost = applier(host, n);

  let checkLeave = false;
  let liftArgs: (flat: readonly Flat[]) => unknown[] = () => [];
  let lowerResult: (
    value: unknown,
    flat: readonly Flat[],
  ) => Flat | undefined = () => undefined;
  let releaseLenders = false;

  for (const step of plan.steps) {
    switch (step.op) {
      case "check-may-leave":
        checkLeave = true;
        break;
      case "lift-params-flat":
        liftArgs = (flat) => {
          const r = new FlatReader(flat);
          const args = new Array(n);
          for (let i = 0; i < n; i++) {
            try {
              args[i] = params[i].liftFlat(cx, r);
            } catch (e) {
              throw locate(e, plan, paramWhere(plan, i));
            }
          }
          return args;
        };
        break;
      case "lift-params-spilled": {
        const { size, align, offsets } = step.spill;
        liftArgs = (flat) => {
          const ptr = (flat[0] as number) >>> 0;
          cx.checkRange(
            ptr,
            size,
            align,
            "parameter tuple",
            "CanonicalABI.md lift_flat_values",
          );
          const args = new Array(n);
          for (let i = 0; i < n; i++) {
            try {
              args[i] = params[i].load(cx, ptr + offsets[i]);
            } catch (e) {
              throw locate(e, plan, paramWhere(plan, i));
            }
          }
          return args;
        };
        break;
      }
      case "call-host":
        break; // always: between lifting and lowering
      case "lower-result-flat":
        lowerResult = (value) => {
          const out: Flat[] = [];
          try {
            result!.lowerFlat(cx, value, out);
          } catch (e) {
            throw locate(hostValueTrap(e), plan, "result");
          }
          return out[0];
        };
        break;
      case "lower-result-spilled": {
        const { size, align } = step.spill;
        const outParam = step.outParam;
        lowerResult = (value, flat) => {
          try {
            const ptr = (flat[outParam] as number) >>> 0;
            cx.checkRange(
              ptr,
              size,
              align,
              "result out-pointer",
              "CanonicalABI.md lower_flat_values",
            );
            result!.store(cx, value, ptr);
          } catch (e) {
            throw locate(hostValueTrap(e), plan, "result");
          }
          return undefined;
        };
        break;
      }
      case "release-lenders":
        releaseLenders = borrows;
        break;
      default:
        unexpected(plan, step);
    }
  }

  return function lowered(...flat: Flat[]): Flat | undefined {
    const prevScope = cx.borrowScope;
    const scope = borrows ? new BorrowScope() : undefined;
    cx.borrowScope = scope;
    try {
      if (checkLeave) inst.checkMayLeave(plan.name);
      cx.refresh();
      const args = liftArgs(flat);
      let value: unknown;
      try {
        value = callHost(args);
      } catch (e) {
        if (e instanceof Trap) throw e;
        throw new Trap(`host function threw: ${message(e)}`, {
          rule: CALL_RULE,
          cause: e,
        });
      }
      cx.refresh();
      const ret = lowerResult(value, flat);
      // CanonicalABI.md Subtask.deliver_resolve: handles lent for the call may be dropped again.
      if (releaseLenders) scope!.releaseLenders();
      return ret;
    } catch (e) {
      const trap =
        e instanceof Trap
          ? e
          : new Trap(`lowering failed: ${message(e)}`, {
              rule: "CanonicalABI.md canon_lower",
              cause: e,
            });
      trap.locate(plan.name);
      inst.poison(trap);
      throw trap;
    } finally {
      cx.borrowScope = prevScope;
    }
  };
}
