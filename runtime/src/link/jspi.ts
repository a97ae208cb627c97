/**
 * `instantiate(imports, { jspi: true })`: JS Promise Integration. JS cannot block, so a
 * synchronous component call that has to wait needs the engine to suspend the wasm stack: every
 * root export's core function (and callback) is entered through `WebAssembly.promising` (its JS
 * function then returns a Promise), and sync-lowered host imports, `waitable-set.wait` and sync
 * stream/future copies are `WebAssembly.Suspending` imports (in every instance the root exports
 * reach without a call between instances: `jspi-reach.ts`).
 *
 * - A host import of a non-async function that returns a promise (or `blockOn(p)`): a host
 *   suspension, invisible to the Component Model. The calling instance stays entered
 *   (CanonicalABI.md "Embedding" `Store.lift` holds `may_enter` until a non-async call returns):
 *   a host call into it waits until it is free (`Store.deferEntry`: the spec's host could not have
 *   called in meanwhile), a call from inside a host import is re-entrance (a trap), and the store
 *   resumes none of its waiting threads meanwhile. A promising entry that completed without
 *   suspending frees the instance at once (task/callback-loop.ts `runCore`).
 * - A Component Model wait (`waitable-set.wait` with no event, a sync stream/future copy that
 *   cannot finish, a sync lowering of an `async func` that did not) in an async-typed task:
 *   `Thread.wait_until` — the instance is left, the task keeps its exclusive slot, the store's
 *   tick resumes the stack. A non-async function may not block: it traps (CanonicalABI.md
 *   "canon lift").
 *
 * V8 (Node 26) suspends at every call of a Suspending import, even one answered without a
 * promise (the wasm resumes in a later job), so each such call costs a suspension; hence the
 * option, and nothing of this runs without it. The engine cannot suspend across JS frames (a
 * call between instances runs through JS), hence `jspi-reach.ts`; code not entered through
 * `promising` (resource destructors, a core start function) must not call a suspending import.
 *
 * This module: the option check, the `Suspending` / `promising` wiring and root exports; the
 * suspending host lowers are in `jspi-lower.ts`, the suspending waits and copies in `jspi-wait.ts`.
 */
import type { CoreFunction } from "../abi/call.js";
import { jspiAvailable } from "../api/block-on.js";
import { JspiUnavailableError } from "../api/errors.js";
import type { ComponentInstanceState } from "../instance-state.js";
import { callFromHost } from "../task/host-function.js";
import type { FuncInst } from "../task/callback-loop.js";
import { AbiValueError, Trap } from "../trap.js";
import type { JsFunction } from "./adapters.js";

interface JspiApi {
  Suspending: new (f: (...a: never[]) => unknown) => object;
  promising: (f: CoreFunction) => (...a: unknown[]) => Promise<unknown>;
}

function api(): JspiApi {
  return (globalThis as unknown as { WebAssembly: JspiApi }).WebAssembly;
}

/** `instantiate`'s check of the option: the engine must have JSPI. */
export function requireJspi(): void {
  if (!jspiAvailable()) throw new JspiUnavailableError("instantiate(imports, { jspi: true })");
}

/** The core functions that core modules must import as `WebAssembly.Suspending`. */
const suspendable = new WeakSet<object>();

/** Marks `f` (a built-in or lowering that may suspend) to be imported as `WebAssembly.Suspending`. */
export function markSuspendable<F extends object>(f: F): F {
  suspendable.add(f);
  return f;
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The import object for one core instantiation with every suspendable function (from the
 * instantiator's inline export bundles; a wasm instance's exports hold none) wrapped anew.
 */
export function withSuspendingImports(importObject: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, bundle] of Object.entries(importObject)) {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(bundle)) {
      const v = bundle[key];
      if (typeof v !== "function" || !suspendable.has(v)) continue;
      copy ??= { ...bundle };
      copy[key] = new (api().Suspending)(v as (...a: never[]) => unknown);
    }
    out[name] = copy ?? bundle;
  }
  return out;
}

/** `WebAssembly.promising(core)`, or `undefined` when `core` is not a wasm function (JSPI cannot enter it). */
export function promisingCore(core: CoreFunction): CoreFunction | undefined {
  try {
    return api().promising(core) as unknown as CoreFunction;
  } catch {
    return undefined;
  }
}

/** Traps that refuse an entry (re-entrance, lockdown) do not poison again (as `async-calls.ts`). */
function refusedEntry(t: Trap): boolean {
  return /may_enter|lockdown|invariant 1/.test(t.rule);
}

/**
 * A root export's JS function under JSPI: `lifted` runs its core function through
 * `WebAssembly.promising`, so the call returns a Promise of the result; a trap (before or after
 * a suspension) rejects it and poisons the instance.
 */
export function suspendableExport(lifted: FuncInst, state: ComponentInstanceState, name: string): JsFunction {
  return (...args) =>
    callFromHost(lifted, args).result.then(
      (r) => r?.[0],
      (e: unknown) => {
        if (e instanceof Trap) {
          e.locate(name);
          if (!refusedEntry(e)) state.poison(e);
        } else if (e instanceof AbiValueError) e.locate(name);
        throw e;
      },
    );
}

/**
 * Without `jspi`: a sync-lowered host import that returns a Promise cannot be waited for.
 * (The check is one `typeof` on the host's result.) Not for a `future<T>` result: there the
 * promise (or `FutureReader`, a thenable) the host returns is the future itself.
 */
export function noPromiseResult(path: string, call: JsFunction, jspi: boolean, resultIsFuture: boolean): JsFunction {
  if (resultIsFuture) return call;
  const why = jspi
    ? "in a component instance reached through a call between instances, where JSPI cannot suspend (that call has JS frames on the stack, see jspi-reach.ts); return the value synchronously"
    : "and cannot wait for it without JSPI: instantiate the component with { jspi: true } on an engine with JSPI " +
      "(WebAssembly.Suspending / promising: Node >= 24), or return the value synchronously";
  return (...args) => {
    const r = call(...args);
    if (typeof (r as PromiseLike<unknown> | undefined)?.then === "function") {
      // Nobody would await it: a rejection would go unhandled.
      Promise.resolve(r).catch(() => {});
      throw new Trap(`host import ${path} returned a Promise, but the component calls it synchronously ${why}`, {
        rule: 'Concurrency.md "Blocking"',
        func: path,
      });
    }
    return r;
  };
}
