/** Lookups and insertions in a scope's index spaces, with errors naming the byte offset. */
import { ComponentLoadError } from "../errors.js";
import type { SortIdx } from "../ast.js";
import type { FuncEnt, InstanceTypeEnt, Item, Scope } from "./entities.js";

export function fail(offset: number, message: string): never {
  throw new ComponentLoadError(offset, message);
}

export function at<T>(space: T[], index: number, what: string, offset: number): T {
  if (index >= space.length) fail(offset, `expected a ${what} index below ${space.length}, found ${index}`);
  return space[index];
}

export function sortItem(scope: Scope, s: SortIdx, offset: number): Item {
  switch (s.sort) {
    case "func":
      return { sort: "func", type: at(scope.funcs, s.index, "function", offset) };
    case "type":
      return { sort: "type", type: at(scope.types, s.index, "type", offset) };
    case "instance":
      return { sort: "instance", instance: at(scope.instances, s.index, "instance", offset) };
    case "component":
      return { sort: "component", component: at(scope.components, s.index, "component", offset) };
    case "value":
      if (s.index >= scope.values) fail(offset, `expected a value index below ${scope.values}, found ${s.index}`);
      return { sort: "value" };
    case "core module":
      return { sort: "core module" };
    default:
      return fail(offset, `expected a component-level sort or core module, found ${s.sort}`);
  }
}

export function push(scope: Scope, item: Item): void {
  switch (item.sort) {
    case "func":
      scope.funcs.push(item.type);
      break;
    case "type":
      scope.types.push(item.type);
      break;
    case "instance":
      scope.instances.push(item.instance);
      break;
    case "component":
      scope.components.push(item.component);
      break;
    case "value":
      scope.values++;
      break;
    case "core module":
      break;
  }
}

export function instanceTypeAt(scope: Scope, index: number, offset: number): InstanceTypeEnt {
  const ent = at(scope.types, index, "type", offset);
  if (ent.t !== "instance-type") fail(offset, `expected type ${index} to be an instance type, found a ${ent.t} type`);
  return ent;
}

export function funcTypeAt(scope: Scope, index: number, offset: number): FuncEnt {
  const ent = at(scope.types, index, "type", offset);
  if (ent.t !== "func") fail(offset, `expected type ${index} to be a function type, found a ${ent.t} type`);
  return ent;
}

/** The item an import or export declaration of `externtype` introduces (fresh resources, fresh instances). */
