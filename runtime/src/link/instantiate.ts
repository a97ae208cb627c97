/**
 * The instantiation algorithm (Explainer.md "Instance Definitions", "Alias
 * Definitions", "Canonical Definitions", "Import and Export Definitions"):
 * walks a component's sections in binary order, growing every index space,
 * instantiating core modules (compiled once per component, see
 * `compile.ts`) and nested components, and wiring `canon` definitions to the
 * ABI core. The result is the instance's exports as run-time items.
 *
 * Each component instance (nested ones included) gets its own
 * {@link ComponentInstanceState}: handle table, may_enter/may_leave, poisoning.
 */
import { compileLift, compileLower, type CoreFunction } from "../abi/call.js";
import { LiftLowerContext, type CanonOptions } from "../abi/context.js";
import { planFunction } from "../abi/plan.js";
import type { Canon, CanonOptions as BinCanonOptions, ComponentAst, CoreModuleSection, CoreSort, Import, Sort, SortIdx } from "../binary/ast.js";
import { ComponentInstanceState, type CoreMemory, type CoreRealloc } from "../instance-state.js";
import { GuestResourceBinding } from "../resources/binding.js";
import { resourceDrop, resourceNew, resourceRep } from "../resources/builtins.js";
import { attachConcurrency } from "../task/instance.js";
import { Trap } from "../trap.js";
import { asyncBuiltin, type AsyncWiring } from "./async-builtins.js";
import { wasm, type WasmModule } from "./wasm-api.js";
import type { AdapterContext, JsFunction } from "./adapters.js";
import { LinkError } from "./errors.js";
import { newScope, type RtFunc, type RtInstance, type RtItem, type Scope } from "./items.js";
import type { LinkSession } from "./session.js";
import { evalTypeDef, funcTypeAt, outerEnv, resourceAt, valType } from "./types.js";
import { callFrom } from "./cross-call.js";
import { asyncLift, syncTaskLift, taskLower, taskReturnBuiltin } from "./async-calls.js";
import { noPromiseResult, promisingCore, suspendableExport, withSuspendingImports } from "./jspi.js";
import { suspendingHostLower } from "./jspi-lower.js";
import { asyncVariant, suspendingBuiltin, suspendingWait } from "./jspi-wait.js";
import { jspiReach } from "./jspi-reach.js";

/** Compiled core modules of a component tree, by their section. */
export type ModuleMap = WeakMap<CoreModuleSection, WasmModule>;

/** Where a component's imports come from: the host (root) or instantiation args (nested). */
export type ImportSource = (imp: Import, scope: Scope) => RtItem;

export interface InstantiatedComponent {
  exports: Map<string, RtItem>;
  state: ComponentInstanceState;
}

function at<T>(space: T[], index: number, what: string, offset: number): T {
  const v = space[index];
  if (v === undefined) throw new LinkError(`${what} index ${index} is out of range (${space.length} defined)`, offset);
  return v;
}

function coreSpace(scope: Scope, sort: CoreSort | Sort, offset: number): unknown[] {
  switch (sort) {
    case "func":
    case "core func":
      return scope.coreFuncs;
    case "table":
    case "core table":
      return scope.coreTables;
    case "memory":
    case "core memory":
      return scope.coreMemories;
    case "global":
    case "core global":
      return scope.coreGlobals;
    case "tag":
    case "core tag":
      return scope.coreTags;
    case "module":
    case "core module":
      return scope.coreModules;
    case "instance":
    case "core instance":
      return scope.coreInstances;
    default:
      throw new LinkError(`expected a core sort, found ${sort}`, offset);
  }
}

function sortItem(scope: Scope, s: SortIdx, offset: number): RtItem {
  switch (s.sort) {
    case "func":
      return { sort: "func", func: at(scope.funcs, s.index, "function", offset) };
    case "type":
      return { sort: "type", type: at(scope.types, s.index, "type", offset) };
    case "instance":
      return { sort: "instance", instance: at(scope.instances, s.index, "instance", offset) };
    case "component":
      return { sort: "component", component: at(scope.components, s.index, "component", offset) };
    case "core module":
      return { sort: "core module", module: at(scope.coreModules, s.index, "core module", offset) };
    default:
      throw new LinkError(`${s.sort} items cannot be passed or exported at component level by this runtime`, offset);
  }
}

