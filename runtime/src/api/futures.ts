/**
 * The readable end of a `future<T>` (Explainer.md "Streams and Futures"). Await it for the
 * value; it resolves at most once (the first `await` starts the read). A bare `future` is
 * `FutureReader<void>`. Create host pairs with `future()`; see `future-ends.ts` for semantics.
 */
export interface FutureReader<T> extends PromiseLike<T>, Disposable {
  /** Cancels a pending read; the future rejects if no value arrived yet. */
  cancel(): Promise<void>;
  /** Drops the readable end; the writer then learns that nobody will read the value. */
  [Symbol.dispose](): void;
}

/** The writable end of a `future<T>`. */
export interface FutureWriter<T> extends Disposable {
  /** Delivers the value; resolves `false` if the reader was dropped before taking it. */
  write(value: T): Promise<boolean>;
  /**
   * Drops the writable end. CanonicalABI.md "Future State": a writer may only be dropped after
   * its value was written or its reader went away, so disposing an unwritten writer throws.
   */
  [Symbol.dispose](): void;
}

/** What a caller may pass where a `future<T>` parameter is expected. */
export type FutureSource<T> = FutureReader<T> | PromiseLike<T>;
