/**
 * What the items of a component's index spaces *are*, at the type level:
 * the result of walking its definitions (Explainer.md "Index Spaces",
 * "Type Checking"). Identity matters: a resource is one object however many
 * aliases reach it, and every type import/export is a distinct `named` object
 * (it is the externally visible name, Explainer.md "External Visibility of Types").
 */
import type { PrimitiveKind } from "../../ir/types.js";
import type { ComponentAst, ComponentDecl, ExternName, InstanceDecl } from "../ast.js";

export type TypeEnt = PrimEnt | ValEnt | NamedEnt | ResourceEnt | FuncEnt | InstanceTypeEnt | ComponentTypeEnt;

export interface PrimEnt {
  t: "prim";
  prim: PrimitiveKind;
}

/** An anonymous `defvaltype`, its operands resolved to entities. */
export interface ValEnt {
  t: "val";
  offset: number;
  def: ValDef;
}

export type ValDef =
  | { kind: "record"; fields: { name: string; type: TypeEnt }[] }
  | { kind: "variant"; cases: { name: string; type?: TypeEnt }[] }
  | { kind: "list"; element: TypeEnt; length?: number }
  | { kind: "tuple"; types: TypeEnt[] }
  | { kind: "flags"; names: string[] }
  | { kind: "enum"; names: string[] }
  | { kind: "option"; type: TypeEnt }
  | { kind: "result"; ok?: TypeEnt; err?: TypeEnt }
  | { kind: "own" | "borrow"; resource: TypeEnt }
  | { kind: "stream" | "future"; element?: TypeEnt }
  | { kind: "map"; key: TypeEnt; value: TypeEnt };

/** A type import or export: a name for `target` (a fresh resource for `(sub resource)`). */
export interface NamedEnt {
  t: "named";
  offset: number;
  name: string;
  target: TypeEnt;
}

/** A resource type; one object per fresh resource. */
export interface ResourceEnt {
  t: "resource";
  offset: number;
  name?: string;
}

export interface FuncEnt {
  t: "func";
  offset: number;
  async: boolean;
  params: { name: string; type: TypeEnt }[];
  result?: TypeEnt;
}

/** Instance and component types are instantiated lazily: each import gets fresh resources. */
export interface InstanceTypeEnt {
  t: "instance-type";
  offset: number;
  decls: InstanceDecl[];
  scope: Scope;
}

export interface ComponentTypeEnt {
  t: "component-type";
  offset: number;
  decls: ComponentDecl[];
  scope: Scope;
}

export interface InstanceEnt {
  exports: Map<string, { name: ExternName; item: Item }>;
}

export type ComponentEnt =
  { kind: "definition"; ast: ComponentAst; scope: Scope } | { kind: "type"; type: ComponentTypeEnt };

export type Item =
  | { sort: "func"; type: FuncEnt }
  | { sort: "type"; type: TypeEnt }
  | { sort: "instance"; instance: InstanceEnt }
  | { sort: "component"; component: ComponentEnt }
  | { sort: "value" }
  | { sort: "core module" };

/**
 * The component-level index spaces of one scope (a component, component type
 * or instance type). Core index spaces carry no component-level type
 * information and are not tracked.
 */
export interface Scope {
  parent?: Scope;
  types: TypeEnt[];
  funcs: FuncEnt[];
  instances: InstanceEnt[];
  components: ComponentEnt[];
  values: number;
}

export function newScope(parent?: Scope): Scope {
  return { parent, types: [], funcs: [], instances: [], components: [], values: 0 };
}
