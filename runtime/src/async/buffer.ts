/**
 * CanonicalABI.md "Buffer State": the source or destination of one
 * stream/future copy, either guest linear memory or a host JS array.
 */
import { trap } from "./deps.js";
import type {
  ElementBatch,
  ElementCodec,
  ElementCopyContext,
  TypedBatch,
} from "./element-codec.js";

/** CanonicalABI.md "Buffer State" `Buffer.MAX_LENGTH`. */
export const MAX_BUFFER_LENGTH = 2 ** 28 - 1;

export interface Buffer {
  readonly codec: ElementCodec;
  /** Elements copied so far. */
  readonly progress: number;
  remain(): number;
  isZeroLength(): boolean;
}

export interface ReadableBuffer extends Buffer {
  /** Take the next `n <= remain()` elements. */
  read(n: number): ElementBatch;
}

export interface WritableBuffer extends Buffer {
  /** Append `batch.length <= remain()` elements. */
  write(batch: ElementBatch): void;
}

/** CanonicalABI.md "Buffer State" `BufferGuestImpl`: a range of linear memory, checked up front. */
export abstract class GuestBuffer implements Buffer {
  progress = 0;
  // Set by `reset`, which the constructor runs.
  codec!: ElementCodec;
  length = 0;
  protected cx!: ElementCopyContext;
  protected ptr = 0;

  constructor(codec: ElementCodec, cx: ElementCopyContext, ptr: number, length: number, what: string) {
    this.reset(codec, cx, ptr, length, what);
  }

  /**
   * Point at a new range, checked as a new buffer would be: a stream end's buffer serves each
   * of its copies in turn (the shared state has let go of it once the end is idle again).
   */
  reset(codec: ElementCodec, cx: ElementCopyContext, ptr: number, length: number, what: string): this {
    if (length > MAX_BUFFER_LENGTH)
      trap(
        `${what}: length ${length} exceeds the maximum buffer length ${MAX_BUFFER_LENGTH}`,
        'CanonicalABI.md "Buffer State"',
      );
    if (codec.size > 0 && length > 0) {
      if (ptr % codec.alignment !== 0)
        trap(
          `${what}: pointer ${ptr} is not ${codec.alignment}-byte aligned for ${codec.typeKey}`,
          'CanonicalABI.md "Buffer State"',
        );
      const end = ptr + length * codec.size;
      const size = cx.memory.buffer.byteLength;
      if (end > size)
        trap(
          `${what}: buffer [${ptr}, ${end}) is out of bounds of linear memory (${size} bytes)`,
          'CanonicalABI.md "Buffer State"',
        );
    }
    this.codec = codec;
    this.cx = cx;
    this.ptr = ptr;
    this.length = length;
    this.progress = 0;
    return this;
  }

  remain(): number {
    return this.length - this.progress;
  }

  isZeroLength(): boolean {
    return this.length === 0;
  }
}

/** CanonicalABI.md `ReadableBufferGuestImpl`: the source of a guest `stream.write` / `future.write`. */
export class GuestReadableBuffer extends GuestBuffer implements ReadableBuffer {
  read(n: number): ElementBatch {
    const batch = this.codec.load(this.cx, this.ptr, n);
    this.ptr += n * this.codec.size;
    this.progress += n;
    return batch;
  }
}

/** CanonicalABI.md `WritableBufferGuestImpl`: the destination of a guest `stream.read` / `future.read`. */
export class GuestWritableBuffer extends GuestBuffer implements WritableBuffer {
  write(batch: ElementBatch): void {
    this.codec.store(this.cx, this.ptr, batch);
    this.ptr += batch.length * this.codec.size;
    this.progress += batch.length;
  }
}

