/**
 * `StreamWriter` over a host write end (`../async/host-ends.ts`); the reader may be a guest
 * (the reader end was passed into a component) or a host `StreamReader`.
 *
 * Semantics:
 * - `write(items)` offers the batch once: it resolves when the reader took some (a rendezvous
 *   copy may take fewer than offered: partial writes are normal) with the count taken; 0 once
 *   the reader is gone. Batches pass through as they are: a typed array for number elements
 *   (which must be the stream's own kind, e.g. `Uint8Array` for u8) or an array.
 * - `writeAll(items)` repeats `write` until all was taken; rejects with `StreamClosedError`
 *   (carrying the count taken) if the reader is dropped first.
 * - One write at a time (`AsyncUsageError` otherwise); writing after `close()` is an
 *   `AsyncUsageError`. `close()` while a write is pending cancels it (it resolves with the
 *   count taken so far) and drops the end once it settled; the reader then sees the end.
 */
import type { ElementCodec } from "../async/element-codec.js";
import { CopyResult } from "../async/event-code.js";
import { HostStreamWriter, type HostWriteOutcome } from "../async/host-ends.js";
import type { SharedStream } from "../async/stream.js";
import { checkNumbers, codecOfElementType, isNumeric, LateCodec, scalarKindOf, scalarKindOfCodec } from "./element-type.js";
import { AsyncUsageError, StreamClosedError } from "./errors.js";
import type { StreamChunk, StreamWriter } from "./streams.js";
import { writableStreamOf } from "./web-interop.js";

type WriterState = "open" | "readerGone" | "closed" | "consumed";

export class HostStreamWriterApi<T, Batch extends ArrayLike<T> = T[]> implements StreamWriter<T, Batch> {
  private readonly end: HostStreamWriter;
  private state: WriterState = "open";
  /** A write is in flight (set before the end is asked, as a write may settle before it returns). */
  private writing = false;

  constructor(readonly sharedStream: SharedStream) {
    this.end = new HostStreamWriter(sharedStream);
  }

  get codec(): ElementCodec {
    return this.sharedStream.codec;
  }

  private check(operation: string, allowConsumed: boolean): void {
    if (this.state === "closed") throw new AsyncUsageError(operation, "the writer was closed");
    if (this.state === "consumed" && !allowConsumed)
      throw new AsyncUsageError(operation, "the writer is owned by the WritableStream made by toWritableStream()");
    if (this.writing)
      throw new AsyncUsageError(operation, "another write is pending on this writer (writes must not overlap)");
  }

  /** Bind a late element type from the batch, or wait for it; then check the batch's kind. */
  private async prepare(operation: string, items: ArrayLike<unknown>): Promise<void> {
    const codec = this.codec;
    const kind = scalarKindOf(items);
    if (codec instanceof LateCodec && !codec.current) {
      if (kind) codec.bind(codecForKind(kind), `a write of a ${items.constructor.name}`, operation);
      else {
        await codec.forWriter();
      }
    }
    this.checkKind(operation, items, codec instanceof LateCodec ? codec.current! : codec);
  }

  /** The typed-array class last found to be the stream's own kind (checked once, not per chunk). */
  private okClass: unknown;

  /** A typed array must be the stream's own kind (e.g. a `Uint8Array` for u8). */
  private checkKind(operation: string, items: ArrayLike<unknown>, c: ElementCodec): void {
    if (items.constructor === this.okClass || !isNumeric(c)) return;
    if (!ArrayBuffer.isView(items)) return checkNumbers(operation, items, c);
    const kind = scalarKindOf(items);
    // The runtime's number codecs are keyed by their kind: no probe array on every write.
    if (kind !== c.typeKey && kind !== scalarKindOfCodec(c))
      throw new AsyncUsageError(
        operation,
        `the stream carries ${c.typeKey} elements; write a ${c.allocate!(0).constructor.name} or an array, not a ${items.constructor.name}`,
      );
    this.okClass = items.constructor;
  }

  write(items: Batch | readonly T[]): Promise<number> {
    return this.writeOnce("StreamWriter.write", items, false, this.settledCount);
  }