function pushItem(scope: Scope, item: RtItem): void {
  switch (item.sort) {
    case "func":
      scope.funcs.push(item.func);
      break;
    case "type":
      scope.types.push(item.type);
      break;
    case "instance":
      scope.instances.push(item.instance);
      break;
    case "component":
      scope.components.push(item.component);
      break;
    case "core module":
      scope.coreModules.push(item.module);
      break;
  }
}

/** Names of function and type indices, for messages and resource names. */
function exportNames(ast: ComponentAst): { funcs: Map<number, string>; types: Map<number, string> } {
  const funcs = new Map<number, string>();
  const types = new Map<number, string>();
  const note = (name: string, s: SortIdx) => {
    const m = s.sort === "func" ? funcs : s.sort === "type" ? types : undefined;
    if (m && !m.has(s.index)) m.set(s.index, name);
  };
  // The name section (debug names, e.g. from wit-component) first, then export names.
  for (const s of ast.names?.sorts ?? []) {
    const m = s.sort === "func" ? funcs : s.sort === "type" ? types : undefined;
    if (m) for (const [i, n] of s.names) m.set(i, n);
  }
  for (const sec of ast.sections) {
    if (sec.kind === "exports") for (const e of sec.items) note(e.name.name, e.item);
    else if (sec.kind === "instances") for (const i of sec.items) if (i.kind === "exports") for (const e of i.exports) note(e.name.name, e.item);
  }
  return { funcs, types };
}

const SYNC_CANONS = new Set(["lift", "lower", "resource.new", "resource.rep", "resource.drop"]);

/**
 * Whether a component uses async built-ins or async options: then its sync
 * lifts also run as Tasks (`syncTaskLift`), since those built-ins need a
 * current task; otherwise sync lifts take the faster `abi/call.ts` path.
 */
function usesTasks(ast: ComponentAst): boolean {
  for (const s of ast.sections) {
    if (s.kind !== "canons") continue;
    for (const c of s.items) {
      if (!SYNC_CANONS.has(c.kind)) return true;
      if ((c.kind === "lift" || c.kind === "lower") && c.options.async) return true;
    }
  }
  return false;
}

function trapUnsupported(what: string, inst: ComponentInstanceState): () => never {
  return () => {
    const t = new Trap(`async built-in ${what} not yet supported`, { rule: "CanonicalABI.md (built-in not supported by this runtime yet)" });
    inst.poison(t);
    throw t;
  };
}

/** Runs a built-in and poisons the instance on a trap (Explainer.md invariant: no execution after a trap). */
function guarded<A extends unknown[], R>(inst: ComponentInstanceState, f: (...a: A) => R): (...a: A) => R {
  return (...a) => {
    try {
      return f(...a);
    } catch (e) {
      if (e instanceof Trap) inst.poison(e);
      throw e;
    }
  };
}

