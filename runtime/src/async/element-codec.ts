/**
 * How stream/future elements move between linear memory and the copy
 * machinery. The ABI core implements `ElementCodec` for every element type
 * (records, strings, resources, nested streams/futures); this module defines
 * the narrow interface plus the codecs the async half needs itself: bytes
 * (bulk copies), scalar numbers (a generic fallback) and the unit element of
 * a bare `stream` / `future`.
 */
import type { InstanceLike, LinearMemory } from "./deps.js";

/** Where a guest buffer lives and whose handle table handle-typed elements move through. */
export interface ElementCopyContext {
  memory: LinearMemory;
  /** Handles (resources, nested stream/future ends) are lifted out of / lowered into this instance's table. */
  instance: InstanceLike;
  /** The ABI core's own options (string encoding, realloc); opaque to the async half. */
  options?: unknown;
  /** A view of all of `memory`, kept by the byte codec (renewed when the memory grew). */
  bytes?: Uint8Array;
}

/**
 * A run of elements in transit. For byte streams this is a `Uint8Array` that
 * may be a view into the source memory: consume it before running any guest code.
 */
export type ElementBatch = ArrayLike<unknown>;

export interface ElementCodec {
  /** Type identity: the spec's `e.shared.t != stream_t.t` checks compare these keys. */
  readonly typeKey: string;
  /** CanonicalABI.md "Element Size". 0 for the unit element. */
  readonly size: number;
  /** CanonicalABI.md "Alignment". */
  readonly alignment: number;
  /** CanonicalABI.md "Stream State" `none_or_number_type`: no handles or pointers inside. */
  readonly plain: boolean;
  /** Lift `count` elements at `ptr` (bounds and alignment already checked); lifting handles removes them from `cx.instance`. */
  load(cx: ElementCopyContext, ptr: number, count: number): ElementBatch;
  /** Lower `batch` at `ptr` (bounds already checked); lowering handles adds them to `cx.instance`. */
  store(cx: ElementCopyContext, ptr: number, batch: ElementBatch): void;
  /** Number types only: a typed array for `capacity` elements, so host reads receive one typed-array chunk. */
  allocate?(capacity: number): TypedBatch;
  /** Number types only: a fresh typed array holding a copy of `batch` (one allocation that is not zeroed first). */
  copy?(batch: TypedBatch): TypedBatch;
}

/** The typed arrays number elements travel in. */
export type TypedBatch =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** The element of a bare `stream` / `future` (spec: `t` is None): nothing is in memory. */
export const unitCodec: ElementCodec = {
  typeKey: "_",
  size: 0,
  alignment: 1,
  plain: true,
  load(_cx, _ptr, count) {
    return new Array<undefined>(count).fill(undefined);
  },
  store() {},
};

export type ScalarKind =
  "u8" | "s8" | "u16" | "s16" | "u32" | "s32" | "u64" | "s64" | "f32" | "f64";

const scalarSizes: Record<ScalarKind, number> = {
  u8: 1,
  s8: 1,
  u16: 2,
  s16: 2,
  u32: 4,
  s32: 4,
  u64: 8,
  s64: 8,
  f32: 4,
  f64: 8,
};

/**
 * A per-element codec for number types through a little-endian `DataView`
 * (CanonicalABI.md "Loading"/"Storing" of integers and floats; no NaN
 * canonicalisation beyond what JS does). The fallback for plain element types
 * without a bulk path, and the codec tests use for non-byte streams.
 */
