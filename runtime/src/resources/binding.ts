/**
 * How resource handles meet JS values at a component boundary.
 *
 * The spec moves a resource's `rep` (an i32) across the boundary; the host
 * sees JS objects. A {@link ResourceBinding} maps between the two for one
 * resource type:
 * - {@link HostResourceBinding}: the host implements the resource (the guest
 *   imports it). JS objects (instances of any host class) get a rep each;
 *   when the guest drops its last own handle the object's
 *   `[Symbol.dispose]()` runs.
 * - {@link GuestResourceBinding}: the guest implements the resource (it
 *   exports it). The host gets {@link GuestResource} wrappers (or generated
 *   subclasses) whose `[Symbol.dispose]()` runs the guest destructor.
 */
import type { ComponentInstanceState } from "../instance-state.js";
import { AbiValueError, Trap } from "../trap.js";
import { ResourceType } from "./handle.js";

export interface ResourceBinding {
  readonly type: ResourceType;
  /** Lifting: the JS value for `rep`; `own` means the host now owns the resource. */
  toJs(rep: number, own: boolean): unknown;
  /** Lowering: the rep of a JS value; `own` moves the resource out of the host. */
  toRep(value: unknown, own: boolean): number;
  /** Undoes `toRep(value, true)` for `rep`: the call it was for was refused, the host owns `value` again. */
  giveBack(value: unknown, rep: number): void;
}

interface HostEntry<T extends object> {
  /** The object, weakly: enough while only borrows refer to it (the caller holds it meanwhile). */
  ref: WeakRef<T>;
  /** The object, strongly, while the guest owns it through at least one own handle. */
  strong: T | undefined;
  /** Number of own handles the guest holds for this rep. */
  owners: number;
}

/**
 * A host-implemented resource type: reps index a host-side table of JS
 * objects, one rep per live object. Owning handles keep the object alive; when
 * the guest drops the last one, the object's `[Symbol.dispose]()` runs. Reps of
 * objects that were only ever borrowed are recycled once the object is
 * garbage-collected.
 */
export class HostResourceBinding<
  T extends object = object,
> implements ResourceBinding {
  readonly type: ResourceType;
  private readonly entries: (HostEntry<T> | undefined)[] = [undefined]; // rep 0 is never used
  private readonly freeReps: number[] = [];
  private readonly reps = new WeakMap<T, number>();
  private readonly finalizer = new FinalizationRegistry<number>((rep) => {
    const e = this.entries[rep];
    if (e && e.ref.deref() === undefined) this.forgetRep(rep, e);
  });

  /**
   * @param name WIT resource name (messages).
   * @param cls When given, lowered values must be instances of it.
   */
  constructor(
    name: string,
    private readonly cls?: abstract new (...args: never[]) => T,
  ) {
    this.type = new ResourceType(name, undefined, (rep) => this.destroy(rep));
  }

  toRep(value: unknown, own: boolean): number {
    if (
      typeof value !== "object" ||
      value === null ||
      (this.cls && !(value instanceof this.cls))
    ) {
      throw new AbiValueError(
        `expected a ${this.type.name} resource object${this.cls ? ` (instance of ${this.cls.name})` : ""}`,
      );
    }
    const obj = value as T;
    let rep = this.reps.get(obj);
    let e = rep === undefined ? undefined : this.entries[rep];
    if (rep === undefined || e === undefined) {
      rep = this.freeReps.pop() ?? this.entries.length;
      e = { ref: new WeakRef(obj), strong: undefined, owners: 0 };
      this.entries[rep] = e;
      this.reps.set(obj, rep);
      this.finalizer.register(obj, rep, e);
    }
    if (own) {
      // Passing the same object as `own` twice shares it: it is disposed when the last handle goes.
      e.owners++;
      e.strong = obj;
    }
    return rep;
  }

  giveBack(_value: unknown, rep: number): void {
    this.toJs(rep, true);
  }

  toJs(rep: number, own: boolean): T {
    const e = this.entries[rep];
    const obj = e?.strong ?? e?.ref.deref();
    if (e === undefined || obj === undefined) {
      throw new Trap(
        `rep ${rep} does not name a live ${this.type.name} host resource`,
        {
          rule: "CanonicalABI.md ResourceHandle.rep",
        },
      );
    }
    if (own && e.owners > 0 && --e.owners === 0) e.strong = undefined; // the host owns it again
    return obj;
  }

  /** The destructor (CanonicalABI.md `canon_resource_drop` of an own handle to a host resource). */
  private destroy(rep: number): void {
    const e = this.entries[rep];
    const obj = e?.strong;
    if (e === undefined || obj === undefined) {
      throw new Trap(
        `rep ${rep} does not name a live owned ${this.type.name} host resource`,
        {
          rule: "CanonicalABI.md canon_resource_drop",
        },
      );
    }
    if (--e.owners > 0) return;
    e.strong = undefined;
    this.forgetRep(rep, e);
    this.reps.delete(obj);
    const dispose = (obj as { [Symbol.dispose]?: () => void })[Symbol.dispose];
    if (typeof dispose === "function") dispose.call(obj);
  }

  private forgetRep(rep: number, e: HostEntry<T>): void {
    this.finalizer.unregister(e);
    this.entries[rep] = undefined;
    this.freeReps.push(rep);
  }

  /** Number of host objects the guest currently owns (for tests and leak checks). */
  get liveCount(): number {
    let n = 0;
    for (const e of this.entries) if (e && e.owners > 0) n++;
    return n;
  }
}

