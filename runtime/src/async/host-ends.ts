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
import { noReclaim, SharedStream, type CopySide, type ReclaimBuffer } from "./stream.js";

/** Reactions of one settled promise schedule a job each (Node's queueMicrotask costs more: async hooks). */
const settled = Promise.resolve();

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

/**
 * One in-flight host copy: the promise it settles, and the outcome waiting for its microtask
 * when more elements may still move (see the module doc).
 */
abstract class HostEnd<S extends SharedStream | SharedFuture, O> {
  state: CopyState = CopyState.IDLE;
  private resolveOp: ((v: unknown) => void) | undefined;
  private rejectOp: ((e: unknown) => void) | undefined;
  private thenOp: ((out: O) => unknown) | undefined;
  /** The `this` of `thenOp` (the API object's methods serve as `then`: no closure per end). */
  private thenThis: unknown;
  /** A completed copy whose delivery waits for a microtask (`deferFinish`). */
  private deferredResult: CopyResult | undefined;
  private deferredReclaim: ReclaimBuffer = noReclaim;
  private scheduled = false;
  protected abstract readonly what: string;

  constructor(readonly shared: S) {}

  /** The outcome of the operation that ended with `result` (its buffer is then released). */
  protected abstract outcome(result: CopyResult): O;

  /** The end's state after an operation ended with `result`. */
  protected stateAfter(result: CopyResult): CopyState {
    return result === CopyResult.DROPPED ? CopyState.DONE : CopyState.IDLE;
  }

  /**
   * Start an operation: `run` hands it to the shared state, which may finish it at once.
   * `then` (called with `thenThis`) maps the outcome as the operation settles (so the caller's
   * state follows with no job in between); if it throws, the promise rejects. If `run` throws
   * (a value the peer's type refuses), nothing started: the end is idle again and the error
   * is thrown to the caller.
   */
  protected start<R>(then: ((out: O) => R) | undefined, thenThis: unknown, run: () => void): Promise<R> {
    if (this.state === CopyState.DONE)
      throw new Error(
        `${this.what}: the ${this.peerWhat()} was dropped or the value was already transferred`,
      );
    if (this.state !== CopyState.IDLE)
      throw new Error(
        `${this.what}: an operation is already pending on this end`,
      );
    this.state = CopyState.COPYING;
    const op = new Promise<R>((resolve, reject) => {
      this.resolveOp = resolve as (v: unknown) => void;
      this.rejectOp = reject;
    });
    this.thenOp = then;
    this.thenThis = thenThis;
    try {
      run();
    } catch (e) {
      this.state = CopyState.IDLE;
      this.resolveOp = this.rejectOp = undefined;
      this.thenOp = this.thenThis = undefined;
      throw e;
    }
    return op;
  }

  protected peerWhat(): string {
    return "other end";
  }

  /** The operation ended (a final outcome replaces one waiting for its microtask). */
  protected finish(result: CopyResult, reclaim: ReclaimBuffer): void {
    this.deferredResult = undefined;
    this.deferredReclaim = noReclaim;
    reclaim();
    this.state = this.stateAfter(result);
    const out = this.outcome(result);
    const resolve = this.resolveOp!;
    const reject = this.rejectOp!;
    const then = this.thenOp;
    const thenThis = this.thenThis;
    this.resolveOp = this.rejectOp = this.thenOp = this.thenThis = undefined;
    if (then === undefined) return resolve(out);
    try {
      resolve(then.call(thenThis, out));
    } catch (e) {
      reject(e);
    }
  }

  /** Some elements moved and more may: finish in a microtask, keeping the buffer pending until then. */
  protected deferFinish(result: CopyResult, reclaim: ReclaimBuffer): void {
    this.deferredResult = result;
    this.deferredReclaim = reclaim;
    if (this.scheduled) return;
    this.scheduled = true;
    void settled.then(() => this.deliverDeferred());
  }

  private deliverDeferred(): void {
    this.scheduled = false;
    const result = this.deferredResult;
    if (result !== undefined) this.finish(result, this.deferredReclaim);
  }

