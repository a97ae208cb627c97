/**
 * The seam between the instantiator and generated host glue.
 *
 * By default every `canon lift` / `canon lower` is compiled by the dynamic
 * path (`abi/call.ts`: a {@link FunctionPlan} interpreted by closures).
 * Generated glue (`witgen`'s `src/emit/`) can instead hand the instantiator
 * specialised functions through {@link HostAdapters}. An adapter is asked for
 * once per function per instance, when the instance is created; returning
 * `undefined` keeps the dynamic function.
 *
 * Which functions are offered to adapters:
 * - `lowerImport`: every `canon lower` (in any nested component) whose callee
 *   is a function the *host* supplied for an import of the root component;
 * - `liftExport`: every function the *root* component exports that is a
 *   sync `canon lift` (possibly re-exported through nested instances), in a component
 *   that uses no async features;
 * - `taskExport`: the value code of every other root export (lifted sync or async in a
 *   component using async features: the task machinery makes the call, `async-calls.ts`);
 * - `taskReturn`: the result of every `canon task.return`, by result type;
 * - `taskImport`: the value code of every `canon lower ... async` of a host import.
 * Calls between components inside one composed component (fused adapters), and a sync
 * `canon lower` of an async host import, always use the dynamic path.
 *
 * Keys ({@link ExternPath}): `"<import-or-export-name>"` for a function
 * imported/exported directly by the world (e.g. `"run"`), and
 * `"<interface-name>#<function-name>"` for a member of an imported/exported
 * instance, e.g. `"wasi:cli/environment@0.3.0#get-environment"` or
 * `"test:x/api#[method]counter.bump"`. Function names are the component-level
 * names (Explainer.md "Import and Export Definitions").
 *
 * What an adapter receives ({@link AdapterContext}), all valid for the life of
 * the instance:
 * - `cx` ({@link LiftLowerContext}), the canonical options of this one function:
 *   - memory views `cx.u8` / `cx.dv` (call `cx.refresh()` after anything that
 *     may run guest code or grow memory: realloc, the core callee, the host
 *     callee), `cx.memoryLength`, `cx.checkRange(ptr, len, align, what, rule)`;
 *   - `cx.reallocate(old, oldSize, align, newSize)` / `cx.allocate(align, size)`:
 *     realloc with `may_leave` cleared (CanonicalABI.md `LiftLowerContext`);
 *   - `cx.opts.memory`, `cx.opts.realloc`, `cx.opts.postReturn` (lift only;
 *     the adapter must call it after lifting the results, with `may_leave` false),
 *     `cx.stringEncoding` ("utf8" | "utf16" | "latin1+utf16");
 *   - `cx.inst` ({@link ComponentInstanceState}): the handle table
 *     (`cx.inst.handles`), `mayLeave`, `enter(func)` / `leave(set)` (lift: the
 *     `may_enter` check), `checkMayLeave(func)` (lower), `poison(trap)`;
 *   - `cx.borrowScope`: set it to a fresh `BorrowScope` around a call that
 *     lifts or lowers `borrow` handles (see `abi/call.ts`).
 * - `codecs` ({@link CodecCompiler}): per-value load/store/liftFlat/lowerFlat
 *   closures with this instance's resource bindings baked in; `resource(id)`
 *   gives the {@link ResourceBinding} of an `own`/`borrow` type's `resource` id.
 * - `signature`: parameter and result types ({@link AbiType}), and `plan`: the
 *   {@link FunctionPlan} the dynamic path would run (same flattening, spill
 *   decisions and steps; generated code can assert it agrees).
 * - `dynamic()`: builds the dynamic function, for adapters that wrap rather
 *   than replace it.
 *
 * A `lowerImport` adapter must implement CanonicalABI.md `canon_lower` (trap
 * with `Trap` and poison `cx.inst` on failure); a `liftExport` adapter
 * must implement `canon_lift` (enter/leave the instance, poison on trap,
 * check borrows dropped, post-return).
 */
import type { CodecCompiler, Flat } from "../abi/codec.js";
import type { CoreFunction } from "../abi/call.js";
import type { LiftLowerContext } from "../abi/context.js";
import type { FunctionPlan, ValuePlan } from "../abi/plan.js";
import type { AbiType } from "../abi/valtype.js";
import type { ComponentInstanceState } from "../instance-state.js";
import type { ResourceBinding } from "../resources/binding.js";

/** `"name"` or `"interface-name#function-name"` (see the module doc). */
export type ExternPath = string;

/** A component function as JS sees it: JS values in, JS value out (plan.ts mapping). */
export type JsFunction = (...args: unknown[]) => unknown;

export type { CoreFunction, Flat };

export interface FunctionSignature {
  /** Component-level function name, e.g. `[method]r.get`. */
  name: string;
  params: { name: string; type: AbiType }[];
  result?: AbiType;
  async: boolean;
}

