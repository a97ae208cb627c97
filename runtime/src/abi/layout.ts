/**
 * Memory layout and flattening of value types (32-bit memories).
 * CanonicalABI.md "Despecialization", "Alignment", "Element Size", "Flattening".
 * Every result is computed once per AbiType object and cached.
 */
import type { AbiType } from "./valtype.js";

export type CoreType = "i32" | "i64" | "f32" | "f64";

/** CanonicalABI.md "Flattening" (2026-08 values). */
export const MAX_FLAT_PARAMS = 16;
export const MAX_FLAT_ASYNC_PARAMS = 4;
export const MAX_FLAT_RESULTS = 1;
/** CanonicalABI.md "Loading": `MAX_STRING_BYTE_LENGTH`, `MAX_LIST_BYTE_LENGTH`. */
export const MAX_STRING_BYTE_LENGTH = 2 ** 28 - 1;
export const MAX_LIST_BYTE_LENGTH = 2 ** 28 - 1;
/** Pointer size of the (only supported) i32 address type. */
export const PTR_SIZE = 4;
/** CanonicalABI.md `utf16_tag` for i32 memories. */
export const UTF16_TAG = 2 ** 31;

/** Despecialized view (CanonicalABI.md "Despecialization"). */
export type DespecializedType =
  | {
      kind: Exclude<
        AbiType["kind"],
        | "tuple"
        | "enum"
        | "option"
        | "result"
        | "map"
        | "record"
        | "variant"
        | "list"
      >;
    }
  | { kind: "list"; element: AbiType; length?: number }
  | { kind: "record"; fields: { name: string; type: AbiType }[] }
  | { kind: "variant"; cases: { name: string; type?: AbiType }[] };

const despecialized = new WeakMap<AbiType, DespecializedType>();

export function despecialize(t: AbiType): DespecializedType {
  let d = despecialized.get(t);
  if (d) return d;
  switch (t.kind) {
    case "tuple":
      d = {
        kind: "record",
        fields: t.types.map((u, i) => ({ name: String(i), type: u })),
      };
      break;
    case "enum":
      d = { kind: "variant", cases: t.cases.map((name) => ({ name })) };
      break;
    case "option":
      d = {
        kind: "variant",
        cases: [{ name: "none" }, { name: "some", type: t.some }],
      };
      break;
    case "result":
      d = {
        kind: "variant",
        cases: [
          { name: "ok", type: t.ok },
          { name: "error", type: t.err },
        ],
      };
      break;
    case "map":
      d = { kind: "list", element: mapEntryType(t) };
      break;
    default:
      d = t as DespecializedType;
  }
  despecialized.set(t, d);
  return d;
}

const mapEntries = new WeakMap<AbiType, AbiType>();
/** The `tuple<K, V>` a map is a list of (CanonicalABI.md "Despecialization"). */
export function mapEntryType(t: Extract<AbiType, { kind: "map" }>): AbiType {
  let e = mapEntries.get(t);
  if (!e) mapEntries.set(t, (e = { kind: "tuple", types: [t.key, t.value] }));
  return e;
}

export interface Layout {
  align: number;
  size: number;
  flat: readonly CoreType[];
}

const layouts = new WeakMap<AbiType, Layout>();

/** Alignment, element size and flattening of `t`, cached. */
export function layoutOf(t: AbiType): Layout {
  let l = layouts.get(t);
  if (!l) {
    l = {
      align: computeAlignment(t),
      size: computeElemSize(t),
      flat: computeFlat(t),
    };
    layouts.set(t, l);
  }
  return l;
}

export const alignment = (t: AbiType): number => layoutOf(t).align;
export const elemSize = (t: AbiType): number => layoutOf(t).size;
export const flattenType = (t: AbiType): readonly CoreType[] =>
  layoutOf(t).flat;

export function alignTo(ptr: number, align: number): number {
  return Math.ceil(ptr / align) * align;
}

/** CanonicalABI.md `discriminant_type`: byte size of a variant's case index. */
export function discriminantSize(numCases: number): 1 | 2 | 4 {
  if (numCases <= 0 || numCases >= 2 ** 32)
    throw new RangeError(`variant with ${numCases} cases`);
  if (numCases <= 256) return 1;
  if (numCases <= 65536) return 2;
  return 4;
}

/** CanonicalABI.md `alignment_flags` / `elem_size_flags`. */
export function flagsSize(numFlags: number): 1 | 2 | 4 {
  if (numFlags <= 0 || numFlags > 32)
    throw new RangeError(`flags with ${numFlags} labels (must be 1..32)`);
  if (numFlags <= 8) return 1;
  if (numFlags <= 16) return 2;
  return 4;
}

/** CanonicalABI.md `max_case_alignment`. */
export function maxCaseAlignment(cases: readonly { type?: AbiType }[]): number {
  let a = 1;
  for (const c of cases) if (c.type) a = Math.max(a, alignment(c.type));
  return a;
}

/** Offset of a variant's payload from its start (discriminant, then aligned payload). */
export function variantPayloadOffset(
  cases: readonly { type?: AbiType }[],
): number {
  return alignTo(discriminantSize(cases.length), maxCaseAlignment(cases));
}

