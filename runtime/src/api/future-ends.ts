/**
 * `FutureReader` / `FutureWriter` over host future ends (`../async/host-ends.ts`).
 *
 * Semantics:
 * - A `FutureReader` is thenable: the first `then` (an `await`) starts the one read; every
 *   later `then` sees the same outcome. The value is read once and the end is dropped after.
 * - `cancel()` cancels a pending read (the awaiting code rejects with `CancelledError` unless
 *   the value already arrived); before any `await` it makes the reader reject from then on.
 * - A reader fed by `futureFrom(promise)` whose promise rejected rejects with that reason
 *   (or, if it was passed into a component meanwhile, the failure goes to the background
 *   scope: the spec gives a future no way to fail).
 * - `FutureWriter.write` delivers the one value: `true` once taken, `false` if the reader was
 *   dropped; a second `write` is an `AsyncUsageError`. CanonicalABI.md "Future State": the
 *   writer may not be dropped before writing (unless the reader is gone), so disposing an
 *   unwritten writer throws `AsyncUsageError` instead of leaving the reader waiting forever.
 */
import type { SourceFailureSink } from "../task/source-failures.js";
import { CopyResult } from "../async/event-code.js";
import type { SharedFuture } from "../async/future.js";
import { HostFutureReader, HostFutureWriter } from "../async/host-ends.js";
import { type BackgroundScope, currentBackgroundScope } from "./background.js";
import { checkNumber } from "./element-type.js";
import { AsyncUsageError, CancelledError } from "./errors.js";
import type { FutureReader, FutureWriter } from "./futures.js";

type FutureReaderState = "open" | "closed" | "transferred";

export class HostFutureReaderApi<T> implements FutureReader<T> {
  private readonly end: HostFutureReader;
  private state: FutureReaderState = "open";
  private outcome: Promise<T> | undefined;
  private reading = false;
  private cancelled = false;
  private failure: { error: unknown; observed: boolean; scope: BackgroundScope } | undefined;
  /** Once transferred: the host call that took this future as an argument (see `transfer`). */
  private transferredTo: SourceFailureSink | undefined;

  constructor(readonly sharedFuture: SharedFuture) {
    this.end = new HostFutureReader(sharedFuture);
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.value().then(onfulfilled, onrejected);
  }

  private value(): Promise<T> {
    if (this.outcome) return this.outcome;
    const operation = "FutureReader (await)";
    if (this.state === "closed") return Promise.reject(new AsyncUsageError(operation, "the reader was disposed"));
    if (this.state === "transferred")
      return Promise.reject(
        new AsyncUsageError(operation, "the reader was passed into a component (its end moved there)"),
      );
    if (this.failure) {
      this.failure.observed = true;
      return (this.outcome = Promise.reject(this.failure.error));
    }
    // The guest holding the writable end trapped: the value will never come.
    if (this.sharedFuture.peerTrap) return (this.outcome = Promise.reject(this.sharedFuture.peerTrap));
    if (this.cancelled) return (this.outcome = Promise.reject(new CancelledError("FutureReader.cancel")));
    this.reading = true;
    let read: ReturnType<HostFutureReader["read"]>;
    try {
      read = this.end.read();
    } catch (e) {
      // The writer's value could not be taken (it refused it): nothing is pending.
      this.reading = false;
      return (this.outcome = Promise.reject(e));
    }
    return (this.outcome = read.then((out) => {
      this.reading = false;
      if (out.result === CopyResult.COMPLETED || this.state === "closed") this.end.drop();
      if (out.result === CopyResult.COMPLETED) return out.value as T;
      if (this.sharedFuture.peerTrap) throw this.sharedFuture.peerTrap;
      if (this.failure) {
        this.failure.observed = true;
        throw this.failure.error;
      }
      throw new CancelledError("FutureReader.cancel");
    }));
  }

  async cancel(): Promise<void> {
    if (!this.reading) {
      if (!this.outcome) this.cancelled = true;
      return;
    }
    this.end.cancel();
    await this.outcome!.then(
      () => {},
      () => {},
    );
  }

  [Symbol.dispose](): void {
    if (this.state !== "open") return;
    this.state = "closed";
    if (this.reading) this.end.cancel();
    else this.end.drop();
    const f = this.failure;
    if (f && !f.observed) {
      f.observed = true;
      f.scope.report(f.error);
    }
  }

  /** The source promise of `futureFrom` rejected: the value will never come. */
  fail(error: unknown, scope: BackgroundScope = currentBackgroundScope()): void {
    if (this.state === "transferred" && this.transferredTo?.take(error, (e) => scope.report(e))) return;
    if (this.state !== "open") return scope.report(error);
    this.failure ??= { error, observed: false, scope };
    if (this.reading) this.end.cancel();
  }

  /**
   * Move the end into a component (CanonicalABI.md "Storing" lower_future). A source failure
   * (before or after) goes to `failures` (the host call that took the future, while it runs),
   * else to the background scope.
   */
  transfer(operation: string, failures?: SourceFailureSink): SharedFuture {
    if (this.state === "closed") throw new AsyncUsageError(operation, "the future reader was disposed");
    if (this.state === "transferred")
      throw new AsyncUsageError(operation, "the future reader was already passed into a component");
    if (this.outcome)
      throw new AsyncUsageError(operation, "the future is already being awaited on the host; it cannot be passed on");
    this.state = "transferred";
    this.transferredTo = failures;
    const f = this.failure;
    if (f && !f.observed) {
      f.observed = true;
      if (!failures?.take(f.error, (e) => f.scope.report(e))) f.scope.report(f.error);
    }
    return this.sharedFuture;
  }
}

export class HostFutureWriterApi<T> implements FutureWriter<T> {
  private readonly end: HostFutureWriter;
  private written = false;
  private settled = false;

  constructor(readonly sharedFuture: SharedFuture) {
    this.end = new HostFutureWriter(sharedFuture);
  }

  async write(value: T): Promise<boolean> {
    if (this.written)
      throw new AsyncUsageError("FutureWriter.write", "a value was already written (a future carries one value)");
    checkNumber("FutureWriter.write", value, this.sharedFuture.codec);
    this.written = true;
    let out: Awaited<ReturnType<HostFutureWriter["write"]>>;
    try {
      out = await this.end.write(value);
    } catch (e) {
      // Refused (a value of the wrong type): nothing was written; write again, or drop the writer.
      this.written = false;
      throw e;
    }
    this.settled = true;
    this.end.drop();
    return out.result === CopyResult.COMPLETED;
  }

  /**
   * The source of `futureFrom` failed: drop the end without a value, so a component reading the
   * future sees it DROPPED instead of waiting forever (the failure itself goes to the reader's
   * side: `HostFutureReaderApi.fail`).
   */
  abandon(): void {
    if (this.written || this.settled) return;
    this.settled = true;
    this.end.abandon();
  }

  /** Whether a value was written (or its reader is gone, so none ever will be). */
  get done(): boolean {
    return this.written || this.sharedFuture.dropped;
  }

  [Symbol.dispose](): void {
    if (this.written || this.settled) return;
    if (this.sharedFuture.dropped) return;
    throw new AsyncUsageError(
      "FutureWriter[Symbol.dispose]",
      'a future\'s writer must write its value before it is dropped (CanonicalABI.md "Future State"); call write(value) first',
    );
  }
}
