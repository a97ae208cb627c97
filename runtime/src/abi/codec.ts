/**
 * Compiles {@link ValuePlan}s into closures: load / store (CanonicalABI.md
 * "Loading", "Storing") and lift_flat / lower_flat ("Flat Lifting",
 * "Flat Lowering"). Each plan node is compiled once per compiler (one
 * compiler per instance, since resource bindings are baked in).
 *
 * Core values as JS sees them: i32 -> number (signed), i64 -> bigint, f32/f64 -> number.
 */
import type { TypeId } from "../ir/types.js";
import { ResourceHandle, type BorrowScopeLike } from "../resources/handle.js";
import { GuestResource, type ResourceBinding } from "../resources/binding.js";
import { AbiValueError, Trap } from "../trap.js";
import type { LiftLowerContext } from "./context.js";
import { MAX_LIST_BYTE_LENGTH, type CoreType } from "./layout.js";
import type { CasePlan, TypedArrayName, ValuePlan } from "./plan.js";
import {
  describe,
  loadStringFromRange,
  storeStringIntoRange,
} from "./strings.js";

export type Flat = number | bigint;

/** A cursor over flat core values (CanonicalABI.md `CoreValueIter`). */
export class FlatReader {
  constructor(
    public vals: readonly Flat[],
    public i = 0,
  ) {}
  next(): Flat {
    return this.vals[this.i++];
  }
}

export type Loader = (cx: LiftLowerContext, ptr: number) => unknown;
export type Storer = (cx: LiftLowerContext, v: unknown, ptr: number) => void;
export type FlatLifter = (cx: LiftLowerContext, r: FlatReader) => unknown;
export type FlatLowerer = (
  cx: LiftLowerContext,
  v: unknown,
  out: Flat[],
) => void;

export interface Codec {
  load: Loader;
  store: Storer;
  liftFlat: FlatLifter;
  lowerFlat: FlatLowerer;
}

export type ResourceResolver = (
  resource: TypeId,
  name: string,
) => ResourceBinding;

const noResources: ResourceResolver = (_id, name) => {
  throw new Error(`no resource binding for resource ${name}`);
};

const CANONICAL_F32_NAN = 0x7fc00000;
const CANONICAL_F64_NAN = 0x7ff8000000000000n;

const scratch = new DataView(new ArrayBuffer(8));
export function f32ToBits(f: number): number {
  if (f !== f) return CANONICAL_F32_NAN;
  scratch.setFloat32(0, f, true);
  return scratch.getUint32(0, true);
}
export function bitsToF32(i: number): number {
  scratch.setUint32(0, i >>> 0, true);
  return scratch.getFloat32(0, true);
}
export function f64ToBits(f: number): bigint {
  if (f !== f) return CANONICAL_F64_NAN;
  scratch.setFloat64(0, f, true);
  return scratch.getBigUint64(0, true);
}
export function bitsToF64(i: bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, i), true);
  return scratch.getFloat64(0, true);
}

function bad(expected: string, v: unknown): AbiValueError {
  return new AbiValueError(`expected ${expected}, got ${describe(v)}`);
}

function withPath(e: unknown, seg: string): unknown {
  if (e instanceof AbiValueError || e instanceof Trap) e.prependPath(seg);
  return e;
}

/** CanonicalABI.md `convert_i32_to_char`. */
export function i32ToChar(i: number): string {
  if (i >= 0x110000) {
    throw new Trap(
      `invalid char code point 0x${i.toString(16)} (above 0x10FFFF)`,
      {
        rule: "CanonicalABI.md convert_i32_to_char",
      },
    );
  }
  if (i >= 0xd800 && i <= 0xdfff) {
    throw new Trap(
      `invalid char code point 0x${i.toString(16)} (a surrogate)`,
      {
        rule: "CanonicalABI.md convert_i32_to_char",
      },
    );
  }
  return String.fromCodePoint(i);
}

/** CanonicalABI.md `char_to_i32`: one Unicode scalar value. */
export function charToI32(v: unknown): number {
  if (typeof v === "string" && v.length > 0 && v.length <= 2) {
    const c = v.codePointAt(0)!;
    if ((c > 0xffff ? 2 : 1) === v.length && (c < 0xd800 || c > 0xdfff))
      return c;
  }
  throw bad("a char (a string of one Unicode scalar value)", v);
}

