/**
 * The element codec behind a host-created stream or future. `stream()` / `future()` may be
 * created before anyone knows the element type; a `LateCodec` stands in until it is bound:
 * - lowering the reader end into a component binds the component's element codec;
 * - otherwise the first `write` of a typed array binds that numeric type (`Uint8Array` -> u8);
 * - otherwise, once a host reader and a host writer of plain arrays meet, the stream carries
 *   plain JS values between host ends (`hostValuesCodec`).
 */
import {
  numericCodec,
  type ElementCodec,
  type ElementCopyContext,
  type ScalarKind,
  type TypedBatch,
} from "../async/element-codec.js";
import { numberCheck } from "../abi/codec.js";
import { AbiValueError } from "../trap.js";
import { AsyncUsageError } from "./errors.js";

/** What `stream()` / `future()` accept as the element type: a number type name or any element codec. */
export type StreamElementType = ScalarKind | ElementCodec;

const SCALAR_KINDS = new Set<string>(["u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64"]);

const numericCodecs = new Map<string, ElementCodec>();

export function codecOfElementType(t: StreamElementType, operation: string): ElementCodec {
  if (typeof t === "string") {
    if (!SCALAR_KINDS.has(t))
      throw new AsyncUsageError(
        operation,
        `unknown element type "${t}" (expected u8, s8, u16, s16, u32, s32, u64, s64, f32, f64 or an ElementCodec)`,
      );
    let c = numericCodecs.get(t);
    if (!c) numericCodecs.set(t, (c = numericCodec(t as ScalarKind)));
    return c;
  }
  if (!t || typeof t !== "object" || typeof t.typeKey !== "string" || typeof t.load !== "function")
    throw new AsyncUsageError(operation, "the element type must be a number type name or an ElementCodec");
  return t;
}

const typedKinds: [abstract new (...a: never[]) => TypedBatch, ScalarKind][] = [
  [Uint8Array, "u8"],
  [Int8Array, "s8"],
  [Uint16Array, "u16"],
  [Int16Array, "s16"],
  [Uint32Array, "u32"],
  [Int32Array, "s32"],
  [BigUint64Array, "u64"],
  [BigInt64Array, "s64"],
  [Float32Array, "f32"],
  [Float64Array, "f64"],
];

/** The number type a typed array carries (`Uint8ClampedArray` and DataView carry none). */
export function scalarKindOf(v: unknown): ScalarKind | undefined {
  if (!ArrayBuffer.isView(v)) return undefined;
  for (const [C, k] of typedKinds) if (v.constructor === C) return k;
  // Subclasses (Node's Buffer is a Uint8Array) carry the same elements.
  for (const [C, k] of typedKinds) if (v instanceof C) return k;
  return undefined;
}

/** Number element types travel as typed arrays; the codec then has `allocate`. */
export function isNumeric(codec: ElementCodec): boolean {
  return codec.allocate !== undefined;
}

const codecKinds = new WeakMap<ElementCodec, ScalarKind | undefined>();

/** The number type of a numeric codec (its typed array kind), for checking caller buffers. */
export function scalarKindOfCodec(codec: ElementCodec): ScalarKind | undefined {
  if (!codec.allocate) return undefined;
  // Checked on every read and write: remembered per codec (a late one may still change).
  if (codecKinds.has(codec)) return codecKinds.get(codec);
  const kind = scalarKindOf(codec.allocate(0));
  if (!(codec instanceof LateCodec)) codecKinds.set(codec, kind);
  return kind;
}

/** Elements that only ever move between host ends: plain JS values, never in linear memory. */
export const hostValuesCodec: ElementCodec = {
  typeKey: "(host values)",
  size: 0,
  alignment: 1,
  plain: false,
  load() {
    throw new Error("a stream of host values cannot be copied from linear memory");
  },
  store() {
    throw new Error("a stream of host values cannot be copied into linear memory");
  },
};

