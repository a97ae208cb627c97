/**
 * ABI plans: everything the Canonical ABI decides statically about a function
 * signature, as plain JSON-serialisable data. The generator renders a plan
 * into specialised TypeScript; the runtime's dynamic path compiles the same
 * plan into closures (see `compile.ts`).
 *
 * A {@link FunctionPlan} is an ordered list of {@link PlanStep}s (what happens
 * in a call) plus a {@link ValuePlan} tree per parameter/result (how each
 * value is laid out: sizes, alignments, field offsets, flat core types,
 * discriminant sizes, variant slot joins, JS shapes and names).
 *
 * JS value mapping (docs/mapping.md "Types" is the contract; summary):
 *   bool -> boolean; u8..u32, s8..s32, f32, f64 -> number; u64, s64 -> bigint;
 *   char -> string holding one code point; string -> string;
 *   list<T> / list<T, N> -> Array (for list<T, N> a JS tuple, i.e. an array of length N), except numeric T -> typed array
 *     (u8 Uint8Array, s8 Int8Array, u16 Uint16Array, s16 Int16Array, u32 Uint32Array,
 *      s32 Int32Array, u64 BigUint64Array, s64 BigInt64Array, f32 Float32Array, f64 Float64Array);
 *   record -> object with camelCase field names ({@link toCamelCase}, collisions per {@link camelCaseScope});
 *   tuple -> array; flags -> object of booleans with camelCase names;
 *   variant -> { tag: "<wit-case-name>", val } (no `val` for payload-less cases);
 *   enum -> "<wit-case-name>";
 *   option<T> -> T | undefined (lowering also accepts null), except when T is itself an option:
 *     option<option<U>> -> Option<U | undefined> = { tag: "some", val } | { tag: "none" }
 *     (runtime/src/api/result.ts; lowering also accepts undefined as none);
 *   result<T, E> -> { tag: "ok", val: T } | { tag: "err", val: E } (`val` undefined for an absent payload);
 *   map<K, V> -> Map<K, V>; own<R> / borrow<R> -> resource objects (see resources/).
 */
import type { TypeId } from "../ir/types.js";
import type { StringEncoding } from "./context.js";
import {
  flattenFuncType,
  flattenTypes,
  layoutOf,
  despecialize,
  fieldOffsets,
  discriminantSize,
  variantPayloadOffset,
  variantPayloadFlat,
  mapEntryType,
  MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS,
  type CoreType,
} from "./layout.js";
import { camelCaseScope, toCamelCase } from "./naming.js";
import type { AbiType } from "./valtype.js";

export const PLAN_VERSION = 1;

export type TypedArrayName =
  | "Uint8Array"
  | "Int8Array"
  | "Uint16Array"
  | "Int16Array"
  | "Uint32Array"
  | "Int32Array"
  | "BigUint64Array"
  | "BigInt64Array"
  | "Float32Array"
  | "Float64Array";

export const TYPED_ARRAY_OF: Partial<Record<AbiType["kind"], TypedArrayName>> =
  {
    u8: "Uint8Array",
    s8: "Int8Array",
    u16: "Uint16Array",
    s16: "Int16Array",
    u32: "Uint32Array",
    s32: "Int32Array",
    u64: "BigUint64Array",
    s64: "BigInt64Array",
    f32: "Float32Array",
    f64: "Float64Array",
  };

interface PlanBase {
  /** CanonicalABI.md `elem_size`. */
  size: number;
  /** CanonicalABI.md `alignment`. */
  align: number;
  /** CanonicalABI.md `flatten_type`. */
  flat: CoreType[];
}

export interface FieldPlan {
  witName: string;
  /** Object key (camelCase) or, for tuples, the index as a string. */
  jsName: string;
  /** Byte offset from the start of the record. */
  offset: number;
  type: ValuePlan;
}

export interface CasePlan {
  witName: string;
  /** The JS tag: the WIT case name, except result's `error` case which is `err`. */
  tag: string;
  type?: ValuePlan;
}

