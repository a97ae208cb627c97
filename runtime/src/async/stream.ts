/**
 * CanonicalABI.md "Stream State": the state two stream ends share, and the
 * rendezvous copy between a pending reader and writer. Either end may be a
 * guest (a `CopyEnd` in a handle table) or the host (`host-ends.ts`): the
 * shared state only sees buffers and completion callbacks.
 */
import { CopyEnd, CopyState } from "./copy-end.js";
import { trap, type InstanceLike, type Trap } from "./deps.js";
import type { ElementCodec, ElementCopyContext } from "./element-codec.js";
import { CopyResult, EventCode, packCopyResult, type EventTuple } from "./event-code.js";
import {
  GuestReadableBuffer,
  GuestWritableBuffer,
  type Buffer,
  type GuestBuffer,
  type ReadableBuffer,
  type WritableBuffer,
} from "./buffer.js";

/** Lets the pending side's buffer go once its event is delivered. */
export type ReclaimBuffer = () => void;
/** The `reclaim` of an outcome with no buffer left pending. */
export const noReclaim: ReclaimBuffer = () => {};
export type OnCopyDone = (result: CopyResult) => void;

/**
 * One side of a stream copy (a guest end or a host end), told what happened to its buffer:
 * an object rather than two callbacks, so a copy per chunk allocates no closures.
 */
export interface CopySide {
  /** Some elements moved; the side's buffer stays pending until `reclaim` (more may move). */
  onCopy(reclaim: ReclaimBuffer): void;
  /** The copy ended: COMPLETED, DROPPED or CANCELLED. */
  onCopyDone(result: CopyResult): void;
}

/** The instance a copy comes from; `undefined` for the host. */
export type CopyOwner = InstanceLike | undefined;

export class SharedStream {
  dropped = false;
  private pendingInst: CopyOwner;
  private pendingBuffer: Buffer | undefined;
  private pendingSide: CopySide | undefined;

  constructor(readonly codec: ElementCodec) {}

  /**
   * The trap of an instance that held an end: the host end fails with it rather than wait
   * forever (a trapped instance never copies again; Explainer.md invariant 1).
   */
  peerTrap: Trap | undefined;

  failPeer(t: Trap): void {
    if (this.peerTrap) return;
    this.peerTrap = t;
    // A host read or write parked on the trapped guest ends now (its API sees peerTrap).
    if (this.pendingBuffer && this.pendingInst === undefined) this.resetAndNotifyPending(CopyResult.DROPPED);
  }

  /** Whether one side is parked waiting for its peer (for debugging and host ends). */
  hasPending(): boolean {
    return this.pendingBuffer !== undefined;
  }

  private setPending(inst: CopyOwner, buffer: Buffer, side: CopySide): void {
    this.pendingInst = inst;
    this.pendingBuffer = buffer;
    this.pendingSide = side;
  }

  /** A bound function: it is handed out as the `reclaim` of `CopySide.onCopy`. */
  readonly resetPending = (): void => {
    this.pendingInst = undefined;
    this.pendingBuffer = undefined;
    this.pendingSide = undefined;
  };

  private resetAndNotifyPending(result: CopyResult): void {
    const side = this.pendingSide!;
    this.resetPending();
    side.onCopyDone(result);
  }

  /** Cancel the pending copy (the caller checked that its end is the pending one). */
  cancel(): void {
    this.resetAndNotifyPending(CopyResult.CANCELLED);
  }

  drop(): void {
    if (!this.dropped) {
      this.dropped = true;
      if (this.pendingBuffer) this.resetAndNotifyPending(CopyResult.DROPPED);
    }
  }

  /** CanonicalABI.md "Stream State": components may not yet copy non-number values to themselves. */
  private checkSelfCopy(inst: CopyOwner): void {
    if (inst !== undefined && inst === this.pendingInst && !this.codec.plain)
      trap(
        `stream copy of ${this.codec.typeKey} elements between two ends in the same instance is not allowed`,
        'CanonicalABI.md "Stream State"',
      );
  }

  read(inst: CopyOwner, dst: WritableBuffer, side: CopySide): void {
    if (this.dropped) {
      side.onCopyDone(CopyResult.DROPPED);
    } else if (!this.pendingBuffer) {
      this.setPending(inst, dst, side);
    } else {
      this.checkSelfCopy(inst);
      const src = this.pendingBuffer as ReadableBuffer;
      if (src.remain() > 0) {
        if (dst.remain() > 0) {
          const n = Math.min(dst.remain(), src.remain());
          dst.write(src.read(n));
          this.pendingSide!.onCopy(this.resetPending);
        }
        side.onCopyDone(CopyResult.COMPLETED);
      } else {
        // A zero-length write was waiting for a reader: complete it and wait in its place.
        this.resetAndNotifyPending(CopyResult.COMPLETED);
        this.setPending(inst, dst, side);
      }
    }
  }

