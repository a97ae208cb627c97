/** Syntax tree of WIT files. Positions are global `SourceMap` positions. */

export interface Id {
  name: string;
  pos: number;
}

export interface Docs {
  lines: string[];
  pos: number;
}

export type Attribute =
  | { kind: "since"; pos: number; version: string; versionPos: number }
  | { kind: "unstable"; pos: number; feature: string }
  | { kind: "deprecated"; pos: number; version: string; versionPos: number }
  | { kind: "external-id"; pos: number; value: string };

/** `ns:pkg@1.0.0`; nested namespaces (🪺) join with `:` and nested packages with `/`. */
export interface PackageRef {
  namespace: string;
  name: string;
  version?: string;
  pos: number;
}

export type UsePath = { kind: "local"; name: Id } | { kind: "package"; pkg: PackageRef; name: Id };

export type Type =
  | { kind: "prim"; name: PrimName; pos: number }
  | { kind: "name"; name: Id }
  | { kind: "list"; pos: number; element: Type; length?: number; lengthPos?: number }
  | { kind: "map"; pos: number; key: Type; value: Type }
  | { kind: "option"; pos: number; some: Type }
  | { kind: "result"; pos: number; ok?: Type; err?: Type }
  | { kind: "tuple"; pos: number; types: Type[] }
  | { kind: "handle"; pos: number; borrow: boolean; resource: Id }
  | { kind: "future"; pos: number; element?: Type }
  | { kind: "stream"; pos: number; element?: Type };

export type PrimName =
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

export interface Func {
  pos: number;
  async: boolean;
  params: { name: Id; type: Type }[];
  result?: Type;
}

export interface NamedFunc {
  docs?: Docs;
  attrs: Attribute[];
  name: Id;
  func: Func;
}

export interface ResourceFunc extends NamedFunc {
  kind: "method" | "static" | "constructor";
}

export interface Field {
  docs?: Docs;
  name: Id;
  type: Type;
}
export interface Case {
  docs?: Docs;
  name: Id;
  type?: Type;
}
export interface Flag {
  docs?: Docs;
  name: Id;
}

export type TypeDefBody =
  | { kind: "alias"; type: Type }
  | { kind: "record"; fields: Field[] }
  | { kind: "variant"; cases: Case[] }
  | { kind: "enum"; cases: Flag[] }
  | { kind: "flags"; flags: Flag[] }
  | { kind: "resource"; funcs: ResourceFunc[] };

export interface TypeDef {
  kind: "type";
  docs?: Docs;
  attrs: Attribute[];
  name: Id;
  body: TypeDefBody;
}

export interface Use {
  kind: "use";
  pos: number;
  attrs: Attribute[];
  from: UsePath;
  names: { name: Id; as?: Id }[];
}

export interface FuncItem extends NamedFunc {
  kind: "func";
}

export type InterfaceItem = TypeDef | Use | FuncItem;

export interface Interface {
  kind: "interface";
  docs?: Docs;
  attrs: Attribute[];
  name: Id;
  items: InterfaceItem[];
}

export type ExternKind =
  | { kind: "interface"; name: Id; items: InterfaceItem[] }
  | { kind: "path"; path: UsePath }
  | { kind: "func"; name: Id; func: Func }
  /** `label: use-path` (WIT.md "Item: world", 🏷️). */
  | { kind: "named-path"; name: Id; path: UsePath };

export interface ImportExport {
  kind: "import" | "export";
  pos: number;
  docs?: Docs;
  attrs: Attribute[];
  extern: ExternKind;
}

export interface Include {
  kind: "include";
  pos: number;
  attrs: Attribute[];
  from: UsePath;
  names: { name: Id; as: Id }[];
}

export type WorldItem = ImportExport | Use | TypeDef | Include;

export interface World {
  kind: "world";
  docs?: Docs;
  attrs: Attribute[];
  name: Id;
  items: WorldItem[];
}

export interface ToplevelUse {
  kind: "toplevel-use";
  pos: number;
  attrs: Attribute[];
  path: UsePath;
  as?: Id;
}

export interface NestedPackage {
  kind: "package";
  decl: PackageDecl;
  items: PackageItem[];
}

export type PackageItem = Interface | World | ToplevelUse | NestedPackage;

export interface PackageDecl {
  docs?: Docs;
  ref: PackageRef;
}

/** One parsed file: an optional `package x:y;` header and its items. */
export interface FileAst {
  file: string;
  package?: PackageDecl;
  items: PackageItem[];
}
