/**
 * The journal of a host call's argument lowering. The spec's host values are always valid; ours
 * may not be, and a value refused after earlier arguments moved handles into the callee's table
 * must leave nothing behind: each lowering that adds a handle notes how to take it back (a
 * stream/future/error-context end is removed and dropped, an own resource is given back to the
 * host, a lent borrow is ended), and a refused call runs those notes, latest first.
 */
import type { LiftLowerContext } from "./context.js";

/** Starts journaling `cx`'s lowerings (a call's arguments; lowering never nests within one context). */
export function beginLowering(cx: LiftLowerContext): void {
  const journal = cx.loweredJournal;
  journal.length = 0;
  cx.lowered = journal;
}

/** The arguments are all lowered: nothing to take back any more. */
export function endLowering(cx: LiftLowerContext): void {
  cx.lowered = undefined;
  cx.loweredJournal.length = 0;
}

/** A lowering failed: takes back what the arguments before it moved into the callee (no-op after `endLowering`). */
export function undoLowering(cx: LiftLowerContext): void {
  const journal = cx.lowered;
  if (journal === undefined) return;
  cx.lowered = undefined;
  for (let k = journal.length - 1; k >= 0; k--) journal[k]!();
  journal.length = 0;
}

/** Runs `lower` (a call's argument lowering) in the journal: if it throws, what it moved is taken back. */
export function lowerJournaled<T>(cx: LiftLowerContext, lower: () => T): T {
  beginLowering(cx);
  let out: T;
  try {
    out = lower();
  } catch (e) {
    undoLowering(cx);
    throw e;
  }
  endLowering(cx);
  return out;
}

/** Whether values of these types can add handles to the callee's table. */
export function lowersHandles(types: readonly unknown[]): boolean {
  return /"kind":"(own|borrow|stream|future|error-context)"/.test(JSON.stringify(types));
}

const HANDLE_KINDS = new Set(["own", "borrow", "stream", "future", "error-context"]);

/**
 * Whether a call's argument lowering must run in the journal: an argument can add handles to the
 * callee's table and a later one can still be refused. Not when the only such argument is the
 * last and is one handle (a method's lone `self`): that moves all or nothing, and nothing follows.
 */
export function needsLoweringJournal(types: readonly { kind: string }[]): boolean {
  const first = types.findIndex((t) => lowersHandles([t]));
  if (first < 0) return false;
  return first !== types.length - 1 || !HANDLE_KINDS.has(types[first]!.kind);
}
