/**
 * CanonicalABI.md "Stream State" `CopyEnd`: one end of a stream or future as
 * it sits in a guest handle table, tracking whether a copy is in flight.
 */
import { trap, type Trap } from "./deps.js";
import { Waitable, type Wake } from "./waitable.js";

/** CanonicalABI.md "Stream State" `CopyState`. */
export const CopyState = {
  IDLE: 1,
  COPYING: 2,
  CANCELLING_COPY: 3,
  DONE: 4,
} as const;
export type CopyState = (typeof CopyState)[keyof typeof CopyState];

/** The shared half both ends point at. */
export interface SharedCopyState {
  readonly codec: { readonly typeKey: string };
  cancel(): void;
  drop(): void;
  /** The instance holding one end trapped: a host at the other end fails with `trap`. */
  failPeer(trap: Trap): void;
}

export abstract class CopyEnd<
  S extends SharedCopyState = SharedCopyState,
> extends Waitable {
  state: CopyState = CopyState.IDLE;

  constructor(
    readonly shared: S,
    wake: Wake,
  ) {
    super(wake);
  }

  /** The instance holding this end trapped (`TrapObserver`, instance-state.ts). */
  onInstanceTrap(t: Trap): void {
    this.shared.failPeer(t);
  }

  copying(): boolean {
    return (
      this.state === CopyState.COPYING ||
      this.state === CopyState.CANCELLING_COPY
    );
  }

  /** CanonicalABI.md "Stream State" `CopyEnd.drop`. */
  override drop(): void {
    if (this.copying())
      trap(
        `cannot drop a ${this.kind} while a copy is pending (cancel it first)`,
        'CanonicalABI.md "Stream State" CopyEnd.drop',
      );
    this.shared.drop();
    super.drop();
  }
}
