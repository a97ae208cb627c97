/**
 * The dynamic path: turns a {@link FunctionPlan} into a callable once per
 * function and instance. Each plan step becomes a closure over a per-call
 * frame; value codecs come from {@link CodecCompiler}.
 *
 * - `compileLift`: `canon lift` seen from the host: a JS function calling a core export.
 * - `compileLower`: `canon lower` seen from core code: a core import calling a JS function.
 */
import type { ComponentInstanceState } from "../instance-state.js";
import { BorrowScope } from "../resources/handle.js";
import { AbiValueError, Trap } from "../trap.js";
import { FlatReader, type CodecCompiler, type Flat } from "./codec.js";
import type { LiftLowerContext } from "./context.js";
import type { FunctionPlan, PlanStep, ValuePlan } from "./plan.js";

interface Frame {
  /** JS-side arguments (lift: given by the host; lower: lifted from core). */
  args: unknown[];
  /** Core arguments (lift: produced; lower: given by core code). */
  flatArgs: Flat[];
  /** Core results (lift: returned by core; lower: produced). */
  flatResults: Flat[];
  /** JS-side result. */
  result: unknown;
  entered: readonly ComponentInstanceState[] | undefined;
}

type StepFn = (cx: LiftLowerContext, f: Frame) => void;

/** Core function as exposed by the JS API: 0 or 1 results (sync MAX_FLAT_RESULTS = 1). */
export type CoreFunction = (...args: Flat[]) => Flat | undefined | void;

export const CALL_RULE = "CanonicalABI.md call_and_trap_on_throw";

function param(p: FunctionPlan, i: number): string {
  return `param "${p.params[i]?.witName ?? i}"`;
}

function locate(e: unknown, plan: FunctionPlan, where: string | undefined): unknown {
  if (e instanceof Trap || e instanceof AbiValueError) e.locate(plan.name, where);
  return e;
}

