/**
 * Stream and future payloads: for each element type the world's functions carry in a
 * `stream<T>` or `future<T>`, generated load and store of one element (CanonicalABI.md `load` /
 * `store`), handed to the instantiator as `adapters.elements` (runtime/src/link/adapters.ts
 * `ElementAdapter`) so copies run no per-element type interpretation. Number elements are left
 * to the runtime, which copies them as typed arrays in bulk. Elements holding handles
 * (resources, nested streams and futures, error-contexts) get a factory: the runtime gives it
 * the element type's plan in the instance, where their resources' and stream types are.
 */
import type { IrDocument } from "@witgen/runtime/ir";
import { adapterTypeKey, planValue, TypeResolver, type AbiType, type ValuePlan } from "@witgen/runtime";
import { lit } from "./code.js";
import { holdsHandles } from "./shared.js";
import { AsyncTypes, childPlans, Env, type RuntimeHelper, type SharedValueCode } from "./env.js";
import { load } from "./lift.js";
import { store } from "./lower.js";

export interface ElementSpec {
  /** The runtime's `adapterTypeKey` of the element type. */
  key: string;
  plan: ValuePlan;
}

/**
 * Whether an element type's code needs the instance's view of the type (a factory, not an
 * object): for its resources, or its nested streams' and futures' types (an error-context has none).
 */
export function needsInstance(plan: ValuePlan): boolean {
  const typedEnds = (p: ValuePlan): boolean => p.kind === "stream" || p.kind === "future" || childPlans(p).some((c) => typedEnds(c.plan));
  return holdsHandles(plan) || typedEnds(plan);
}

const NUMBERS = new Set(["u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64"]);

/** Element types inside `t` (at any depth), by key. */
function collect(t: AbiType | undefined, out: Map<string, AbiType>): void {
  if (!t) return;
  switch (t.kind) {
    case "stream":
    case "future":
      if (t.element && !NUMBERS.has(t.element.kind)) out.set(adapterTypeKey(t.element), t.element);
      return collect(t.element, out);
    case "list":
      return collect(t.element, out);
    case "record":
      return t.fields.forEach((f) => collect(f.type, out));
    case "tuple":
      return t.types.forEach((x) => collect(x, out));
    case "variant":
      return t.cases.forEach((c) => collect(c.type, out));
    case "option":
      return collect(t.some, out);
    case "result":
      collect(t.ok, out);
      return collect(t.err, out);
    case "map":
      collect(t.key, out);
      return collect(t.value, out);
    default:
      return;
  }
}

/** The element types of every function of the world (imports and exports) that glue can specialise. */
export function worldElements(doc: IrDocument): ElementSpec[] {
  const resolver = new TypeResolver(doc);
  const found = new Map<string, AbiType>();
  const functions = [
    ...Object.values(doc.interfaces).flatMap((i) => i.functions),
    ...doc.worlds[doc.world]!.imports.concat(doc.worlds[doc.world]!.exports).flatMap((item) => (item.kind === "function" ? [item.function] : [])),
  ];
  for (const fn of functions) {
    for (const p of fn.params) collect(resolver.resolve(p.type), found);
    if (fn.result) collect(resolver.resolve(fn.result), found);
  }
  return [...found].sort(([a], [b]) => a.localeCompare(b)).map(([key, t]) => ({ key, plan: planValue(t) }));
}

/**
 * One `ElementAdapter` object literal: load and store of one element at `ptr`; for an element
 * holding handles, a factory of one (`ElementAdapterFactory`) that first finds the handles'
 * resources and stream types in the plan it is given.
 */
export function renderElement(spec: ElementSpec, helpers: Set<RuntimeHelper>, shared?: SharedValueCode): string {
  const factory = needsInstance(spec.plan);
  const env = new Env(helpers, ["ptr", "value", "elementType"]);
  env.shared = shared;
  if (factory) {
    env.planResources([spec.plan]);
    env.asyncTypes = new AsyncTypes([{ plan: spec.plan, base: "elementType.plan", path: [] }], env);
  }
  const loaded = load(env, spec.plan, { base: "ptr", offset: 0 }, "element");
  const loadBody = env.section();
  store(env, spec.plan, "value", { base: "ptr", offset: 0 }, "element", "");
  const storeBody = env.section();
  if (env.lowersStrings) env.rt("stringLowerer");
  const type = env.typeOf(spec.plan);
  const lowerString = env.lowersStrings ? "const lowerString = stringLowerer(cx.stringEncoding);\n" : "";
  const adapter = `{
  load(cx: LiftLowerContext, ptr: number): ${type} {
${indent(loadBody)}    return ${loaded};
  },
  store(cx: LiftLowerContext, value: ${type}, ptr: number): void {
${indent(lowerString + storeBody)}  },
}`;
  if (!factory) return adapter;
  const prologue = [
    ...(env.resources.size > 0 ? [`const [${[...env.resources.values()].join(", ")}] = ${env.rt("valueResourceHandles")}(elementType);`] : []),
    ...env.asyncTypes!.declarations,
  ];
  return `(elementType) => {
${prologue.map((l) => `  ${l}\n`).join("")}  return ${adapter.replace(/\n/g, "\n  ")};
}`;
}

function indent(code: string): string {
  return code
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => `    ${l}\n`)
    .join("");
}

/** The `elements` member of the adapters: element code by type key. */
export function elementsTable(specs: ElementSpec[], names: string[]): string {
  return `{\n${specs.map((s, i) => `  ${lit(s.key)}: ${names[i]},`).join("\n")}\n}`;
}
