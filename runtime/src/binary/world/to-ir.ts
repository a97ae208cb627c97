/**
 * Turns an evaluated component's imports and exports into an IR world, the
 * way wit-parser reads a component's type: instance imports/exports become
 * interfaces, their type exports named typedefs, and a type export that names
 * an already-named type becomes an `alias` typedef (like WIT `use`).
 */
import {
  IR_VERSION,
  type InterfaceId,
  type IrDocument,
  type IrFunction,
  type IrInterface,
  type IrOwner,
  type IrType,
  type IrTypeDef,
  type IrTypeDefKind,
  type IrWorld,
  type IrWorldItem,
  type PackageId,
  type TypeId,
} from "../../ir/types.js";
import type { ExternName } from "../ast.js";
import { ComponentLoadError } from "../errors.js";
import type { FuncEnt, InstanceEnt, TypeEnt } from "./entities.js";
import type { EvaluatedComponent, NamedItem } from "./evaluate.js";
import { parseFunctionName, parseInterfaceName } from "./interface-names.js";

const MAX_TYPE_DEPTH = 200;
/**
 * The IR writes anonymous types inline, so a binary whose types share
 * sub-terms (t1 = tuple<t0, t0>, t2 = tuple<t1, t1>, ...) would expand
 * exponentially; WIT source cannot, so a budget is safe.
 */
const MAX_IR_TYPE_NODES = 100_000;

type Direction = "imports" | "exports";

export function buildWorld(component: EvaluatedComponent): IrDocument {
  return new IrBuilder().build(component);
}

class IrBuilder {
  private readonly doc: IrDocument = {
    irVersion: IR_VERSION,
    world: 0,
    packages: [],
    interfaces: [],
    worlds: [],
    types: [],
  };
  /** Named entities and claimed definitions -> their typedef. */
  private readonly typedefOf = new Map<TypeEnt, TypeId>();
  private readonly interfacesByName = new Map<string, InterfaceId>();
  private readonly packagesByKey = new Map<string, PackageId>();
  /** Second phase: definitions and functions, once every type has its id (forward references). */
  private readonly later: (() => void)[] = [];
  private world!: IrWorld;
  /** World-level type names, for `[method]r.f` world functions. */
  private readonly worldTypes = new Map<string, TypeId>();
  private typeNodes = 0;

  build(component: EvaluatedComponent): IrDocument {
    // wit-parser names a component's own world `root:component/root`.
    const pkg = this.package("root", "component");
    this.world = { id: 0, name: "root", package: pkg, imports: [], exports: [] };
    this.doc.worlds.push(this.world);
    this.doc.packages[pkg].worlds.push({ name: "root", id: 0 });
    for (const imp of component.imports) this.worldItem(imp, "imports");
    for (const exp of component.exports) this.worldItem(exp, "exports");
    for (const f of this.later) f();
    return this.doc;
  }

  private package(namespace: string, name: string, version?: string): PackageId {
    const key = `${namespace}:${name}${version ? `@${version}` : ""}`;
    let id = this.packagesByKey.get(key);
    if (id === undefined) {
      id = this.doc.packages.length;
      const pkg: IrDocument["packages"][number] = { id, namespace, name, interfaces: [], worlds: [] };
      if (version !== undefined) pkg.version = version;
      this.doc.packages.push(pkg);
      this.packagesByKey.set(key, id);
    }
    return id;
  }

  private worldItem({ name, item }: NamedItem, dir: Direction): void {
    const meta = name.externalId !== undefined ? { externalId: name.externalId } : {};
    const list = this.world[dir];
    switch (item.sort) {
      case "instance": {
        const iface = this.interfaceFor(name, item.instance);
        const out: IrWorldItem = { kind: "interface", key: name.name, interface: iface, ...meta };
        if (name.implements !== undefined) out.implements = name.implements;
        list.push(out);
        return;
      }
      case "func": {
        const entry: IrWorldItem = {
          kind: "function",
          key: name.name,
          function: placeholderFunction(name.name),
          ...meta,
        };
        list.push(entry);
        this.later.push(() => {
          entry.function = this.func(name, item.type, this.worldTypes);
        });
        return;
      }
      case "type": {
        const id = this.typedef(item.type, name, { kind: "world", id: this.world.id });
        this.worldTypes.set(name.name, id);
        list.push({ kind: "type", key: name.name, type: id, ...meta });
        return;
      }
      default:
        // Components, core modules and values have no WIT form; a world cannot carry them.
        return;
    }
  }

