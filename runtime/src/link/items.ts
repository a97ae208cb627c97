/**
 * What the index spaces of a component instance hold at run time
 * (Explainer.md "Index Spaces"): component-level items ({@link RtItem}) and
 * the core index spaces (plain `WebAssembly` JS API objects).
 */
import type { CoreFunction } from "../abi/call.js";
import type { CanonOptions, LiftLowerContext } from "../abi/context.js";
import type { FunctionPlan } from "../abi/plan.js";
import type { ComponentAst } from "../binary/ast.js";
import type { FuncInst } from "../task/callback-loop.js";
import type { ComponentInstanceState } from "../instance-state.js";
import type { WasmModule } from "./wasm-api.js";
import type { ExternPath, FunctionSignature, JsFunction, TaskExportValues } from "./adapters.js";
import type { RtType, TypeEnv } from "./types.js";

/** A component function: JS values in and out. */
export interface RtFunc {
  sig: FunctionSignature;
  call: JsFunction;
  /** Set when the host supplied this function for a root import (for `lowerImport` adapters). */
  hostPath?: ExternPath;
  /** The host's own function when `call` adapts its result style (`results.ts`); adapters get this one. */
  hostImpl?: JsFunction;
  /** Set when this is a `canon lift` (for `liftExport` adapters). */
  lift?: { core: CoreFunction; cx: LiftLowerContext; plan: FunctionPlan };
  /** The instance whose `canon lift` this is (for calls from sibling instances, `cross-call.ts`). */
  owner?: ComponentInstanceState;
  /** Set for `canon lift ... async`: the task-machinery view (`call` then returns a Promise). */
  funcInst?: FuncInst;
  /** Under `jspi` (a sync lift): builds the root export entered through `WebAssembly.promising` (`jspi.ts`). */
  jspi?: () => JsFunction;
  /** A lift the task machinery runs: its context, and where generated value code plugs in (`taskExport` adapters). */
  taskLift?: { cx: LiftLowerContext; opts: CanonOptions; use(values: TaskExportValues): void };
}

export interface RtInstance {
  exports: Map<string, RtItem>;
}

/** A component definition plus the scope its outer aliases see. */
export interface RtComponentDef {
  ast: ComponentAst;
  scope: Scope;
}

export type RtItem =
  | { sort: "func"; func: RtFunc }
  | { sort: "type"; type: RtType }
  | { sort: "instance"; instance: RtInstance }
  | { sort: "component"; component: RtComponentDef }
  | { sort: "core module"; module: WasmModule };

/** A core instance: its exports by name (a `WebAssembly.Instance`'s `exports`, or an inline bundle). */
export type CoreInstanceExports = Record<string, unknown>;

export interface Scope extends TypeEnv {
  parent?: Scope;
  types: RtType[];
  funcs: RtFunc[];
  instances: RtInstance[];
  components: RtComponentDef[];
  coreModules: WasmModule[];
  /** Core types carry nothing the instantiator needs; only their count matters. */
  coreTypes: number;
  coreFuncs: unknown[];
  coreTables: unknown[];
  coreMemories: unknown[];
  coreGlobals: unknown[];
  coreTags: unknown[];
  coreInstances: CoreInstanceExports[];
}

export function newScope(parent?: Scope): Scope {
  return {
    parent,
    types: [],
    funcs: [],
    instances: [],
    components: [],
    coreModules: [],
    coreTypes: 0,
    coreFuncs: [],
    coreTables: [],
    coreMemories: [],
    coreGlobals: [],
    coreTags: [],
    coreInstances: [],
  };
}
