// Builds IrDocuments by hand for emitter tests (independent of the WIT front end).
import {
  IR_VERSION,
  type InterfaceId,
  type IrDocument,
  type IrFunction,
  type IrOwner,
  type IrType,
  type IrTypeDefKind,
  type IrWorldItem,
  type ItemMeta,
  type PackageId,
  type TypeId,
  type WorldId,
} from "@witgen/runtime/ir";

export class IrBuilder {
  readonly doc: IrDocument = { irVersion: IR_VERSION, world: 0, packages: [], interfaces: [], worlds: [], types: [] };

  pkg(namespace: string, name: string, version?: string): PackageId {
    const id = this.doc.packages.length;
    this.doc.packages.push({ id, namespace, name, version, interfaces: [], worlds: [] });
    return id;
  }

  iface(pkg: PackageId | undefined, name: string | undefined, meta: ItemMeta = {}): InterfaceId {
    const id = this.doc.interfaces.length;
    this.doc.interfaces.push({ id, name, package: pkg, types: [], functions: [], ...meta });
    if (pkg !== undefined && name !== undefined) this.doc.packages[pkg].interfaces.push({ name, id });
    return id;
  }

  type(owner: IrOwner, name: string, def: IrTypeDefKind, meta: ItemMeta = {}): TypeId {
    const id = this.doc.types.length;
    this.doc.types.push({ id, name, owner, def, ...meta });
    if (owner.kind === "interface") this.doc.interfaces[owner.id].types.push({ name, id });
    return id;
  }

  /** A type in interface `iface`. */
  ifaceType(iface: InterfaceId, name: string, def: IrTypeDefKind, meta: ItemMeta = {}): TypeId {
    return this.type({ kind: "interface", id: iface }, name, def, meta);
  }

  func(iface: InterfaceId, fn: Partial<IrFunction> & { name: string }): IrFunction {
    const full: IrFunction = { kind: { kind: "freestanding" }, async: false, params: [], ...fn };
    this.doc.interfaces[iface].functions.push(full);
    return full;
  }

  world(pkg: PackageId, name: string, meta: ItemMeta = {}): WorldId {
    const id = this.doc.worlds.length;
    this.doc.worlds.push({ id, name, package: pkg, imports: [], exports: [], ...meta });
    this.doc.packages[pkg].worlds.push({ name, id });
    this.doc.world = id;
    return id;
  }

  import(world: WorldId, item: IrWorldItem): void {
    this.doc.worlds[world].imports.push(item);
  }

  export(world: WorldId, item: IrWorldItem): void {
    this.doc.worlds[world].exports.push(item);
  }

  /** `import ns:pkg/iface@ver;` (or export) with the key the binary would use. */
  interfaceItem(iface: InterfaceId, meta: ItemMeta = {}): IrWorldItem {
    const i = this.doc.interfaces[iface];
    const pkg = this.doc.packages[i.package!];
    const key = `${pkg.namespace}:${pkg.name}/${i.name}${pkg.version ? `@${pkg.version}` : ""}`;
    return { kind: "interface", key, interface: iface, ...meta };
  }
}

export const t = {
  bool: { kind: "bool" },
  u8: { kind: "u8" },
  u16: { kind: "u16" },
  u32: { kind: "u32" },
  u64: { kind: "u64" },
  s8: { kind: "s8" },
  s16: { kind: "s16" },
  s32: { kind: "s32" },
  s64: { kind: "s64" },
  f32: { kind: "f32" },
  f64: { kind: "f64" },
  char: { kind: "char" },
  string: { kind: "string" },
  errorContext: { kind: "error-context" },
  named: (id: TypeId): IrType => ({ kind: "named", id }),
  list: (element: IrType, length?: number): IrType => ({ kind: "list", element, length }),
  option: (some: IrType): IrType => ({ kind: "option", some }),
  result: (ok?: IrType, err?: IrType): IrType => ({ kind: "result", ok, err }),
  tuple: (...types: IrType[]): IrType => ({ kind: "tuple", types }),
  map: (key: IrType, value: IrType): IrType => ({ kind: "map", key, value }),
  own: (resource: TypeId): IrType => ({ kind: "own", resource }),
  borrow: (resource: TypeId): IrType => ({ kind: "borrow", resource }),
  stream: (element?: IrType): IrType => ({ kind: "stream", element }),
  future: (element?: IrType): IrType => ({ kind: "future", element }),
} satisfies Record<string, IrType | ((...args: never[]) => IrType)>;
