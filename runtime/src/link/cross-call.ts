/**
 * Calls from one component instance into another inside a composition.
 *
 * Nested instances have their enclosing instance as `parent`
 * (CanonicalABI.md "Component Instances"), so a call from the host into a
 * nested export also enters every ancestor. A call between two instances
 * must only enter `entering_set(caller)`: the callee's ancestors that are not
 * also the caller's. The sync entry check of `abi/call.ts` knows no caller,
 * so this wrapper hands the shared ancestors' `may_enter` to the callee for
 * the duration of the call and restores it after.
 */
import type { ComponentInstanceState } from "../instance-state.js";
import type { JsFunction } from "./adapters.js";
import type { RtFunc } from "./items.js";

export function callFrom(f: RtFunc, caller: ComponentInstanceState): JsFunction {
  const owner = f.owner;
  if (!owner || (!owner.parent && !caller.parent)) return f.call;
  const mine = caller.selfAndAncestors();
  const shared = [...owner.selfAndAncestors()].filter((i) => i !== owner && mine.has(i));
  if (shared.length === 0) return f.call;
  const call = f.call;
  return (...args) => {
    const prev = shared.map((i) => i.mayEnter);
    for (const i of shared) i.mayEnter = true;
    try {
      return call(...args);
    } finally {
      shared.forEach((i, k) => (i.mayEnter = prev[k]));
    }
  };
}
