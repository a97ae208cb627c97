/**
 * The concurrency fields of CanonicalABI.md "Component Instances" that the
 * ABI core's instance state does not carry: `backpressure`,
 * `num_waiting_to_enter`, `exclusive_thread` and the store (`may_enter`,
 * `may_leave` and `parent` live on the instance state itself).
 * Kept in the instance's opaque `concurrency` slot, so the instance state stays the
 * ABI core's to define and the lookup on every call is a property read.
 */
import { trap, type InstanceLike } from "../async/deps.js";
import { Store } from "./store.js";
import type { Task } from "./task.js";

export class InstanceConcurrency {
  backpressure = 0;
  numWaitingToEnter = 0;
  /** The task whose implicit thread holds the instance (CanonicalABI.md "Tasks" `needs_exclusive`). */
  exclusive: Task | undefined;
  /** Calls whose core code suspended through JSPI while keeping the instance entered (link/jspi.ts). */
  suspendedHolds = 0;

  constructor(readonly store: Store) {}
}

let defaultStore: Store | undefined;

/** Register an instance with its store. Call once at instantiation, before any built-in runs. */
export function attachConcurrency(
  inst: InstanceLike,
  store: Store,
): InstanceConcurrency {
  let s = inst.concurrency as InstanceConcurrency | undefined;
  if (s) {
    if (s.store !== store)
      throw new Error(
        "attachConcurrency: instance is already attached to a different store",
      );
    return s;
  }
  s = new InstanceConcurrency(store);
  inst.concurrency = s;
  return s;
}

/** The instance's concurrency state; an instance never attached joins a shared default store. */
export function concurrencyOf(inst: InstanceLike): InstanceConcurrency {
  return (
    (inst.concurrency as InstanceConcurrency | undefined) ?? attachConcurrency(inst, (defaultStore ??= new Store()))
  );
}

export function storeOf(inst: InstanceLike): Store {
  return concurrencyOf(inst).store;
}

function selfAndAncestors(inst: InstanceLike): InstanceLike[] {
  const out: InstanceLike[] = [];
  for (let i: InstanceLike | undefined = inst; i; i = i.parent) out.push(i);
  return out;
}

/** CanonicalABI.md "Component Instances" `entering_set`. */
export function enteringSet(
  inst: InstanceLike,
  caller: InstanceLike | undefined,
): InstanceLike[] {
  const mine = selfAndAncestors(inst);
  if (!caller) return mine;
  const theirs = new Set(selfAndAncestors(caller));
  return mine.filter((i) => !theirs.has(i));
}

export function mayEnterFrom(
  inst: InstanceLike,
  caller: InstanceLike | undefined,
): boolean {
  if (!caller) {
    // The host's call (every call from JS): the whole chain, without building the set.
    for (let i: InstanceLike | undefined = inst; i; i = i.parent) if (!i.mayEnter) return false;
    return true;
  }
  return enteringSet(inst, caller).every((i) => i.mayEnter);
}

export function enterFrom(
  inst: InstanceLike,
  caller: InstanceLike | undefined,
): void {
  if (!caller) for (let i: InstanceLike | undefined = inst; i; i = i.parent) i.mayEnter = false;
  else for (const i of enteringSet(inst, caller)) i.mayEnter = false;
}

export function leaveTo(
  inst: InstanceLike,
  caller: InstanceLike | undefined,
): void {
  if (!caller) for (let i: InstanceLike | undefined = inst; i; i = i.parent) i.mayEnter = true;
  else for (const i of enteringSet(inst, caller)) i.mayEnter = true;
}

/** CanonicalABI.md: every built-in starts with `trap_if(not inst.may_leave)`. */
export function checkMayLeave(inst: InstanceLike, builtin: string): void {
  if (!inst.mayLeave)
    trap(
      `${builtin}: the instance may not leave here (inside realloc, post-return or a destructor)`,
      "CanonicalABI.md trap_if(not inst.may_leave)",
    );
}
