/**
 * A normal form of an IrDocument's selected world, for comparing the world our
 * WIT front end produces with the one decoded from jco's component binary.
 *
 * Kept: import/export keys, `implements`, `@external-id`s, functions (kind,
 * async, params, result), and types structurally with their names.
 * Dropped: ids, spans, docs, gates, definition order of types and functions,
 * and the package/world name of the root world (jco renames it
 * `root:component/root`).
 *
 * Only live types are compared: a component binary made by wit-component
 * (jco) carries just the types reachable from the world's functions and
 * world-level types (wit-parser's "live types"), and leaves out an imported or
 * exported interface with no functions and no live types. The normal form
 * applies the same pruning to both sides.
 *
 * Aliases are resolved the same way on both sides: every reference to a named
 * type follows `alias` definitions to the end of the chain; it becomes the
 * anonymous type found there, an `own` handle for a resource (a bare resource
 * name means `own`, WIT.md "Handles"), or a reference `owner#name` to a
 * record/variant/enum/flags. Alias definitions stay listed under their own
 * names, with their resolved target.
 */
import type {
  IrDocument,
  IrFunction,
  IrInterface,
  IrType,
  IrTypeDef,
  IrWorldItem,
  TypeId,
} from "@witgen/runtime/ir";

export type NormalType =
  | string
  | { list: NormalType; length?: number }
  | { option: NormalType }
  | { result: { ok?: NormalType; err?: NormalType } }
  | { tuple: NormalType[] }
  | { map: [NormalType, NormalType] }
  | { own: string }
  | { borrow: string }
  | { stream: NormalType | null }
  | { future: NormalType | null }
  /** A record, variant, enum or flags, as `owner#name`. */
  | { type: string };

export type NormalTypeDef =
  | { record: [string, NormalType][] }
  | { variant: [string, NormalType | null][] }
  | { enum: string[] }
  | { flags: string[] }
  | { resource: true }
  | { alias: NormalType };

export interface NormalFunction {
  kind: "freestanding" | "method" | "static" | "constructor";
  /** For resource functions: `owner#name` of the resource. */
  resource?: string;
  async: boolean;
  params: [string, NormalType][];
  result?: NormalType;
  externalId?: string;
}

export interface NormalNamedType {
  def: NormalTypeDef;
  externalId?: string;
}

export type NormalItem =
  | {
      kind: "interface";
      implements?: string;
      externalId?: string;
      types: Record<string, NormalNamedType>;
      functions: Record<string, NormalFunction>;
    }
  | { kind: "function"; externalId?: string; function: NormalFunction }
  | { kind: "type"; name: string; externalId?: string; type: NormalNamedType };

export interface NormalWorld {
  imports: Record<string, NormalItem>;
  exports: Record<string, NormalItem>;
}

class Normalizer {
  /** Interface id -> how its types are named in references. */
  private readonly interfaceLabels = new Map<number, string>();
  /** Types reachable from the world's functions and world-level types. */
  private readonly live = new Set<TypeId>();

  constructor(private readonly doc: IrDocument) {
    const world = this.world();
    for (const item of [...world.imports, ...world.exports]) {
      if (item.kind === "function") this.markFunction(item.function);
      else if (item.kind === "type") this.markTypeId(item.type);
      else for (const f of this.iface(item.interface).functions) this.markFunction(f);
    }
    // Unnamed (inline) interfaces are known by the key of the world item using them.
    for (const [dir, items] of [
      ["import", world.imports],
      ["export", world.exports],
    ] as const) {
      for (const item of items) {
        if (item.kind !== "interface" || this.interfaceLabels.has(item.interface)) continue;
        const iface = this.iface(item.interface);
        this.interfaceLabels.set(item.interface, this.qualifiedName(iface) ?? `${dir}:${item.key}`);
      }
    }
  }

  private markFunction(f: IrFunction): void {
    // A static function's resource need not appear in its signature.
    if (f.kind.kind === "static") this.markTypeId(f.kind.resource);
    for (const p of f.params) this.markType(p.type);
    if (f.result) this.markType(f.result);
  }

  private markTypeId(id: TypeId): void {
    if (this.live.has(id)) return;
    this.live.add(id);
    const d = this.typeDef(id).def;
    switch (d.kind) {
      case "record":
        d.fields.forEach((f) => this.markType(f.type));
        break;
      case "variant":
        d.cases.forEach((c) => c.type && this.markType(c.type));
        break;
      case "alias":
        this.markType(d.target);
        break;
      default:
        break;
    }
  }

  private markType(t: IrType): void {
    switch (t.kind) {
      case "named":
        return this.markTypeId(t.id);
      case "own":
      case "borrow":
        return this.markTypeId(t.resource);
      case "list":
        return this.markType(t.element);
      case "option":
        return this.markType(t.some);
      case "result":
        if (t.ok) this.markType(t.ok);
        if (t.err) this.markType(t.err);
        return;
      case "tuple":
        return t.types.forEach((x) => this.markType(x));
      case "map":
        this.markType(t.key);
        return this.markType(t.value);
      case "stream":
      case "future":
        if (t.element) this.markType(t.element);
        return;
      default:
        return;
    }
  }

  private world() {
    const w = this.doc.worlds[this.doc.world];
    if (!w) throw new Error(`IrDocument: selected world ${this.doc.world} does not exist`);
    return w;
  }

  private iface(id: number): IrInterface {
    const i = this.doc.interfaces[id];
    if (!i) throw new Error(`IrDocument: interface ${id} does not exist`);
    return i;
  }

  private typeDef(id: TypeId): IrTypeDef {
    const t = this.doc.types[id];
    if (!t) throw new Error(`IrDocument: type ${id} does not exist`);
    return t;
  }

