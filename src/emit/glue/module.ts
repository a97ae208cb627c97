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
import { renderElement, type ElementSpec } from "./elements.js";
import { lit } from "./code.js";
import { RUNTIME_HELPERS, type RuntimeHelper } from "./env.js";
import { SharedValues, type NamedType } from "./shared.js";
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

/** Words common to every name, in order (`tcp-socket-bind`, `udp-socket-bind` -> `socket bind`). */
function commonWords(names: string[]): string[] {
  const lcs = (a: string[], b: string[]): string[] => {
    const t: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
    }
    const out: string[] = [];
    for (let i = 0, j = 0; i < a.length && j < b.length; ) {
      if (a[i] === b[j]) {
        out.push(a[i]);
        i++;
        j++;
      } else if (t[i + 1][j] >= t[i][j + 1]) i++;
      else j++;
    }
    return out;
  };
  const words = (n: string): string[] => n.split(/[^A-Za-z0-9]+|(?=[A-Z])/).filter(Boolean).map((w) => w.toLowerCase());
  return names.map(words).reduce(lcs);
}

/** A word for a type in a shared adapter's name: `u64` -> `U64`, `list<u8>` -> `Bytes`, `result<..>` -> `Result`. */
function typeWord(p: ValuePlan): string {
  switch (p.kind) {
    case "list":
      return p.element.kind === "u8" ? "Bytes" : "List";
    case "record":
      return p.shape === "tuple" ? "Tuple" : "Record";
    case "variant":
      return p.shape === "option-wrapped" ? "Option" : p.shape[0].toUpperCase() + p.shape.slice(1);
    case "own":
    case "borrow":
      return "Handle";
    default:
      return p.kind.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase());
  }
}

/** A shared adapter's name when its functions' names have no word in common: `(u32) -> string` -> `U32ToString`. */
function shapeName(plan: FunctionPlan): string {
  const params = plan.params.map((p) => typeWord(p.type)).join("");
  const result = plan.result ? `To${typeWord(plan.result)}` : "";
  return params + result || "Void";
}

/**
 * Renders the adapters of one kind, one factory per shape: functions whose adapters would
 * differ only in names (their own, their resources') share one generic adapter, named after the
 * words their names have in common. Returns the code and each function's factory.
 */
function renderShared<F extends GlueFunction>(
  fns: F[],
  prefix: string,
  render: (f: F) => string,
  names: Scope | undefined,
): { code: string[]; factories: Map<F, string> } {
  const groups = new Map<string, F[]>();
  for (const f of fns) {
    const key = render({ ...f, generic: true, factory: "", docs: "" });
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const code: string[] = [];
  const factories = new Map<F, string>();
  for (const group of groups.values()) {
    const [first] = group;
    if (group.length === 1 || !names) {
      for (const f of group) {
        code.push(render(f));
        factories.set(f, f.factory);
      }
      continue;
    }
    const words = commonWords(group.map((f) => f.jsName)).map((w) => w[0].toUpperCase() + w.slice(1));
    const wanted = `${prefix}${words.length > 0 ? words.join("") : shapeName(first.plan)}`;
    // A member's own factory name is free again (the members' names were claimed one by one).
    const factory = group.some((f) => f.factory === wanted) ? wanted : names.claim(wanted);
    // `path`: role -> Role, on a line of its own (the paths are listed below it).
    const role = first.docs.startsWith(`\`${first.path}\`: `) ? first.docs.slice(first.path.length + 4) : first.docs;
    const docs = `\n * ${role[0].toUpperCase()}${role.slice(1)}`;
    code.push(render({ ...first, generic: true, factory, docs, members: group.map((f) => f.path) }));
    for (const f of group) factories.set(f, factory);
  }
  return { code, factories };
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
    ...(taskReturns.length > 0 ? ["ValuePlan"] : []),
    "HostAdapters",
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
