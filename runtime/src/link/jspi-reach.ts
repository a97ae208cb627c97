/**
 * Where `instantiate(..., { jspi: true })` may suspend. The engine cannot suspend a stack with a
 * JS frame between the `WebAssembly.promising` entry and the `Suspending` import (V8 throws
 * `SuspendError`, even when the import answers at once), and a call from one component instance
 * into another runs through JS (a lowering calling a lift). So an instance's host imports and
 * blocking built-ins are made suspending only when the root exports reach it without such a call:
 * its parent is reached so, the parent neither lowers its functions nor passes them (or an
 * instance holding them) to another instantiation, and it hands none of its own lifts to a child
 * component that lowers imports. Anything this scan does not follow counts as such a call.
 */
import type { ComponentAst, SortIdx } from "../binary/ast.js";

/** Where a function or instance of the index spaces comes from. */
interface Origin {
  /** Component instances (instance index space) whose functions it is or holds. */
  insts: Set<number>;
  /** It is, or holds, a lift of this component. */
  own: boolean;
}

const HOST: Origin = { insts: new Set(), own: false };

export interface JspiReach {
  /** Child instances (instance index) whose functions this component calls, or hands on, through JS. */
  crossCalled: Set<number>;
  /** Whether this component's own lifts are called through JS (lowered here or by a child). */
  ownCalledThroughJs: boolean;
}

/** Whether a component (nested ones included) lowers anything: then it may call its imports. */
function lowers(ast: ComponentAst): boolean {
  return ast.sections.some(
    (s) => (s.kind === "canons" && s.items.some((c) => c.kind === "lower")) || (s.kind === "component" && lowers(s.component)),
  );
}

export function jspiReach(ast: ComponentAst): JspiReach {
  const funcs: Origin[] = [];
  const instances: Origin[] = [];
  const components: (ComponentAst | undefined)[] = [];
  const crossCalled = new Set<number>();
  let ownCalledThroughJs = false;
  const merge = (os: Origin[]): Origin => ({ insts: new Set(os.flatMap((o) => [...o.insts])), own: os.some((o) => o.own) });
  /** An index this scan cannot place (not in a valid component): assume it reaches everything. */
  const unknown = (): Origin => ({ insts: new Set(instances.keys()), own: true });
  const originOf = (item: SortIdx): Origin | undefined =>
    item.sort === "func" ? (funcs[item.index] ?? unknown()) : item.sort === "instance" ? (instances[item.index] ?? unknown()) : undefined;
  /** `o` is called from this component's JS (a lowering) or handed to `child`'s instantiation. */
  const calledThroughJs = (o: Origin, child?: ComponentAst): void => {
    for (const i of o.insts) crossCalled.add(i);
    if (o.own && (!child || lowers(child))) ownCalledThroughJs = true;
  };

  for (const s of ast.sections) {
    switch (s.kind) {
      case "imports":
        for (const imp of s.items) {
          if (imp.type.kind === "func") funcs.push(HOST);
          else if (imp.type.kind === "instance") instances.push(HOST);
          else if (imp.type.kind === "component") components.push(undefined);
        }
        break;
      case "component":
        components.push(s.component);
        break;
      case "instances":
        for (const inst of s.items) {
          if (inst.kind === "instantiate") {
            const child = components[inst.component];
            for (const a of inst.args) {
              const o = originOf(a.item);
              if (o) calledThroughJs(o, child);
            }
            instances.push({ insts: new Set([instances.length]), own: false });
          } else {
            instances.push(merge(inst.exports.map((e) => originOf(e.item)).filter((o): o is Origin => o !== undefined)));
          }
        }
        break;
      case "aliases":
        for (const a of s.items) {
          if (a.kind === "instance-export") {
            const from = instances[a.instance] ?? unknown();
            if (a.sort === "func") funcs.push(from);
            else if (a.sort === "instance") instances.push(from);
            else if (a.sort === "component") components.push(undefined);
          } else if (a.kind === "outer" && a.sort === "component") components.push(undefined);
        }
        break;
      case "canons":
        for (const c of s.items) {
          if (c.kind === "lift") funcs.push({ insts: new Set(), own: true });
          else if (c.kind === "lower") calledThroughJs(funcs[c.func] ?? unknown());
        }
        break;
      case "exports":
        for (const e of s.items) {
          if (e.item.sort === "func") funcs.push(funcs[e.item.index] ?? unknown());
          else if (e.item.sort === "instance") instances.push(instances[e.item.index] ?? unknown());
          else if (e.item.sort === "component") components.push(components[e.item.index]);
        }
        break;
      default:
        break;
    }
  }
  return { crossCalled, ownCalledThroughJs };
}
