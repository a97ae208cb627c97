import {
  IR_VERSION,
  type IrDocument,
  type IrFunction,
  type IrInterface,
  type IrPackage,
  type IrType,
  type IrTypeDef,
  type IrTypeDefKind,
  type IrWorld,
  type IrWorldItem,
} from "@witgen/runtime/ir";
import { WitError } from "./error.js";
import type { WitResolve } from "./index.js";

/** WIT.md "Specifying a World": a plain name in the main package, or `ns:pkg/world@ver`. */
export function findWorld(resolve: WitResolve, world?: string): number {
  const main = resolve.packages[resolve.mainPackage];
  const fail = (msg: string): never => {
    throw new WitError(main.span?.file ?? "<input>", main.span?.line ?? 1, main.span?.col ?? 1, msg);
  };
  if (world === undefined) {
    if (main.worlds.length === 1) return main.worlds[0].id;
    if (main.worlds.length === 0) return fail(`the main package \`${pkgKey(main)}\` contains no worlds`);
    return fail(
      `multiple worlds in package \`${pkgKey(main)}\`; pick one of: ${main.worlds.map((w) => w.name).join(", ")}`,
    );
  }
  const m = /^(.+)\/([^/@]+)(?:@(.+))?$/.exec(world);
  if (!m || !world.includes(":")) {
    const found = main.worlds.find((w) => w.name === world);
    if (!found) {
      return fail(
        `world \`${world}\` not found in package \`${pkgKey(main)}\`; known worlds: ${main.worlds.map((w) => w.name).join(", ")}`,
      );
    }
    return found.id;
  }
  const [, pkgPart, worldName, version] = m;
  const colon = pkgPart.lastIndexOf(":");
  const namespace = pkgPart.slice(0, colon);
  const name = pkgPart.slice(colon + 1);
  // Without a version, a package name that only one loaded version has is enough.
  const candidates = resolve.packages.filter((p) => p.namespace === namespace && p.name === name);
  const pkg =
    version !== undefined
      ? candidates.find((p) => p.version === version)
      : candidates.length === 1
        ? candidates[0]
        : candidates.find((p) => p.version === undefined);
  if (!pkg) {
    return fail(
      `package \`${pkgPart}${version ? "@" + version : ""}\` not found; known packages: ${resolve.packages.map(pkgKey).join(", ")}`,
    );
  }
  const found = pkg.worlds.find((w) => w.name === worldName);
  if (!found) return fail(`world \`${worldName}\` not found in package \`${pkgKey(pkg)}\``);
  return found.id;
}

function pkgKey(p: IrPackage): string {
  return `${p.namespace}:${p.name}${p.version ? "@" + p.version : ""}`;
}

/**
 * Copies what the world reaches into a fresh document with dense ids:
 * packages, interfaces and types in the order they are first reached from
 * the world's imports then exports.
 */