// ---- integer validation on lowering (the host must pass in-range values) ----
type IntCheck = (v: unknown) => number;
const checkU8: IntCheck = (v) => {
  if (typeof v === "number" && (v & 0xff) === v) return v;
  throw bad("a u8 (integer 0..255)", v);
};
const checkS8: IntCheck = (v) => {
  if (typeof v === "number" && (v << 24) >> 24 === v) return v;
  throw bad("an s8 (integer -128..127)", v);
};
const checkU16: IntCheck = (v) => {
  if (typeof v === "number" && (v & 0xffff) === v) return v;
  throw bad("a u16 (integer 0..65535)", v);
};
const checkS16: IntCheck = (v) => {
  if (typeof v === "number" && (v << 16) >> 16 === v) return v;
  throw bad("an s16 (integer -32768..32767)", v);
};
const checkU32: IntCheck = (v) => {
  if (typeof v === "number" && v >>> 0 === v) return v;
  throw bad("a u32 (integer 0..4294967295)", v);
};
const checkS32: IntCheck = (v) => {
  if (typeof v === "number" && (v | 0) === v) return v;
  throw bad("an s32 (integer -2147483648..2147483647)", v);
};
function checkU64(v: unknown): bigint {
  if (typeof v === "bigint" && BigInt.asUintN(64, v) === v) return v;
  throw bad("a u64 (bigint 0n..2n**64n-1n)", v);
}
function checkS64(v: unknown): bigint {
  if (typeof v === "bigint" && BigInt.asIntN(64, v) === v) return v;
  throw bad("an s64 (bigint -(2n**63n)..2n**63n-1n)", v);
}
function checkFloat(v: unknown): number {
  if (typeof v === "number") return v;
  throw bad("a number", v);
}
function checkBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  throw bad("a boolean", v);
}

/** The host-value check of a number type (`u8` .. `f64`): returns the value or throws an AbiValueError. */
export function numberCheck(kind: string): ((v: unknown) => unknown) | undefined {
  return NUMBER_CHECKS[kind];
}
const NUMBER_CHECKS: Record<string, (v: unknown) => unknown> = {
  u8: checkU8,
  s8: checkS8,
  u16: checkU16,
  s16: checkS16,
  u32: checkU32,
  s32: checkS32,
  u64: checkU64,
  s64: checkS64,
  f32: checkFloat,
  f64: checkFloat,
};

function zeroOf(t: CoreType): Flat {
  return t === "i64" ? 0n : 0;
}

/** Lift-side coercion of a joined variant slot to the case's own type (CanonicalABI.md `lift_flat_variant`). */
function liftCoercion(
  have: CoreType,
  want: CoreType,
): ((x: Flat) => Flat) | undefined {
  if (have === want) return undefined;
  if (have === "i32" && want === "f32") return (x) => bitsToF32(x as number);
  if (have === "i64" && want === "i32")
    return (x) => Number(BigInt.asUintN(32, x as bigint));
  if (have === "i64" && want === "f32")
    return (x) => bitsToF32(Number(BigInt.asUintN(32, x as bigint)));
  if (have === "i64" && want === "f64") return (x) => bitsToF64(x as bigint);
  throw new Error(`no flat coercion ${have} -> ${want}`);
}

/** Lower-side coercion of a case's flat value into the joined slot (CanonicalABI.md `lower_flat_variant`). */
function lowerCoercion(
  have: CoreType,
  want: CoreType,
): ((x: Flat) => Flat) | undefined {
  if (have === want) return undefined;
  if (have === "f32" && want === "i32")
    return (x) => f32ToBits(x as number) | 0;
  if (have === "i32" && want === "i64")
    return (x) => BigInt((x as number) >>> 0);
  if (have === "f32" && want === "i64")
    return (x) => BigInt(f32ToBits(x as number));
  if (have === "f64" && want === "i64") return (x) => f64ToBits(x as number);
  throw new Error(`no flat coercion ${have} -> ${want}`);
}

type TypedArrayCtor = {
  new (buffer: ArrayBuffer): ArrayLike<number | bigint>;
  readonly BYTES_PER_ELEMENT: number;
};
const TYPED_ARRAYS: Record<TypedArrayName, TypedArrayCtor> = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  BigUint64Array,
  BigInt64Array,
  Float32Array,
  Float64Array,
} as unknown as Record<TypedArrayName, TypedArrayCtor>;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Generated load/store of one stream/future element (link/adapters.ts `ElementAdapter`). */
export interface ElementValueCodec {
  load(cx: LiftLowerContext, ptr: number): unknown;
  store(cx: LiftLowerContext, value: unknown, ptr: number): void;
}

