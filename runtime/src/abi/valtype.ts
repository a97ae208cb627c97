/**
 * Structural value types for the Canonical ABI: an {@link IrType} with every
 * `named` reference resolved (aliases followed, records/variants/... inlined),
 * so layout and codecs never need the IR's type arena again.
 *
 * Specialized types (tuple, enum, option, result, map) are kept as such here
 * because their JS mapping differs; layout despecializes them
 * (CanonicalABI.md "Despecialization").
 */
import type { IrType, IrTypeDef, TypeId } from "../ir/types.js";

export type PrimitiveAbiKind =
  | "bool"
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "s8"
  | "s16"
  | "s32"
  | "s64"
  | "f32"
  | "f64"
  | "char"
  | "string"
  | "error-context";

export type AbiType =
  | { kind: PrimitiveAbiKind }
  | { kind: "list"; element: AbiType; length?: number }
  | { kind: "record"; name?: string; fields: { name: string; type: AbiType }[] }
  | { kind: "tuple"; types: AbiType[] }
  | {
      kind: "variant";
      name?: string;
      cases: { name: string; type?: AbiType }[];
    }
  | { kind: "enum"; name?: string; cases: string[] }
  | { kind: "option"; some: AbiType }
  | { kind: "result"; ok?: AbiType; err?: AbiType }
  | { kind: "flags"; name?: string; flags: string[] }
  | { kind: "map"; key: AbiType; value: AbiType }
  /** `resource` is the TypeId of the resource definition (aliases followed): the resource's identity. */
  | { kind: "own" | "borrow"; resource: TypeId; name: string }
  | { kind: "stream" | "future"; element?: AbiType };

/** The part of an IR document needed to resolve types. */
export interface TypeArena {
  types: readonly IrTypeDef[];
}

/**
 * Resolves an IR type against its arena. Results are memoised per arena and
 * named type, so each named type yields one AbiType object (which keeps the
 * layout cache, keyed by object identity, effective).
 */
export function resolveType(arena: TypeArena, t: IrType): AbiType {
  return new TypeResolver(arena).resolve(t);
}

const resolvers = new WeakMap<TypeArena, TypeResolver>();

export class TypeResolver {
  private readonly named = new Map<TypeId, AbiType>();

  constructor(private readonly arena: TypeArena) {
    const existing = resolvers.get(arena);
    if (existing) return existing;
    resolvers.set(arena, this);
  }

  resolve(t: IrType): AbiType {
    switch (t.kind) {
      case "named":
        return this.resolveNamed(t.id);
      case "list":
        return t.length === undefined
          ? { kind: "list", element: this.resolve(t.element) }
          : {
              kind: "list",
              element: this.resolve(t.element),
              length: t.length,
            };
      case "option":
        return { kind: "option", some: this.resolve(t.some) };
      case "result":
        return {
          kind: "result",
          ok: t.ok && this.resolve(t.ok),
          err: t.err && this.resolve(t.err),
        };
      case "tuple":
        return { kind: "tuple", types: t.types.map((u) => this.resolve(u)) };
      case "map":
        return {
          kind: "map",
          key: this.resolve(t.key),
          value: this.resolve(t.value),
        };
      case "own":
      case "borrow": {
        const id = this.resourceId(t.resource);
        return { kind: t.kind, resource: id, name: this.def(id).name };
      }
      case "stream":
      case "future":
        return { kind: t.kind, element: t.element && this.resolve(t.element) };
      default:
        return { kind: t.kind };
    }
  }

  /** Follows aliases to the resource definition that gives a resource its identity. */
  resourceId(id: TypeId): TypeId {
    for (let hops = 0; hops < 1000; hops++) {
      const d = this.def(id).def;
      if (d.kind === "resource") return id;
      if (d.kind === "alias" && d.target.kind === "named") {
        id = d.target.id;
        continue;
      }
      throw new Error(
        `type ${id} (${this.def(id).name}) is used as a resource but is a ${d.kind}`,
      );
    }
    throw new Error(`alias cycle through type ${id}`);
  }

  private def(id: TypeId): IrTypeDef {
    const d = this.arena.types[id];
    if (d === undefined)
      throw new Error(
        `unknown type id ${id} (arena has ${this.arena.types.length} types)`,
      );
    return d;
  }

  private resolveNamed(id: TypeId): AbiType {
    const cached = this.named.get(id);
    if (cached) return cached;
    const td = this.def(id);
    let out: AbiType;
    switch (td.def.kind) {
      case "record":
        out = {
          kind: "record",
          name: td.name,
          fields: td.def.fields.map((f) => ({
            name: f.name,
            type: this.resolve(f.type),
          })),
        };
        break;
      case "variant":
        out = {
          kind: "variant",
          name: td.name,
          cases: td.def.cases.map((c) =>
            c.type
              ? { name: c.name, type: this.resolve(c.type) }
              : { name: c.name },
          ),
        };
        break;
      case "enum":
        out = {
          kind: "enum",
          name: td.name,
          cases: td.def.cases.map((c) => c.name),
        };
        break;
      case "flags":
        out = {
          kind: "flags",
          name: td.name,
          flags: td.def.flags.map((f) => f.name),
        };
        break;
      case "alias":
        out = this.resolve(td.def.target);
        break;
      case "resource":
        throw new Error(
          `resource type ${td.name} (id ${id}) used as a value type; use own<${td.name}> or borrow<${td.name}>`,
        );
    }
    this.named.set(id, out);
    return out;
  }
}
