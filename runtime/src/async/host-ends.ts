/**
 * The host (JS embedder) as one side of a stream or future: the peer of a
 * guest end, built on the same shared state. An operation's promise settles
 * as soon as its outcome is final: at once when the copy completed it (the
 * host's buffer is full or its values all taken, or the end was dropped or
 * cancelled), else in a microtask, so a guest that keeps writing into a
 * pending host read fills the host's buffer in several partial copies
 * before the host sees it (byte streams move whole chunks).
 * The JS API (`StreamReader`, `StreamWriter`, `FutureReader`, `FutureWriter`)
 * wraps these; misuse by the host is an `Error`, not a `Trap`.
 */
import { HostReadableBuffer, HostValueBuffer, HostWritableBuffer } from "./buffer.js";
import { CopyState } from "./copy-end.js";
import type {
  ElementBatch,
  ElementCodec,
  TypedBatch,
} from "./element-codec.js";
import { CopyResult } from "./event-code.js";
import { SharedFuture } from "./future.js";
import { SharedStream } from "./stream.js";

/** Reactions of one settled promise schedule a job each (Node's queueMicrotask costs more: async hooks). */
const settled = Promise.resolve();
const noReclaim = (): void => {};

export interface HostReadOutcome {
  result: CopyResult;
  /** A typed array (`Uint8Array` for `u8`) for number elements, else an array. */
  values: TypedBatch | unknown[];
}

export interface HostWriteOutcome {
  result: CopyResult;
  /** How many of the offered values the reader took. */
  count: number;
}

/** One in-flight host copy: the pending event thunk, delivered in a microtask. */
abstract class HostEnd<S extends SharedStream | SharedFuture> {
  state: CopyState = CopyState.IDLE;
  private pending: (() => void) | undefined;
  private scheduled = false;
  protected abstract readonly what: string;

  constructor(readonly shared: S) {}

  protected begin(): void {
    if (this.state === CopyState.DONE)
      throw new Error(
        `${this.what}: the ${this.peerWhat()} was dropped or the value was already transferred`,
      );
    if (this.state !== CopyState.IDLE)
      throw new Error(
        `${this.what}: an operation is already pending on this end`,
      );
    this.state = CopyState.COPYING;
  }

  protected peerWhat(): string {
    return "other end";
  }

  /** A final outcome: delivered now, replacing one waiting for its microtask. */
  protected settleNow(deliver: () => void): void {
    this.pending = undefined;
    deliver();
  }

  /** Some elements moved and more may: deliver in a microtask unless `done` (nothing more can move). */
  protected settleAfterCopy(done: boolean, deliver: () => void): void {
    if (done) this.settleNow(deliver);
    else this.setPending(deliver);
  }

  /** Like `Waitable.setPendingEvent`: keep the latest outcome, deliver once. */
  protected setPending(deliver: () => void): void {
    this.pending = deliver;
    if (this.scheduled) return;
    this.scheduled = true;
    void settled.then(this.deliverPending);
  }

  private readonly deliverPending = (): void => {
    this.scheduled = false;
    const d = this.pending;
    this.pending = undefined;
    d?.();
  };

  protected hasPending(): boolean {
    return this.pending !== undefined;
  }

  /** Cancel the in-flight operation; its promise settles with CANCELLED (or COMPLETED if it just finished). */
  cancel(): void {
    if (this.state !== CopyState.COPYING) return;
    this.state = CopyState.CANCELLING_COPY;
    if (!this.hasPending()) this.shared.cancel();
  }

  /** Drop this end; the guest peer sees DROPPED. */
  drop(): void {
    if (
      this.state === CopyState.COPYING ||
      this.state === CopyState.CANCELLING_COPY
    )
      throw new Error(
        `${this.what}: cannot drop while an operation is pending (cancel it and wait first)`,
      );
    this.shared.drop();
    this.state = CopyState.DONE;
  }
}

/** The host reading a stream whose writer is a guest (or another host end). */
export class HostStreamReader extends HostEnd<SharedStream> {
  protected readonly what = "stream read";

  /**
   * Read up to `capacity` values (for number elements optionally into `target`, a typed array
   * of the element type). `then` maps the outcome as the read settles (so the caller's state
   * follows at once, with no job in between); if it throws, the promise rejects.
   */
  read<R = HostReadOutcome>(
    capacity: number,
    target?: TypedBatch,
    then?: (out: HostReadOutcome) => R,
  ): Promise<R> {
    this.begin();
    const buffer = new HostWritableBuffer(this.shared.codec, capacity, target);
    return new Promise((resolve, reject) => {
      const finish = (result: CopyResult, reclaim: () => void) => (): void => {
        reclaim();
        this.state =
          result === CopyResult.DROPPED ? CopyState.DONE : CopyState.IDLE;
        settleWith({ result, values: buffer.take() }, then, resolve, reject);
      };
      this.shared.read(
        undefined,
        buffer,
        (reclaim) => this.settleAfterCopy(buffer.remain() === 0, finish(CopyResult.COMPLETED, reclaim)),
        (result) => this.settleNow(finish(result, noReclaim)),
      );
    });
  }
}

