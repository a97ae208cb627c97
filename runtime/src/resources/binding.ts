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
}

/** A host-implemented resource type: reps index a host-side table of JS objects. */
export class HostResourceBinding<T extends object = object> implements ResourceBinding {
  readonly type: ResourceType;
  private readonly objects: (T | undefined)[] = [undefined]; // rep 0 is never used
  private readonly freeReps: number[] = [];
  private readonly reps = new WeakMap<T, number>();

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

  toRep(value: unknown, _own: boolean): number {
    if (typeof value !== "object" || value === null || (this.cls && !(value instanceof this.cls))) {
      throw new AbiValueError(
        `expected a ${this.type.name} resource object${this.cls ? ` (instance of ${this.cls.name})` : ""}`,
      );
    }
    const obj = value as T;
    let rep = this.reps.get(obj);
    if (rep === undefined) {
      rep = this.freeReps.pop() ?? this.objects.length;
      this.objects[rep] = obj;
      this.reps.set(obj, rep);
    }
    return rep;
  }

  toJs(rep: number, _own: boolean): T {
    const obj = this.objects[rep];
    if (obj === undefined) {
      throw new Trap(`rep ${rep} does not name a live ${this.type.name} host resource`, {
        rule: "CanonicalABI.md ResourceHandle.rep",
      });
    }
    return obj;
  }

  /** The destructor (CanonicalABI.md `canon_resource_drop` on a host resource). */
  private destroy(rep: number): void {
    const obj = this.toJs(rep, true);
    this.objects[rep] = undefined;
    this.reps.delete(obj);
    this.freeReps.push(rep);
    const dispose = (obj as { [Symbol.dispose]?: () => void })[Symbol.dispose];
    if (typeof dispose === "function") dispose.call(obj);
  }

  /** Number of host objects currently known to the guest (for tests and leak checks). */
  get liveCount(): number {
    return this.objects.length - 1 - this.freeReps.length;
  }
}

type WrapperState = "owned" | "borrowed" | "moved" | "dropped";

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
  static take(r: GuestResource, binding: GuestResourceBinding, own: boolean): number {
    if (r.#binding !== binding) {
      throw new AbiValueError(`expected a ${binding.type.name} resource, got one of type ${r.#binding.type.name}`);
    }
    if (r.#state === "moved" || r.#state === "dropped") {
      throw new AbiValueError(`${binding.type.name} resource was already ${r.#state}`);
    }
    if (own) {
      if (r.#state !== "owned") throw new AbiValueError(`a borrowed ${binding.type.name} cannot be passed as own`);
      r.#state = "moved";
    }
    return r.#rep;
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
    private readonly wrap: (rep: number, binding: GuestResourceBinding, own: boolean) => GuestResource = (r, b, o) =>
      new GuestResource(r, b, o),
  ) {
    this.type = new ResourceType(name, impl, dtor);
  }

  toJs(rep: number, own: boolean): GuestResource {
    return this.wrap(rep, this, own);
  }

  toRep(value: unknown, own: boolean): number {
    if (!(value instanceof GuestResource)) throw new AbiValueError(`expected a ${this.type.name} resource object`);
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
export function runDestructor(rt: ResourceType, rep: number, caller: ComponentInstanceState | undefined): void {
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
    const trap = e instanceof Trap ? e.locate(func) : new Trap("destructor failed", { rule: "CanonicalABI.md call_and_trap_on_throw", func, cause: e });
    impl.poison(trap);
    throw trap;
  } finally {
    impl.leave(entered);
  }
}