export interface AdapterContext {
  path: ExternPath;
  signature: FunctionSignature;
  plan: FunctionPlan;
  cx: LiftLowerContext;
  codecs: CodecCompiler;
  /** The binding of a resource id as found in `own`/`borrow` AbiTypes. */
  resource(id: number): ResourceBinding;
  /** The instance the canonical function belongs to (same as `cx.inst`). */
  inst: ComponentInstanceState;
}

/**
 * One stream/future element of a given type, loaded from or stored at `ptr` in the guest's
 * memory (CanonicalABI.md `load` / `store`); the copy machinery loops over a batch.
 */
export interface ElementAdapter {
  load(cx: LiftLowerContext, ptr: number): unknown;
  store(cx: LiftLowerContext, value: unknown, ptr: number): void;
}

/**
 * Makes the `ElementAdapter` of an element type that holds handles (resources, streams,
 * futures, error-contexts), given the type's plan in this instance (whose resources and nested
 * stream types it takes its handles' codecs from) and the instance's codecs.
 */
export type ElementAdapterFactory = (element: { plan: ValuePlan; codecs: CodecCompiler }) => ElementAdapter;

export interface HostAdapters {
  /**
   * Replaces the dynamic codec of stream/future elements, by element type key
   * (`adapterTypeKey`, e.g. `record{x:s32,label:string}`, `tuple<own<$0>,string>`): an
   * adapter, or a factory of one for types holding handles. Number elements always move as
   * typed-array bulk copies.
   */
  elements?: Readonly<Record<string, ElementAdapter | ElementAdapterFactory>>;
  /** Replaces the dynamic `canon lower` of a host import; `host` is the host's JS function. */
  lowerImport?(path: ExternPath, host: JsFunction, ac: AdapterContext & { dynamic(): CoreFunction }): CoreFunction | undefined;
  /** Replaces the dynamic `canon lift` of a root export; `core` is the core export being lifted. */
  liftExport?(path: ExternPath, core: CoreFunction, ac: AdapterContext & { dynamic(): JsFunction }): JsFunction | undefined;
  /**
   * Replaces the value code of a root export the task machinery runs (every export of a
   * component that uses async features, sync or async lifted): the call itself stays the
   * runtime's (`liftExport` is not asked for these).
   */
  taskExport?(path: ExternPath, ac: AdapterContext): TaskExportValues | undefined;
  /**
   * Replaces the lifting of an async export's result in `canon task.return`, by the result
   * type's key (`adapterTypeKey`, e.g. `record{x:s32,y:s32}`, `own<$0>`): CanonicalABI.md
   * `lift_flat_values` of the built-in's arguments (past MAX_FLAT_PARAMS, one pointer),
   * `[value]`. `plan` is the result's value plan in this instance (where stream/future types and
   * resources sit: `asyncTypeAt`, `valueResourceHandles` with `codecs`).
   */
  taskReturn?(resultKey: string, cx: LiftLowerContext, plan: ValuePlan, codecs: CodecCompiler): ((flat: readonly Flat[]) => unknown[]) | undefined;
  /**
   * Replaces the value code of a `canon lower ... async` of a host import (the task machinery
   * makes the call; `lowerImport` is not asked for these).
   */
  taskImport?(path: ExternPath, ac: AdapterContext): TaskImportValues | undefined;
}

/**
 * The value code of an async-lowered host import; it runs with `cx.borrowScope` set to the
 * subtask and memory views fresh. Errors are thrown as they arise (the runtime makes them traps).
 */
export interface TaskImportValues {
  /** CanonicalABI.md `lift_flat_values` of the guest's arguments: past MAX_FLAT_ASYNC_PARAMS, one pointer. */
  liftParams(flat: readonly Flat[]): unknown[];
  /** CanonicalABI.md `lower_flat_values` of the host's result (`values[0]`) through the out-pointer, the last flat argument. */
  lowerResults(values: readonly unknown[], flat: readonly Flat[]): void;
}

/**
 * The value code of an export run by the task machinery; it runs with `cx.borrowScope` set to the
 * task and memory views fresh (`cx.refresh()` done).
 */
export interface TaskExportValues {
  /**
   * CanonicalABI.md `lower_flat_values` of the host's arguments (through `cx.allocate` past
   * MAX_FLAT_PARAMS); a value the types refuse throws an `AbiValueError` naming the parameter.
   */
  lowerParams(args: readonly unknown[]): Flat[];
  /** A sync lift: CanonicalABI.md `lift_flat_values` of the core results, `[]` or `[value]`. */
  liftResults?(flat: readonly Flat[]): unknown[];
}

/** The default: no adapters, everything dynamic. */
export const dynamicAdapters: HostAdapters = {};

/** Joins an instance name and a member name into an {@link ExternPath}. */
export function externPath(instanceName: string | undefined, funcName: string): ExternPath {
  return instanceName === undefined ? funcName : `${instanceName}#${funcName}`;
}