  write(inst: CopyOwner, src: ReadableBuffer, side: CopySide): void {
    if (this.dropped) {
      side.onCopyDone(CopyResult.DROPPED);
    } else if (!this.pendingBuffer) {
      this.setPending(inst, src, side);
    } else {
      this.checkSelfCopy(inst);
      const dst = this.pendingBuffer as WritableBuffer;
      if (dst.remain() > 0) {
        if (src.remain() > 0) {
          const n = Math.min(src.remain(), dst.remain());
          dst.write(src.read(n));
          this.pendingSide!.onCopy(this.resetPending);
        }
        side.onCopyDone(CopyResult.COMPLETED);
      } else if (src.isZeroLength() && dst.isZeroLength()) {
        // Zero-length write meeting a zero-length read: readiness probe, both stay as they are.
        side.onCopyDone(CopyResult.COMPLETED);
      } else {
        this.resetAndNotifyPending(CopyResult.COMPLETED);
        this.setPending(inst, src, side);
      }
    }
  }
}

/**
 * A guest's end of a stream, with the copy in flight (CanonicalABI.md "canon stream.{read,write}"
 * `stream_event`), made once per end rather than per copy: a byte stream copies once per chunk.
 */
abstract class GuestStreamEnd extends CopyEnd<SharedStream> implements CopySide {
  protected abstract readonly eventCode: EventCode;
  private copyIndex = 0;
  private copyBuffer: Buffer | undefined;
  private copyResult: CopyResult = CopyResult.COMPLETED;
  private copyReclaim: ReclaimBuffer = noReclaim;

  /** The end's buffer, kept from copy to copy. */
  private spare: GuestBuffer | undefined;

  /** The buffer of a new copy over `[ptr, ptr + n)` (checked; the caller checked the end is idle). */
  bufferFor(codec: ElementCodec, cx: ElementCopyContext, ptr: number, n: number, what: string): GuestBuffer {
    const spare = this.spare;
    if (spare) return spare.reset(codec, cx, ptr, n, what);
    return (this.spare = this.newBuffer(codec, cx, ptr, n, what));
  }

  protected abstract newBuffer(codec: ElementCodec, cx: ElementCopyContext, ptr: number, n: number, what: string): GuestBuffer;

  /** A copy starts on handle `index` with `buffer`; the caller checked the end was idle. */
  startCopy(index: number, buffer: Buffer): void {
    this.copyIndex = index;
    this.copyBuffer = buffer;
    this.state = CopyState.COPYING;
  }

  onCopy(reclaim: ReclaimBuffer): void {
    this.copyResult = CopyResult.COMPLETED;
    this.copyReclaim = reclaim;
    this.setPendingEvent(this.copyEvent);
  }

  onCopyDone(result: CopyResult): void {
    this.copyResult = result;
    this.copyReclaim = noReclaim;
    this.setPendingEvent(this.copyEvent);
  }

  /** Computed on delivery, so that it reports every element copied until then. */
  private readonly copyEvent = (): EventTuple => {
    this.copyReclaim();
    this.copyReclaim = noReclaim;
    const result = this.copyResult;
    this.state = result === CopyResult.DROPPED ? CopyState.DONE : CopyState.IDLE;
    const progress = this.copyBuffer!.progress;
    this.copyBuffer = undefined;
    return [this.eventCode, this.copyIndex, packCopyResult(result, progress)];
  };
}

/** A guest's readable end of a stream. */
export class ReadableStreamEnd extends GuestStreamEnd {
  readonly kind = "stream readable end";
  protected readonly eventCode = EventCode.STREAM_READ;

  protected newBuffer(codec: ElementCodec, cx: ElementCopyContext, ptr: number, n: number, what: string): GuestBuffer {
    return new GuestWritableBuffer(codec, cx, ptr, n, what);
  }
}

/** A guest's writable end of a stream. */
export class WritableStreamEnd extends GuestStreamEnd {
  readonly kind = "stream writable end";
  protected readonly eventCode = EventCode.STREAM_WRITE;

  protected newBuffer(codec: ElementCodec, cx: ElementCopyContext, ptr: number, n: number, what: string): GuestBuffer {
    return new GuestReadableBuffer(codec, cx, ptr, n, what);
  }
}
