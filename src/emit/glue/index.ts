/**
 * Host glue for a world (`witgen host`): `glue.ts`, with one specialised adapter
 * per function the world imports or exports and an `instantiate(source, imports)`
 * typed by the host declarations (`index.ts`'s `Imports` / `Exports`). Functions whose adapters
 * would differ only in names share one (same-shape.ts).
 *
 * Resource constructors, methods and statics get adapters too (the runtime's resource classes
 * call them). Named types moved through memory get one alias and store/load function each,
 * shared by the adapters (shared.ts). Every export also gets a `taskExport` adapter: its value
 * code for components using async features, whose exports the task machinery calls (an async
 * export's parameters: its result is lifted by `canon task.return`, for which each async
 * result type gets a `taskReturn` adapter), and every async import a `taskImport` adapter (its
 * values when lowered `async`). Stream, future and error-context values move through the
 * runtime's hooks (`AsyncTypes`), with the component's types from the runtime's plan. Only a sync
 * lowering of an async import by a component without async features keeps the instantiator's
 * dynamic path (the call cannot wait, so the host must answer at once or it traps).
 */
import type { IrDocument, IrFunction, IrType } from "@witgen/runtime/ir";
import { adapterTypeKey, planFunction, planValue, TypeResolver, type FunctionPlan, type ValuePlan } from "@witgen/runtime";
import type { EmittedFile } from "../index.js";
import { INDEX_PATH } from "../layout.js";
import { WorldModel } from "../model.js";
import { bindingName, Scope } from "../names.js";
import { formatTypeScript } from "../render.js";
import { lit } from "./code.js";
import { worldElements } from "./elements.js";
import { RUNTIME_HELPERS } from "./env.js";
import { namedPlans } from "./shared.js";
import type { TaskReturnSpec } from "./adapters.js";
import { renderGlueModule, type GlueFunction } from "./module.js";
import { renderTemplate } from "./templates.js";

export const GLUE_PATH = "glue.ts";

export interface GlueOptions {
  results: "throw" | "union";
  runtimeModule: string;
  /** Instantiate with JSPI: no function adapters (see `emitGlue`). */
  jspi?: boolean;
}

/** A function of the world with where it sits in `Imports` / `Exports` and the instantiator. */
interface WorldFunction {
  fn: IrFunction;
  /** The instantiator's extern path (runtime/src/link/adapters.ts). */
  path: string;
  /** The TypeScript type of the host-facing function, from the declarations (loose when absent). */
  fnType?: string;
}

/** The world's functions with the property paths the declarations give them (emit/model.ts `apiFunctions`). */
function worldFunctions(model: WorldModel, direction: "imports" | "exports"): WorldFunction[] {
  const api = direction === "imports" ? "Imports" : "Exports";
  return model.apiFunctions(direction).map(({ fn, extern, keys }) => ({
    fn,
    path: extern,
    fnType: `${api}${keys.map((k) => `[${lit(k)}]`).join("")}`,
  }));
}

/**
 * Constructors, methods and statics of the resources of the world's interfaces. The runtime
 * calls their adapters as `(self, ...args)` for methods and puts them on its resource classes,
 * so they are typed loosely here (the declarations type the classes).
 */
function resourceFunctions(doc: IrDocument, direction: "imports" | "exports"): WorldFunction[] {
  const out: WorldFunction[] = [];
  for (const item of doc.worlds[doc.world][direction]) {
    if (item.kind !== "interface") continue;
    for (const fn of doc.interfaces[item.interface].functions) {
      if (fn.kind.kind !== "freestanding") out.push({ fn, path: `${item.key}#${fn.name}` });
    }
  }
  return out;
}

function planOf(resolver: TypeResolver, fn: IrFunction, direction: "lift" | "lower"): FunctionPlan {
  const resolve = (t: IrType) => resolver.resolve(t);
  return planFunction(
    { name: fn.name, params: fn.params.map((p) => ({ name: p.name, type: resolve(p.type) })), result: fn.result && resolve(fn.result) },
    direction,
    { postReturn: direction === "lift" },
  );
}

/** `[constructor]r` -> `new-r`, `[method]r.m` / `[static]r.s` -> `r-m` / `r-s`: a name for the adapter. */
function adapterBaseName(witName: string): string {
  const m = /^\[(constructor|method|static)\]([^.]*)(?:\.(.*))?$/.exec(witName);
  if (!m) return witName;
  return m[1] === "constructor" ? `new-${m[2]}` : `${m[2]}-${m[3]}`;
}

type RecordPlan = Extract<ValuePlan, { kind: "record" }>;

/** A function's adapter, with what the task adapters need besides. */
type WorldAdapter = GlueFunction & { async: boolean; params?: RecordPlan };

/** `taskImport` + `tcp-socket.connect` -> `taskImportTcpSocketConnect`: a factory's module-level name. */
function factoryName(factories: Scope, prefix: string, fn: IrFunction): string {
  const jsName = bindingName(adapterBaseName(fn.name));
  return factories.claim(`${prefix}${jsName[0].toUpperCase()}${jsName.slice(1)}`);
}

