/**
 * Typed AST of a component binary (Binary.md). Every node carries `offset`,
 * its absolute byte position in the outermost binary. Indices are the raw
 * index-space numbers of the binary; `resolve/` gives them meaning.
 */
import type { PrimitiveKind } from "../ir/types.js";

export interface ComponentAst {
  offset: number;
  /** Byte length of the whole component (preamble included). */
  size: number;
  /** The preamble's `version` field (0x0d for the 2026-08 snapshot). */
  version: number;
  /** Sections in binary order; index spaces grow in this order. */
  sections: Section[];
  /** The decoded `component-name` custom section, if present and well-formed. */
  names?: NameSection;
}

export type Section =
  | { kind: "custom"; offset: number; name: string; data: Uint8Array }
  | CoreModuleSection
  | { kind: "core-instances"; offset: number; items: CoreInstance[] }
  | { kind: "core-types"; offset: number; items: CoreType[] }
  | { kind: "component"; offset: number; component: ComponentAst }
  | { kind: "instances"; offset: number; items: Instance[] }
  | { kind: "aliases"; offset: number; items: Alias[] }
  | { kind: "types"; offset: number; items: TypeDef[] }
  | { kind: "canons"; offset: number; items: Canon[] }
  | { kind: "start"; offset: number; start: Start }
  | { kind: "imports"; offset: number; items: Import[] }
  | { kind: "exports"; offset: number; items: Export[] }
  | { kind: "values"; offset: number; items: Value[] };

/** A core module, kept as bytes for `WebAssembly.Module` (never parsed here). */
export interface CoreModuleSection {
  kind: "core-module";
  offset: number;
  /** Absolute byte range of the module (its own preamble included). */
  start: number;
  end: number;
  /** A view (no copy) of the module's bytes. */
  bytes: Uint8Array;
}

// ---- sorts -------------------------------------------------------------------

export type CoreSort = "func" | "table" | "memory" | "global" | "tag" | "type" | "module" | "instance";

/** Binary.md "Instance Definitions" `sort`: component sorts and `core <sort>`. */
export type Sort =
  | "func"
  | "value"
  | "type"
  | "component"
  | "instance"
  | "core func"
  | "core table"
  | "core memory"
  | "core global"
  | "core tag"
  | "core type"
  | "core module"
  | "core instance";

export interface SortIdx {
  sort: Sort;
  index: number;
}

// ---- instances ---------------------------------------------------------------

export type CoreInstance =
  | { kind: "instantiate"; offset: number; module: number; args: { name: string; instance: number }[] }
  | { kind: "exports"; offset: number; exports: { name: string; sort: CoreSort; index: number }[] };

export type Instance =
  | { kind: "instantiate"; offset: number; component: number; args: { name: string; item: SortIdx }[] }
  | { kind: "exports"; offset: number; exports: { name: ExternName; item: SortIdx }[] };

// ---- aliases -----------------------------------------------------------------

export type Alias =
  | { kind: "instance-export"; offset: number; sort: Sort; instance: number; name: string }
  | { kind: "core-instance-export"; offset: number; sort: Sort; instance: number; name: string }
  | { kind: "outer"; offset: number; sort: Sort; count: number; index: number };

// ---- core types --------------------------------------------------------------

/** A core value type, e.g. "i32", "funcref", or `(ref null 3)`. */
export type CoreValType =
  { kind: "i32" | "i64" | "f32" | "f64" | "v128" } | { kind: "ref"; nullable: boolean; heap: CoreHeapType };

/** Abstract heap types by name, concrete ones by type index. */
export type CoreHeapType = string | number;

export type CoreStorageType = CoreValType | { kind: "i8" | "i16" };

export type CoreCompType =
  | { kind: "func"; params: CoreValType[]; results: CoreValType[] }
  | { kind: "struct"; fields: { type: CoreStorageType; mutable: boolean }[] }
  | { kind: "array"; element: { type: CoreStorageType; mutable: boolean } };

export interface CoreSubType {
  final: boolean;
  supertypes: number[];
  type: CoreCompType;
}

export type CoreType =
  | { kind: "rec"; offset: number; types: CoreSubType[] }
  | { kind: "sub"; offset: number; type: CoreSubType }
  | { kind: "module"; offset: number; decls: CoreModuleDecl[] };

export type CoreModuleDecl =
  | { kind: "import"; offset: number; module: string; name: string; type: CoreExternType }
  | { kind: "type"; offset: number; type: CoreType }
  | { kind: "alias"; offset: number; count: number; index: number }
  | { kind: "export"; offset: number; name: string; type: CoreExternType };

export interface CoreLimits {
  min: bigint;
  max?: bigint;
  shared: boolean;
  is64: boolean;
  pageSizeLog2?: number;
}

export type CoreExternType =
  | { kind: "func"; type: number }
  | { kind: "table"; element: CoreValType; limits: CoreLimits }
  | { kind: "memory"; limits: CoreLimits }
  | { kind: "global"; type: CoreValType; mutable: boolean }
  | { kind: "tag"; type: number };

// ---- component types ---------------------------------------------------------

/** `valtype`: a primitive or an index into the type index space. */
export type ValType = { kind: "primitive"; type: PrimitiveKind } | { kind: "index"; index: number };

