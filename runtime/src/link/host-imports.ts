/**
 * Satisfies the root component's imports from the host's import object.
 *
 * Shape of the import object (docs: `component.ts`):
 * - an imported interface `ns:pkg/iface@ver` (or a plain-named instance) ->
 *   `imports["ns:pkg/iface@ver"]` (versions matched as in `names.ts`), an
 *   object whose members are the functions and resource classes named by
 *   {@link memberNames} (docs/mapping.md "Names"; the WIT name is accepted too):
 *   `[constructor]r` -> `new R(...)`, `[method]r.m` -> `self.m(...)`
 *   (looked up on `R.prototype`), `[static]r.s` -> `R.s(...)`;
 * - an imported function `f` -> `imports.f` (named likewise, or the WIT name);
 * - an imported resource type `r` -> `imports.R` (a class; optional: without
 *   one any object is accepted as an `r`).
 * Every import that is missing or of the wrong kind is collected in the
 * session, so one {@link ComponentLinkError} can name them all.
 */
import { memberNames, parseResourceFunction, type MemberNames } from "../abi/naming.js";
import type { Import, InstanceDecl } from "../binary/ast.js";
import { HostResourceBinding } from "../resources/binding.js";
import { Trap } from "../trap.js";
import { externPath, type FunctionSignature, type JsFunction } from "./adapters.js";
import { LinkError } from "./errors.js";
import type { RtFunc, RtInstance, RtItem, Scope } from "./items.js";
import { lookupImport } from "./names.js";
import { throwsErr, unionHost } from "./results.js";
import type { LinkSession } from "./session.js";
import { describeSignature, evalTypeDef, funcTypeAt, outerEnv, type RtType, type TypeEnv } from "./types.js";

type Holder = Record<string, unknown>;

function isObject(v: unknown): v is Holder {
  return (typeof v === "object" || typeof v === "function") && v !== null;
}

/** `holder`'s member named `js`, else the one named by the WIT name. */
function member(holder: Holder | undefined, js: string, witName: string): unknown {
  if (!holder) return undefined;
  if (js in holder) return holder[js];
  return witName in holder ? holder[witName] : undefined;
}

/**
 * Names for one root import: root imports arrive one by one, and a valid component's names are
 * strongly-unique (Explainer.md "Name Uniqueness"), so the root scope never renumbers them.
 */
function rootNames(name: string, kind: "func" | "resource"): MemberNames {
  return kind === "func" ? memberNames({ functions: [name], resources: [] }) : memberNames({ functions: [], resources: [name] });
}

/** The JS names of an instance type's members: its functions and its own (not aliased) resources. */
function instanceNames(decls: InstanceDecl[]): MemberNames {
  const functions: string[] = [];
  const resources: string[] = [];
  for (const d of decls) {
    if (d.kind !== "export") continue;
    if (d.type.kind === "func") functions.push(d.name.name);
    else if (d.type.kind === "type" && d.type.bound.kind === "sub-resource") resources.push(d.name.name);
  }
  return memberNames({ functions, resources });
}

export function resolveHostImport(session: LinkSession, scope: Scope, imp: Import, imports: Holder): RtItem {
  const name = imp.name.name;
  const et = imp.type;
  switch (et.kind) {
    case "instance": {
      const t = scope.types[et.type];
      if (!t || t.t !== "instance-type") throw new LinkError(`import "${name}": type ${et.type} is not an instance type`, imp.offset);
      const value = lookupImport(imports, name);
      let holder: Holder | undefined;
      if (isObject(value)) holder = value;
      else if (value !== undefined) {
        session.missing.push({ name, type: "instance (an object of functions and classes)", problem: `got ${typeof value}` });
      }
      const mode = holder ? "supplied" : value === undefined ? "absent" : "wrong-kind";
      return { sort: "instance", instance: hostInstance(session, t.decls, t.env, name, holder, mode) };
    }
    case "func": {
      const sig = funcTypeAt(scope, et.type, imp.offset);
      return { sort: "func", func: hostFunc(session, imports, name, undefined, sig, true, rootNames(name, "func")) };
    }
    case "type": {
      if (et.bound.kind === "eq") {
        const t = scope.types[et.bound.index];
        if (!t) throw new LinkError(`import "${name}": type index ${et.bound.index} is out of range`, imp.offset);
        return { sort: "type", type: t };
      }
      return { sort: "type", type: hostResource(session, imports, name, rootNames(name, "resource")) };
    }
    default:
      throw new LinkError(`import "${name}": importing a ${et.kind} from the host is not supported`, imp.offset);
  }
}

function hostResource(session: LinkSession, holder: Holder | undefined, name: string, names: MemberNames): RtType {
  const cls = member(holder, names.classes.get(name) ?? name, name);
  const binding = new HostResourceBinding(name, typeof cls === "function" ? (cls as abstract new () => object) : undefined);
  return { t: "resource", res: session.newResource(name, binding) };
}