export type ScalarKind =
  | "bool"
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "s8"
  | "s16"
  | "s32"
  | "s64"
  | "f32"
  | "f64"
  | "char"
  | "string"
  | "error-context";

export type ValuePlan = PlanBase &
  (
    | { kind: ScalarKind }
    /** `length` present for fixed-length lists (stored inline, flattened element-wise). */
    | {
        kind: "list";
        element: ValuePlan;
        length?: number;
        typedArray?: TypedArrayName;
      }
    /** Records and tuples (despecialized); `shape` is the JS side. */
    | { kind: "record"; shape: "object" | "tuple"; fields: FieldPlan[] }
    /**
     * Variants, enums, options, results (despecialized); `shape` is the JS side:
     * "option-wrapped" is an option whose payload is an option (tagged `Option<T>`).
     */
    | {
        kind: "variant";
        shape: "variant" | "enum" | "option" | "option-wrapped" | "result";
        /** CanonicalABI.md `discriminant_type` size in bytes. */
        discSize: 1 | 2 | 4;
        payloadOffset: number;
        /** Joined flat payload slots, after the i32 discriminant (CanonicalABI.md `flatten_variant`). */
        payloadFlat: CoreType[];
        cases: CasePlan[];
      }
    | { kind: "flags"; flags: { witName: string; jsName: string }[] }
    /** `map<K, V>` = `list<tuple<K, V>>`; `entry` is that tuple. */
    | { kind: "map"; entry: ValuePlan }
    | { kind: "own" | "borrow"; resource: TypeId; resourceName: string }
    | { kind: "stream" | "future"; element?: ValuePlan; abiType: AbiType }
  );

const plans = new WeakMap<AbiType, ValuePlan>();

/** The value plan of a type (cached per AbiType object). */
export function planValue(t: AbiType): ValuePlan {
  let p = plans.get(t);
  if (!p) {
    p = buildValuePlan(t);
    plans.set(t, p);
  }
  return p;
}

function buildValuePlan(t: AbiType): ValuePlan {
  const l = layoutOf(t);
  const base: PlanBase = { size: l.size, align: l.align, flat: [...l.flat] };
  switch (t.kind) {
    case "list": {
      const typedArray = TYPED_ARRAY_OF[t.element.kind];
      return {
        ...base,
        kind: "list",
        element: planValue(t.element),
        ...(t.length !== undefined ? { length: t.length } : {}),
        ...(typedArray ? { typedArray } : {}),
      };
    }
    case "record":
    case "tuple": {
      const d = despecialize(t) as Extract<
        ReturnType<typeof despecialize>,
        { kind: "record" }
      >;
      const offsets = fieldOffsets(d.fields);
      const jsNames =
        t.kind === "record"
          ? camelCaseScope(d.fields.map((f) => f.name))
          : d.fields.map((f) => f.name);
      return {
        ...base,
        kind: "record",
        shape: t.kind === "record" ? "object" : "tuple",
        fields: d.fields.map((f, i) => ({
          witName: f.name,
          jsName: jsNames[i],
          offset: offsets[i],
          type: planValue(f.type),
        })),
      };
    }
    case "variant":
    case "enum":
    case "option":
    case "result": {
      const d = despecialize(t) as Extract<
        ReturnType<typeof despecialize>,
        { kind: "variant" }
      >;
      const shape =
        t.kind === "option"
          ? t.some.kind === "option"
            ? "option-wrapped"
            : "option"
          : t.kind;
      return {
        ...base,
        kind: "variant",
        shape,
        discSize: discriminantSize(d.cases.length),
        payloadOffset: variantPayloadOffset(d.cases),
        payloadFlat: variantPayloadFlat(d.cases),
        cases: d.cases.map((c) => ({
          witName: c.name,
          tag: t.kind === "result" && c.name === "error" ? "err" : c.name,
          ...(c.type ? { type: planValue(c.type) } : {}),
        })),
      };
    }
    case "flags": {
      const jsNames = camelCaseScope(t.flags);
      return {
        ...base,
        kind: "flags",
        flags: t.flags.map((f, i) => ({ witName: f, jsName: jsNames[i] })),
      };
    }
    case "map":
      return { ...base, kind: "map", entry: planValue(mapEntryType(t)) };
    case "own":
    case "borrow":
      return {
        ...base,
        kind: t.kind,
        resource: t.resource,
        resourceName: t.name,
      };
    case "stream":
    case "future":
      return {
        ...base,
        kind: t.kind,
        ...(t.element ? { element: planValue(t.element) } : {}),
        abiType: t,
      };
    default:
      return { ...base, kind: t.kind };
  }
}

