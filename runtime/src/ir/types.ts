/**
 * The witgen IR: a resolved WIT world, as plain JSON-serialisable data.
 *
 * Two producers make it: the WIT front end (`witgen`'s `src/wit/`) and the
 * component-binary decoder (`@witgen/runtime/binary`). Both must yield the same
 * structure for the same world (modulo what a binary cannot carry: spans, and
 * docs/gates unless the binary has them), so the IR holds no TypeScript
 * concerns: names are WIT (kebab-case) names, types are WIT types.
 *
 * Shape: arenas (`packages`, `interfaces`, `worlds`, `types`) referenced by
 * numeric ids that equal the array index. Anonymous types (list, option, ...)
 * are written inline as {@link IrType}; named type definitions live in `types`.
 */

/** Version of the IR's JSON form; bump on any incompatible change. */
export const IR_VERSION = 1;

export type PackageId = number;
export type InterfaceId = number;
export type WorldId = number;
export type TypeId = number;

/** Where an item was written: 1-based line and column in a WIT file. */
export interface Span {
  /** Path of the WIT file as given to the front end (relative to the root). */
  file: string;
  line: number;
  col: number;
}

/** Feature gates: `@since`, `@unstable`, `@deprecated` (WIT.md "Feature Gates"). */
export type Stability =
  | { kind: "unknown" }
  | { kind: "stable"; since: string; deprecated?: string }
  | { kind: "unstable"; feature: string; deprecated?: string };

/** Fields shared by every named item. Absent means "none". */
export interface ItemMeta {
  /** Doc comment text with the comment markers stripped. */
  docs?: string;
  stability?: Stability;
  span?: Span;
  /** `@external-id("...")` (WIT.md "Item: world"). */
  externalId?: string;
}

export type PrimitiveKind =
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

/** A use of a type. Anonymous types are inline; named ones refer to `types`. */
export type IrType =
  | { kind: PrimitiveKind }
  | { kind: "named"; id: TypeId }
  | { kind: "list"; element: IrType; /** fixed length: `list<T, N>` */ length?: number }
  | { kind: "option"; some: IrType }
  | { kind: "result"; ok?: IrType; err?: IrType }
  | { kind: "tuple"; types: IrType[] }
  | { kind: "map"; key: IrType; value: IrType }
  | { kind: "own"; resource: TypeId }
  | { kind: "borrow"; resource: TypeId }
  /** `stream<T>`, or bare `stream` when `element` is absent. */
  | { kind: "stream"; element?: IrType }
  /** `future<T>`, or bare `future` when `element` is absent. */
  | { kind: "future"; element?: IrType };

export interface IrField extends ItemMeta {
  name: string;
  type: IrType;
}

export interface IrCase extends ItemMeta {
  name: string;
  type?: IrType;
}

export interface IrEnumCase extends ItemMeta {
  name: string;
}

export type IrTypeDefKind =
  | { kind: "record"; fields: IrField[] }
  | { kind: "variant"; cases: IrCase[] }
  | { kind: "enum"; cases: IrEnumCase[] }
  | { kind: "flags"; flags: IrEnumCase[] }
  /** Methods, statics and the constructor are functions of the owner with a resource `kind`. */
  | { kind: "resource" }
  /** `type x = T;` and every name brought in by `use` (target is then `named`). */
  | { kind: "alias"; target: IrType };

export type IrOwner =
  | { kind: "interface"; id: InterfaceId }
  | { kind: "world"; id: WorldId };

export interface IrTypeDef extends ItemMeta {
  id: TypeId;
  name: string;
  owner: IrOwner;
  def: IrTypeDefKind;
}

export interface IrParam {
  name: string;
  type: IrType;
}

export type IrFunctionKind =
  | { kind: "freestanding" }
  | { kind: "method"; resource: TypeId }
  | { kind: "static"; resource: TypeId }
  | { kind: "constructor"; resource: TypeId };

export interface IrFunction extends ItemMeta {
  /**
   * The component-level name: `foo`, `[constructor]r`, `[method]r.foo`,
   * `[static]r.foo` (Explainer.md "Import and Export Definitions").
   */
  name: string;
  kind: IrFunctionKind;
  /** `async func` (the function type carries `async`). */
  async: boolean;
  /** Methods have the implicit `self: borrow<r>` as their first parameter. */
  params: IrParam[];
  result?: IrType;
}

export interface IrInterface extends ItemMeta {
  id: InterfaceId;
  /** Absent for an inline interface written inside a world (`import foo: interface { ... }`). */
  name?: string;
  /** Absent for an inline interface. */
  package?: PackageId;
  /** Named types in definition order. */
  types: { name: string; id: TypeId }[];
  /** Functions in definition order, resource functions included. */
  functions: IrFunction[];
}

/**
 * One import or export of a world. `key` is the extern name the component
 * binary uses: `ns:pkg/iface@ver` for a named interface, a plain kebab name
 * for functions, types, inline interfaces and `import x: iface;` labels.
 */
export type IrWorldItem =
  | (ItemMeta & {
      kind: "interface";
      key: string;
      interface: InterfaceId;
      /** For `import label: ns:pkg/iface;` the interface this label implements. */
      implements?: string;
    })
  | (ItemMeta & { kind: "function"; key: string; function: IrFunction })
  | (ItemMeta & { kind: "type"; key: string; type: TypeId });

export interface IrWorld extends ItemMeta {
  id: WorldId;
  name: string;
  package: PackageId;
  /** After `include` and transitive-import elaboration (WIT.md "Transitive imports and worlds"). */
  imports: IrWorldItem[];
  exports: IrWorldItem[];
}

export interface IrPackage extends ItemMeta {
  id: PackageId;
  namespace: string;
  name: string;
  version?: string;
  /** Interface name -> id, in definition order. */
  interfaces: { name: string; id: InterfaceId }[];
  /** World name -> id, in definition order. */
  worlds: { name: string; id: WorldId }[];
}

/** A resolved world and everything it reaches. */
export interface IrDocument {
  irVersion: typeof IR_VERSION;
  /** The selected world. */
  world: WorldId;
  packages: IrPackage[];
  interfaces: IrInterface[];
  worlds: IrWorld[];
  types: IrTypeDef[];
}
