/**
 * CanonicalABI.md "Subtask State": a call made through `canon lower`, from
 * the caller's side, as a waitable in the caller's handle table.
 */
import { trap } from "../async/deps.js";
import {
  SubtaskState,
  type SubtaskState as SubtaskStateT,
} from "../async/event-code.js";
import { Waitable } from "../async/waitable.js";
import type { CoreValue } from "../async/deps.js";
import type { ResourceHandle } from "../resources/handle.js";
import type { OnCancel } from "./task.js";

export class Subtask extends Waitable {
  readonly kind = "subtask";
  state: SubtaskStateT = SubtaskState.STARTING;
  onCancel: OnCancel | undefined;
  /**
   * The caller's handles lent to the callee as borrows; with `numBorrows`,
   * `addLender` and `releaseLenders` this makes a Subtask usable as the ABI
   * core's `BorrowScope` on the caller side.
   */
  readonly lenders: ResourceHandle[] = [];
  /** Borrows are never lowered into the caller's side of a call; kept for `BorrowScope`'s shape. */
  numBorrows = 0;
  private delivered = false;
  cancellationRequested = false;
  flatResults: CoreValue[] = [];

  resolved(): boolean {
    return (
      this.state !== SubtaskState.STARTING &&
      this.state !== SubtaskState.STARTED
    );
  }

  /** CanonicalABI.md "Subtask State" `add_lender`. */
  addLender(h: ResourceHandle): void {
    h.numLends += 1;
    this.lenders.push(h);
  }

  releaseLenders(): void {
    for (const h of this.lenders) h.numLends -= 1;
    this.lenders.length = 0;
  }

  resolve(state: SubtaskStateT, flatResults: CoreValue[]): void {
    this.state = state;
    this.flatResults = flatResults;
  }

  /** Return borrowed handles to their owners once the caller has learnt of the resolution. */
  deliverResolve(): void {
    this.releaseLenders();
    this.delivered = true;
  }

  resolveDelivered(): boolean {
    return this.delivered;
  }

  /** CanonicalABI.md "Subtask State" `Subtask.drop`. */
  override drop(): void {
    if (!this.resolveDelivered())
      trap(
        "subtask.drop: the subtask has not resolved yet, or its resolution has not been delivered (wait for its SUBTASK event)",
        'CanonicalABI.md "Subtask State" Subtask.drop',
      );
    super.drop();
  }
}