export interface ParamPlan {
  witName: string;
  jsName: string;
  type: ValuePlan;
}

/** A spilled tuple of values in memory (CanonicalABI.md `lift_flat_values` / `lower_flat_values`). */
export interface SpillPlan {
  size: number;
  align: number;
  /** Byte offset of each value in the tuple. */
  offsets: number[];
}

/**
 * One step of a call. "lift" direction = `canon lift` (the host calls a core
 * export); "lower" direction = `canon lower` (core code calls a host import).
 */
export type PlanStep =
  /** lift: trap if the instance is poisoned or already entered (`Store.lift`). */
  | { op: "enter-instance" }
  /** lower: trap if the instance may not leave (`canon_lower`). */
  | { op: "check-may-leave" }
  /** lift: lower each JS argument to flat core arguments (`lower_flat`). */
  | { op: "lower-params-flat" }
  /** lift: too many flat params: realloc a tuple, store each argument, pass its pointer. */
  | { op: "lower-params-spilled"; spill: SpillPlan }
  /** lower: lift each parameter from flat core arguments (`lift_flat`). */
  | { op: "lift-params-flat" }
  /** lower: core argument 0 points at the params tuple: check it and load each parameter. */
  | { op: "lift-params-spilled"; spill: SpillPlan }
  | { op: "call-core" }
  | { op: "call-host" }
  /** lift: lift the result from the flat core result. */
  | { op: "lift-result-flat" }
  /** lift: the core result is a pointer to the result tuple: check and load. */
  | { op: "lift-result-spilled"; spill: SpillPlan }
  /** lower: lower the host result to flat core results. */
  | { op: "lower-result-flat" }
  /** lower: store the host result at the out-pointer core argument `outParam`. */
  | { op: "lower-result-spilled"; spill: SpillPlan; outParam: number }
  /** lift: `Task.return_`: trap if borrow handles lent to the callee were not dropped. */
  | { op: "check-borrows-dropped" }
  /** lower: `Subtask.deliver_resolve`: handles lent for the call may be dropped again. */
  | { op: "release-lenders" }
  /** lift: call post-return with the core results, `may_leave` cleared. */
  | { op: "post-return" };

export interface FunctionPlan {
  planVersion: typeof PLAN_VERSION;
  /** The component-level function name (for messages). */
  name: string;
  direction: "lift" | "lower";
  async: false;
  stringEncoding: StringEncoding;
  params: ParamPlan[];
  result?: ValuePlan;
  /** CanonicalABI.md `flatten_functype` of the core function. */
  core: { params: CoreType[]; results: CoreType[] };
  /** Canonical options the signature requires (CanonicalABI.md "canonopt Validation"). */
  needsMemory: boolean;
  needsRealloc: boolean;
  hasPostReturn: boolean;
  steps: PlanStep[];
}

export interface SignatureInput {
  name: string;
  params: { name: string; type: AbiType }[];
  result?: AbiType;
}

export interface PlanOptions {
  stringEncoding?: StringEncoding;
  postReturn?: boolean;
}