export function scalarCodec(kind: ScalarKind): ElementCodec {
  const size = scalarSizes[kind];
  const get = (v: DataView, p: number): unknown => {
    switch (kind) {
      case "u8":
        return v.getUint8(p);
      case "s8":
        return v.getInt8(p);
      case "u16":
        return v.getUint16(p, true);
      case "s16":
        return v.getInt16(p, true);
      case "u32":
        return v.getUint32(p, true);
      case "s32":
        return v.getInt32(p, true);
      case "u64":
        return v.getBigUint64(p, true);
      case "s64":
        return v.getBigInt64(p, true);
      case "f32":
        return v.getFloat32(p, true);
      case "f64":
        return v.getFloat64(p, true);
    }
  };
  const set = (v: DataView, p: number, x: unknown): void => {
    switch (kind) {
      case "u8":
        return v.setUint8(p, x as number);
      case "s8":
        return v.setInt8(p, x as number);
      case "u16":
        return v.setUint16(p, x as number, true);
      case "s16":
        return v.setInt16(p, x as number, true);
      case "u32":
        return v.setUint32(p, x as number, true);
      case "s32":
        return v.setInt32(p, x as number, true);
      case "u64":
        return v.setBigUint64(p, BigInt(x as bigint), true);
      case "s64":
        return v.setBigInt64(p, BigInt(x as bigint), true);
      case "f32":
        return v.setFloat32(p, x as number, true);
      case "f64":
        return v.setFloat64(p, x as number, true);
    }
  };
  return {
    typeKey: kind,
    size,
    alignment: size,
    plain: true,
    load(cx, ptr, count) {
      const view = new DataView(cx.memory.buffer);
      const out = new Array<unknown>(count);
      for (let k = 0; k < count; k++) out[k] = get(view, ptr + k * size);
      return out;
    },
    store(cx, ptr, batch) {
      const view = new DataView(cx.memory.buffer);
      for (let k = 0; k < batch.length; k++)
        set(view, ptr + k * size, batch[k]);
    },
  };
}

type TypedCtor = {
  new (length: number): TypedBatch;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): TypedBatch;
};

const typedArrays: Record<ScalarKind, TypedCtor> = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array,
  s64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
} as unknown as Record<ScalarKind, TypedCtor>;

/** Wasm memory is little-endian; typed-array views match it only on little-endian hosts. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Number elements as typed-array views of linear memory: a copy is one
 * `TypedArray.set`, never per-element work. (NaN payloads are copied as they
 * are, one of the outcomes CanonicalABI.md `maybe_scramble_nan32/64` allows.)
 * Falls back to `scalarCodec` on big-endian hosts.
 */
export function numericCodec(kind: ScalarKind): ElementCodec {
  let codec = numericCodecs.get(kind);
  if (codec === undefined) numericCodecs.set(kind, (codec = makeNumericCodec(kind)));
  return codec;
}

/** One codec per number kind: they hold no state. */
const numericCodecs = new Map<ScalarKind, ElementCodec>();

function makeNumericCodec(kind: ScalarKind): ElementCodec {
  if (!LITTLE_ENDIAN) return scalarCodec(kind);
  const Ctor = typedArrays[kind];
  const size = scalarSizes[kind];
  const bigints = kind === "u64" || kind === "s64";
  return {
    typeKey: kind,
    size,
    alignment: size,
    plain: true,
    load(cx, ptr, count) {
      return new Ctor(cx.memory.buffer, ptr, count);
    },
    store(cx, ptr, batch) {
      if (kind === "u8" && batch.constructor === Uint8Array) {
        // Byte chunks: one cached view of the whole memory (renewed after memory.grow), no view per chunk.
        const memory = cx.memory.buffer;
        let bytes = cx.bytes;
        if (bytes === undefined || bytes.buffer !== memory) cx.bytes = bytes = new Uint8Array(memory);
        return bytes.set(batch as Uint8Array, ptr);
      }
      const dst = new Ctor(cx.memory.buffer, ptr, batch.length);
      if (ArrayBuffer.isView(batch))
        (dst as Uint8Array).set(batch as unknown as Uint8Array);
      else if (bigints)
        for (let k = 0; k < batch.length; k++)
          dst[k] = BigInt(batch[k] as bigint);
      else (dst as Uint8Array).set(batch as ArrayLike<number>);
    },
    allocate(capacity) {
      return new Ctor(capacity);
    },
    copy(batch) {
      // `slice` allocates and copies in one step (the fast path of both V8s we measured); only
      // on the plain typed array of the kind (a subclass's `slice`, e.g. Node's Buffer, may be a view).
      if (batch.constructor === Ctor) return (batch as Uint8Array).slice() as TypedBatch;
      return new (Ctor as unknown as new (source: TypedBatch) => TypedBatch)(batch);
    },
  };
}

/** `u8` elements: byte streams move as `Uint8Array` chunks. */
export const u8Codec: ElementCodec = numericCodec("u8");
