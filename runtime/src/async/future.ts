/**
 * CanonicalABI.md "Future State": a one-value rendezvous. Unlike streams the
 * readable end can never see DROPPED (the writer must write before dropping)
 * and a completed copy finishes the end for good.
 */
import { CopyEnd, CopyState } from "./copy-end.js";
import { trap, type Trap } from "./deps.js";
import type { ElementCodec } from "./element-codec.js";
import { CopyResult } from "./event-code.js";
import type { Buffer, ReadableBuffer, WritableBuffer } from "./buffer.js";
import type { CopyOwner, OnCopyDone } from "./stream.js";

export class SharedFuture {
  dropped = false;
  private pendingInst: CopyOwner;
  private pendingBuffer: Buffer | undefined;
  private pendingOnCopyDone: OnCopyDone | undefined;

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

  hasPending(): boolean {
    return this.pendingBuffer !== undefined;
  }

  private setPending(
    inst: CopyOwner,
    buffer: Buffer,
    onCopyDone: OnCopyDone,
  ): void {
    this.pendingInst = inst;
    this.pendingBuffer = buffer;
    this.pendingOnCopyDone = onCopyDone;
  }

  private resetPending(): void {
    this.pendingInst = undefined;
    this.pendingBuffer = undefined;
    this.pendingOnCopyDone = undefined;
  }

  private resetAndNotifyPending(result: CopyResult): void {
    const onCopyDone = this.pendingOnCopyDone!;
    this.resetPending();
    onCopyDone(result);
  }

  cancel(): void {
    this.resetAndNotifyPending(CopyResult.CANCELLED);
  }

  /** Only a pending *reader* can be parked here when the other end goes (a writer must finish first). */
  drop(): void {
    if (!this.dropped) {
      this.dropped = true;
      if (this.pendingBuffer) this.resetAndNotifyPending(CopyResult.DROPPED);
    }
  }

  private checkSelfCopy(inst: CopyOwner): void {
    if (inst !== undefined && inst === this.pendingInst && !this.codec.plain)
      trap(
        `future copy of a ${this.codec.typeKey} value between two ends in the same instance is not allowed`,
        'CanonicalABI.md "Future State"',
      );
  }

  read(inst: CopyOwner, dst: WritableBuffer, onCopyDone: OnCopyDone): void {
    if (!this.pendingBuffer) {
      this.setPending(inst, dst, onCopyDone);
    } else {
      this.checkSelfCopy(inst);
      dst.write((this.pendingBuffer as ReadableBuffer).read(1));
      this.resetAndNotifyPending(CopyResult.COMPLETED);
      onCopyDone(CopyResult.COMPLETED);
    }
  }

  write(inst: CopyOwner, src: ReadableBuffer, onCopyDone: OnCopyDone): void {
    if (this.dropped) {
      onCopyDone(CopyResult.DROPPED);
    } else if (!this.pendingBuffer) {
      this.setPending(inst, src, onCopyDone);
    } else {
      this.checkSelfCopy(inst);
      (this.pendingBuffer as WritableBuffer).write(src.read(1));
      this.resetAndNotifyPending(CopyResult.COMPLETED);
      onCopyDone(CopyResult.COMPLETED);
    }
  }
}

export class ReadableFutureEnd extends CopyEnd<SharedFuture> {
  readonly kind = "future readable end";
}

export class WritableFutureEnd extends CopyEnd<SharedFuture> {
  readonly kind = "future writable end";

  /** CanonicalABI.md "Future State": the value must be written (or the reader gone) before the writer drops. */
  override drop(): void {
    if (this.state !== CopyState.DONE)
      trap(
        "cannot drop a future writable end before a value was written (or the readable end was dropped)",
        'CanonicalABI.md "Future State"',
      );
    super.drop();
  }
}