function containsBorrow(p: ValuePlan): boolean {
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

function compileSteps(plan: FunctionPlan, compiler: CodecCompiler, core: CoreFunction | undefined, host: ((...args: unknown[]) => unknown) | undefined): StepFn[] {
  const params = plan.params.map((p) => compiler.codec(p.type));
  const n = params.length;
  const result = plan.result && compiler.codec(plan.result);
  const out: StepFn[] = [];
  for (const step of plan.steps) out.push(compileStep(step));
  return out;

  function compileStep(step: PlanStep): StepFn {
    switch (step.op) {
      case "enter-instance":
        return (cx, f) => {
          f.entered = cx.inst.enter(plan.name);
        };
      case "check-may-leave":
        return (cx) => cx.inst.checkMayLeave(plan.name);
      case "lower-params-flat":
        return (cx, f) => {
          for (let i = 0; i < n; i++) {
            try {
              params[i].lowerFlat(cx, f.args[i], f.flatArgs);
            } catch (e) {
              throw locate(e, plan, param(plan, i));
            }
          }
        };
      case "lower-params-spilled": {
        const { size, align, offsets } = step.spill;
        return (cx, f) => {
          const ptr = cx.allocate(align, size);
          cx.checkRange(ptr, size, align, "parameter tuple", "CanonicalABI.md lower_flat_values");
          for (let i = 0; i < n; i++) {
            try {
              params[i].store(cx, f.args[i], ptr + offsets[i]);
            } catch (e) {
              throw locate(e, plan, param(plan, i));
            }
          }
          f.flatArgs.push(ptr | 0);
        };
      }
      case "lift-params-flat":
        return (cx, f) => {
          const r = new FlatReader(f.flatArgs);
          for (let i = 0; i < n; i++) {
            try {
              f.args.push(params[i].liftFlat(cx, r));
            } catch (e) {
              throw locate(e, plan, param(plan, i));
            }
          }
        };
      case "lift-params-spilled": {
        const { size, align, offsets } = step.spill;
        return (cx, f) => {
          const ptr = (f.flatArgs[0] as number) >>> 0;
          cx.checkRange(ptr, size, align, "parameter tuple", "CanonicalABI.md lift_flat_values");
          for (let i = 0; i < n; i++) {
            try {
              f.args.push(params[i].load(cx, ptr + offsets[i]));
            } catch (e) {
              throw locate(e, plan, param(plan, i));
            }
          }
        };
      }
      case "call-core":
        return (cx, f) => {
          let r: Flat | undefined | void;
          try {
            r = core!(...f.flatArgs);
          } catch (e) {
            if (e instanceof Trap) throw e;
            throw new Trap(`core function trapped: ${e instanceof Error ? e.message : String(e)}`, { rule: CALL_RULE, cause: e });
          }
          if (plan.core.results.length === 1) f.flatResults.push(r as Flat);
          cx.refresh();
        };
      case "call-host":
        return (cx, f) => {
          try {
            f.result = host!(...f.args);
          } catch (e) {
            if (e instanceof Trap) throw e;
            throw new Trap(`host function threw: ${e instanceof Error ? e.message : String(e)}`, { rule: CALL_RULE, cause: e });
          }
          cx.refresh();
        };
      case "lift-result-flat":
        return (cx, f) => {
          try {
            f.result = result!.liftFlat(cx, new FlatReader(f.flatResults));
          } catch (e) {
            throw locate(e, plan, "result");
          }
        };
      case "lift-result-spilled": {
        const { size, align } = step.spill;
        return (cx, f) => {
          try {
            const ptr = (f.flatResults[0] as number) >>> 0;
            cx.checkRange(ptr, size, align, "result", "CanonicalABI.md lift_flat_values");
            f.result = result!.load(cx, ptr);
          } catch (e) {
            throw locate(e, plan, "result");
          }
        };
      }
      case "lower-result-flat":
        return (cx, f) => {
          try {
            result!.lowerFlat(cx, f.result, f.flatResults);
          } catch (e) {
            throw locate(hostValueTrap(e), plan, "result");
          }
        };
      case "lower-result-spilled": {
        const { size, align } = step.spill;
        const outParam = step.outParam;
        return (cx, f) => {
          try {
            const ptr = (f.flatArgs[outParam] as number) >>> 0;
            cx.checkRange(ptr, size, align, "result out-pointer", "CanonicalABI.md lower_flat_values");
            result!.store(cx, f.result, ptr);
          } catch (e) {
            throw locate(hostValueTrap(e), plan, "result");
          }
        };
      }
      case "check-borrows-dropped":
        return (cx) => {
          const s = cx.borrowScope;
          if (s && s.numBorrows > 0) {
            throw new Trap(`${s.numBorrows} borrowed handle(s) lent to the callee were not dropped before it returned`, {
              rule: "CanonicalABI.md Task.return_ (num_borrows)",
            });
          }
        };
      case "release-lenders":
        return (cx) => cx.borrowScope?.releaseLenders();
      case "post-return":
        return (cx, f) => {
          const pr = cx.opts.postReturn;
          if (!pr) return;
          cx.inst.mayLeave = false;
          try {
            pr(...f.flatResults);
          } catch (e) {
            if (e instanceof Trap) throw e;
            throw new Trap(`post-return trapped: ${e instanceof Error ? e.message : String(e)}`, { rule: CALL_RULE, cause: e });
          } finally {
            cx.inst.mayLeave = true;
          }
        };
    }
  }
}

/** A host value error while the guest is mid-call cannot be returned to the host: it traps the guest. */
export function hostValueTrap(e: unknown): unknown {
  if (e instanceof AbiValueError) {
    return new Trap(`host function returned an invalid value: ${e.reason}`, { rule: "CanonicalABI.md lower_flat_values", cause: e }).prependPath(e.path);
  }
  return e;
}

function checkOptions(plan: FunctionPlan, cx: LiftLowerContext): void {
  if (plan.needsMemory && !cx.opts.memory) throw new Error(`${plan.name}: the canonical options need a memory for this signature`);
  if (plan.needsRealloc && !cx.opts.realloc) throw new Error(`${plan.name}: the canonical options need a realloc for this signature`);
  if (plan.stringEncoding !== cx.stringEncoding) {
    throw new Error(`${plan.name}: plan was made for ${plan.stringEncoding} strings but the options say ${cx.stringEncoding}`);
  }
}

/**
 * `canon lift` for the host: returns a JS function that lowers its arguments,
 * calls the core export, lifts the result and runs post-return.
 * Traps poison the instance; AbiValueErrors (bad host arguments) do not.
 */
export function compileLift(plan: FunctionPlan, cx: LiftLowerContext, compiler: CodecCompiler, core: CoreFunction): (...args: unknown[]) => unknown {
  if (plan.direction !== "lift") throw new Error(`${plan.name}: compileLift needs a "lift" plan`);
  checkOptions(plan, cx);
  const steps = compileSteps(plan, compiler, core, undefined);
  const nsteps = steps.length;
  const borrows = plan.params.some((p) => containsBorrow(p.type));
  return function lifted(...args: unknown[]): unknown {
    const f: Frame = { args, flatArgs: [], flatResults: [], result: undefined, entered: undefined };
    const prevScope = cx.borrowScope;
    cx.borrowScope = borrows ? new BorrowScope() : undefined;
    const inst = cx.inst;
    try {
      cx.refresh();
      for (let i = 0; i < nsteps; i++) steps[i](cx, f);
      return f.result;
    } catch (e) {
      if (e instanceof Trap) {
        e.locate(plan.name);
        // An entry refused because of an earlier trap / re-entrance does not (re-)poison.
        if (f.entered) inst.poison(e);
      }
      throw e;
    } finally {
      if (f.entered) inst.leave(f.entered);
      cx.borrowScope = prevScope;
    }
  };
}

/**
 * `canon lower` for core code: returns a core import function that lifts its
 * arguments, calls the host function and lowers its result. Every failure is a
 * trap of the calling instance (the guest cannot continue).
 */
export function compileLower(plan: FunctionPlan, cx: LiftLowerContext, compiler: CodecCompiler, host: (...args: unknown[]) => unknown): CoreFunction {
  if (plan.direction !== "lower") throw new Error(`${plan.name}: compileLower needs a "lower" plan`);
  checkOptions(plan, cx);
  const steps = compileSteps(plan, compiler, undefined, host);
  const nsteps = steps.length;
  const borrows = plan.params.some((p) => containsBorrow(p.type));
  const nresults = plan.core.results.length;
  return function lowered(...flatArgs: Flat[]): Flat | undefined {
    const f: Frame = { args: [], flatArgs, flatResults: [], result: undefined, entered: undefined };
    const prevScope = cx.borrowScope;
    cx.borrowScope = borrows ? new BorrowScope() : undefined;
    try {
      cx.refresh();
      for (let i = 0; i < nsteps; i++) steps[i](cx, f);
      return nresults === 1 ? f.flatResults[0] : undefined;
    } catch (e) {
      const trap =
        e instanceof Trap
          ? e
          : new Trap(`lowering failed: ${e instanceof Error ? e.message : String(e)}`, { rule: "CanonicalABI.md canon_lower", cause: e });
      trap.locate(plan.name);
      cx.inst.poison(trap);
      throw trap;
    } finally {
      cx.borrowScope = prevScope;
    }
  };
}
