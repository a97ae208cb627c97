// A glue module: the adapters of a set of functions, their lookup tables and the HostAdapters object.
import type { FunctionPlan, ValuePlan } from "@witgen/runtime";
import type { Scope } from "../names.js";
import {
  renderExportAdapter,
  renderImportAdapter,
  renderTaskExportAdapter,
  renderTaskImportAdapter,
  renderTaskReturnAdapter,
  type AdapterSpec,
  type TaskReturnSpec,
} from "./adapters.js";
import { needsInstance, renderElement, type ElementSpec } from "./elements.js";
import { lit } from "./code.js";
import { RUNTIME_HELPERS, type RuntimeHelper } from "./env.js";
import { SharedValues, type NamedType } from "./shared.js";
import { renderShared } from "./same-shape.js";
import { renderTemplate } from "./templates.js";

export interface GlueFunction extends AdapterSpec {
  /** The instantiator's extern path: `"name"` or `"interface-name#function-name"` (runtime/src/link/adapters.ts). */
  path: string;
}

export interface GlueModuleInput {
  /** A first line for the module (the caller may add its own instead). */
  header?: string;
  runtimeModule: string;
  /** Root exports (`canon lift` adapters). */
  exports: GlueFunction[];
  /** Host imports (`canon lower` adapters). */
  imports: GlueFunction[];
  /** Root exports the task machinery calls (`taskExport` adapters: components using async features). */
  taskExports?: (GlueFunction & { async: boolean })[];
  /** Result types of async exports, lifted in `canon task.return` (`taskReturn` adapters). */
  taskReturns?: TaskReturnSpec[];
  /** Async host imports, lowered `async` (`taskImport` adapters). */
  taskImports?: (GlueFunction & { params?: Extract<ValuePlan, { kind: "record" }> })[];
  /** Stream/future element types with generated load/store. */
  elements?: ElementSpec[];
  /** More import lines (the declarations the adapters are typed with). */
  moduleImports?: string[];
  /** Runtime values and types the tail uses. */
  tailRuntime?: string[];
  tailRuntimeTypes?: string[];
  /** Code after the adapters, e.g. `instantiate()`. */
  tail?: string;
  /** Why there are no function adapters, when there are none (a doc line). */
  noAdapters?: string;
  /**
   * The named WIT types of the world (shared.ts): each one moved through memory gets one type
   * alias and store/load function, named in `names` (the module's top-level names).
   */
  named?: { plans: Map<ValuePlan, NamedType>; names: Scope };
}

/** `i32 i32 -> i32`: the core function type an adapter was generated for. */
export function coreSignature(plan: FunctionPlan): string {
  return `${plan.core.params.join(" ")} -> ${plan.core.results.join(" ")}`.trim();
}

/** Renders the module (unformatted TypeScript). */
export function renderGlueModule(input: GlueModuleInput): string {
  const helpers = new Set<RuntimeHelper>();
  const shared = input.named && new SharedValues(input.named.plans, input.named.names, helpers);
  const names = input.named?.names;
  const lifts = renderShared(input.exports, "lift", (f) => renderExportAdapter(f, helpers, shared), names);
  const lowers = renderShared(input.imports, "lower", (f) => renderImportAdapter(f, helpers, shared), names);
  const tasks = renderShared(input.taskExports ?? [], "task", (f) => renderTaskExportAdapter(f, helpers, shared), names);
  const taskImportAdapters = renderShared(input.taskImports ?? [], "taskImport", (f) => renderTaskImportAdapter(f, helpers, shared), names);
  const adapters = [
    ...lifts.code,
    ...lowers.code,
    ...tasks.code,
    ...(input.taskReturns ?? []).map((r) => renderTaskReturnAdapter(r, helpers, shared)),
    ...taskImportAdapters.code,
  ];
  const elements = (input.elements ?? []).map((spec, i) => ({
    key: lit(spec.key),
    typeKey: spec.key,
    name: `element${i + 1}`,
    factory: needsInstance(spec.plan),
    code: renderElement(spec, helpers, shared),
  }));
  const values = [...RUNTIME_HELPERS.filter((h) => helpers.has(h)), ...(input.tailRuntime ?? [])].sort();
  const any = adapters.length > 0;
  const taskExports = input.taskExports ?? [];
  const taskReturns = input.taskReturns ?? [];
  const taskImports = input.taskImports ?? [];
  const plain = input.exports.length + input.imports.length > 0;
  const types = [
    ...(plain ? ["CoreFunction", "JsFunction"] : []),
    ...(plain || taskExports.length + taskImports.length > 0 ? ["AdapterContext"] : []),
    ...(taskExports.length > 0 ? ["TaskExportValues"] : []),
    ...(taskImports.length > 0 ? ["TaskImportValues"] : []),
    ...(taskExports.length + taskReturns.length + taskImports.length > 0 ? ["Flat"] : []),
    ...(taskReturns.length > 0 ? ["CodecCompiler", "ValuePlan"] : []),
    "HostAdapters",
    ...(elements.some((e) => e.factory) ? ["ElementAdapterFactory"] : []),
    ...(elements.length > 0 || shared?.any || taskReturns.length > 0 ? ["LiftLowerContext"] : []),
  ];
  const imports = [
    `import type { ${[...types, ...(input.tailRuntimeTypes ?? [])].sort().join(", ")} } from ${lit(input.runtimeModule)};`,
    ...(values.length > 0 ? [`import { ${values.join(", ")} } from ${lit(input.runtimeModule)};`] : []),
    ...(input.moduleImports ?? []),
  ];
  const table = <F extends GlueFunction>(fs: F[], rendered: { factories: Map<F, string> }) =>
    fs.map((f) => ({ key: lit(f.path), factory: rendered.factories.get(f)!, core: lit(coreSignature(f.plan)) }));
  return renderTemplate("module", {
    header: input.header ?? "",
    imports,
    shared: shared?.declarations ?? [],
    adapters,
    exportTable: table(input.exports, lifts),
    importTable: table(input.imports, lowers),
    taskTable: table(taskExports, tasks),
    returnTable: taskReturns.map((r) => ({ key: lit(r.key), factory: r.factory })),
    agreed: plain || taskExports.length + taskImports.length > 0,
    taskImportTable: table(taskImports, taskImportAdapters),
    any,
    elements,
    tail: input.tail ?? "",
    noAdapters:
      input.noAdapters ??
      "The world has no functions, so there are no adapters.",
  });
}