/** Instantiates an imported instance type against a host object (Explainer.md "Instance Definitions"). */
/** `mode`: an absent interface lists each of its functions as missing; one of the wrong kind was reported whole. */
function hostInstance(
  session: LinkSession,
  decls: InstanceDecl[],
  env: TypeEnv,
  ifaceName: string,
  holder: Holder | undefined,
  mode: "supplied" | "absent" | "wrong-kind",
): RtInstance {
  const local: TypeEnv = { parent: env, types: [] };
  const exports = new Map<string, RtItem>();
  const names = instanceNames(decls);
  for (const d of decls) {
    switch (d.kind) {
      case "core-type":
        break;
      case "type":
        local.types.push(
          evalTypeDef(local, d.type, () => {
            throw new LinkError("a resource definition inside an instance type", d.offset);
          }),
        );
        break;
      case "alias": {
        const a = d.alias;
        if (a.kind !== "outer" || a.sort !== "type") throw new LinkError(`unsupported ${a.kind} alias of a ${a.sort} in an instance type`, d.offset);
        const t = outerEnv(local, a.count, d.offset).types[a.index];
        if (!t) throw new LinkError(`outer alias of type ${a.index} is out of range`, d.offset);
        local.types.push(t);
        break;
      }
      case "export": {
        const name = d.name.name;
        const et = d.type;
        let item: RtItem;
        if (et.kind === "type") {
          let t: RtType;
          if (et.bound.kind === "eq") {
            const target = local.types[et.bound.index];
            if (!target) throw new LinkError(`type index ${et.bound.index} is out of range`, d.offset);
            t = target;
          } else t = hostResource(session, holder, name, names);
          local.types.push(t);
          item = { sort: "type", type: t };
        } else if (et.kind === "func") {
          const sig = funcTypeAt(local, et.type, d.offset);
          item = { sort: "func", func: hostFunc(session, holder, name, ifaceName, sig, mode === "supplied", names) };
          if (mode === "absent") session.missing.push({ name: externPath(ifaceName, name), type: describeSignature(sig), problem: "interface not supplied" });
        } else {
          throw new LinkError(`instance import "${ifaceName}": exporting a ${et.kind} from a host instance is not supported`, d.offset);
        }
        exports.set(name, item);
        break;
      }
    }
  }
  return { exports };
}

/**
 * The JS function behind one imported component function. Missing ones are
 * recorded (when `report`) and replaced by a function that traps, so the
 * caller can finish collecting before failing.
 */
function hostFunc(
  session: LinkSession,
  holder: Holder | undefined,
  name: string,
  ifaceName: string | undefined,
  sig: Omit<FunctionSignature, "name">,
  report: boolean,
  names: MemberNames,
): RtFunc {
  const path = externPath(ifaceName, name);
  const type = describeSignature(sig);
  const missing = (problem: string): RtFunc => {
    if (report) session.missing.push({ name: path, type, problem });
    return {
      sig: { ...sig, name },
      call: () => {
        throw new Trap(`import ${path} was not supplied`, { rule: "Explainer.md Instantiation (imports)" });
      },
    };
  };
  const ok = (call: JsFunction): RtFunc =>
    throwsErr(session.results, "imports", path, { name, result: sig.result })
      ? { sig: { ...sig, name }, call: unionHost(call), hostImpl: call, hostPath: path }
      : { sig: { ...sig, name }, call, hostPath: path };
  const r = parseResourceFunction(name);
  if (!r) {
    const f = member(holder, names.functions.get(name) ?? name, name);
    if (typeof f !== "function") return missing(f === undefined ? "not supplied" : `expected a function, got ${typeof f}`);
    return ok((...args) => (f as JsFunction).apply(holder, args));
  }
  // The class of a resource declared elsewhere (an aliased type) is named as a root resource would be.
  const className = names.classes.get(r.resource) ?? rootNames(r.resource, "resource").classes.get(r.resource)!;
  const cls = member(holder, className, r.resource);
  if (typeof cls !== "function") {
    return missing(cls === undefined ? `resource class ${className} not supplied` : `expected ${className} to be a class`);
  }
  const C = cls as (new (...a: unknown[]) => object) & Holder;
  switch (r.kind) {
    case "constructor":
      return ok((...args) => new C(...args));
    case "static": {
      const js = names.statics.get(name)!;
      const f = member(C, js, r.member);
      if (typeof f !== "function") return missing(`static ${className}.${js} not supplied`);
      return ok((...args) => (f as JsFunction).apply(C, args));
    }
    default: {
      const js = names.methods.get(name)!;
      const fn = r.member;
      const proto = C.prototype as Holder;
      if (typeof proto[js] !== "function" && typeof proto[fn] !== "function") {
        return missing(`method ${className}.prototype.${js} not supplied`);
      }
      return ok((self, ...args) => {
        const f = isObject(self) ? (self[js] ?? self[fn]) : undefined;
        if (typeof f !== "function") throw new TypeError(`${path}: the ${className} object has no method ${js}`);
        return (f as JsFunction).apply(self, args);
      });
    }
  }
}