/** Host values to be written into a stream/future; a `Uint8Array` for byte streams is read in slices, never per byte. */
export class HostReadableBuffer implements ReadableBuffer {
  progress = 0;
  constructor(
    readonly codec: ElementCodec,
    private readonly values: ElementBatch,
  ) {}
  remain(): number {
    return this.values.length - this.progress;
  }
  isZeroLength(): boolean {
    return this.values.length === 0;
  }
  read(n: number): ElementBatch {
    const start = this.progress;
    this.progress += n;
    const v = this.values;
    // All of it at once (a whole chunk taken by one read): the values themselves, no view.
    if (start === 0 && n === v.length) return v;
    if (ArrayBuffer.isView(v))
      return (v as unknown as Uint8Array).subarray(start, start + n);
    return Array.prototype.slice.call(v, start, start + n);
  }
}

/**
 * Room for up to `capacity` values read by the host; number elements fill one typed array.
 * Without a caller's target that array is allocated at the first write, sized for what
 * arrived (and grown if more arrives before the read is delivered): a 64 KiB read answered
 * by a 1000-byte write allocates about 1000 bytes, not 64 KiB.
 */
export class HostWritableBuffer implements WritableBuffer {
  progress = 0;
  private typed: TypedBatch | undefined;
  private readonly items: unknown[] | undefined;
  constructor(
    readonly codec: ElementCodec,
    readonly capacity: number,
    /** Receive numbers in place (e.g. a caller's `Uint8Array`) instead of a fresh allocation. */
    target?: TypedBatch,
  ) {
    if (target && target.length < capacity)
      throw new RangeError(
        `host read: target holds ${target.length} elements, capacity is ${capacity}`,
      );
    if (codec.allocate) this.typed = target;
    else this.items = [];
  }
  remain(): number {
    return this.capacity - this.progress;
  }
  isZeroLength(): boolean {
    return this.capacity === 0;
  }
  write(batch: ElementBatch): void {
    if (this.items === undefined) {
      const end = this.progress + batch.length;
      // Copy now: a typed batch may be a view into guest memory that changes after this call.
      if (this.typed === undefined || this.typed.length < end) {
        if (this.grow(end, batch)) (this.typed as Uint8Array).set(batch as Uint8Array, this.progress);
      } else (this.typed as Uint8Array).set(batch as Uint8Array, this.progress);
    } else for (let k = 0; k < batch.length; k++) this.items.push(batch[k]);
    this.progress += batch.length;
  }
  /** At least `end` elements of room (at most `capacity`), keeping what arrived; false if `batch` is in already. */
  private grow(end: number, batch: ElementBatch): boolean {
    const old = this.typed;
    if (old === undefined && this.codec.copy && ArrayBuffer.isView(batch) && batch.length === end) {
      // The first batch: a copy of it is the array (allocated without zeroing it first).
      this.typed = this.codec.copy(batch as unknown as TypedBatch);
      return false;
    }
    const size = Math.min(this.capacity, Math.max(end, old ? old.length * 2 : 0));
    const next = this.codec.allocate!(size);
    if (old && this.progress > 0)
      (next as Uint8Array).set((old as Uint8Array).subarray(0, this.progress));
    this.typed = next;
    return true;
  }
  /** What was received: a typed array for number elements (a view of the target, if given), else an array. */
  take(): TypedBatch | unknown[] {
    if (this.items !== undefined) return this.items;
    const typed = this.typed ?? this.codec.allocate!(0);
    return typed.length === this.progress ? typed : typed.subarray(0, this.progress);
  }
}

/** Room for the one value of a host future read: kept as it is, with no array around it. */
export class HostValueBuffer implements WritableBuffer {
  progress = 0;
  value: unknown;
  constructor(readonly codec: ElementCodec) {}
  remain(): number {
    return 1 - this.progress;
  }
  isZeroLength(): boolean {
    return false;
  }
  write(batch: ElementBatch): void {
    // A number batch is a view of guest memory: reading the element copies it out.
    if (batch.length > 0) this.value = batch[0];
    this.progress += batch.length;
  }
}
