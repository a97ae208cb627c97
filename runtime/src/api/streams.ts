/**
 * Streams (Explainer.md "Streams and Futures"). Values move in batches: `Batch` is how one
 * batch is held, `T[]` by default and a typed array for numeric element types
 * (`stream<u8>` is `StreamReader<number, Uint8Array>`). A bare `stream` is `StreamReader<void>`.
 */

/**
 * The unit that iteration yields and sources may provide: a whole typed-array batch for numeric
 * streams (bytes arrive in chunks, as with web streams), a single element otherwise.
 */
export type StreamChunk<T, Batch extends ArrayLike<T> = T[]> = Batch extends T[] ? T : Batch;

/**
 * The readable end of a `stream<T>`. Create host pairs with `stream()`, convert sources with
 * `streamFrom()`; see `stream-reader.ts` for the semantics (one read at a time, leaving a
 * `for await` loop early closes the reader, misuse is an `AsyncUsageError`).
 */
export interface StreamReader<T, Batch extends ArrayLike<T> = T[]>
  extends AsyncIterable<StreamChunk<T, Batch>>, Disposable {
  /**
   * Reads the next batch of at most `max` elements (any size when omitted); resolves
   * `undefined` once the writer has closed its end and everything was read.
   */
  read(max?: number): Promise<Batch | undefined>;
  /**
   * Reads into `buffer` from `offset` (default 0), at most `buffer.length - offset` elements;
   * resolves how many were read, or `undefined` once the stream has ended.
   */
  readInto(buffer: Batch, offset?: number): Promise<number | undefined>;
  /** Cancels a pending `read`/`readInto`; it resolves with what was already copied. */
  cancel(): Promise<void>;
  /** Drops the readable end; the writer's further writes report 0 elements taken. */
  close(): void;
  /** Same as {@link close}. */
  [Symbol.dispose](): void;
  /** A web `ReadableStream` over the same chunks; this reader is consumed by it. */
  toReadableStream(): ReadableStream<StreamChunk<T, Batch>>;
  /** Copies every element into `writer`, then closes both ends. */
  pipeTo(writer: StreamWriter<T, Batch>): Promise<void>;
}

/** The writable end of a `stream<T>`; see `stream-writer.ts` for the semantics. */
export interface StreamWriter<T, Batch extends ArrayLike<T> = T[]> extends Disposable {
  /**
   * Offers `items` to the reader; resolves how many it took (fewer than offered, down to 0,
   * when the reader is dropped meanwhile).
   */
  write(items: Batch | readonly T[]): Promise<number>;
  /** Writes all of `items`, waiting for the reader as needed; rejects if the reader is dropped first. */
  writeAll(items: Batch | readonly T[]): Promise<void>;
  /** Closes the writable end: the reader sees the end of the stream. */
  close(): void;
  /** Same as {@link close}. */
  [Symbol.dispose](): void;
  /** A web `WritableStream` that writes into this stream; it owns this writer. */
  toWritableStream(): WritableStream<StreamChunk<T, Batch>>;
}

/**
 * What a caller may pass where a `stream<T>` parameter is expected: an existing reader, or
 * elements (typed-array chunks too, for numeric streams) from a sync or async iterable or a
 * web `ReadableStream`.
 */
export type StreamSource<T, Batch extends ArrayLike<T> = T[]> =
  | StreamReader<T, Batch>
  | AsyncIterable<T | StreamChunk<T, Batch>>
  | Iterable<T | StreamChunk<T, Batch>>
  | ReadableStream<T | StreamChunk<T, Batch>>;