function spillOf(ts: AbiType[]): SpillPlan {
  const tuple: AbiType = { kind: "tuple", types: ts };
  const l = layoutOf(tuple);
  return {
    size: l.size,
    align: l.align,
    offsets: fieldOffsets(ts.map((type) => ({ type }))),
  };
}

/** Builds the plan of a sync function for the given direction. */
export function planFunction(
  sig: SignatureInput,
  direction: "lift" | "lower",
  opts: PlanOptions = {},
): FunctionPlan {
  const paramTypes = sig.params.map((p) => p.type);
  const core = flattenFuncType(
    paramTypes,
    sig.result,
    { async: false },
    direction,
  );
  const paramsSpilled = flattenTypes(paramTypes).length > MAX_FLAT_PARAMS;
  const resultFlat = sig.result ? layoutOf(sig.result).flat.length : 0;
  const resultSpilled = resultFlat > MAX_FLAT_RESULTS;
  const hasPostReturn = direction === "lift" && !!opts.postReturn;

  const steps: PlanStep[] = [];
  const paramSpill = paramsSpilled ? spillOf(paramTypes) : undefined;
  const resultSpill =
    resultSpilled && sig.result ? spillOf([sig.result]) : undefined;
  if (direction === "lift") {
    steps.push({ op: "enter-instance" });
    steps.push(
      paramSpill
        ? { op: "lower-params-spilled", spill: paramSpill }
        : { op: "lower-params-flat" },
    );
    steps.push({ op: "call-core" });
    if (sig.result) {
      steps.push(
        resultSpill
          ? { op: "lift-result-spilled", spill: resultSpill }
          : { op: "lift-result-flat" },
      );
    }
    steps.push({ op: "check-borrows-dropped" });
    if (hasPostReturn) steps.push({ op: "post-return" });
  } else {
    steps.push({ op: "check-may-leave" });
    steps.push(
      paramSpill
        ? { op: "lift-params-spilled", spill: paramSpill }
        : { op: "lift-params-flat" },
    );
    steps.push({ op: "call-host" });
    if (sig.result) {
      steps.push(
        resultSpill
          ? {
              op: "lower-result-spilled",
              spill: resultSpill,
              outParam: core.params.length - 1,
            }
          : { op: "lower-result-flat" },
      );
    }
    steps.push({ op: "release-lenders" });
  }

  const all = sig.result ? [...paramTypes, sig.result] : paramTypes;
  const needsMemory = paramsSpilled || resultSpilled || all.some(usesMemory);
  // Lowering a list/string, or spilled params in "lift", allocates in the callee's memory.
  const lowered =
    direction === "lift" ? paramTypes : sig.result ? [sig.result] : [];
  const needsRealloc =
    (direction === "lift" && paramsSpilled) || lowered.some(usesMemory);

  return {
    planVersion: PLAN_VERSION,
    name: sig.name,
    direction,
    async: false,
    stringEncoding: opts.stringEncoding ?? "utf8",
    params: ((names) =>
      sig.params.map((p, i) => ({
        witName: p.name,
        jsName: names[i],
        type: planValue(p.type),
      })))(camelCaseScope(sig.params.map((p) => p.name))),
    ...(sig.result ? { result: planValue(sig.result) } : {}),
    core,
    needsMemory,
    needsRealloc,
    hasPostReturn,
    steps,
  };
}

/** Whether values of `t` live (partly) in linear memory: strings and variable-length lists. */
export function usesMemory(t: AbiType): boolean {
  switch (t.kind) {
    case "string":
      return true;
    case "list":
      return t.length === undefined || usesMemory(t.element);
    case "map":
      return true;
    case "record":
      return t.fields.some((f) => usesMemory(f.type));
    case "tuple":
      return t.types.some(usesMemory);
    case "variant":
      return t.cases.some((c) => !!c.type && usesMemory(c.type));
    case "option":
      return usesMemory(t.some);
    case "result":
      return (!!t.ok && usesMemory(t.ok)) || (!!t.err && usesMemory(t.err));
    default:
      return false;
  }
}