export class CodecCompiler {
  /**
   * Stream/future element codecs supplied by generated glue, by `adapterTypeKey` of the
   * element type: a codec, or a factory of one given the type's plan and these codecs.
   */
  elementAdapters: Readonly<Record<string, ElementValueCodec | ((element: { plan: ValuePlan; codecs: CodecCompiler }) => ElementValueCodec)>> | undefined;
  private readonly cache = new WeakMap<ValuePlan, Codec>();
  private readonly bindings = new Map<TypeId, ResourceBinding>();

  constructor(
    private readonly resolveResource: ResourceResolver = noResources,
  ) {}

  codec(p: ValuePlan): Codec {
    let c = this.cache.get(p);
    if (!c) {
      c = this.build(p);
      this.cache.set(p, c);
    }
    return c;
  }

  private binding(resource: TypeId, name: string): ResourceBinding {
    let b = this.bindings.get(resource);
    if (!b) {
      b = this.resolveResource(resource, name);
      this.bindings.set(resource, b);
    }
    return b;
  }

  private build(p: ValuePlan): Codec {
    switch (p.kind) {
      case "bool":
        return {
          load: (cx, ptr) => cx.u8[ptr] !== 0, // CanonicalABI.md convert_int_to_bool: any non-zero is true
          store: (cx, v, ptr) => void (cx.u8[ptr] = checkBool(v) ? 1 : 0),
          liftFlat: (_cx, r) => r.next() !== 0,
          lowerFlat: (_cx, v, out) => void out.push(checkBool(v) ? 1 : 0),
        };
      case "u8":
        return {
          load: (cx, ptr) => cx.u8[ptr],
          store: (cx, v, ptr) => void (cx.u8[ptr] = checkU8(v)),
          liftFlat: (_cx, r) => (r.next() as number) & 0xff,
          lowerFlat: (_cx, v, out) => void out.push(checkU8(v)),
        };
      case "s8":
        return {
          load: (cx, ptr) => cx.dv.getInt8(ptr),
          store: (cx, v, ptr) => cx.dv.setInt8(ptr, checkS8(v)),
          liftFlat: (_cx, r) => ((r.next() as number) << 24) >> 24,
          lowerFlat: (_cx, v, out) => void out.push(checkS8(v)),
        };
      case "u16":
        return {
          load: (cx, ptr) => cx.dv.getUint16(ptr, true),
          store: (cx, v, ptr) => cx.dv.setUint16(ptr, checkU16(v), true),
          liftFlat: (_cx, r) => (r.next() as number) & 0xffff,
          lowerFlat: (_cx, v, out) => void out.push(checkU16(v)),
        };
      case "s16":
        return {
          load: (cx, ptr) => cx.dv.getInt16(ptr, true),
          store: (cx, v, ptr) => cx.dv.setInt16(ptr, checkS16(v), true),
          liftFlat: (_cx, r) => ((r.next() as number) << 16) >> 16,
          lowerFlat: (_cx, v, out) => void out.push(checkS16(v)),
        };
      case "u32":
        return {
          load: (cx, ptr) => cx.dv.getUint32(ptr, true),
          store: (cx, v, ptr) => cx.dv.setUint32(ptr, checkU32(v), true),
          liftFlat: (_cx, r) => (r.next() as number) >>> 0,
          lowerFlat: (_cx, v, out) => void out.push(checkU32(v)),
        };
      case "s32":
        return {
          load: (cx, ptr) => cx.dv.getInt32(ptr, true),
          store: (cx, v, ptr) => cx.dv.setInt32(ptr, checkS32(v), true),
          liftFlat: (_cx, r) => (r.next() as number) | 0,
          lowerFlat: (_cx, v, out) => void out.push(checkS32(v)),
        };
      case "u64":
        return {
          load: (cx, ptr) => cx.dv.getBigUint64(ptr, true),
          store: (cx, v, ptr) => cx.dv.setBigUint64(ptr, checkU64(v), true),
          liftFlat: (_cx, r) => BigInt.asUintN(64, r.next() as bigint),
          lowerFlat: (_cx, v, out) =>
            void out.push(BigInt.asIntN(64, checkU64(v))),
        };
      case "s64":
        return {
          load: (cx, ptr) => cx.dv.getBigInt64(ptr, true),
          store: (cx, v, ptr) => cx.dv.setBigInt64(ptr, checkS64(v), true),
          liftFlat: (_cx, r) => BigInt.asIntN(64, r.next() as bigint),
          lowerFlat: (_cx, v, out) => void out.push(checkS64(v)),
        };
      // Floats: NaNs are canonicalised both ways (CanonicalABI.md canonicalize_nan32/64;
      // stores use the deterministic profile's canonical NaN).
      case "f32":
        return {
          load: (cx, ptr) => cx.dv.getFloat32(ptr, true),
          store: (cx, v, ptr) =>
            cx.dv.setUint32(ptr, f32ToBits(checkFloat(v)), true),
          liftFlat: (_cx, r) => r.next() as number,
          lowerFlat: (_cx, v, out) => void out.push(checkFloat(v)),
        };
      case "f64":
        return {
          load: (cx, ptr) => cx.dv.getFloat64(ptr, true),
          store: (cx, v, ptr) =>
            cx.dv.setBigUint64(ptr, f64ToBits(checkFloat(v)), true),
          liftFlat: (_cx, r) => r.next() as number,
          lowerFlat: (_cx, v, out) => void out.push(checkFloat(v)),
        };
      case "char":
        return {
          load: (cx, ptr) => i32ToChar(cx.dv.getUint32(ptr, true)),
          store: (cx, v, ptr) => cx.dv.setUint32(ptr, charToI32(v), true),
          liftFlat: (_cx, r) => i32ToChar((r.next() as number) >>> 0),
          lowerFlat: (_cx, v, out) => void out.push(charToI32(v)),
        };
      case "string":
        return {
          load: (cx, ptr) =>
            loadStringFromRange(
              cx,
              cx.dv.getUint32(ptr, true),
              cx.dv.getUint32(ptr + 4, true),
            ),
          store: (cx, v, ptr) => {
            const [begin, units] = storeStringIntoRange(cx, v);
            cx.dv.setUint32(ptr, begin, true);
            cx.dv.setUint32(ptr + 4, units, true);
          },
          liftFlat: (cx, r) =>
            loadStringFromRange(
              cx,
              (r.next() as number) >>> 0,
              (r.next() as number) >>> 0,
            ),
          lowerFlat: (cx, v, out) => {
            const [begin, units] = storeStringIntoRange(cx, v);
            out.push(begin, units | 0);
          },
        };
      case "error-context":
        return {
          load: (cx, ptr) =>
            cx.hooks.liftErrorContext(cx, cx.dv.getUint32(ptr, true)),
          store: (cx, v, ptr) =>
            cx.dv.setUint32(ptr, cx.hooks.lowerErrorContext(cx, v), true),
          liftFlat: (cx, r) =>
            cx.hooks.liftErrorContext(cx, (r.next() as number) >>> 0),
          lowerFlat: (cx, v, out) =>
            void out.push(cx.hooks.lowerErrorContext(cx, v)),
        };
      case "stream": {
        const t = p.abiType as Extract<typeof p.abiType, { kind: "stream" }>;
        return {
          load: (cx, ptr) =>
            cx.hooks.liftStream(cx, cx.dv.getUint32(ptr, true), t),
          store: (cx, v, ptr) =>
            cx.dv.setUint32(ptr, cx.hooks.lowerStream(cx, v, t), true),
          liftFlat: (cx, r) =>
            cx.hooks.liftStream(cx, (r.next() as number) >>> 0, t),
          lowerFlat: (cx, v, out) =>
            void out.push(cx.hooks.lowerStream(cx, v, t)),
        };
      }
      case "future": {
        const t = p.abiType as Extract<typeof p.abiType, { kind: "future" }>;
        return {
          load: (cx, ptr) =>
            cx.hooks.liftFuture(cx, cx.dv.getUint32(ptr, true), t),
          store: (cx, v, ptr) =>
            cx.dv.setUint32(ptr, cx.hooks.lowerFuture(cx, v, t), true),
          liftFlat: (cx, r) =>
            cx.hooks.liftFuture(cx, (r.next() as number) >>> 0, t),
          lowerFlat: (cx, v, out) =>
            void out.push(cx.hooks.lowerFuture(cx, v, t)),
        };
      }
      case "list":
        return this.listCodec(p);
      case "record":
        return this.recordCodec(p);
      case "variant":
        return this.variantCodec(p);
      case "flags":
        return this.flagsCodec(p);
      case "map":
        return this.mapCodec(p);
      case "own":
      case "borrow":
        return this.handleCodec(p);
    }
  }

