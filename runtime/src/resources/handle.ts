/**
 * Resource types, handles and borrow scopes (CanonicalABI.md "Resource State",
 * `Task.num_borrows`, `Subtask.lenders`).
 */
import type { ComponentInstanceState } from "../instance-state.js";

/**
 * A resource type's runtime identity (CanonicalABI.md `ResourceType`): two
 * handles have the same type iff they point at the same ResourceType object.
 */
export class ResourceType {
  /**
   * @param name WIT name, for messages.
   * @param impl The instance implementing the resource; `undefined` for host-implemented resources.
   * @param dtor Called with the rep when the last own handle is dropped.
   */
  constructor(
    readonly name: string,
    readonly impl: ComponentInstanceState | undefined,
    readonly dtor?: (rep: number) => void,
  ) {}
}

/** CanonicalABI.md `ResourceHandle`. */
export class ResourceHandle {
  /** Number of in-flight calls this handle is lent to as a `borrow` (`num_lends`). */
  numLends = 0;

  constructor(
    readonly rt: ResourceType,
    readonly rep: number,
    readonly own: boolean,
    /** For borrow handles: the call they were lent for. */
    readonly borrowScope?: BorrowScopeLike,
  ) {}
}

/** What the ABI core needs of a call's borrow scope (the async part's Task/Subtask provide it too). */
export interface BorrowScopeLike {
  numBorrows: number;
  addLender(h: ResourceHandle): void;
  releaseLenders(): void;
  /** Optional: run `fn` when the call's borrows end (expires JS wrappers of borrowed handles). */
  onRelease?(fn: () => void): void;
}

/**
 * What a call tracks about borrows (sync subset of the spec's Task/Subtask):
 * - as the callee's Task: `numBorrows`, borrow handles created in the callee
 *   that must be dropped before the call returns;
 * - as the caller's Subtask: `lenders`, the caller's handles lent out for the
 *   call, whose `numLends` is released when the call resolves.
 * The async engineer's Task/Subtask can extend this class.
 */
export class BorrowScope implements BorrowScopeLike {
  numBorrows = 0;
  lenders: ResourceHandle[] = [];

  addLender(h: ResourceHandle): void {
    h.numLends++;
    this.lenders.push(h);
  }

  /** CanonicalABI.md `Subtask.deliver_resolve`: lent handles become droppable again. */
  releaseLenders(): void {
    for (const h of this.lenders) h.numLends--;
    this.lenders.length = 0;
    const hooks = releaseHooks.get(this);
    if (hooks) {
      releaseHooks.delete(this);
      for (const f of hooks) f();
    }
  }

  // Optional (and its state kept outside the class) so objects of the same shape, like the
  // async part's Subtask, remain assignable to BorrowScope.
  onRelease?(fn: () => void): void {
    let hooks = releaseHooks.get(this);
    if (!hooks) releaseHooks.set(this, (hooks = []));
    hooks.push(fn);
  }
}

const releaseHooks = new WeakMap<BorrowScope, (() => void)[]>();
