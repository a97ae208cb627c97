/**
 * The resource built-ins core code imports: `canon resource.new/rep/drop`
 * (CanonicalABI.md "canon resource.new", "canon resource.drop", "canon resource.rep").
 */
import type { ComponentInstanceState } from "../instance-state.js";
import { Trap } from "../trap.js";
import { ResourceHandle, type ResourceType } from "./handle.js";
import { runDestructor } from "./binding.js";

/** CanonicalABI.md `canon_resource_new`. */
export function resourceNew(
  inst: ComponentInstanceState,
  rt: ResourceType,
  rep: number,
): number {
  inst.checkMayLeave(`[resource-new]${rt.name}`);
  return inst.handles.add(new ResourceHandle(rt, rep >>> 0, true));
}

/** CanonicalABI.md `canon_resource_rep`. */
export function resourceRep(
  inst: ComponentInstanceState,
  rt: ResourceType,
  i: number,
): number {
  const rule = "CanonicalABI.md canon_resource_rep";
  const h = inst.handles.get(i >>> 0, rule);
  checkHandle(h, rt, i, rule);
  return h.rep;
}

/** CanonicalABI.md `canon_resource_drop`. */
export function resourceDrop(
  inst: ComponentInstanceState,
  rt: ResourceType,
  i: number,
): void {
  const rule = "CanonicalABI.md canon_resource_drop";
  inst.checkMayLeave(`[resource-drop]${rt.name}`);
  // Checked before removing (the spec removes first; a trap ends the instance either way,
  // but this keeps the table intact for a host that catches the trap).
  const h = inst.handles.get(i >>> 0, rule);
  checkHandle(h, rt, i, rule);
  if (h.numLends !== 0) {
    throw new Trap(
      `cannot drop ${rt.name} handle ${i} while it is lent to ${h.numLends} call(s)`,
      { rule },
    );
  }
  inst.handles.remove(i >>> 0, rule);
  if (h.own) {
    // A dtor of a resource implemented by this same instance runs without an entry check (entering_set is empty).
    runDestructor(rt, h.rep, inst);
  } else {
    h.borrowScope!.numBorrows--;
  }
}

export function checkHandle(
  h: object,
  rt: ResourceType,
  i: number,
  rule: string,
): asserts h is ResourceHandle {
  if (!(h instanceof ResourceHandle))
    throw new Trap(`handle ${i} is not a resource handle`, { rule });
  if (h.rt !== rt)
    throw new Trap(`handle ${i} is a ${h.rt.name}, expected a ${rt.name}`, {
      rule,
    });
}