/** Instantiates one component definition. */
export function instantiateComponent(
  session: LinkSession,
  modules: ModuleMap,
  ast: ComponentAst,
  parent: Scope | undefined,
  imports: ImportSource,
  name: string,
  afterImports?: () => void,
  parentState?: ComponentInstanceState,
  /** Under `jspi`: the root exports reach this instance without a call through JS (`jspi-reach.ts`). */
  jspiReachable = true,
): InstantiatedComponent {
  const scope = newScope(parent);
  // CanonicalABI.md "Component Instances" `parent`: entering a nested instance enters its ancestors too.
  const state = new ComponentInstanceState(session.instanceName(ast.names?.component ?? name), parentState);
  attachConcurrency(state, session.store);
  // Under `jspi` every sync lift is a Task too, so it can complete after a suspension (`jspi.ts`).
  const tasks = usesTasks(ast) || session.jspi;
  // Under `jspi`: whether this instance's host imports and blocking built-ins may suspend.
  const reach = session.jspi ? jspiReach(ast) : undefined;
  const suspendHere = !!reach && jspiReachable && !reach.ownCalledThroughJs;
  const names = exportNames(ast);
  const exports = new Map<string, RtItem>();
  let lastImports = -1;
  ast.sections.forEach((s, i) => {
    if (s.kind === "imports") lastImports = i;
  });
  if (lastImports < 0) afterImports?.();

  const memoryAt = (i: number, offset: number): CoreMemory => {
    const m = at(scope.coreMemories, i, "core memory", offset);
    if (!(m instanceof wasm().Memory)) throw new LinkError(`core memory ${i} is not a memory`, offset);
    return m;
  };
  const coreFuncAt = (i: number, offset: number): CoreFunction => {
    const f = at(scope.coreFuncs, i, "core function", offset);
    if (typeof f !== "function") throw new LinkError(`core function ${i} is not callable`, offset);
    return f as CoreFunction;
  };
  const canonOptions = (o: BinCanonOptions, offset: number): CanonOptions => {
    const out: CanonOptions = { stringEncoding: o.stringEncoding ?? "utf8" };
    if (o.memory !== undefined) {
      out.memory = memoryAt(o.memory, offset);
      state.memory ??= out.memory;
    }
    if (o.realloc !== undefined) {
      out.realloc = coreFuncAt(o.realloc, offset) as unknown as CoreRealloc;
      state.realloc ??= out.realloc;
    }
    if (o.postReturn !== undefined) out.postReturn = coreFuncAt(o.postReturn, offset) as CanonOptions["postReturn"];
    return out;
  };
  const adapterContext = (path: string, f: RtFunc, cx: LiftLowerContext, plan: ReturnType<typeof planFunction>): AdapterContext => ({
    path,
    signature: f.sig,
    plan,
    cx,
    codecs: session.compiler,
    resource: (id) => session.binding(id),
    inst: state,
  });

  const canon = (c: Canon): void => {
    const o = c.offset;
    switch (c.kind) {
      case "lift": {
        const sig = funcTypeAt(scope, c.type, o);
        const fname = names.funcs.get(scope.funcs.length) ?? `func${scope.funcs.length}`;
        const core = coreFuncAt(c.coreFunc, o);
        const fsig = { ...sig, name: fname };
        const opts = canonOptions(c.options, o);
        if (c.options.async) {
          const cb = c.options.callback !== undefined ? coreFuncAt(c.options.callback, o) : undefined;
          try {
            const lifted = asyncLift(session.compiler, state, fsig, opts, cb, core, new LiftLowerContext(state, opts, session.hooks));
            if (session.jspi) {
              // As a root export: its core function and callback entered through WebAssembly.promising (`jspi.ts`).
              lifted.jspi = () => {
                const entry = promisingCore(core);
                const cbEntry = cb && promisingCore(cb);
                if (!entry || (cb && !cbEntry)) return lifted.call;
                return asyncLift(session.compiler, state, fsig, opts, cbEntry, entry, new LiftLowerContext(state, opts, session.hooks)).call;
              };
            }
            scope.funcs.push(lifted);
          } catch (e) {
            throw new LinkError(`canon lift async of ${fname}: ${e instanceof Error ? e.message : String(e)}`, o);
          }
          return;
        }
        if (tasks) {
          const lifted = syncTaskLift(session.compiler, state, fsig, opts, core, new LiftLowerContext(state, opts, session.hooks));
          if (session.jspi) {
            // Built only if it becomes a root export: the same lift, entered through WebAssembly.promising.
            lifted.jspi = () => {
              const entry = promisingCore(core);
              if (!entry) return async (...args: unknown[]) => lifted.call(...args);
              const l = syncTaskLift(session.compiler, state, fsig, opts, entry, new LiftLowerContext(state, opts, session.hooks));
              return suspendableExport(l.funcInst!, state, fname);
            };
          }
          scope.funcs.push(lifted);
          return;
        }
        const plan = planFunction(fsig, "lift", { stringEncoding: opts.stringEncoding, postReturn: !!opts.postReturn });
        const cx = new LiftLowerContext(state, opts, session.hooks);
        let call;
        try {
          call = compileLift(plan, cx, session.compiler, core);
        } catch (e) {
          throw new LinkError(`canon lift of ${fname}: ${e instanceof Error ? e.message : String(e)}`, o);
        }
        scope.funcs.push({ sig: fsig, call, lift: { core, cx, plan }, owner: state });
        return;
      }
      case "lower": {
        const f = at(scope.funcs, c.func, "function", o);
        const opts = canonOptions(c.options, o);
        if (suspendHere && f.hostPath !== undefined && !c.options.async) {
          // A sync call of a host function the root component makes: may suspend (`jspi.ts`).
          scope.coreFuncs.push(suspendingHostLower(session.compiler, state, f, f.hostPath, new LiftLowerContext(state, opts, session.hooks)));
          return;
        }
        if (c.options.async || f.funcInst || (tasks && f.sig.async)) {
          // Through a Subtask (task/lower.ts): async lowering, or a callee that is async-lifted.
          const cx = new LiftLowerContext(state, opts, session.hooks);
          const taskImport = session.adapters.taskImport;
          const generated =
            taskImport && f.hostPath !== undefined
              ? () => taskImport.call(session.adapters, f.hostPath!, adapterContext(f.hostPath!, f, cx, planFunction(f.sig, "lower", { stringEncoding: opts.stringEncoding })))
              : undefined;
          scope.coreFuncs.push(taskLower(session.compiler, state, f, !!c.options.async, cx, generated));
          return;
        }
        const plan = planFunction(f.sig, "lower", { stringEncoding: opts.stringEncoding });
        const cx = new LiftLowerContext(state, opts, session.hooks);
        // The caller cannot wait: a Promise from the callee is refused, by generated adapters as by the dynamic path.
        const cannotWait = (call: JsFunction): JsFunction =>
          f.sig.async ? mustNotBlock(f, call) : f.hostPath !== undefined ? noPromiseResult(f.hostPath, call, session.jspi, f.sig.result?.kind === "future") : call;
        const dynamic = (): CoreFunction => compileLower(plan, cx, session.compiler, cannotWait(callFrom(f, state)));
        let fn: CoreFunction | undefined;
        try {
          if (f.hostPath !== undefined && session.adapters.lowerImport) {
            fn = session.adapters.lowerImport(f.hostPath, cannotWait(f.hostImpl ?? f.call), { ...adapterContext(f.hostPath, f, cx, plan), dynamic });
          }
          fn ??= dynamic();
        } catch (e) {
          throw new LinkError(`canon lower of ${f.sig.name}: ${e instanceof Error ? e.message : String(e)}`, o);
        }
        scope.coreFuncs.push(fn);
        return;
      }
      case "task.return": {
        const opts = canonOptions(c.options, o);
        const result = c.result && valType(scope, c.result, o);
        const cx = new LiftLowerContext(state, opts, session.hooks);
        scope.coreFuncs.push(guarded(state, taskReturnBuiltin(session.compiler, state, result, opts, cx, session.adapters.taskReturn?.bind(session.adapters))));
        return;
      }
      case "resource.new": {
        const rt = resourceAt(scope, c.resource, o).binding.type;
        scope.coreFuncs.push(guarded(state, (rep: number) => resourceNew(state, rt, rep)));
        return;
      }
      case "resource.rep": {
        const rt = resourceAt(scope, c.resource, o).binding.type;
        scope.coreFuncs.push(guarded(state, (i: number) => resourceRep(state, rt, i >>> 0)));
        return;
      }
      case "resource.drop": {
        const rt = resourceAt(scope, c.resource, o).binding.type;
        scope.coreFuncs.push(guarded(state, (i: number) => resourceDrop(state, rt, i >>> 0)));
        return;
      }
      default: {
        if (suspendHere && c.kind === "waitable-set.wait") {
          // May suspend a stackful task's wasm stack (`jspi.ts`).
          scope.coreFuncs.push(suspendingWait(state, c.cancellable, memoryAt(c.memory, o)!));
          return;
        }
        // Async, thread and error-context built-ins (`async-builtins.ts`); the rest trap when called.
        const wiring = {
          state,
          compiler: session.compiler,
          typeAt: (i: number) => at(scope.types, i, "type", o),
          options: (opts: Parameters<AsyncWiring["options"]>[0]) => canonOptions(opts, o),
          context: (opts: CanonOptions) => new LiftLowerContext(state, opts, session.hooks),
          memoryAt: (i: number) => memoryAt(i, o),
        };
        const asyncForm = suspendHere ? asyncVariant(c) : undefined;
        if (asyncForm) {
          // A sync copy, cancel or subtask.cancel may suspend a stackful task's wasm stack (`jspi.ts`).
          const sync = asyncBuiltin(wiring, c);
          const async = asyncBuiltin(wiring, asyncForm);
          if (sync && async) {
            scope.coreFuncs.push(suspendingBuiltin(state, sync as (...a: number[]) => unknown, async as (...a: number[]) => unknown, c.kind));
            return;
          }
        }
        const f = asyncBuiltin(wiring, c);
        scope.coreFuncs.push(f ? guarded(state, f as (...a: unknown[]) => unknown) : trapUnsupported(c.kind, state));
        return;
      }
    }
  };

  ast.sections.forEach((section, sectionIndex) => {
    switch (section.kind) {
      case "custom":
        break;
      case "core-module": {
        const m = modules.get(section);
        if (!m) throw new LinkError("core module was not compiled", section.offset);
        scope.coreModules.push(m);
        break;
      }
      case "core-types":
        for (const t of section.items) scope.coreTypes += t.kind === "rec" ? t.types.length : 1;
        break;
      case "core-instances":
        for (const ci of section.items) {
          if (ci.kind === "instantiate") {
            const module = at(scope.coreModules, ci.module, "core module", ci.offset);
            const importObject: Record<string, Record<string, unknown>> = {};
            for (const a of ci.args) importObject[a.name] = at(scope.coreInstances, a.instance, "core instance", ci.offset);
            scope.coreInstances.push(instantiateCore(module, session.jspi ? withSuspendingImports(importObject) : importObject, ci.offset, state));
          } else {
            const bundle: Record<string, unknown> = Object.create(null);
            for (const e of ci.exports) bundle[e.name] = at(coreSpace(scope, e.sort, ci.offset), e.index, `core ${e.sort}`, ci.offset);
            scope.coreInstances.push(bundle);
          }
        }
        break;
      case "component":
        scope.components.push({ ast: section.component, scope });
        break;
      case "instances":
        for (const inst of section.items) {
          if (inst.kind === "instantiate") {
            const comp = at(scope.components, inst.component, "component", inst.offset);
            const args = new Map<string, RtItem>();
            for (const a of inst.args) args.set(a.name, sortItem(scope, a.item, inst.offset));
            const child = instantiateComponent(
              session,
              modules,
              comp.ast,
              comp.scope,
              argsSource(args, inst.offset),
              `${state.name}/component${inst.component}`,
              undefined,
              state,
              !!reach && jspiReachable && !reach.crossCalled.has(scope.instances.length),
            );
            scope.instances.push({ exports: child.exports });
          } else {
            const out: RtInstance = { exports: new Map() };
            for (const e of inst.exports) out.exports.set(e.name.name, sortItem(scope, e.item, inst.offset));
            scope.instances.push(out);
          }
        }
        break;
      case "aliases":
        for (const a of section.items) {
          if (a.kind === "instance-export") {
            const inst = at(scope.instances, a.instance, "instance", a.offset);
            const item = inst.exports.get(a.name);
            if (!item) throw new LinkError(`instance ${a.instance} has no export "${a.name}"`, a.offset);
            if (item.sort !== a.sort) throw new LinkError(`export "${a.name}" is a ${item.sort}, the alias expects a ${a.sort}`, a.offset);
            pushItem(scope, item);
          } else if (a.kind === "core-instance-export") {
            const ci = at(scope.coreInstances, a.instance, "core instance", a.offset);
            if (!(a.name in ci)) throw new LinkError(`core instance ${a.instance} has no export "${a.name}"`, a.offset);
            coreSpace(scope, a.sort, a.offset).push(ci[a.name]);
          } else {
            const target = outerEnv(scope, a.count, a.offset);
            switch (a.sort) {
              case "type":
                scope.types.push(at(target.types, a.index, "type", a.offset));
                break;
              case "component":
                scope.components.push(at(target.components, a.index, "component", a.offset));
                break;
              case "core module":
                scope.coreModules.push(at(target.coreModules, a.index, "core module", a.offset));
                break;
              case "core type":
                scope.coreTypes++;
                break;
              default:
                throw new LinkError(`outer alias of a ${a.sort} is not allowed`, a.offset);
            }
          }
        }
        break;
      case "types":
        for (const t of section.items) {
          scope.types.push(
            evalTypeDef(scope, t, (def) => {
              const rname = names.types.get(scope.types.length) ?? "resource";
              const dtor = def.dtor !== undefined ? (coreFuncAt(def.dtor, def.offset) as (rep: number) => void) : undefined;
              return session.newResource(rname, new GuestResourceBinding(rname, state, dtor, session.wrap));
            }),
          );
        }
        break;
      case "canons":
        for (const c of section.items) canon(c);
        break;
      case "imports":
        for (const imp of section.items) pushItem(scope, imports(imp, scope));
        if (sectionIndex === lastImports) afterImports?.();
        break;
      case "exports":
        for (const e of section.items) {
          const item = sortItem(scope, e.item, e.offset);
          exports.set(e.name.name, item);
          pushItem(scope, item);
        }
        break;
      case "start":
        throw new LinkError("component start functions (a 🪙 feature of Explainer.md, \"Start Definitions\", not in the MVP) are not supported by this runtime", section.offset);
      case "values":
        throw new LinkError("component value definitions (a 🪙 feature of Explainer.md, \"Value Definitions\", not in the MVP) are not supported by this runtime", section.offset);
    }
  });
  return { exports, state };
}