  private qualifiedName(iface: IrInterface): string | undefined {
    if (iface.name === undefined || iface.package === undefined) return undefined;
    const p = this.doc.packages[iface.package];
    if (!p) throw new Error(`IrDocument: package ${iface.package} does not exist`);
    return `${p.namespace}:${p.name}/${iface.name}${p.version ? `@${p.version}` : ""}`;
  }

  private ownerLabel(t: IrTypeDef): string {
    if (t.owner.kind === "world") return "world";
    const known = this.interfaceLabels.get(t.owner.id);
    if (known !== undefined) return known;
    const iface = this.iface(t.owner.id);
    const label = this.qualifiedName(iface) ?? `interface-${t.owner.id}`;
    this.interfaceLabels.set(t.owner.id, label);
    return label;
  }

  /** Follows aliases from a type definition to the end of the chain. */
  private resolve(id: TypeId): IrTypeDef | IrType {
    const seen = new Set<TypeId>();
    let t = this.typeDef(id);
    while (t.def.kind === "alias") {
      if (seen.has(t.id)) throw new Error(`IrDocument: alias cycle through type \`${t.name}\``);
      seen.add(t.id);
      const target = t.def.target;
      if (target.kind !== "named") return target;
      t = this.typeDef(target.id);
    }
    return t;
  }

  private resourceRef(id: TypeId): string {
    const r = this.resolve(id);
    if (!("def" in r) || r.def.kind !== "resource") {
      throw new Error(`IrDocument: handle to type ${id}, which is not a resource`);
    }
    return `${this.ownerLabel(r)}#${r.name}`;
  }

  type(t: IrType): NormalType {
    switch (t.kind) {
      case "named": {
        const r = this.resolve(t.id);
        if (!("def" in r)) return this.type(r);
        if (r.def.kind === "resource") return { own: `${this.ownerLabel(r)}#${r.name}` };
        return { type: `${this.ownerLabel(r)}#${r.name}` };
      }
      case "list":
        return t.length === undefined ? { list: this.type(t.element) } : { list: this.type(t.element), length: t.length };
      case "option":
        return { option: this.type(t.some) };
      case "result": {
        const result: { ok?: NormalType; err?: NormalType } = {};
        if (t.ok) result.ok = this.type(t.ok);
        if (t.err) result.err = this.type(t.err);
        return { result };
      }
      case "tuple":
        return { tuple: t.types.map((x) => this.type(x)) };
      case "map":
        return { map: [this.type(t.key), this.type(t.value)] };
      case "own":
        return { own: this.resourceRef(t.resource) };
      case "borrow":
        return { borrow: this.resourceRef(t.resource) };
      case "stream":
        return { stream: t.element ? this.type(t.element) : null };
      case "future":
        return { future: t.element ? this.type(t.element) : null };
      default:
        return t.kind;
    }
  }

  typeDefinition(t: IrTypeDef): NormalNamedType {
    const d = t.def;
    let def: NormalTypeDef;
    switch (d.kind) {
      case "record":
        def = { record: d.fields.map((f) => [f.name, this.type(f.type)]) };
        break;
      case "variant":
        def = { variant: d.cases.map((c) => [c.name, c.type ? this.type(c.type) : null]) };
        break;
      case "enum":
        def = { enum: d.cases.map((c) => c.name) };
        break;
      case "flags":
        def = { flags: d.flags.map((f) => f.name) };
        break;
      case "resource":
        def = { resource: true };
        break;
      case "alias":
        def = { alias: this.type(d.target) };
        break;
    }
    return t.externalId !== undefined ? { def, externalId: t.externalId } : { def };
  }

  func(f: IrFunction): NormalFunction {
    const out: NormalFunction = {
      kind: f.kind.kind,
      async: f.async,
      params: f.params.map((p) => [p.name, this.type(p.type)]),
    };
    if (f.kind.kind !== "freestanding") out.resource = this.resourceRef(f.kind.resource);
    if (f.result) out.result = this.type(f.result);
    if (f.externalId !== undefined) out.externalId = f.externalId;
    return out;
  }

  item(item: IrWorldItem): NormalItem | undefined {
    const ext = item.externalId !== undefined ? { externalId: item.externalId } : {};
    switch (item.kind) {
      case "function":
        return { kind: "function", ...ext, function: this.func(item.function) };
      case "type": {
        const t = this.typeDef(item.type);
        return { kind: "type", name: t.name, ...ext, type: this.typeDefinition(t) };
      }
      case "interface": {
        const iface = this.iface(item.interface);
        const types: Record<string, NormalNamedType> = {};
        for (const { name, id } of iface.types) {
          if (this.live.has(id)) types[name] = this.typeDefinition(this.typeDef(id));
        }
        const functions: Record<string, NormalFunction> = {};
        for (const f of iface.functions) functions[f.name] = this.func(f);
        if (Object.keys(types).length === 0 && Object.keys(functions).length === 0) return undefined;
        return {
          kind: "interface",
          ...(item.implements !== undefined ? { implements: item.implements } : {}),
          ...ext,
          types,
          functions,
        };
      }
    }
  }

  normalWorld(): NormalWorld {
    const world = this.world();
    const collect = (items: IrWorldItem[], dir: string) => {
      const out: Record<string, NormalItem> = {};
      for (const item of items) {
        if (item.key in out) throw new Error(`IrDocument: ${dir} \`${item.key}\` appears twice`);
        const normal = this.item(item);
        if (normal) out[item.key] = normal;
      }
      return out;
    };
    return { imports: collect(world.imports, "import"), exports: collect(world.exports, "export") };
  }
}

/** The selected world of `doc` in normal form (see the module comment). */
export function normalWorld(doc: IrDocument): NormalWorld {
  return new Normalizer(doc).normalWorld();
}