/** The host writing a stream whose reader is a guest. */
export class HostStreamWriter extends HostEnd<SharedStream> {
  protected readonly what = "stream write";

  /** Offer `values` (a `Uint8Array` for byte streams); resolves with how many the reader took (mapped by `then`, as `read`). */
  write<R = HostWriteOutcome>(values: ElementBatch, then?: (out: HostWriteOutcome) => R): Promise<R> {
    this.begin();
    const buffer = new HostReadableBuffer(this.shared.codec, values);
    return new Promise((resolve, reject) => {
      const finish = (result: CopyResult, reclaim: () => void) => (): void => {
        reclaim();
        this.state =
          result === CopyResult.DROPPED ? CopyState.DONE : CopyState.IDLE;
        settleWith({ result, count: buffer.progress }, then, resolve, reject);
      };
      this.shared.write(
        undefined,
        buffer,
        (reclaim) => this.settleAfterCopy(buffer.remain() === 0, finish(CopyResult.COMPLETED, reclaim)),
        (result) => this.settleNow(finish(result, noReclaim)),
      );
    });
  }
}

/** Settle an operation's promise with its outcome, mapped by `then` if given. */
function settleWith<O, R>(
  out: O,
  then: ((out: O) => R) | undefined,
  resolve: (v: R) => void,
  reject: (e: unknown) => void,
): void {
  if (then === undefined) return resolve(out as unknown as R);
  try {
    resolve(then(out));
  } catch (e) {
    reject(e);
  }
}

/** The host reading a future. Resolves COMPLETED with the value, or CANCELLED. */
export class HostFutureReader extends HostEnd<SharedFuture> {
  protected readonly what = "future read";

  read(): Promise<{ result: CopyResult; value?: unknown }> {
    this.begin();
    const buffer = new HostValueBuffer(this.shared.codec);
    return new Promise((resolve) => {
      this.shared.read(undefined, buffer, (result) =>
        this.settleNow(() => {
          this.state =
            result === CopyResult.CANCELLED ? CopyState.IDLE : CopyState.DONE;
          resolve(
            result === CopyResult.COMPLETED
              ? { result, value: buffer.value }
              : { result },
          );
        }),
      );
    });
  }
}

/** The host writing a future. Resolves COMPLETED once taken, DROPPED if the reader went away. */
export class HostFutureWriter extends HostEnd<SharedFuture> {
  protected readonly what = "future write";

  write(value: unknown): Promise<{ result: CopyResult }> {
    this.begin();
    const buffer = new HostReadableBuffer(
      this.shared.codec,
      this.shared.codec.typeKey === "u8"
        ? Uint8Array.of(value as number)
        : [value],
    );
    return new Promise((resolve) => {
      this.shared.write(undefined, buffer, (result) =>
        this.settleNow(() => {
          this.state =
            result === CopyResult.CANCELLED ? CopyState.IDLE : CopyState.DONE;
          resolve({ result });
        }),
      );
    });
  }

  /** CanonicalABI.md "Future State": the writer must write before dropping (the reader would otherwise wait forever). */
  override drop(): void {
    if (this.state !== CopyState.DONE)
      throw new Error(
        "future writer: cannot drop before the value was written or the reader dropped",
      );
    super.drop();
  }

  /**
   * Drop without a value: the host's source of the value failed (`futureFrom`). A component
   * reading it sees DROPPED rather than waiting forever; the host reports the failure itself.
   */
  abandon(): void {
    if (this.state === CopyState.DONE) return;
    super.drop();
  }
}

/** A stream the host creates: the host keeps the writer, the reader's shared state goes to a guest via `lowerStream`. */
export function newHostStream(codec: ElementCodec): {
  shared: SharedStream;
  writer: HostStreamWriter;
} {
  const shared = new SharedStream(codec);
  return { shared, writer: new HostStreamWriter(shared) };
}

export function newHostFuture(codec: ElementCodec): {
  shared: SharedFuture;
  writer: HostFutureWriter;
} {
  const shared = new SharedFuture(codec);
  return { shared, writer: new HostFutureWriter(shared) };
}
