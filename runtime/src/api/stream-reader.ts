/**
 * `StreamReader` over a host read end (`../async/host-ends.ts`): the peer may be a guest's
 * writable end or a host `StreamWriter`; the copy machinery is the shared one.
 *
 * Semantics:
 * - `read(max)` resolves one batch: a typed array for number elements (`Uint8Array` for u8),
 *   else an array; `undefined` once the writer closed and everything was read (every later
 *   read resolves `undefined` too). A batch holds what the writer offered while the read was
 *   pending, up to `max` (default: 64 KiB worth of numbers, 1024 other elements).
 * - Iteration (`for await`) yields typed-array batches for number elements and single
 *   elements otherwise (the declared `StreamChunk`); leaving the loop early closes the reader.
 * - One read at a time: an overlapping `read`/`readInto` is an `AsyncUsageError`, as is any
 *   use after `close()` or after the reader was passed into a component or a web stream.
 * - `close()` while a read is pending cancels it (the read resolves with what it had) and
 *   drops the end once it settled.
 * - A reader fed by a source (`streamFrom`) whose pump failed rejects the read that reaches
 *   the end with that failure; if the reader is closed before seeing it, the failure is
 *   reported to the background scope instead. Passed into a component as an argument of a host
 *   call, the failure fails that call (once the guest finished), or, after it settled, goes to
 *   the background scope.
 */
import type { SourceFailureSink } from "../task/source-failures.js";
import { MAX_BUFFER_LENGTH } from "../async/buffer.js";
import type { ElementCodec, TypedBatch } from "../async/element-codec.js";
import { CopyResult } from "../async/event-code.js";
import { HostStreamReader, type HostReadOutcome } from "../async/host-ends.js";
import type { SharedStream } from "../async/stream.js";
import { type BackgroundScope, currentBackgroundScope } from "./background.js";
import { isNumeric, LateCodec, scalarKindOf, scalarKindOfCodec } from "./element-type.js";
import { AsyncUsageError, StreamClosedError } from "./errors.js";
import type { StreamChunk, StreamReader, StreamWriter } from "./streams.js";
import { readableStreamOf } from "./web-interop.js";

/** Default batch sizes: one 64 KiB chunk of numbers, or this many other elements. */
const DEFAULT_BYTES = 64 * 1024;
const DEFAULT_ELEMENTS = 1024;

export function defaultCapacity(codec: ElementCodec): number {
  if (isNumeric(codec)) return Math.max(1, Math.floor(DEFAULT_BYTES / Math.max(1, codec.size)));
  return codec.size === 0 && codec.plain ? DEFAULT_BYTES : DEFAULT_ELEMENTS;
}

type ReaderState = "open" | "ended" | "closed" | "transferred" | "consumed";

export class HostStreamReaderApi<T, Batch extends ArrayLike<T> = T[]> implements StreamReader<T, Batch> {
  private readonly end: HostStreamReader;
  private state: ReaderState = "open";
  /** A read is in flight (set before the end is asked, as a read may settle before it returns). */
  private reading = false;
  /** That read's promise, for `cancel()` to wait on. */
  private pending: Promise<unknown> | undefined;
  private stopWait: (() => void) | undefined;
  private failure: { error: unknown; observed: boolean; scope: BackgroundScope } | undefined;
  /** Once transferred: the host call that took this stream as an argument (see `transfer`). */
  private transferredTo: SourceFailureSink | undefined;

  constructor(readonly sharedStream: SharedStream) {
    this.end = new HostStreamReader(sharedStream);
  }

  get codec(): ElementCodec {
    return this.sharedStream.codec;
  }

  /** Whether the reader can still be read or transferred (not closed, moved or ended). */
  get isOpen(): boolean {
    return this.state === "open";
  }

  private check(operation: string, allowConsumed = false): void {
    switch (this.state) {
      case "closed":
        throw new AsyncUsageError(operation, "the reader was closed");
      case "transferred":
        throw new AsyncUsageError(operation, "the reader was passed into a component (its end moved there)");
      case "consumed":
        if (!allowConsumed)
          throw new AsyncUsageError(
            operation,
            "the reader is consumed by the ReadableStream made by toReadableStream()",
          );
    }
    if (this.reading)
      throw new AsyncUsageError(operation, "another read is pending on this reader (reads must not overlap)");
  }

  /** The end of the stream: `undefined`, or the failure of the source that fed it. */
  private atEnd(): undefined {
    // The guest at the other end trapped: that is not the end of the stream.
    const t = this.sharedStream.peerTrap;
    if (t) throw t;
    const f = this.failure;
    if (f) {
      f.observed = true;
      throw f.error;
    }
    return undefined;
  }

