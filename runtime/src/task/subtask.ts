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
import type { OnCancel } from "./task.js";

/** A handle whose borrows are lent to the callee for the duration of the call. */
export interface Lender {
  numLends: number;
}

export class Subtask extends Waitable {
  readonly kind = "subtask";
  state: SubtaskStateT = SubtaskState.STARTING;
  onCancel: OnCancel | undefined;
  /** `undefined` once the resolution has been delivered to the caller. */
  private lenders: Lender[] | undefined = [];
  cancellationRequested = false;
  flatResults: CoreValue[] = [];

  resolved(): boolean {
    return (
      this.state !== SubtaskState.STARTING &&
      this.state !== SubtaskState.STARTED
    );
  }

  /** CanonicalABI.md "Subtask State" `add_lender`. */
  addLender(h: Lender): void {
    h.numLends += 1;
    this.lenders!.push(h);
  }

  resolve(state: SubtaskStateT, flatResults: CoreValue[]): void {
    this.state = state;
    this.flatResults = flatResults;
  }

  /** Return borrowed handles to their owners once the caller has learnt of the resolution. */
  deliverResolve(): void {
    for (const h of this.lenders!) h.numLends -= 1;
    this.lenders = undefined;
  }

  resolveDelivered(): boolean {
    return this.lenders === undefined;
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
