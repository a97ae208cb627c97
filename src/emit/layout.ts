// Which modules a world's bindings consist of, and where each goes (docs/mapping.md "File layout").
import type { InterfaceId, IrDocument, IrType, IrWorld, TypeId } from "@witgen/runtime/ir";
import { pascalCase } from "./names.js";

/** The entry module of every emitted world. */
export const INDEX_PATH = "index.ts";

export interface InterfaceModule {
  interfaceId: InterfaceId;
  /** Relative posix path, e.g. `interfaces/wasi-cli-environment.ts`. */
  path: string;
  /** The namespace name the entry module imports it under, e.g. `WasiCliEnvironment`. */
  namespace: string;
}

/** Every interface the selected world reaches through its items and their types. */
export function reachableInterfaces(doc: IrDocument): InterfaceId[] {
  const world = doc.worlds[doc.world];
  const seenInterfaces = new Set<InterfaceId>();
  const seenTypes = new Set<TypeId>();
  const pendingTypes: TypeId[] = [];

  const visitType = (type: IrType | undefined): void => {
    if (!type) return;
    switch (type.kind) {
      case "named":
        pendingTypes.push(type.id);
        return;
      case "own":
      case "borrow":
        pendingTypes.push(type.resource);
        return;
      case "list":
        return visitType(type.element);
      case "option":
        return visitType(type.some);
      case "result":
        visitType(type.ok);
        return visitType(type.err);
      case "tuple":
        return type.types.forEach(visitType);
      case "map":
        visitType(type.key);
        return visitType(type.value);
      case "stream":
      case "future":
        return visitType(type.element);
      default:
        return;
    }
  };
  const visitInterface = (id: InterfaceId): void => {
    if (seenInterfaces.has(id)) return;
    seenInterfaces.add(id);
    const iface = doc.interfaces[id];
    for (const { id: typeId } of iface.types) pendingTypes.push(typeId);
    for (const fn of iface.functions) {
      fn.params.forEach((p) => visitType(p.type));
      visitType(fn.result);
    }
  };

  for (const item of [...world.imports, ...world.exports]) {
    if (item.kind === "interface") visitInterface(item.interface);
    else if (item.kind === "type") pendingTypes.push(item.type);
    else {
      item.function.params.forEach((p) => visitType(p.type));
      visitType(item.function.result);
    }
  }
  while (pendingTypes.length > 0) {
    const id = pendingTypes.pop()!;
    if (seenTypes.has(id)) continue;
    seenTypes.add(id);
    const def = doc.types[id];
    if (def.owner.kind === "interface") visitInterface(def.owner.id);
    const kind = def.def;
    if (kind.kind === "record") kind.fields.forEach((f) => visitType(f.type));
    else if (kind.kind === "variant") kind.cases.forEach((c) => visitType(c.type));
    else if (kind.kind === "alias") visitType(kind.target);
  }
  return [...seenInterfaces].sort((a, b) => a - b);
}

/**
 * Paths for the interface modules: `interfaces/<namespace>-<package>-<interface>.ts`; an inline
 * world interface uses `<world>-<key>` instead. When two interfaces would share a path (two
 * versions of one package), each gets its version appended (`-0-2-0`); a remaining clash gets a
 * number. Interfaces are named in id order, so the result is deterministic.
 */
export function interfaceModules(doc: IrDocument, ids: InterfaceId[]): InterfaceModule[] {
  const world = doc.worlds[doc.world];
  const bases = ids.map((id) => baseName(doc, world, id));
  const counts = new Map<string, number>();
  for (const base of bases) counts.set(base, (counts.get(base) ?? 0) + 1);
  const used = new Set<string>();
  return ids.map((id, i) => {
    let base = bases[i];
    const version = versionOf(doc, id);
    if ((counts.get(base) ?? 0) > 1 && version) base = `${base}-${version.replace(/[^A-Za-z0-9]+/g, "-")}`;
    let unique = base;
    for (let n = 2; used.has(unique); n++) unique = `${base}-${n}`;
    used.add(unique);
    return { interfaceId: id, path: `interfaces/${unique}.ts`, namespace: pascalCase(unique.replace(/[^A-Za-z0-9-]/g, "")) };
  });
}

function baseName(doc: IrDocument, world: IrWorld, id: InterfaceId): string {
  const iface = doc.interfaces[id];
  if (iface.name !== undefined && iface.package !== undefined) {
    const pkg = doc.packages[iface.package];
    return `${pkg.namespace}-${pkg.name}-${iface.name}`.toLowerCase();
  }
  const item = [...world.imports, ...world.exports].find((i) => i.kind === "interface" && i.interface === id);
  return `${world.name}-${item?.key ?? `interface-${id}`}`.toLowerCase();
}

function versionOf(doc: IrDocument, id: InterfaceId): string | undefined {
  const pkg = doc.interfaces[id].package;
  return pkg === undefined ? undefined : doc.packages[pkg].version;
}

/** `import type` specifier of module `to` as seen from module `from` (both relative posix paths). */
export function importSpecifier(from: string, to: string): string {
  const fromDir = from.split("/").slice(0, -1);
  const toParts = to.split("/");
  let common = 0;
  while (common < fromDir.length && common < toParts.length - 1 && fromDir[common] === toParts[common]) common++;
  const up = fromDir.slice(common).map(() => "..");
  const rest = toParts.slice(common).join("/").replace(/\.ts$/, ".js");
  return up.length === 0 ? `./${rest}` : `${up.join("/")}/${rest}`;
}