  /** The interface for an instance import/export: a named one is shared by every item naming it. */
  private interfaceFor(name: ExternName, instance: InstanceEnt): InterfaceId {
    const ifaceName = name.implements ?? name.name;
    const parsed = parseInterfaceName(ifaceName, name.implements === undefined ? name.versionSuffix : undefined);
    if (parsed) {
      const existing = this.interfacesByName.get(ifaceName);
      if (existing !== undefined) {
        this.linkToExisting(existing, instance);
        return existing;
      }
    }
    const id = this.doc.interfaces.length;
    const iface: IrInterface = { id, types: [], functions: [] };
    if (parsed) {
      iface.name = parsed.interface;
      iface.package = this.package(parsed.namespace, parsed.package, parsed.version);
      this.doc.packages[iface.package].interfaces.push({ name: parsed.interface, id });
      this.interfacesByName.set(ifaceName, id);
    }
    this.doc.interfaces.push(iface);
    const owner: IrOwner = { kind: "interface", id };
    const typeNames = new Map<string, TypeId>();
    for (const [exportName, e] of instance.exports) {
      if (e.item.sort !== "type") continue;
      const tid = this.typedef(e.item.type, e.name, owner);
      iface.types.push({ name: exportName, id: tid });
      typeNames.set(exportName, tid);
    }
    for (const [, e] of instance.exports) {
      if (e.item.sort === "func") this.addFunction(iface, e.name, e.item.type, typeNames);
    }
    return id;
  }

  /**
   * A second instance of an already-known interface (imported and exported,
   * or two labels implementing it): its types are the known ones, by name.
   * Anything the first instance lacked is added.
   */
  private linkToExisting(id: InterfaceId, instance: InstanceEnt): void {
    const iface = this.doc.interfaces[id];
    const owner: IrOwner = { kind: "interface", id };
    const typeNames = new Map(iface.types.map((t) => [t.name, t.id]));
    for (const [exportName, e] of instance.exports) {
      if (e.item.sort !== "type") continue;
      const known = typeNames.get(exportName);
      if (known === undefined) {
        const tid = this.typedef(e.item.type, e.name, owner);
        iface.types.push({ name: exportName, id: tid });
        typeNames.set(exportName, tid);
      } else if (!this.typedefOf.has(e.item.type)) {
        this.typedefOf.set(e.item.type, known);
      }
    }
    for (const [exportName, e] of instance.exports) {
      if (e.item.sort !== "func" || iface.functions.some((f) => f.name === exportName)) continue;
      this.addFunction(iface, e.name, e.item.type, typeNames);
    }
  }

  /** Appends a function now and converts its signature in the second phase. */
  private addFunction(iface: IrInterface, name: ExternName, f: FuncEnt, typeNames: Map<string, TypeId>): void {
    const slot = iface.functions.length;
    iface.functions.push(placeholderFunction(name.name));
    this.later.push(() => {
      iface.functions[slot] = this.func(name, f, typeNames);
    });
  }

  /**
   * Allocates the typedef for a type import/export. Its definition is decided
   * now (claiming a record/variant/enum/flags/resource seen for the first
   * time) but converted later, when every named type has its id.
   */
  private typedef(ent: TypeEnt, name: ExternName, owner: IrOwner): TypeId {
    const id = this.doc.types.length;
    const offset = name.offset;
    const td: IrTypeDef = { id, name: name.name, owner, def: { kind: "resource" } };
    // 🏷️ attributes inside instance types carry WIT's `@external-id` on types too.
    if (name.externalId !== undefined) td.externalId = name.externalId;
    this.doc.types.push(td);
    const previous = this.typedefOf.get(ent);
    if (previous !== undefined) {
      // The very same named type exported again: an alias of the first.
      td.def = { kind: "alias", target: { kind: "named", id: previous } };
      return id;
    }
    this.typedefOf.set(ent, id);
    let root = ent.t === "named" ? ent.target : ent;
    while (root.t === "named" && !this.typedefOf.has(root)) root = root.target;
    if (isClaimable(root) && !this.typedefOf.has(root)) {
      this.typedefOf.set(root, id);
      const claimed = root;
      this.later.push(() => {
        td.def = this.fullDef(claimed, offset);
      });
    } else {
      const target = ent.t === "named" ? ent.target : ent;
      this.later.push(() => {
        td.def = { kind: "alias", target: this.type(target, offset, 0) };
      });
    }
    return id;
  }

