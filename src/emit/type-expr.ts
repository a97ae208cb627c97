// WIT types -> TypeScript type expressions (docs/mapping.md "Types").
import type { IrDocument, IrType, PrimitiveKind, TypeId } from "@witgen/runtime/ir";
import type { ModuleScope } from "./module-scope.js";

/**
 * Where a type appears. `param` is a function parameter (or its `option` payload): there a
 * caller may pass any `StreamSource`/`FutureSource`. Everywhere else (`data`) streams and futures
 * are their reader ends.
 */
export type Position = "param" | "data";

/** What rendering needs from the emitter: the local name of a named WIT type in `scope`. */
export interface TypeNames {
  doc: IrDocument;
  refType(id: TypeId, scope: ModuleScope): string;
}

const NUMBER_KINDS = new Set<PrimitiveKind>(["u8", "u16", "u32", "s8", "s16", "s32", "f32", "f64"]);

/** Numeric element types that lists and stream batches hold in typed arrays. */
const TYPED_ARRAYS: Partial<Record<PrimitiveKind, string>> = {
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

/** Fixed-length lists of non-numeric elements longer than this are plain arrays, not tuples. */
const MAX_TUPLE_LENGTH = 32;

/**
 * The typed array holding elements of `type`, following `type a = u8` aliases as the runtime
 * does (its AbiTypes resolve aliases, runtime/src/abi/plan.ts `TYPED_ARRAY_OF`).
 */
function typedArray(doc: IrDocument, type: IrType): string | undefined {
  if (type.kind === "named") {
    const def = doc.types[type.id].def;
    return def.kind === "alias" ? typedArray(doc, def.target) : undefined;
  }
  return TYPED_ARRAYS[type.kind as PrimitiveKind];
}

function primitive(kind: PrimitiveKind, scope: ModuleScope): string {
  if (kind === "bool") return "boolean";
  if (NUMBER_KINDS.has(kind)) return "number";
  if (kind === "u64" || kind === "s64") return "bigint";
  if (kind === "char" || kind === "string") return "string";
  return scope.runtime("ErrorContext");
}

/** Whether values of `type` include `undefined` (an option, possibly behind aliases). */
export function admitsUndefined(doc: IrDocument, type: IrType): boolean {
  if (type.kind === "option") return true;
  if (type.kind !== "named") return false;
  const def = doc.types[type.id].def;
  return def.kind === "alias" && admitsUndefined(doc, def.target);
}

/** The TypeScript type expression for `type` as seen from module `scope`. */
export function renderType(type: IrType, names: TypeNames, scope: ModuleScope, position: Position = "data"): string {
  const render = (t: IrType): string => renderType(t, names, scope);
  switch (type.kind) {
    case "named":
      return names.refType(type.id, scope);
    case "own":
    case "borrow":
      return names.refType(type.resource, scope);
    case "list": {
      const array = typedArray(names.doc, type.element);
      if (array) return array;
      const element = type.element.kind === "option" ? `(${render(type.element)})` : render(type.element);
      if (type.length !== undefined && type.length <= MAX_TUPLE_LENGTH) {
        return `[${Array.from({ length: type.length }, () => render(type.element)).join(", ")}]`;
      }
      return `${element}[]`;
    }
    case "option": {
      // An option of an option needs a tag to tell `none` from `some(none)`.
      if (admitsUndefined(names.doc, type.some)) return `${scope.runtime("Option")}<${render(type.some)}>`;
      return `${renderType(type.some, names, scope, position)} | undefined`;
    }
    case "result":
      return `${scope.runtime("Result")}<${type.ok ? render(type.ok) : "void"}, ${type.err ? render(type.err) : "void"}>`;
    case "tuple":
      return `[${type.types.map(render).join(", ")}]`;
    case "map":
      return `Map<${render(type.key)}, ${render(type.value)}>`;
    case "stream": {
      const name = scope.runtime(position === "param" ? "StreamSource" : "StreamReader");
      if (!type.element) return `${name}<void>`;
      const batch = typedArray(names.doc, type.element);
      return batch ? `${name}<${render(type.element)}, ${batch}>` : `${name}<${render(type.element)}>`;
    }
    case "future": {
      const name = scope.runtime(position === "param" ? "FutureSource" : "FutureReader");
      return `${name}<${type.element ? render(type.element) : "void"}>`;
    }
    default:
      return primitive(type.kind, scope);
  }
}