/** An element codec bound later (see the module doc); before that it moves plain arrays. */
export class LateCodec implements ElementCodec {
  private bound: ElementCodec | undefined;
  private readonly waiters: (() => void)[] = [];
  private readerWaiting = false;
  private writerWaiting = false;
  /** How the codec got bound, for error messages. */
  boundBy: string | undefined;

  get typeKey(): string {
    return this.bound?.typeKey ?? "(unbound)";
  }
  get size(): number {
    return this.bound?.size ?? 0;
  }
  get alignment(): number {
    return this.bound?.alignment ?? 1;
  }
  get plain(): boolean {
    return this.bound?.plain ?? true;
  }
  /** Absent (undefined) while unbound or for non-number elements, like the optional `ElementCodec.allocate`. */
  get allocate(): (capacity: number) => TypedBatch {
    const b = this.bound;
    const f = b?.allocate ? (n: number) => b.allocate!(n) : undefined;
    return f as (capacity: number) => TypedBatch;
  }
  load(cx: ElementCopyContext, ptr: number, count: number): ArrayLike<unknown> {
    return this.need("load").load(cx, ptr, count);
  }
  store(cx: ElementCopyContext, ptr: number, batch: ArrayLike<unknown>): void {
    this.need("store").store(cx, ptr, batch);
  }

  get current(): ElementCodec | undefined {
    return this.bound;
  }

  private need(what: string): ElementCodec {
    if (!this.bound) throw new Error(`element codec ${what}: the stream's element type is not known yet`);
    return this.bound;
  }

  /** Fix the element type; a second binding must agree. */
  bind(codec: ElementCodec, by: string, operation: string): void {
    if (this.bound) {
      if (this.bound.typeKey !== codec.typeKey)
        throw new AsyncUsageError(
          operation,
          `the stream/future carries ${this.bound.typeKey} elements (bound by ${this.boundBy}), not ${codec.typeKey}`,
        );
      return;
    }
    this.bound = codec;
    this.boundBy = by;
    for (const w of this.waiters.splice(0)) w();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A host reader wants to read: bind host values if a host writer of plain arrays waits, else wait for a binding. */
  async forReader(): Promise<void> {
    if (this.bound) return;
    if (this.writerWaiting) return this.bind(hostValuesCodec, "a host reader meeting a host writer", "stream");
    this.readerWaiting = true;
    await this.wait();
  }

  /** A host writer of plain values (or chunks that need classifying) wants to write: the mirror of `forReader`. */
  async forWriter(): Promise<void> {
    if (this.bound) return;
    if (this.readerWaiting) return this.bind(hostValuesCodec, "a host writer meeting a host reader", "stream");
    this.writerWaiting = true;
    await this.wait();
  }
}

/**
 * A plain array written to a number stream or future: each value must be of the element type
 * (a typed array of the right kind is by construction). Without this a `Uint8Array.set` would
 * store `"x"` as 0 and 300 as 44: silent wrong values.
 */
export function checkNumbers(operation: string, items: ArrayLike<unknown>, codec: ElementCodec): void {
  const check = numberCheckOf(codec);
  if (check) for (let k = 0; k < items.length; k++) checked(operation, check, items[k], `[${k}]`);
}

/** One value written to a number future (see `checkNumbers`); a late codec not bound yet checks nothing. */
export function checkNumber(operation: string, value: unknown, codec: ElementCodec): void {
  const check = numberCheckOf(codec);
  if (check) checked(operation, check, value, "");
}

const numberCheckOf = (codec: ElementCodec): ((v: unknown) => unknown) | undefined => numberCheck(scalarKindOfCodec(codec) ?? codec.typeKey);

/** Runs `check` on one value; a refusal names the operation and, with `at`, the value's index. */
function checked(operation: string, check: (v: unknown) => unknown, value: unknown, at: string): void {
  try {
    check(value);
  } catch (e) {
    if (e instanceof AbiValueError) {
      if (at) e.prependPath(at);
      e.locate(operation, at ? "values" : "value");
    }
    throw e;
  }
}
