/**
 * The root instance's exports as JS values (the mapping documented in
 * `component.ts`): functions, instances (keyed by their full extern name) and
 * guest resources as classes with constructor, methods, statics and
 * `[Symbol.dispose]` (from {@link GuestResource}), every member named by
 * {@link memberNames} (docs/mapping.md "Names"), as generated declarations name them.
 */
import { memberNames, parseResourceFunction } from "../abi/naming.js";
import { planFunction } from "../abi/plan.js";
import { GuestResourceBinding, type ResourceBinding } from "../resources/binding.js";
import { externPath, type JsFunction } from "./adapters.js";
import type { RtFunc, RtInstance, RtItem } from "./items.js";
import { throwingExport, throwsErr } from "./results.js";
import type { LinkSession } from "./session.js";

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: false, configurable: false });
}

/** The JS function for an exported component function, via a `liftExport` adapter when one answers. */
function jsFunction(session: LinkSession, f: RtFunc, path: string): JsFunction {
  if (f.jspi) {
    // Under `jspi` every export is entered through WebAssembly.promising and returns a Promise (`jspi.ts`); generated adapters are not used.
    const call = f.jspi();
    return throwsErr(session.results, "exports", path, f.sig) ? throwingExport(call) : call;
  }
  const task = session.adapters.taskExport;
  if (task && f.taskLift) {
    // The task machinery makes the call; generated code may give the value code.
    const { cx, opts, use } = f.taskLift;
    const values = task(path, {
      path,
      signature: f.sig,
      plan: planFunction(f.sig, "lift", { stringEncoding: opts.stringEncoding, postReturn: !!opts.postReturn }),
      cx,
      codecs: session.compiler,
      resource: (id) => session.binding(id),
      inst: cx.inst,
    });
    if (values) use(values);
  }
  const lift = session.adapters.liftExport;
  if (lift && f.lift) {
    const l = f.lift;
    const custom = lift(path, l.core, {
      path,
      signature: f.sig,
      plan: l.plan,
      cx: l.cx,
      codecs: session.compiler,
      resource: (id) => session.binding(id),
      inst: l.cx.inst,
      dynamic: () => f.call,
    });
    if (custom) return custom;
  }
  // Generated adapters already return in the style they were generated with.
  return throwsErr(session.results, "exports", path, f.sig) ? throwingExport(f.call) : f.call;
}

/** The root exports by extern path, for generated glue that builds its own JS shape. */
export interface ExportTable {
  /** Every exported function (after `liftExport` adapters), e.g. `"run"`, `"ns:pkg/iface@1.0.0#[method]r.get"`. */
  functions: Map<string, JsFunction>;
  /** Every exported resource type's binding, e.g. `"ns:pkg/iface@1.0.0#r"`. */
  resources: Map<string, ResourceBinding>;
}

export function buildRootExports(session: LinkSession, exports: Map<string, RtItem>): { exports: Record<string, unknown>; table: ExportTable } {
  const table: ExportTable = { functions: new Map(), resources: new Map() };
  const out: Record<string, unknown> = {};
  addMembers(session, out, exports, undefined, table);
  const names = namesOf(exports);
  for (const [name, item] of exports) {
    if (item.sort === "instance") define(out, names.instances.get(name)!, buildInstance(session, item.instance, name, table));
  }
  return { exports: Object.freeze(out), table };
}

function buildInstance(session: LinkSession, inst: RtInstance, name: string, table: ExportTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  addMembers(session, out, inst.exports, name, table);
  return Object.freeze(out);
}

/** The JS names of an export map's members. */
function namesOf(exports: Map<string, RtItem>): ReturnType<typeof memberNames> {
  const functions: string[] = [];
  const resources: string[] = [];
  const instances: string[] = [];
  for (const [name, item] of exports) {
    if (item.sort === "func") functions.push(name);
    else if (item.sort === "instance") instances.push(name);
    else if (item.sort === "type" && item.type.t === "resource") resources.push(name);
  }
  return memberNames({ functions, resources, instances });
}

/** Functions and resource classes of one export map. */
function addMembers(session: LinkSession, out: Record<string, unknown>, exports: Map<string, RtItem>, iface: string | undefined, table: ExportTable): void {
  const names = namesOf(exports);
  const classes = new Map<string, ReturnType<LinkSession["classFor"]>>();
  for (const [name, item] of exports) {
    if (item.sort !== "type" || item.type.t !== "resource") continue;
    const b = item.type.res.binding;
    table.resources.set(externPath(iface, name), b);
    if (!(b instanceof GuestResourceBinding)) continue;
    const className = names.classes.get(name)!;
    const c = session.classFor(b, className);
    classes.set(name, c);
    define(out, className, c.cls);
  }
  for (const [name, item] of exports) {
    if (item.sort !== "func") continue;
    const fn = jsFunction(session, item.func, externPath(iface, name));
    table.functions.set(externPath(iface, name), fn);
    const r = parseResourceFunction(name);
    if (!r) {
      define(out, names.functions.get(name)!, fn);
      continue;
    }
    const c = classes.get(r.resource);
    if (!c) {
      // A resource the host cannot construct a class for (e.g. host-implemented): keep the raw function.
      define(out, name, fn);
      continue;
    }
    const cls = c.cls as unknown as Record<string, unknown> & { prototype: object };
    if (r.kind === "constructor") c.slot.ctor ??= fn;
    else {
      const isStatic = r.kind === "static";
      Object.defineProperty(isStatic ? cls : cls.prototype, (isStatic ? names.statics : names.methods).get(name)!, {
        value: isStatic
          ? fn
          : function (this: unknown, ...args: unknown[]) {
              return fn(this, ...args);
            },
        writable: true,
        configurable: true,
      });
    }
  }
}