  /**
   * One write, mapped by `then` (called on this writer) as it settles (`settledCount`, or
   * `writeAllOf`'s). Not an async function: a write whose element type is known goes to the end
   * at once, and its promise settles with the mapped value (the path of every chunk).
   */
  private writeOnce<R>(
    operation: string,
    items: ArrayLike<unknown>,
    internal: boolean,
    then: (this: this, out: HostWriteOutcome) => R,
  ): Promise<R> {
    try {
      this.check(operation, internal);
      if (items === null || typeof items !== "object" || typeof items.length !== "number")
        throw new AsyncUsageError(operation, "items must be an array or a typed array");
      if (this.sharedStream.peerTrap) throw this.sharedStream.peerTrap;
      if (this.state === "readerGone") return Promise.resolve(then.call(this, { result: CopyResult.DROPPED, count: 0 }));
      const codec = this.codec;
      if (codec instanceof LateCodec && !codec.current) return this.writeOnceLate(operation, items, then);
      this.checkKind(operation, items, codec instanceof LateCodec ? codec.current! : codec);
    } catch (e) {
      return Promise.reject(e);
    }
    this.writing = true;
    try {
      return this.end.write(items, then, this);
    } catch (e) {
      this.writing = false;
      return Promise.reject(e);
    }
  }

  /** How many elements a write's reader took; settles the writer's state. */
  private settledCount(out: HostWriteOutcome): number {
    this.writing = false;
    return this.settle(out.result, out.count);
  }

  /** A write that must first bind or wait for a late element type (see element-type.ts). */
  private async writeOnceLate<R>(
    operation: string,
    items: ArrayLike<unknown>,
    then: (this: this, out: HostWriteOutcome) => R,
  ): Promise<R> {
    // Claimed before the first await, so an overlapping write is refused.
    this.writing = true;
    try {
      await this.prepare(operation, items);
      if ((this.state as WriterState) === "closed") {
        // Closed while this write waited: it is cancelled before anything was taken.
        this.writing = false;
        return then.call(this, { result: CopyResult.CANCELLED, count: 0 });
      }
      return await this.end.write(items, then, this);
    } catch (e) {
      this.writing = false;
      throw e;
    }
  }

  /** The writer's state after a write ended with `result`; returns the count taken. */
  private settle(result: CopyResult, count: number): number {
    // The guest at the other end trapped: fail with its trap rather than report a closed reader.
    const t = this.sharedStream.peerTrap;
    if (t && count === 0) throw t;
    if (result === CopyResult.DROPPED) {
      if (this.state !== "closed") this.state = "readerGone";
      this.end.drop();
    } else if (this.state === "closed") this.end.drop();
    return count;
  }

  writeAll(items: Batch | readonly T[]): Promise<void> {
    return this.writeAllOf("StreamWriter.writeAll", items, false);
  }

  /** `writeOnce` until all was taken; the common case (the reader took everything) settles with the write. */
  private writeAllOf(operation: string, items: ArrayLike<unknown>, internal: boolean): Promise<void> {
    // A promise returned from `then` is adopted: the rest is written before this settles.
    return this.writeOnce(operation, items, internal, (out) => {
      const n = this.settledCount(out);
      return n === items.length ? undefined : this.writeRest(operation, items, internal, n);
    }) as Promise<void>;
  }

  private async writeRest(operation: string, items: ArrayLike<unknown>, internal: boolean, done: number): Promise<void> {
    let rest = items;
    let n = done;
    for (;;) {
      if (this.state === "readerGone") throw new StreamClosedError(operation, done, items.length);
      if (this.state === "closed")
        throw new AsyncUsageError(operation, `the writer was closed after ${done} of ${items.length} element(s)`);
      if (n > 0)
        rest = ArrayBuffer.isView(rest)
          ? (rest as unknown as Uint8Array).subarray(n)
          : Array.prototype.slice.call(rest, n);
      // A zero-length batch still waits for the reader (a readiness probe), like the guest's stream.write.
      n = await this.writeOnce(operation, rest, internal, this.settledCount);
      done += n;
      if (done === items.length) return;
    }
  }

  close(): void {
    if (this.state === "closed") return;
    const wasGone = this.state === "readerGone";
    this.state = "closed";
    if (this.writing) this.end.cancel();
    else if (!wasGone) this.end.drop();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  toWritableStream(): WritableStream<StreamChunk<T, Batch>> {
    this.check("StreamWriter.toWritableStream", false);
    this.state = "consumed";
    return writableStreamOf<T, Batch>({
      codec: this.codec,
      writeAll: (b) => this.writeAllOf("WritableStream write", b, true),
      close: () => this.close(),
    });
  }

  /** For the source pumps: write a batch as if through a `WritableStream`. */
  writeAllInternal(items: ArrayLike<unknown>): Promise<void> {
    return this.writeAllOf("stream source pump", items, true);
  }

  /** Whether the reader went away (further writes take nothing). */
  get readerGone(): boolean {
    return this.state === "readerGone";
  }
}

function codecForKind(kind: NonNullable<ReturnType<typeof scalarKindOf>>): ElementCodec {
  return codecOfElementType(kind, "stream");
}