/**
 * A sync-lowered call of an `async func` outside the task machinery: a result
 * that is a Promise would need the caller to block (Concurrency.md "Blocking").
 */
function mustNotBlock(f: RtFunc, call: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return (...args) => {
    const r = call(...args);
    if (r && typeof (r as PromiseLike<unknown>).then === "function") {
      throw new Trap(`synchronous call of async function ${f.sig.name} did not finish at once (it returned a Promise) and the caller cannot block; lower it with the async option`, {
        rule: 'Concurrency.md "Blocking"',
      });
    }
    return r;
  };
}

/** Imports of a nested component come from its instantiation args (Explainer.md "Instance Definitions"). */
function argsSource(args: Map<string, RtItem>, instOffset: number): ImportSource {
  return (imp, scope) => {
    const a = args.get(imp.name.name);
    if (a) {
      const want = imp.type.kind === "module" ? "core module" : imp.type.kind;
      if (a.sort !== want) throw new LinkError(`instantiation arg "${imp.name.name}" is a ${a.sort}, the import expects a ${want}`, instOffset);
      return a;
    }
    // A type import with an equality bound is fully determined by it.
    if (imp.type.kind === "type" && imp.type.bound.kind === "eq") {
      return { sort: "type", type: at(scope.types, imp.type.bound.index, "type", imp.offset) };
    }
    throw new LinkError(`instantiation (at byte 0x${instOffset.toString(16)}) does not supply import "${imp.name.name}"`, imp.offset);
  };
}

function instantiateCore(module: WasmModule, importObject: Record<string, Record<string, unknown>>, offset: number, state: ComponentInstanceState): Record<string, unknown> {
  try {
    return new (wasm().Instance)(module, importObject).exports as Record<string, unknown>;
  } catch (e) {
    if (e instanceof Trap) throw e;
    if (e instanceof wasm().RuntimeError) {
      const t = new Trap(`core module start function trapped: ${e.message}`, { rule: "Explainer.md Instance Definitions (core instantiate)", cause: e });
      state.poison(t);
      throw t;
    }
    throw new LinkError(`core instantiation failed: ${e instanceof Error ? e.message : String(e)}`, offset);
  }
}