  /**
   * One host read, mapped by `then` (one of the `settle*` methods below, called on this reader)
   * as it settles. Not an async function: with the element type known, the read goes to the end
   * at once, and its promise settles with the mapped value (the path of every chunk).
   */
  private readRaw<R>(capacity: number | undefined, target: TypedBatch | undefined, then: (this: this, out: HostReadOutcome) => R): Promise<R> {
    if (this.codec instanceof LateCodec && !this.codec.current) return this.readRawLate(capacity, target, then);
    if (this.sharedStream.peerTrap) {
      try {
        return Promise.resolve(then.call(this, { result: CopyResult.DROPPED, values: [] }));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    this.reading = true;
    let p: Promise<R>;
    try {
      // The default batch size depends on the element type, known only now for a late-bound stream.
      p = this.end.read(capacity ?? defaultCapacity(this.codec), target, then, this);
    } catch (e) {
      this.reading = false;
      return Promise.reject(e);
    }
    if (this.reading) this.pending = p;
    return p;
  }

  private settleRead(out: HostReadOutcome): HostReadOutcome {
    this.reading = false;
    this.pending = undefined;
    if (out.result === CopyResult.DROPPED) {
      if (this.state === "open" || this.state === "consumed") this.state = "ended";
      this.end.drop();
    } else if (this.state === "closed") this.end.drop();
    return out;
  }

  /** A read that first waits for the element type (see element-type.ts); cancel()/close() end the wait. */
  private async readRawLate<R>(capacity: number | undefined, target: TypedBatch | undefined, then: (this: this, out: HostReadOutcome) => R): Promise<R> {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const wait = Promise.race([(this.codec as LateCodec).forReader(), stopped]);
    this.reading = true;
    this.pending = wait;
    this.stopWait = stop;
    try {
      await wait;
    } finally {
      this.reading = false;
      this.pending = undefined;
      this.stopWait = undefined;
    }
    // Cancelled or closed while waiting: nothing was read (`then` drops the end of a closed reader).
    if (this.state === "closed" || !(this.codec as LateCodec).current) return then.call(this, { result: CopyResult.CANCELLED, values: [] });
    return this.readRaw(capacity, target, then);
  }

  private capacityOf(operation: string, max: number | undefined): number | undefined {
    if (max === undefined) return undefined;
    if (!Number.isInteger(max) || max < 0 || max > MAX_BUFFER_LENGTH)
      throw new AsyncUsageError(operation, `max must be an integer from 0 to ${MAX_BUFFER_LENGTH}, got ${String(max)}`);
    return max;
  }

  read(max?: number): Promise<Batch | undefined> {
    return this.readBatch("StreamReader.read", max, false);
  }

  private readBatch(operation: string, max: number | undefined, internal: boolean): Promise<Batch | undefined> {
    try {
      if (this.state === "ended" && !this.reading) return Promise.resolve(this.atEnd());
      this.check(operation, internal);
      const capacity = this.capacityOf(operation, max);
      return this.readRaw(capacity, undefined, this.settledBatch);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A read's values, or the end (`undefined`, or the failure of the source that fed the stream). */
  private settledBatch(settling: HostReadOutcome): Batch | undefined {
    const out = this.settleRead(settling);
    if (out.result === CopyResult.DROPPED && out.values.length === 0) return this.atEnd();
    return out.values as unknown as Batch;
  }

  /** The typed-array class last accepted by `readInto` (checked once, not on every chunk). */
  private intoClass: unknown;

  readInto(buffer: Batch, offset = 0): Promise<number | undefined> {
    // The path of every chunk of a zero-copy byte loop: same class as last time, whole buffer.
    if (
      offset === 0 &&
      this.state === "open" &&
      !this.reading &&
      buffer !== null &&
      typeof buffer === "object" &&
      buffer.constructor === this.intoClass &&
      buffer.length > 0
    )
      return this.readRaw(buffer.length, buffer as unknown as TypedBatch, this.settledCount);
    return this.readIntoChecked(buffer, offset);
  }

  /** How many elements a `readInto` received, or the end. */
  private settledCount(settling: HostReadOutcome): number | undefined {
    return this.settledBatch(settling)?.length;
  }

  private async readIntoChecked(buffer: Batch, offset: number): Promise<number | undefined> {
    const operation = "StreamReader.readInto";
    if (this.state === "ended" && !this.reading) return this.atEnd();
    this.check(operation);
    if (buffer === null || typeof buffer !== "object" || typeof buffer.length !== "number")
      throw new AsyncUsageError(operation, "buffer must be a typed array (number elements) or an array");
    if (!Number.isInteger(offset) || offset < 0 || offset > buffer.length)
      throw new AsyncUsageError(
        operation,
        `offset must be an integer from 0 to ${buffer.length}, got ${String(offset)}`,
      );
    const room = buffer.length - offset;
    if (ArrayBuffer.isView(buffer)) {
      if (this.codec instanceof LateCodec && !this.codec.current) await this.codec.forReader();
      const want = scalarKindOfCodec(this.codec);
      const have = scalarKindOf(buffer);
      if (want === undefined || want !== have)
        throw new AsyncUsageError(
          operation,
          `the stream carries ${this.codec.typeKey} elements; a ${buffer.constructor.name} cannot receive them`,
        );
      this.intoClass = buffer.constructor;
      // Zero-copy on the host side: the peer's elements land directly in the caller's buffer.
      const target = offset === 0 ? (buffer as unknown as TypedBatch) : (buffer as unknown as TypedBatch).subarray(offset);
      return this.readRaw(room, target, this.settledCount);
    }
    const src = await this.readRaw(room, undefined, this.settledBatch);
    if (src === undefined) return undefined;
    const dst = buffer as unknown as unknown[];
    for (let k = 0; k < src.length; k++) dst[offset + k] = src[k];
    return src.length;
  }

  async cancel(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.stopWait?.();
    this.end.cancel();
    await p.then(
      () => {},
      () => {},
    );
  }

  close(): void {
    if (this.state === "closed" || this.state === "transferred") return;
    this.state = "closed";
    this.stopWait?.();
    if (this.reading) this.end.cancel();
    else this.end.drop();
    const f = this.failure;
    if (f && !f.observed) {
      f.observed = true;
      f.scope.report(f.error);
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * A hand-written async iterator rather than an async generator: one job per chunk instead
   * of the generator's queue. Leaving the loop (return) or a failed read closes the reader.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<StreamChunk<T, Batch>> {
    type Chunk = StreamChunk<T, Batch>;
    let items: ArrayLike<unknown> | undefined;
    let index = 0;
    let finished = false;
    const end = (): IteratorResult<Chunk> => ({ value: undefined, done: true });
    const finish = (): void => {
      finished = true;
      items = undefined;
      this.close();
    };
    const onBatch = (batch: Batch | undefined): IteratorResult<Chunk> | Promise<IteratorResult<Chunk>> => {
      if (batch === undefined) {
        finish();
        return end();
      }
      // Number elements arrive as typed-array chunks; other elements one by one.
      if (ArrayBuffer.isView(batch)) return { value: batch as unknown as Chunk, done: false };
      if (batch.length === 0) return next();
      items = batch;
      index = 1;
      return { value: batch[0] as Chunk, done: false };
    };
    const onError = (e: unknown): never => {
      finish();
      throw e;
    };
    const next = (): Promise<IteratorResult<Chunk>> => {
      if (finished) return Promise.resolve(end());
      if (items !== undefined) {
        if (index < items.length) return Promise.resolve({ value: items[index++] as Chunk, done: false });
        items = undefined;
      }
      return this.read().then(onBatch, onError);
    };
    return {
      next,
      return: (value?: unknown): Promise<IteratorResult<Chunk>> => {
        if (!finished) finish();
        return Promise.resolve({ value: value as Chunk, done: true });
      },
      throw: (e?: unknown): Promise<IteratorResult<Chunk>> => {
        if (!finished) finish();
        return Promise.reject(e);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  toReadableStream(): ReadableStream<StreamChunk<T, Batch>> {
    this.check("StreamReader.toReadableStream");
    this.state = "consumed";
    return readableStreamOf<T, Batch>(this, {
      read: (max) => this.readBatch("ReadableStream pull", max, true),
      readInto: (view) => this.readIntoConsumed(view),
      close: () => this.close(),
    });
  }

  private readIntoConsumed(view: Uint8Array): Promise<number | undefined> {
    return this.readRaw(view.length, view, this.settledCount);
  }

  async pipeTo(writer: StreamWriter<T, Batch>): Promise<void> {
    const operation = "StreamReader.pipeTo";
    this.check(operation);
    let moved = 0;
    try {
      for (;;) {
        const batch = await this.readBatch(operation, undefined, false);
        if (batch === undefined) break;
        if (batch.length === 0) continue;
        try {
          await writer.writeAll(batch);
        } catch (e) {
          if (e instanceof StreamClosedError)
            throw new StreamClosedError(operation, moved + e.written, moved + batch.length);
          throw e;
        }
        moved += batch.length;
      }
      writer.close();
    } catch (e) {
      writer.close();
      throw e;
    } finally {
      this.close();
    }
  }

  // ---- for the rest of the API (sources, lowering) ----

  /** The pump that feeds this reader failed: later reads reject with `error` at the end (see the module doc). */
  fail(error: unknown, scope: BackgroundScope = currentBackgroundScope()): void {
    if (this.state === "open" || this.state === "consumed" || this.state === "ended")
      this.failure ??= { error, observed: false, scope };
    else if (this.state !== "transferred" || !this.transferredTo?.take(error, (e) => scope.report(e))) scope.report(error);
  }

  /**
   * Move the end into a component (CanonicalABI.md "Storing" lower_stream): the JS object becomes
   * unusable. A source failure (before or after) goes to `failures` (the host call that took the
   * stream, while it runs), else to the background scope.
   */
  transfer(operation: string, failures?: SourceFailureSink): SharedStream {
    this.check(operation);
    if (this.state === "ended")
      throw new AsyncUsageError(
        operation,
        "the stream already ended (its writer was dropped); nothing is left to pass on",
      );
    this.state = "transferred";
    this.transferredTo = failures;
    const f = this.failure;
    if (f && !f.observed) {
      f.observed = true;
      if (!failures?.take(f.error, (e) => f.scope.report(e))) f.scope.report(f.error);
    }
    return this.sharedStream;
  }
}