type WrapperState = "owned" | "borrowed" | "moved" | "dropped" | "expired";

/**
 * Host-side view of a guest-implemented resource. Generated classes extend it
 * and add the resource's methods. Disposing an owned wrapper drops the handle
 * (runs the guest destructor); a moved or dropped wrapper can no longer be used.
 */
export class GuestResource {
  #rep: number;
  #binding: GuestResourceBinding;
  #state: WrapperState;

  constructor(rep: number, binding: GuestResourceBinding, own: boolean) {
    this.#rep = rep;
    this.#binding = binding;
    this.#state = own ? "owned" : "borrowed";
  }

  /** @internal Used by {@link GuestResourceBinding}. */
  static take(
    r: GuestResource,
    binding: GuestResourceBinding,
    own: boolean,
  ): number {
    if (r.#binding !== binding) {
      const theirs = r.#binding.type.name;
      // Same name, other type: a resource of another instance (each instantiation defines its own types).
      throw new AbiValueError(
        theirs === binding.type.name
          ? `expected a ${binding.type.name} resource of this instance, got one of type ${theirs} from another instance`
          : `expected a ${binding.type.name} resource, got one of type ${theirs}`,
      );
    }
    if (r.#state === "moved" || r.#state === "dropped") {
      throw new AbiValueError(
        `${binding.type.name} resource was already ${r.#state}`,
      );
    }
    if (r.#state === "expired") {
      throw new AbiValueError(
        `borrowed ${binding.type.name} resource used after the call that lent it returned`,
      );
    }
    if (own) {
      if (r.#state !== "owned")
        throw new AbiValueError(
          `a borrowed ${binding.type.name} cannot be passed as own`,
        );
      r.#state = "moved";
    }
    return r.#rep;
  }

  /** @internal A lowering as own was undone (the call was refused): the host owns the wrapper again. */
  static restore(r: GuestResource): void {
    if (r.#state === "moved") r.#state = "owned";
  }

  /** @internal Ends a borrowed wrapper's validity when the call that lent it returns. */
  static expire(r: GuestResource): void {
    if (r.#state === "borrowed") r.#state = "expired";
  }

  [Symbol.dispose](): void {
    if (this.#state !== "owned") return;
    this.#state = "dropped";
    this.#binding.dropRep(this.#rep);
  }
}

/** A guest-implemented resource type as seen by the host. */
export class GuestResourceBinding implements ResourceBinding {
  readonly type: ResourceType;

  /**
   * @param impl The implementing instance.
   * @param dtor The guest's core destructor (if the resource has one).
   * @param wrap Makes the JS wrapper; generated code passes its class here.
   */
  constructor(
    name: string,
    impl: ComponentInstanceState,
    dtor?: (rep: number) => void,
    private readonly wrap: (
      rep: number,
      binding: GuestResourceBinding,
      own: boolean,
    ) => GuestResource = (r, b, o) => new GuestResource(r, b, o),
  ) {
    this.type = new ResourceType(name, impl, dtor);
  }

  toJs(rep: number, own: boolean): GuestResource {
    return this.wrap(rep, this, own);
  }

  giveBack(value: unknown): void {
    GuestResource.restore(value as GuestResource);
  }

  toRep(value: unknown, own: boolean): number {
    if (!(value instanceof GuestResource))
      throw new AbiValueError(`expected a ${this.type.name} resource object`);
    return GuestResource.take(value, this, own);
  }

  /** Drops a host-owned rep: runs the guest destructor inside the implementing instance. */
  dropRep(rep: number): void {
    runDestructor(this.type, rep, undefined);
  }
}

/**
 * Calls a resource type's destructor as `canon_resource_drop` does: through
 * `Store.lift` of the implementing instance, so entering it is checked.
 */
export function runDestructor(
  rt: ResourceType,
  rep: number,
  caller: ComponentInstanceState | undefined,
): void {
  const dtor = rt.dtor;
  if (!dtor) return;
  const impl = rt.impl;
  if (!impl) {
    dtor(rep);
    return;
  }
  const func = `[resource-drop]${rt.name}`;
  const entered = impl.enter(func, caller);
  try {
    dtor(rep);
  } catch (e) {
    const trap =
      e instanceof Trap
        ? e.locate(func)
        : new Trap("destructor failed", {
            rule: "CanonicalABI.md call_and_trap_on_throw",
            func,
            cause: e,
          });
    impl.poison(trap);
    throw trap;
  } finally {
    impl.leave(entered);
  }
}
