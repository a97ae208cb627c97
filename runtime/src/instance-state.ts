/**
 * Per-component-instance state (CanonicalABI.md "Component Instances"): the
 * one handle table, the `may_enter` / `may_leave` flags, and the lockdown
 * ("poisoned") state entered after a trap (Explainer.md invariant 1: no
 * execution after a trap).
 */
import { HandleTable } from "./resources/table.js";
import { Trap } from "./trap.js";

/** A core memory as the ABI needs it (`WebAssembly.Memory` fits). */
export interface CoreMemory {
  readonly buffer: ArrayBuffer;
}

/** A core `realloc(old_ptr, old_size, align, new_size) -> ptr` export. */
export type CoreRealloc = (
  oldPtr: number,
  oldSize: number,
  align: number,
  newSize: number,
) => number;

/** A handle-table entry that must learn when its instance traps. */
export interface TrapObserver {
  onInstanceTrap(trap: Trap): void;
}

export class ComponentInstanceState {
  /** CanonicalABI.md `ComponentInstance.handles`: resources now; waitables, streams, futures, error contexts later. */
  readonly handles = new HandleTable<object>();
  /** CanonicalABI.md `may_leave`: false while realloc / post-return / a dtor-free region runs. */
  mayLeave = true;
  /** CanonicalABI.md `may_enter`: false while a sync call is inside this instance. */
  mayEnter = true;
  /** The first trap raised in this instance; once set every entry traps. */
  poisoned: Trap | undefined;
  /** The task layer's state (task/instance.ts `concurrencyOf`). */
  concurrency: object | undefined = undefined;
  /** Default memory / realloc of the instance's canonical options (set by instantiation). */
  memory: CoreMemory | undefined;
  realloc: CoreRealloc | undefined;
  /** Nested instances, for debugging views that cover a whole composition. */
  readonly children: ComponentInstanceState[] = [];

  constructor(
    /** For messages, e.g. the component's name. */
    readonly name = "component",
    /** CanonicalABI.md `ComponentInstance.parent` (nested instances). */
    readonly parent?: ComponentInstanceState,
  ) {
    parent?.children.push(this);
  }

  /** This instance and every instance nested in it. */
  *selfAndDescendants(): Generator<ComponentInstanceState> {
    yield this;
    for (const c of this.children) yield* c.selfAndDescendants();
  }

  selfAndAncestors(): Set<ComponentInstanceState> {
    const s = new Set<ComponentInstanceState>();
    for (let i: ComponentInstanceState | undefined = this; i; i = i.parent)
      s.add(i);
    return s;
  }

  /** CanonicalABI.md `entering_set`. */
  enteringSet(
    caller: ComponentInstanceState | undefined,
  ): ComponentInstanceState[] {
    const mine = [...this.selfAndAncestors()];
    if (!caller) return mine;
    const theirs = caller.selfAndAncestors();
    return mine.filter((i) => !theirs.has(i));
  }

  /**
   * `Store.lift`'s entry check: trap if poisoned or re-entered
   * (CanonicalABI.md `may_enter_from` / `enter_from`). Returns what `leave` undoes.
   */
  enter(
    func: string,
    caller?: ComponentInstanceState,
  ): readonly ComponentInstanceState[] {
    if (!this.parent && !caller) {
      // Common case: a top-level instance entered from the host.
      this.checkEnter(func);
      this.mayEnter = false;
      return this.justSelf;
    }
    const set = this.enteringSet(caller);
    for (const i of set) i.checkEnter(func);
    for (const i of set) i.mayEnter = false;
    return set;
  }

  private readonly justSelf: readonly ComponentInstanceState[] = [this];

  private checkEnter(func: string): void {
    if (this.poisoned) {
      throw new Trap(
        `instance "${this.name}" is poisoned by an earlier trap (${this.poisoned.reason})`,
        {
          rule: "Explainer.md component invariants: lockdown after trap",
          func,
        },
      );
    }
    if (!this.mayEnter) {
      throw new Trap(
        `instance "${this.name}" cannot be re-entered during a synchronous call`,
        {
          rule: "CanonicalABI.md Store.lift may_enter_from",
          func,
        },
      );
    }
  }

  /** CanonicalABI.md `leave_to`. */
  leave(entered: readonly ComponentInstanceState[]): void {
    for (let i = 0; i < entered.length; i++) entered[i].mayEnter = true;
  }

  /** CanonicalABI.md `canon_lower` / built-ins: `trap_if(not inst.may_leave)`. */
  checkMayLeave(func: string): void {
    if (this.poisoned) {
      throw new Trap(
        `instance "${this.name}" is poisoned by an earlier trap (${this.poisoned.reason})`,
        {
          rule: "Explainer.md component invariants: lockdown after trap",
          func,
        },
      );
    }
    if (!this.mayLeave) {
      throw new Trap(
        `instance "${this.name}" may not leave here (inside realloc, post-return or a destructor)`,
        {
          rule: "CanonicalABI.md canon_lower may_leave",
          func,
        },
      );
    }
  }

  /**
   * Enters lockdown after a trap; the first trap is kept as the reason. Entries of the handle
   * table that watch for it (stream and future ends) learn of it, so a host waiting on the other
   * end fails with the trap instead of waiting forever.
   */
  poison(trap: Trap): void {
    if (this.poisoned) return;
    this.poisoned = trap;
    for (const [, entry] of this.handles.entries()) (entry as Partial<TrapObserver>).onInstanceTrap?.(trap);
  }
}