  private fullDef(ent: TypeEnt, offset: number): IrTypeDefKind {
    if (ent.t === "resource") return { kind: "resource" };
    if (ent.t !== "val") return fail(offset, "expected a named value type");
    const d = ent.def;
    switch (d.kind) {
      case "record":
        return { kind: "record", fields: d.fields.map((f) => ({ name: f.name, type: this.type(f.type, offset, 0) })) };
      case "variant":
        return {
          kind: "variant",
          cases: d.cases.map((c) => (c.type ? { name: c.name, type: this.type(c.type, offset, 0) } : { name: c.name })),
        };
      case "enum":
        return { kind: "enum", cases: d.names.map((name) => ({ name })) };
      case "flags":
        return { kind: "flags", flags: d.names.map((name) => ({ name })) };
      default:
        return { kind: "alias", target: this.type(ent, offset, 0) };
    }
  }

  /** A use of a type. Named and claimed types become references; the rest is inline. */
  private type(ent: TypeEnt, offset: number, depth: number): IrType {
    if (depth > MAX_TYPE_DEPTH) fail(offset, `expected types nested at most ${MAX_TYPE_DEPTH} deep, found deeper`);
    if (++this.typeNodes > MAX_IR_TYPE_NODES) {
      fail(offset, `expected anonymous types of bounded size, found more than ${MAX_IR_TYPE_NODES} type nodes`);
    }
    const id = this.typedefOf.get(ent);
    if (id !== undefined) return { kind: "named", id };
    const sub = (e: TypeEnt) => this.type(e, offset, depth + 1);
    switch (ent.t) {
      case "prim":
        return { kind: ent.prim };
      case "named":
        // A name internal to the component (e.g. a shim's type import): transparent.
        return sub(ent.target);
      case "val":
        break;
      default:
        return fail(ent.offset ?? offset, `expected a value type, found a ${ent.t} type`);
    }
    const d = ent.def;
    switch (d.kind) {
      case "record":
      case "variant":
      case "enum":
      case "flags":
        // Explainer.md "External Visibility of Types": these need an exported name.
        return fail(ent.offset, `expected the ${d.kind} type to have an imported or exported name, found none`);
      case "list":
        return d.length === undefined
          ? { kind: "list", element: sub(d.element) }
          : { kind: "list", element: sub(d.element), length: d.length };
      case "tuple":
        return { kind: "tuple", types: d.types.map(sub) };
      case "option":
        return { kind: "option", some: sub(d.type) };
      case "result": {
        const r: IrType = { kind: "result" };
        if (d.ok) r.ok = sub(d.ok);
        if (d.err) r.err = sub(d.err);
        return r;
      }
      case "own":
      case "borrow":
        return { kind: d.kind, resource: this.resource(d.resource, ent.offset, depth) };
      case "stream":
      case "future":
        return d.element ? { kind: d.kind, element: sub(d.element) } : { kind: d.kind };
      case "map":
        return { kind: "map", key: sub(d.key), value: sub(d.value) };
    }
  }

  /**
   * The typedef a handle names: the one for the type index the binary uses
   * (an alias typedef for a `use`d resource, as wit-parser does).
   */
  private resource(ent: TypeEnt, offset: number, depth: number): TypeId {
    let cur: TypeEnt = ent;
    for (let i = 0; ; i++) {
      const id = this.typedefOf.get(cur);
      if (id !== undefined) return id;
      if (cur.t !== "named" || i > MAX_TYPE_DEPTH + depth) break;
      cur = cur.target;
    }
    return fail(offset, "expected the resource of a handle to have an imported or exported name, found none");
  }

  private func(name: ExternName, f: FuncEnt, scopeTypes: Map<string, TypeId>): IrFunction {
    const parsed = parseFunctionName(name.name);
    let kind: IrFunction["kind"] = { kind: "freestanding" };
    if (parsed.kind !== "freestanding") {
      const resource = scopeTypes.get(parsed.resource);
      if (resource === undefined) {
        fail(name.offset, `expected a resource named "${parsed.resource}" before function "${name.name}", found none`);
      }
      kind = { kind: parsed.kind, resource };
    }
    const out: IrFunction = {
      name: name.name,
      kind,
      async: f.async,
      params: f.params.map((p) => ({ name: p.name, type: this.type(p.type, f.offset, 0) })),
    };
    if (f.result) out.result = this.type(f.result, f.offset, 0);
    if (name.externalId !== undefined) out.externalId = name.externalId;
    return out;
  }
}

function isClaimable(ent: TypeEnt): boolean {
  if (ent.t === "resource") return true;
  if (ent.t !== "val") return false;
  const k = ent.def.kind;
  return k === "record" || k === "variant" || k === "enum" || k === "flags";
}

function placeholderFunction(name: string): IrFunction {
  return { name, kind: { kind: "freestanding" }, async: false, params: [] };
}

function fail(offset: number, message: string): never {
  throw new ComponentLoadError(offset, message);
}