  /** Cancel the in-flight operation; its promise settles with CANCELLED (or COMPLETED if it just finished). */
  cancel(): void {
    if (this.state !== CopyState.COPYING) return;
    this.state = CopyState.CANCELLING_COPY;
    if (this.deferredResult === undefined) this.shared.cancel();
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

/** A host stream end: the side of a copy the shared state calls back (no closures per chunk). */
abstract class HostStreamEnd<O> extends HostEnd<SharedStream, O> implements CopySide {
  /** Whether the operation's buffer can take or give no more elements. */
  protected abstract exhausted(): boolean;

  onCopy(reclaim: ReclaimBuffer): void {
    if (this.exhausted()) this.finish(CopyResult.COMPLETED, reclaim);
    else this.deferFinish(CopyResult.COMPLETED, reclaim);
  }

  onCopyDone(result: CopyResult): void {
    this.finish(result, noReclaim);
  }
}

/** The host reading a stream whose writer is a guest (or another host end). */
export class HostStreamReader extends HostStreamEnd<HostReadOutcome> {
  protected readonly what = "stream read";
  private buffer: HostWritableBuffer | undefined;

  /**
   * Read up to `capacity` values (for number elements optionally into `target`, a typed array
   * of the element type), the outcome mapped by `then` (see `start`).
   */
  read<R = HostReadOutcome>(
    capacity: number,
    target?: TypedBatch,
    then?: (out: HostReadOutcome) => R,
    thenThis?: unknown,
  ): Promise<R> {
    return this.start(then, thenThis, () => {
      const buffer = (this.buffer = new HostWritableBuffer(this.shared.codec, capacity, target));
      this.shared.read(undefined, buffer, this);
    });
  }

  protected exhausted(): boolean {
    return this.buffer!.remain() === 0;
  }

  protected outcome(result: CopyResult): HostReadOutcome {
    const values = this.buffer!.take();
    this.buffer = undefined;
    return { result, values };
  }
}

/** The host writing a stream whose reader is a guest. */
export class HostStreamWriter extends HostStreamEnd<HostWriteOutcome> {
  protected readonly what = "stream write";
  private buffer: HostReadableBuffer | undefined;

  /** Offer `values` (a `Uint8Array` for byte streams); resolves with how many the reader took (mapped by `then`, see `start`). */
  write<R = HostWriteOutcome>(values: ElementBatch, then?: (out: HostWriteOutcome) => R, thenThis?: unknown): Promise<R> {
    return this.start(then, thenThis, () => {
      const buffer = (this.buffer = new HostReadableBuffer(this.shared.codec, values));
      this.shared.write(undefined, buffer, this);
    });
  }

  protected exhausted(): boolean {
    return this.buffer!.remain() === 0;
  }

  protected outcome(result: CopyResult): HostWriteOutcome {
    const count = this.buffer!.progress;
    this.buffer = undefined;
    return { result, count };
  }
}

/** A future's copy ends the end for good unless it was cancelled. */
const futureStateAfter = (result: CopyResult): CopyState =>
  result === CopyResult.CANCELLED ? CopyState.IDLE : CopyState.DONE;

/** The host reading a future. Resolves COMPLETED with the value, or CANCELLED. */
export class HostFutureReader extends HostEnd<SharedFuture, { result: CopyResult; value?: unknown }> {
  protected readonly what = "future read";
  private buffer: HostValueBuffer | undefined;

  read(): Promise<{ result: CopyResult; value?: unknown }> {
    return this.start(undefined, undefined, () => {
      const buffer = (this.buffer = new HostValueBuffer(this.shared.codec));
      this.shared.read(undefined, buffer, (result) => this.finish(result, noReclaim));
    });
  }

  protected override stateAfter(result: CopyResult): CopyState {
    return futureStateAfter(result);
  }

  protected outcome(result: CopyResult): { result: CopyResult; value?: unknown } {
    const value = this.buffer!.value;
    this.buffer = undefined;
    return result === CopyResult.COMPLETED ? { result, value } : { result };
  }
}

/** The host writing a future. Resolves COMPLETED once taken, DROPPED if the reader went away. */
export class HostFutureWriter extends HostEnd<SharedFuture, { result: CopyResult }> {
  protected readonly what = "future write";

  write(value: unknown): Promise<{ result: CopyResult }> {
    return this.start(undefined, undefined, () => {
      const buffer = new HostReadableBuffer(
        this.shared.codec,
        this.shared.codec.typeKey === "u8" ? Uint8Array.of(value as number) : [value],
      );
      this.shared.write(undefined, buffer, (result) => this.finish(result, noReclaim));
    });
  }

  protected override stateAfter(result: CopyResult): CopyState {
    return futureStateAfter(result);
  }

  protected outcome(result: CopyResult): { result: CopyResult } {
    return { result };
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
