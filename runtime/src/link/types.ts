/**
 * Component-level types at run time: what the type index space of one
 * component instance holds (Explainer.md "Index Spaces", "Type Definitions"),
 * resolved into {@link AbiType}s for the ABI core. Each `defvaltype` becomes
 * one AbiType object (so plan/codec caches keyed by identity work), and each
 * resource type is one {@link RtResource}, whose numeric `id` is what `own`
 * and `borrow` AbiTypes carry.
 */
import type { AbiType } from "../abi/valtype.js";
import type { ComponentDecl, InstanceDecl, TypeDef, ValType } from "../binary/ast.js";
import type { ResourceBinding } from "../resources/binding.js";
import type { FunctionSignature } from "./adapters.js";
import { LinkError } from "./errors.js";

/** A resource type at run time; identity = object identity. */
export interface RtResource {
  id: number;
  name: string;
  binding: ResourceBinding;
}

export type RtType =
  | { t: "val"; abi: AbiType }
  | { t: "resource"; res: RtResource }
  /** A `(sub resource)` import not yet bound (only inside a type being checked). */
  | { t: "func"; sig: Omit<FunctionSignature, "name"> }
  | { t: "instance-type"; decls: InstanceDecl[]; env: TypeEnv }
  | { t: "component-type"; decls: ComponentDecl[]; env: TypeEnv };

/** The part of a scope that type definitions and outer aliases can see. */
export interface TypeEnv {
  parent?: TypeEnv;
  types: RtType[];
}

function typeAt(env: TypeEnv, index: number, offset: number): RtType {
  const t = env.types[index];
  if (t === undefined) throw new LinkError(`type index ${index} is out of range (${env.types.length} types)`, offset);
  return t;
}

/** The AbiType of a `valtype` in `env`. */
export function valType(env: TypeEnv, v: ValType, offset: number): AbiType {
  if (v.kind === "primitive") return { kind: v.type } as AbiType;
  const t = typeAt(env, v.index, offset);
  if (t.t !== "val") throw new LinkError(`type ${v.index} is a ${t.t} type where a value type is expected`, offset);
  return t.abi;
}

export function resourceAt(env: TypeEnv, index: number, offset: number): RtResource {
  const t = typeAt(env, index, offset);
  if (t.t !== "resource") throw new LinkError(`type ${index} is a ${t.t} type where a resource type is expected`, offset);
  return t.res;
}

export function funcTypeAt(env: TypeEnv, index: number, offset: number): Omit<FunctionSignature, "name"> {
  const t = typeAt(env, index, offset);
  if (t.t !== "func") throw new LinkError(`type ${index} is a ${t.t} type where a function type is expected`, offset);
  return t.sig;
}

/**
 * Evaluates a type definition. `newResource` mints a resource for
 * `(type (resource ...))` (only valid in a component, not in a type).
 */
export function evalTypeDef(env: TypeEnv, def: TypeDef, newResource: (def: Extract<TypeDef, { kind: "resource" }>) => RtResource): RtType {
  const o = def.offset;
  const v = (x: ValType) => valType(env, x, o);
  const val = (abi: AbiType): RtType => ({ t: "val", abi });
  switch (def.kind) {
    case "primitive":
      return val({ kind: def.type } as AbiType);
    case "record":
      return val({ kind: "record", fields: def.fields.map((f) => ({ name: f.name, type: v(f.type) })) });
    case "variant":
      return val({ kind: "variant", cases: def.cases.map((c) => (c.type ? { name: c.name, type: v(c.type) } : { name: c.name })) });
    case "list":
      return val(def.length === undefined ? { kind: "list", element: v(def.element) } : { kind: "list", element: v(def.element), length: def.length });
    case "tuple":
      return val({ kind: "tuple", types: def.types.map(v) });
    case "flags":
      return val({ kind: "flags", flags: def.names });
    case "enum":
      return val({ kind: "enum", cases: def.names });
    case "option":
      return val({ kind: "option", some: v(def.type) });
    case "result":
      return val({ kind: "result", ok: def.ok && v(def.ok), err: def.err && v(def.err) });
    case "own":
    case "borrow": {
      const r = resourceAt(env, def.resource, o);
      return val({ kind: def.kind, resource: r.id, name: r.name });
    }
    case "stream":
    case "future":
      return val({ kind: def.kind, element: def.element && v(def.element) });
    case "map":
      return val({ kind: "map", key: v(def.key), value: v(def.value) });
    case "func":
      return {
        t: "func",
        sig: {
          async: def.async,
          params: def.params.map((p) => ({ name: p.name, type: v(p.type) })),
          ...(def.result ? { result: v(def.result) } : {}),
        },
      };
    case "instance":
      return { t: "instance-type", decls: def.decls, env };
    case "component":
      return { t: "component-type", decls: def.decls, env };
    case "resource":
      return { t: "resource", res: newResource(def) };
  }
}

/** The scope `count` levels out (outer aliases, Explainer.md "Alias Definitions"). */
export function outerEnv<E extends { parent?: E }>(env: E, count: number, offset: number): E {
  let e: E | undefined = env;
  for (let i = 0; i < count && e; i++) e = e.parent;
  if (!e) throw new LinkError(`outer alias count ${count} reaches beyond the outermost component`, offset);
  return e;
}

/** WIT-like text of a type, for messages (e.g. missing imports). */
export function describeAbiType(t: AbiType): string {
  switch (t.kind) {
    case "list":
      return `list<${describeAbiType(t.element)}${t.length === undefined ? "" : `, ${t.length}`}>`;
    case "record":
      return t.name ?? `record { ${t.fields.map((f) => `${f.name}: ${describeAbiType(f.type)}`).join(", ")} }`;
    case "variant":
      return t.name ?? `variant { ${t.cases.map((c) => (c.type ? `${c.name}(${describeAbiType(c.type)})` : c.name)).join(", ")} }`;
    case "enum":
      return t.name ?? `enum { ${t.cases.join(", ")} }`;
    case "flags":
      return t.name ?? `flags { ${t.flags.join(", ")} }`;
    case "tuple":
      return `tuple<${t.types.map(describeAbiType).join(", ")}>`;
    case "option":
      return `option<${describeAbiType(t.some)}>`;
    case "result":
      return t.ok || t.err ? `result<${t.ok ? describeAbiType(t.ok) : "_"}${t.err ? `, ${describeAbiType(t.err)}` : ""}>` : "result";
    case "map":
      return `map<${describeAbiType(t.key)}, ${describeAbiType(t.value)}>`;
    case "own":
      return t.name;
    case "borrow":
      return `borrow<${t.name}>`;
    case "stream":
    case "future":
      return t.element ? `${t.kind}<${describeAbiType(t.element)}>` : t.kind;
    default:
      return t.kind;
  }
}

export function describeSignature(sig: Omit<FunctionSignature, "name">): string {
  const params = sig.params.map((p) => `${p.name}: ${describeAbiType(p.type)}`).join(", ");
  return `${sig.async ? "async " : ""}func(${params})${sig.result ? ` -> ${describeAbiType(sig.result)}` : ""}`;
}