/** Field offsets of a record (CanonicalABI.md `load_record`). */
export function fieldOffsets(fields: readonly { type: AbiType }[]): number[] {
  const out: number[] = [];
  let s = 0;
  for (const f of fields) {
    s = alignTo(s, alignment(f.type));
    out.push(s);
    s += elemSize(f.type);
  }
  return out;
}

function computeAlignment(t: AbiType): number {
  const d = despecialize(t);
  switch (d.kind) {
    case "bool":
    case "u8":
    case "s8":
      return 1;
    case "u16":
    case "s16":
      return 2;
    case "u32":
    case "s32":
    case "f32":
    case "char":
    case "error-context":
    case "own":
    case "borrow":
    case "stream":
    case "future":
      return 4;
    case "u64":
    case "s64":
    case "f64":
      return 8;
    case "string":
      return PTR_SIZE;
    case "list":
      return d.length !== undefined ? alignment(d.element) : PTR_SIZE;
    case "record": {
      let a = 1;
      for (const f of d.fields) a = Math.max(a, alignment(f.type));
      return a;
    }
    case "variant":
      return Math.max(
        discriminantSize(d.cases.length),
        maxCaseAlignment(d.cases),
      );
    case "flags":
      return flagsSize((t as { flags: string[] }).flags.length);
  }
}

function computeElemSize(t: AbiType): number {
  const d = despecialize(t);
  switch (d.kind) {
    case "list":
      return d.length !== undefined
        ? d.length * elemSize(d.element)
        : 2 * PTR_SIZE;
    case "string":
      return 2 * PTR_SIZE;
    case "record": {
      let s = 0;
      for (const f of d.fields)
        s = alignTo(s, alignment(f.type)) + elemSize(f.type);
      return alignTo(s, computeAlignment(t));
    }
    case "variant": {
      let cs = 0;
      for (const c of d.cases) if (c.type) cs = Math.max(cs, elemSize(c.type));
      return alignTo(variantPayloadOffset(d.cases) + cs, computeAlignment(t));
    }
    case "flags":
      return flagsSize((t as { flags: string[] }).flags.length);
    default:
      // Every remaining type's size equals its alignment.
      return computeAlignment(t);
  }
}

function computeFlat(t: AbiType): CoreType[] {
  const d = despecialize(t);
  switch (d.kind) {
    case "u64":
    case "s64":
      return ["i64"];
    case "f32":
      return ["f32"];
    case "f64":
      return ["f64"];
    case "string":
      return ["i32", "i32"];
    case "list": {
      if (d.length === undefined) return ["i32", "i32"];
      const e = flattenType(d.element);
      const out: CoreType[] = [];
      for (let i = 0; i < d.length; i++) out.push(...e);
      return out;
    }
    case "record":
      return d.fields.flatMap((f) => flattenType(f.type));
    case "variant":
      return ["i32", ...variantPayloadFlat(d.cases)];
    default:
      return ["i32"];
  }
}

/** CanonicalABI.md `flatten_variant` without the discriminant: the joined payload slots. */
export function variantPayloadFlat(
  cases: readonly { type?: AbiType }[],
): CoreType[] {
  const flat: CoreType[] = [];
  for (const c of cases) {
    if (!c.type) continue;
    flattenType(c.type).forEach((ft, i) => {
      flat[i] = i < flat.length ? join(flat[i], ft) : ft;
    });
  }
  return flat;
}

/** CanonicalABI.md `join`. */
export function join(a: CoreType, b: CoreType): CoreType {
  if (a === b) return a;
  if ((a === "i32" && b === "f32") || (a === "f32" && b === "i32"))
    return "i32";
  return "i64";
}

export function flattenTypes(ts: readonly AbiType[]): CoreType[] {
  return ts.flatMap((t) => flattenType(t));
}

export interface CoreFuncType {
  params: CoreType[];
  results: CoreType[];
}

/**
 * CanonicalABI.md `flatten_functype` for a sync or async function type, as
 * seen by the core function of `canon lift` ("lift") or `canon lower` ("lower").
 */
export function flattenFuncType(
  params: readonly AbiType[],
  result: AbiType | undefined,
  opts: { async: boolean; callback?: boolean },
  context: "lift" | "lower",
): CoreFuncType {
  let flatParams = flattenTypes(params);
  let flatResults = result ? [...flattenType(result)] : [];
  if (!opts.async) {
    if (flatParams.length > MAX_FLAT_PARAMS) flatParams = ["i32"];
    if (flatResults.length > MAX_FLAT_RESULTS) {
      if (context === "lift") flatResults = ["i32"];
      else {
        flatParams = [...flatParams, "i32"];
        flatResults = [];
      }
    }
    return { params: flatParams, results: flatResults };
  }
  if (context === "lift") {
    if (flatParams.length > MAX_FLAT_PARAMS) flatParams = ["i32"];
    flatResults = opts.callback ? ["i32"] : [];
  } else {
    if (flatParams.length > MAX_FLAT_ASYNC_PARAMS) flatParams = ["i32"];
    if (flatResults.length > 0) flatParams = [...flatParams, "i32"];
    flatResults = ["i32"];
  }
  return { params: flatParams, results: flatResults };
}