export type DefValType =
  | { kind: "primitive"; type: PrimitiveKind }
  | { kind: "record"; fields: { name: string; type: ValType }[] }
  | { kind: "variant"; cases: { name: string; type?: ValType }[] }
  | { kind: "list"; element: ValType; /** fixed-length `list<T, N>` */ length?: number }
  | { kind: "tuple"; types: ValType[] }
  | { kind: "flags"; names: string[] }
  | { kind: "enum"; names: string[] }
  | { kind: "option"; type: ValType }
  | { kind: "result"; ok?: ValType; err?: ValType }
  | { kind: "own"; resource: number }
  | { kind: "borrow"; resource: number }
  | { kind: "stream"; element?: ValType }
  | { kind: "future"; element?: ValType }
  | { kind: "map"; key: ValType; value: ValType };

export interface FuncType {
  kind: "func";
  async: boolean;
  params: { name: string; type: ValType }[];
  result?: ValType;
}

export type DefType =
  | DefValType
  | FuncType
  | { kind: "component"; decls: ComponentDecl[] }
  | { kind: "instance"; decls: InstanceDecl[] }
  | { kind: "resource"; rep: CoreValType; dtor?: number };

export type TypeDef = DefType & { offset: number };

export type InstanceDecl =
  | { kind: "core-type"; offset: number; type: CoreType }
  | { kind: "type"; offset: number; type: TypeDef }
  | { kind: "alias"; offset: number; alias: Alias }
  | { kind: "export"; offset: number; name: ExternName; type: ExternType };

export type ComponentDecl = InstanceDecl | { kind: "import"; offset: number; name: ExternName; type: ExternType };

export type TypeBound = { kind: "eq"; index: number } | { kind: "sub-resource" };

export type ExternType =
  | { kind: "module"; type: number }
  | { kind: "func"; type: number }
  | { kind: "value"; bound: { kind: "eq"; index: number } | { kind: "type"; type: ValType } }
  | { kind: "type"; bound: TypeBound }
  | { kind: "component"; type: number }
  | { kind: "instance"; type: number };

// ---- names -------------------------------------------------------------------

/** `nameattributes`: an extern name plus its attributes (Binary.md "Import and Export Definitions"). */
export interface ExternName {
  offset: number;
  name: string;
  /** 🏷️ `(implements "ns:pkg/iface")` */
  implements?: string;
  /** 🔗 `(versionsuffix "...")` */
  versionSuffix?: string;
  /** 🏷️ `(external-id "...")` */
  externalId?: string;
}

export interface Import {
  offset: number;
  name: ExternName;
  type: ExternType;
}

export interface Export {
  offset: number;
  name: ExternName;
  item: SortIdx;
  /** Optional type ascription. */
  type?: ExternType;
}

// ---- canonical definitions ---------------------------------------------------

export type StringEncoding = "utf8" | "utf16" | "latin1+utf16";

/** `opts` (Binary.md "Canonical Definitions"); duplicates are rejected. */
export interface CanonOptions {
  /** Absent means the default, utf8. */
  stringEncoding?: StringEncoding;
  memory?: number;
  realloc?: number;
  postReturn?: number;
  async?: boolean;
  callback?: number;
  /** wasm-tools extension (not in Binary.md): core type of a GC-ABI lift/lower. */
  coreType?: number;
  /** wasm-tools extension (not in Binary.md): GC ABI. */
  gc?: boolean;
}

type C<K extends string, F = {}> = { kind: K; offset: number } & F;

export type Canon =
  | C<"lift", { coreFunc: number; options: CanonOptions; type: number }>
  | C<"lower", { func: number; options: CanonOptions }>
  | C<"resource.new" | "resource.drop" | "resource.rep", { resource: number }>
  | C<"backpressure.inc" | "backpressure.dec" | "task.cancel" | "subtask.drop" | "error-context.drop">
  | C<"task.return", { result?: ValType; options: CanonOptions }>
  | C<"context.get" | "context.set", { type: CoreValType; index: number }>
  | C<"subtask.cancel", { async: boolean }>
  | C<
      | "stream.new"
      | "stream.drop-readable"
      | "stream.drop-writable"
      | "future.new"
      | "future.drop-readable"
      | "future.drop-writable",
      { type: number }
    >
  | C<"stream.read" | "stream.write" | "future.read" | "future.write", { type: number; options: CanonOptions }>
  | C<
      "stream.cancel-read" | "stream.cancel-write" | "future.cancel-read" | "future.cancel-write",
      { type: number; async: boolean }
    >
  | C<"error-context.new" | "error-context.debug-message", { options: CanonOptions }>
  | C<"waitable-set.new" | "waitable-set.drop" | "waitable.join">
  | C<"waitable-set.wait" | "waitable-set.poll", { cancellable: boolean; memory: number }>
  | C<"thread.index" | "thread.resume-later">
  | C<"thread.new-indirect", { funcType: number; table: number }>
  | C<
      | "thread.suspend"
      | "thread.yield"
      | "thread.suspend-then-resume"
      | "thread.yield-then-resume"
      | "thread.suspend-then-promote"
      | "thread.yield-then-promote",
      { cancellable: boolean }
    >
  | C<"thread.spawn-ref", { shared: boolean; funcType: number }>
  | C<"thread.spawn-indirect", { shared: boolean; funcType: number; table: number }>
  | C<"thread.available-parallelism", { shared: boolean }>;

export type CanonKind = Canon["kind"];

// ---- start and values (🪙) ---------------------------------------------------

export interface Start {
  offset: number;
  func: number;
  args: number[];
  results: number;
}

/** A value definition; the payload stays encoded (its layout depends on the type). */
export interface Value {
  offset: number;
  type: ValType;
  bytes: Uint8Array;
}

// ---- name section ------------------------------------------------------------

/** Binary.md "Name Section": debug names, for messages only. */
export interface NameSection {
  component?: string;
  /** Per sort, index -> name. */
  sorts: { sort: Sort; names: Map<number, string> }[];
}