/**
 * The adapters of `fns`, by kind: `lift` / `lower` for sync functions (the whole call); `task`
 * for exports the task machinery calls (their value code: sync ones whole, async ones'
 * parameters); `taskImport` for async imports lowered `async` (with their parameters' layout as
 * one tuple, for the spilled case). Every function gets one; stream, future and error-context
 * values take their types from the runtime's plan.
 */
function glueFunctions(doc: IrDocument, fns: WorldFunction[], kind: "lift" | "lower" | "task" | "taskImport", options: GlueOptions, factories: Scope): WorldAdapter[] {
  const resolver = new TypeResolver(doc);
  const out: WorldAdapter[] = [];
  const direction = kind === "lower" || kind === "taskImport" ? "lower" : "lift";
  for (const { fn, path, fnType } of fns) {
    if (kind === "taskImport" ? !fn.async : fn.async && kind !== "task") continue;
    const plan = planOf(resolver, fn, direction);
    const params = new Scope();
    out.push({
      async: fn.async,
      plan,
      path,
      factory: factoryName(factories, kind, fn),
      jsName: bindingName(adapterBaseName(fn.name)),
      paramNames: fn.params.map((p) => params.claim(bindingName(p.name))),
      ...(kind === "taskImport" ? {} : { fnType }),
      throwsErr: kind !== "taskImport" && options.results === "throw" && fn.result?.kind === "result",
      docs: `\`${path}\`: ${direction === "lift" ? "the export, called by the host" : "the import, implemented by the host"}`,
      ...(kind === "taskImport"
        ? { params: planValue({ kind: "tuple", types: fn.params.map((p) => resolver.resolve(p.type)) }) as RecordPlan }
        : {}),
    });
  }
  return out;
}

/** The result types of the async exports, one each by the runtime's `adapterTypeKey`, lifted in `canon task.return`. */
function asyncResults(doc: IrDocument, fns: WorldFunction[], factories: Scope): TaskReturnSpec[] {
  const resolver = new TypeResolver(doc);
  const out = new Map<string, TaskReturnSpec>();
  for (const { fn } of fns) {
    if (!fn.async || !fn.result) continue;
    const t = resolver.resolve(fn.result);
    const result = planValue(t);
    const key = adapterTypeKey(t);
    if (out.has(key)) continue;
    out.set(key, { key, result, factory: factoryName(factories, "taskReturnOf", fn) });
  }
  return [...out.values()];
}

/** Emits `glue.ts` for `doc`'s selected world. */
export async function emitGlue(doc: IrDocument, options: GlueOptions): Promise<EmittedFile> {
  // The module's top-level names: adapter factories and shared type code (shared.ts) claim theirs here.
  const factories = new Scope([
    "adapters", "instantiate", "liftExports", "lowerImports", "taskExports", "taskReturns", "taskImports", "agreed", "Exports", "Imports",
    "AdapterContext", "CompiledComponent", "CoreFunction", "Flat", "HostAdapters", "ImportObject", "JsFunction", "LiftLowerContext", "TaskExportValues", "TaskImportValues",
    ...RUNTIME_HELPERS,
  ]);
  const model = new WorldModel(doc, "host", options.results, options.runtimeModule, options.jspi);
  // Under JSPI the instantiator enters exports through `WebAssembly.promising` and lowers
  // suspending imports itself, so only the element code is generated.
  const exported = [...worldFunctions(model, "exports"), ...resourceFunctions(doc, "exports")];
  const imported = [...worldFunctions(model, "imports"), ...resourceFunctions(doc, "imports")];
  const exports = options.jspi ? [] : glueFunctions(doc, exported, "lift", options, factories);
  const imports = options.jspi ? [] : glueFunctions(doc, imported, "lower", options, factories);
  const taskExports = options.jspi ? [] : glueFunctions(doc, exported, "task", options, factories);
  const taskReturns = options.jspi ? [] : asyncResults(doc, exported, factories);
  const taskImports = options.jspi ? [] : glueFunctions(doc, imported, "taskImport", options, factories);
  const source = renderGlueModule({
    runtimeModule: options.runtimeModule,
    exports,
    imports,
    taskExports,
    taskReturns,
    taskImports,
    elements: worldElements(doc),
    named: { plans: namedPlans(doc), names: factories },
    moduleImports: [`import type { Exports, Imports } from ${lit(`./${INDEX_PATH.replace(/\.ts$/, ".js")}`)};`],
    tailRuntime: ["compileComponent"],
    tailRuntimeTypes: ["CompiledComponent", "ImportObject"],
    tail: renderTemplate(options.jspi ? "instantiate-jspi" : "instantiate", { results: lit(options.results) }),
    ...(options.jspi
      ? { noAdapters: "Bindings for JSPI: the instantiator enters exports through `WebAssembly.promising` and\n * lowers imports that may suspend itself, so no function has a specialised adapter." }
      : {}),
  });
  return { path: GLUE_PATH, contents: await formatTypeScript(GLUE_PATH, model.header, source) };
}