export function extractWorld(resolve: WitResolve, worldId: number): IrDocument {
  const pkgMap = new Map<number, number>();
  const ifaceMap = new Map<number, number>();
  const typeMap = new Map<number, number>();
  const packages: IrPackage[] = [];
  const interfaces: IrInterface[] = [];
  const types: IrTypeDef[] = [];
  const typeQueue: number[] = [];

  const pkg = (id: number): number => {
    let n = pkgMap.get(id);
    if (n === undefined) {
      n = packages.length;
      pkgMap.set(id, n);
      const p = resolve.packages[id];
      packages.push({ ...p, id: n, interfaces: [], worlds: [] });
    }
    return n;
  };
  const type = (id: number): number => {
    let n = typeMap.get(id);
    if (n === undefined) {
      n = types.length;
      typeMap.set(id, n);
      types.push(resolve.types[id]); // replaced below once its owner has a new id
      typeQueue.push(id);
    }
    return n;
  };
  const iface = (id: number): number => {
    let n = ifaceMap.get(id);
    if (n === undefined) {
      n = interfaces.length;
      ifaceMap.set(id, n);
      const src = resolve.interfaces[id];
      const copy: IrInterface = { ...src, id: n, types: [], functions: [] };
      interfaces.push(copy);
      if (src.package !== undefined) {
        copy.package = pkg(src.package);
        packages[copy.package].interfaces.push({ name: src.name!, id: n });
      }
      copy.types = src.types.map((t) => ({ name: t.name, id: type(t.id) }));
      copy.functions = src.functions.map(fn);
    }
    return n;
  };
  const ty = (t: IrType): IrType => {
    switch (t.kind) {
      case "named":
        return { kind: "named", id: type(t.id) };
      case "own":
      case "borrow":
        return { kind: t.kind, resource: type(t.resource) };
      case "list":
        return t.length === undefined
          ? { kind: "list", element: ty(t.element) }
          : { kind: "list", element: ty(t.element), length: t.length };
      case "option":
        return { kind: "option", some: ty(t.some) };
      case "result": {
        const r: IrType & { kind: "result" } = { kind: "result" };
        if (t.ok) r.ok = ty(t.ok);
        if (t.err) r.err = ty(t.err);
        return r;
      }
      case "tuple":
        return { kind: "tuple", types: t.types.map(ty) };
      case "map":
        return { kind: "map", key: ty(t.key), value: ty(t.value) };
      case "future":
      case "stream":
        return t.element ? { kind: t.kind, element: ty(t.element) } : { kind: t.kind };
      default:
        return { ...t };
    }
  };
  const fn = (f: IrFunction): IrFunction => {
    const kind =
      f.kind.kind === "freestanding"
        ? { kind: "freestanding" as const }
        : { kind: f.kind.kind, resource: type(f.kind.resource) };
    const out: IrFunction = { ...f, kind, params: f.params.map((p) => ({ name: p.name, type: ty(p.type) })) };
    if (f.result) out.result = ty(f.result);
    return out;
  };
  const def = (d: IrTypeDefKind): IrTypeDefKind => {
    switch (d.kind) {
      case "alias":
        return { kind: "alias", target: ty(d.target) };
      case "record":
        return { kind: "record", fields: d.fields.map((f) => ({ ...f, type: ty(f.type) })) };
      case "variant":
        return { kind: "variant", cases: d.cases.map((c) => (c.type ? { ...c, type: ty(c.type) } : { ...c })) };
      case "enum":
        return { kind: "enum", cases: d.cases.map((c) => ({ ...c })) };
      case "flags":
        return { kind: "flags", flags: d.flags.map((c) => ({ ...c })) };
      case "resource":
        return { kind: "resource" };
    }
  };
  const src = resolve.worlds[worldId];
  const world: IrWorld = { ...src, id: 0, package: pkg(src.package), imports: [], exports: [] };
  packages[world.package].worlds.push({ name: src.name, id: 0 });
  const item = (it: IrWorldItem): IrWorldItem => {
    switch (it.kind) {
      case "interface":
        return { ...it, interface: iface(it.interface) };
      case "function":
        return { ...it, function: fn(it.function) };
      case "type":
        return { ...it, type: type(it.type) };
    }
  };
  world.imports = src.imports.map(item);
  world.exports = src.exports.map(item);
  // Types reached only through other types (e.g. an alias target in another interface) pull in their owners.
  for (let q = 0; q < typeQueue.length; q++) {
    const oldId = typeQueue[q];
    const t = resolve.types[oldId];
    const owner =
      t.owner.kind === "interface"
        ? { kind: "interface" as const, id: iface(t.owner.id) }
        : { kind: "world" as const, id: 0 };
    types[typeMap.get(oldId)!] = { ...t, id: typeMap.get(oldId)!, owner, def: def(t.def) };
  }
  return { irVersion: IR_VERSION, world: 0, packages, interfaces, worlds: [world], types };
}
