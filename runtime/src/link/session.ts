/**
 * State shared by all component instances created by one top-level
 * instantiation (the spec's `Store`, sync subset): the resource registry the
 * codecs resolve `own`/`borrow` ids against, one {@link CodecCompiler}, the
 * JS classes of exported guest resources, the adapters and the list of
 * missing host imports.
 */
import { CodecCompiler } from "../abi/codec.js";
import type { AsyncValueHooks } from "../abi/context.js";
import { Store } from "../task/store.js";
import { hooksFor } from "./async-builtins.js";
import { GuestResource, type GuestResourceBinding, type ResourceBinding } from "../resources/binding.js";
import type { HostAdapters, JsFunction } from "./adapters.js";
import type { MissingImport } from "./errors.js";
import type { ResultPolicy } from "./results.js";
import type { RtResource } from "./types.js";

let nextResourceId = 1;

/** The class exported for a guest resource, plus the slot its constructor calls. */
export interface GuestClass {
  cls: abstract new (...args: never[]) => GuestResource;
  slot: { ctor?: JsFunction };
}

export class LinkSession {
  private readonly resources = new Map<number, ResourceBinding>();
  readonly compiler = new CodecCompiler((id, name) => {
    const b = this.resources.get(id);
    if (!b) throw new Error(`internal: no binding for resource ${name} (id ${id})`);
    return b;
  });
  private readonly classes = new Map<ResourceBinding, GuestClass>();
  /** Stream/future/error-context lifting and lowering for every canonical function of the session. */
  readonly hooks: AsyncValueHooks = hooksFor(this.compiler);
  /** The async half's store (event loop), shared by all instances of the tree. */
  readonly store = new Store();
  readonly missing: MissingImport[] = [];
  private instanceCount = 0;

  constructor(
    readonly adapters: HostAdapters,
    /** The result style of root exports and host imports (`results.ts`). */
    readonly results: ResultPolicy = { style: "union" },
    /** `instantiate(..., { jspi: true })`: sync root exports and host imports may suspend (`jspi.ts`). */
    readonly jspi = false,
  ) {
    // Generated stream/future element code (glue) replaces the interpreted element codecs.
    this.compiler.elementAdapters = adapters.elements;
  }

  newResource(name: string, binding: ResourceBinding): RtResource {
    const id = nextResourceId++;
    this.resources.set(id, binding);
    return { id, name, binding };
  }

  binding(id: number): ResourceBinding {
    const b = this.resources.get(id);
    if (!b) throw new Error(`unknown resource id ${id}`);
    return b;
  }

  instanceName(base: string): string {
    return this.instanceCount++ === 0 ? base : `${base}#${this.instanceCount - 1}`;
  }

  /**
   * Makes host-visible wrappers of a guest resource: an instance of its
   * exported class when there is one, else a plain {@link GuestResource}.
   */
  readonly wrap = (rep: number, binding: GuestResourceBinding, own: boolean): GuestResource => {
    const c = this.classes.get(binding);
    return c ? (Reflect.construct(GuestResource, [rep, binding, own], c.cls) as GuestResource) : new GuestResource(rep, binding, own);
  };

  /** The JS class of a guest resource (created on first export). */
  classFor(binding: ResourceBinding, name: string): GuestClass {
    let c = this.classes.get(binding);
    if (!c) {
      c = makeGuestClass(name);
      this.classes.set(binding, c);
    }
    return c;
  }
}

/**
 * A class whose instances are {@link GuestResource}s: `new C(...)` calls the
 * guest constructor (which returns a wrapper made by `wrap`, an instance of C);
 * wrappers made by lifting never run this constructor.
 */
function makeGuestClass(name: string): GuestClass {
  const slot: GuestClass["slot"] = {};
  const C = function (this: unknown, ...args: unknown[]): unknown {
    if (!new.target) throw new TypeError(`class ${name} cannot be invoked without 'new'`);
    if (!slot.ctor) throw new TypeError(`resource ${name} has no constructor`);
    return slot.ctor(...args);
  };
  Object.defineProperty(C, "name", { value: name });
  Object.setPrototypeOf(C.prototype, GuestResource.prototype);
  Object.setPrototypeOf(C, GuestResource);
  return { cls: C as unknown as GuestClass["cls"], slot };
}