  private listCodec(p: Extract<ValuePlan, { kind: "list" }>): Codec {
    const elem = this.codec(p.element);
    const esize = p.element.size;
    const ealign = p.element.align;
    const TA = p.typedArray ? TYPED_ARRAYS[p.typedArray] : undefined;
    const fixed = p.length;

    const loadRange = (
      cx: LiftLowerContext,
      ptr: number,
      n: number,
    ): unknown => {
      if (TA && LITTLE_ENDIAN) {
        const copy = cx.u8.slice(ptr, ptr + n * esize);
        return new TA(copy.buffer);
      }
      const a = new Array(n);
      for (let i = 0; i < n; i++) a[i] = elem.load(cx, ptr + i * esize);
      if (TA) return (TA as unknown as { from(a: unknown[]): unknown }).from(a);
      return a;
    };
    // CanonicalABI.md load_list_from_range
    const loadFromRange = (
      cx: LiftLowerContext,
      ptr: number,
      n: number,
    ): unknown => {
      const rule = "CanonicalABI.md load_list_from_range";
      if (n * esize > MAX_LIST_BYTE_LENGTH) {
        throw new Trap(
          `list of ${n} elements (${n * esize} bytes) exceeds the maximum ${MAX_LIST_BYTE_LENGTH} bytes`,
          { rule },
        );
      }
      cx.checkRange(ptr, n * esize, ealign, "list", rule);
      return loadRange(cx, ptr, n);
    };
    const checkArray = (v: unknown): ArrayLike<unknown> => {
      if (
        Array.isArray(v) ||
        (TA && v instanceof (TA as unknown as typeof Uint8Array))
      ) {
        if (fixed !== undefined && (v as ArrayLike<unknown>).length !== fixed) {
          throw new AbiValueError(
            `expected a list of exactly ${fixed} elements, got ${(v as ArrayLike<unknown>).length}`,
          );
        }
        return v as ArrayLike<unknown>;
      }
      throw bad(
        fixed !== undefined
          ? `a list of ${fixed} elements`
          : TA
            ? `a ${p.typedArray} or an array`
            : "an array",
        v,
      );
    };
    const storeRange = (
      cx: LiftLowerContext,
      a: ArrayLike<unknown>,
      ptr: number,
    ): void => {
      if (
        TA &&
        LITTLE_ENDIAN &&
        a instanceof (TA as unknown as typeof Uint8Array)
      ) {
        const t = a as unknown as Uint8Array;
        cx.u8.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), ptr);
        return;
      }
      for (let i = 0; i < a.length; i++) {
        try {
          elem.store(cx, a[i], ptr + i * esize);
        } catch (e) {
          throw withPath(e, `[${i}]`);
        }
      }
    };
    // CanonicalABI.md store_list_into_range
    const storeIntoRange = (
      cx: LiftLowerContext,
      v: unknown,
    ): [number, number] => {
      const a = checkArray(v);
      const bytes = a.length * esize;
      if (bytes > MAX_LIST_BYTE_LENGTH)
        throw new AbiValueError(
          `list of ${bytes} bytes exceeds the maximum ${MAX_LIST_BYTE_LENGTH}`,
        );
      const ptr = cx.allocate(ealign, bytes);
      cx.checkRange(
        ptr,
        bytes,
        ealign,
        "list (from realloc)",
        "CanonicalABI.md store_list_into_range",
      );
      storeRange(cx, a, ptr);
      return [ptr, a.length];
    };

    if (fixed !== undefined) {
      return {
        load: (cx, ptr) => loadRange(cx, ptr, fixed),
        store: (cx, v, ptr) => storeRange(cx, checkArray(v), ptr),
        liftFlat: (cx, r) => {
          const a = new Array(fixed);
          for (let i = 0; i < fixed; i++) a[i] = elem.liftFlat(cx, r);
          return TA
            ? (TA as unknown as { from(a: unknown[]): unknown }).from(a)
            : a;
        },
        lowerFlat: (cx, v, out) => {
          const a = checkArray(v);
          for (let i = 0; i < fixed; i++) {
            try {
              elem.lowerFlat(cx, a[i], out);
            } catch (e) {
              throw withPath(e, `[${i}]`);
            }
          }
        },
      };
    }
    return {
      load: (cx, ptr) =>
        loadFromRange(
          cx,
          cx.dv.getUint32(ptr, true),
          cx.dv.getUint32(ptr + 4, true),
        ),
      store: (cx, v, ptr) => {
        const [begin, n] = storeIntoRange(cx, v);
        cx.dv.setUint32(ptr, begin, true);
        cx.dv.setUint32(ptr + 4, n, true);
      },
      liftFlat: (cx, r) =>
        loadFromRange(
          cx,
          (r.next() as number) >>> 0,
          (r.next() as number) >>> 0,
        ),
      lowerFlat: (cx, v, out) => {
        const [begin, n] = storeIntoRange(cx, v);
        out.push(begin | 0, n);
      },
    };
  }

  private recordCodec(p: Extract<ValuePlan, { kind: "record" }>): Codec {
    const fields = p.fields.map((f) => ({
      key: f.jsName,
      seg: p.shape === "tuple" ? `[${f.jsName}]` : `.${f.jsName}`,
      offset: f.offset,
      c: this.codec(f.type),
    }));
    const n = fields.length;
    const tuple = p.shape === "tuple";
    const make = (): Record<string, unknown> | unknown[] =>
      tuple ? new Array(n) : {};
    const check = (v: unknown): Record<string, unknown> => {
      if (
        tuple
          ? Array.isArray(v) && v.length === n
          : typeof v === "object" && v !== null
      )
        return v as Record<string, unknown>;
      throw bad(
        tuple ? `a tuple (array of length ${n})` : "a record object",
        v,
      );
    };
    return {
      load: (cx, ptr) => {
        const o = make() as Record<string, unknown>;
        for (let i = 0; i < n; i++)
          o[fields[i].key] = fields[i].c.load(cx, ptr + fields[i].offset);
        return o;
      },
      store: (cx, v, ptr) => {
        const o = check(v);
        for (let i = 0; i < n; i++) {
          const f = fields[i];
          try {
            f.c.store(cx, o[f.key], ptr + f.offset);
          } catch (e) {
            throw withPath(e, f.seg);
          }
        }
      },
      liftFlat: (cx, r) => {
        const o = make() as Record<string, unknown>;
        for (let i = 0; i < n; i++)
          o[fields[i].key] = fields[i].c.liftFlat(cx, r);
        return o;
      },
      lowerFlat: (cx, v, out) => {
        const o = check(v);
        for (let i = 0; i < n; i++) {
          const f = fields[i];
          try {
            f.c.lowerFlat(cx, o[f.key], out);
          } catch (e) {
            throw withPath(e, f.seg);
          }
        }
      },
    };
  }

  private variantCodec(p: Extract<ValuePlan, { kind: "variant" }>): Codec {
    const { shape, discSize, payloadOffset, payloadFlat, cases } = p;
    const ncases = cases.length;
    const caseCodecs = cases.map((c) =>
      c.type ? this.codec(c.type) : undefined,
    );
    const tagIndex = new Map<unknown, number>(
      cases.map((c, i) => [shape === "enum" ? c.witName : c.tag, i]),
    );
    const P = payloadFlat.length;
    const liftCo = cases.map((c) => {
      const co = (c.type?.flat ?? []).map((want, j) =>
        liftCoercion(payloadFlat[j], want),
      );
      return co.some((f) => f) ? co : undefined;
    });
    const lowerCo = cases.map((c) =>
      (c.type?.flat ?? []).map((have, j) =>
        lowerCoercion(have, payloadFlat[j]),
      ),
    );
    const seg = (c: CasePlan): string =>
      shape === "option" ? "" : `<${c.tag}>.val`;

    // JS value -> [case index, payload]
    const which = (v: unknown): number => {
      if (shape === "option") return v === undefined || v === null ? 0 : 1;
      if (shape === "enum") {
        const i = tagIndex.get(v);
        if (i === undefined)
          throw bad(
            `one of ${cases.map((c) => JSON.stringify(c.witName)).join(", ")}`,
            v,
          );
        return i;
      }
      // A wrapped option's none may also be written as plain undefined.
      if (shape === "option-wrapped" && (v === undefined || v === null))
        return 0;
      const i =
        typeof v === "object" && v !== null
          ? tagIndex.get((v as { tag?: unknown }).tag)
          : undefined;
      if (i === undefined)
        throw bad(
          `{ tag: ${cases.map((c) => JSON.stringify(c.tag)).join(" | ")}, val }`,
          v,
        );
      return i;
    };
    const payloadOf = (v: unknown): unknown =>
      shape === "option" ? v : (v as { val?: unknown }).val;
    // Results always carry `val` (`void` payloads are undefined); payload-less variant cases are `{ tag }`.
    const make = (i: number, payload: unknown): unknown => {
      switch (shape) {
        case "option":
          return i === 0 ? undefined : payload;
        case "enum":
          return cases[i].witName;
        case "result":
          return { tag: cases[i].tag, val: payload };
        default:
          return caseCodecs[i]
            ? { tag: cases[i].tag, val: payload }
            : { tag: cases[i].tag };
      }
    };
    const badDisc = (i: number): Trap =>
      new Trap(
        `invalid discriminant ${i} for a ${shape} with ${ncases} cases`,
        {
          rule: "CanonicalABI.md load_variant / lift_flat_variant",
        },
      );
    const readDisc = (cx: LiftLowerContext, ptr: number): number =>
      discSize === 1
        ? cx.u8[ptr]
        : discSize === 2
          ? cx.dv.getUint16(ptr, true)
          : cx.dv.getUint32(ptr, true);
    const writeDisc = (cx: LiftLowerContext, ptr: number, i: number): void => {
      if (discSize === 1) cx.u8[ptr] = i;
      else if (discSize === 2) cx.dv.setUint16(ptr, i, true);
      else cx.dv.setUint32(ptr, i, true);
    };
    return {
      load: (cx, ptr) => {
        const i = readDisc(cx, ptr);
        if (i >= ncases) throw badDisc(i);
        const c = caseCodecs[i];
        return make(i, c ? c.load(cx, ptr + payloadOffset) : undefined);
      },
      store: (cx, v, ptr) => {
        const i = which(v);
        writeDisc(cx, ptr, i);
        const c = caseCodecs[i];
        if (c) {
          try {
            c.store(cx, payloadOf(v), ptr + payloadOffset);
          } catch (e) {
            throw withPath(e, seg(cases[i]));
          }
        }
      },
      liftFlat: (cx, r) => {
        const i = (r.next() as number) >>> 0;
        if (i >= ncases) throw badDisc(i);
        const base = r.i;
        r.i += P;
        const c = caseCodecs[i];
        if (!c) return make(i, undefined);
        const co = liftCo[i];
        let payload: unknown;
        if (!co) {
          payload = c.liftFlat(cx, new FlatReader(r.vals, base));
        } else {
          const vals: Flat[] = [];
          for (let j = 0; j < co.length; j++) {
            const x = r.vals[base + j];
            vals.push(co[j] ? co[j]!(x) : x);
          }
          payload = c.liftFlat(cx, new FlatReader(vals));
        }
        return make(i, payload);
      },
      lowerFlat: (cx, v, out) => {
        const i = which(v);
        out.push(i);
        const c = caseCodecs[i];
        let written = 0;
        if (c) {
          const tmp: Flat[] = [];
          try {
            c.lowerFlat(cx, payloadOf(v), tmp);
          } catch (e) {
            throw withPath(e, seg(cases[i]));
          }
          const co = lowerCo[i];
          for (; written < tmp.length; written++) {
            const f = co[written];
            out.push(f ? f(tmp[written]) : tmp[written]);
          }
        }
        for (; written < P; written++) out.push(zeroOf(payloadFlat[written]));
      },
    };
  }

  private flagsCodec(p: Extract<ValuePlan, { kind: "flags" }>): Codec {
    const names = p.flags.map((f) => f.jsName);
    const n = names.length;
    const unpack = (bits: number): Record<string, boolean> => {
      const o: Record<string, boolean> = {};
      for (let i = 0; i < n; i++) o[names[i]] = ((bits >>> i) & 1) === 1;
      return o;
    };
    const pack = (v: unknown): number => {
      if (typeof v !== "object" || v === null) throw bad("a flags object", v);
      let bits = 0;
      for (let i = 0; i < n; i++)
        if ((v as Record<string, unknown>)[names[i]]) bits |= 1 << i;
      return bits >>> 0;
    };
    const size = p.size;
    return {
      load: (cx, ptr) =>
        unpack(
          size === 1
            ? cx.u8[ptr]
            : size === 2
              ? cx.dv.getUint16(ptr, true)
              : cx.dv.getUint32(ptr, true),
        ),
      store: (cx, v, ptr) => {
        const bits = pack(v);
        if (size === 1) cx.u8[ptr] = bits;
        else if (size === 2) cx.dv.setUint16(ptr, bits, true);
        else cx.dv.setUint32(ptr, bits, true);
      },
      liftFlat: (_cx, r) => unpack((r.next() as number) >>> 0),
      lowerFlat: (_cx, v, out) => void out.push(pack(v) | 0),
    };
  }

  private mapCodec(p: Extract<ValuePlan, { kind: "map" }>): Codec {
    const list = this.codec({
      kind: "list",
      element: p.entry,
      size: p.size,
      align: p.align,
      flat: p.flat,
    });
    const toMap = (a: unknown): Map<unknown, unknown> =>
      new Map(a as [unknown, unknown][]);
    // Explainer.md "JS API": Maps directly, or other objects via Object.entries.
    const toEntries = (v: unknown): unknown[] => {
      if (v instanceof Map) return [...v.entries()];
      if (
        typeof v === "object" &&
        v !== null &&
        !Array.isArray(v) &&
        !ArrayBuffer.isView(v)
      )
        return Object.entries(v);
      throw bad("a Map (or a plain object)", v);
    };
    return {
      load: (cx, ptr) => toMap(list.load(cx, ptr)),
      store: (cx, v, ptr) => list.store(cx, toEntries(v), ptr),
      liftFlat: (cx, r) => toMap(list.liftFlat(cx, r)),
      lowerFlat: (cx, v, out) => list.lowerFlat(cx, toEntries(v), out),
    };
  }

  private handleCodec(
    p: Extract<ValuePlan, { kind: "own" | "borrow" }>,
  ): Codec {
    const b = this.binding(p.resource, p.resourceName);
    const rt = b.type;
    const name = p.resourceName;
    let lift: (cx: LiftLowerContext, i: number) => unknown;
    let lower: (cx: LiftLowerContext, v: unknown) => number;
    if (p.kind === "own") {
      // CanonicalABI.md lift_own
      lift = (cx, i) => {
        const rule = "CanonicalABI.md lift_own";
        const h = cx.inst.handles.remove(i, rule);
        checkResourceHandle(h, rt, i, rule);
        if (h.numLends !== 0)
          throw new Trap(
            `own<${name}> handle ${i} is still lent to ${h.numLends} call(s)`,
            { rule },
          );
        if (!h.own)
          throw new Trap(
            `handle ${i} is a borrow<${name}>, expected an own<${name}>`,
            { rule },
          );
        return b.toJs(h.rep, true);
      };
      // CanonicalABI.md lower_own
      lower = (cx, v) => {
        const rep = b.toRep(v, true);
        const h = cx.inst.handles.add(new ResourceHandle(rt, rep, true));
        // Taken back if a later argument is refused (lowering-journal.ts): the host owns it again.
        cx.lowered?.push(() => {
          cx.inst.handles.remove(h);
          b.giveBack(v, rep);
        });
        return h;
      };
    } else {
      // CanonicalABI.md lift_borrow
      lift = (cx, i) => {
        const rule = "CanonicalABI.md lift_borrow";
        const h = cx.inst.handles.get(i, rule);
        checkResourceHandle(h, rt, i, rule);
        const scope = scopeOf(cx);
        scope.addLender(h);
        const v = b.toJs(h.rep, false);
        // A wrapper of a lent handle is only valid during the call.
        if (v instanceof GuestResource)
          scope.onRelease?.(() => GuestResource.expire(v));
        return v;
      };
      // CanonicalABI.md lower_borrow
      lower = (cx, v) => {
        const rep = b.toRep(v, false);
        if (cx.inst === rt.impl) return rep;
        const scope = scopeOf(cx);
        scope.numBorrows++;
        const h = cx.inst.handles.add(new ResourceHandle(rt, rep, false, scope));
        // Ended if a later argument is refused (lowering-journal.ts).
        cx.lowered?.push(() => {
          cx.inst.handles.remove(h);
          scope.numBorrows--;
        });
        return h;
      };
    }
    return {
      load: (cx, ptr) => lift(cx, cx.dv.getUint32(ptr, true)),
      store: (cx, v, ptr) => cx.dv.setUint32(ptr, lower(cx, v), true),
      liftFlat: (cx, r) => lift(cx, (r.next() as number) >>> 0),
      lowerFlat: (cx, v, out) => void out.push(lower(cx, v)),
    };
  }
}

function scopeOf(cx: LiftLowerContext): BorrowScopeLike {
  const s = cx.borrowScope;
  if (!s)
    throw new Error(
      "internal: borrow handle lifted/lowered outside a call's borrow scope",
    );
  return s;
}

function checkResourceHandle(
  h: object,
  rt: ResourceBinding["type"],
  i: number,
  rule: string,
): asserts h is ResourceHandle {
  if (!(h instanceof ResourceHandle))
    throw new Trap(`handle ${i} is not a resource handle`, { rule });
  if (h.rt !== rt)
    throw new Trap(`handle ${i} is a ${h.rt.name}, expected a ${rt.name}`, {
      rule,
    });
}
