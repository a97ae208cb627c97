/** Binary.md "Type Definitions" evaluated in a scope: operands become entities. */
import type { TypeDef, ValType } from "../ast.js";
import type { FuncEnt, Scope, TypeEnt, ValDef } from "./entities.js";
import { at, fail } from "./scope-ops.js";

export function valType(scope: Scope, v: ValType, offset: number): TypeEnt {
  if (v.kind === "primitive") return { t: "prim", prim: v.type };
  const ent = at(scope.types, v.index, "type", offset);
  if (ent.t === "func" || ent.t === "instance-type" || ent.t === "component-type" || ent.t === "resource") {
    fail(offset, `expected type ${v.index} to be a value type, found a ${ent.t} type`);
  }
  return ent;
}

function resourceRef(scope: Scope, index: number, offset: number): TypeEnt {
  const ent = at(scope.types, index, "type", offset);
  let root: TypeEnt = ent;
  while (root.t === "named") root = root.target;
  if (root.t !== "resource") fail(offset, `expected type ${index} to be a resource type, found a ${root.t} type`);
  return ent;
}

export function evalTypeDef(scope: Scope, def: TypeDef): TypeEnt {
  const o = def.offset;
  const v = (x: ValType) => valType(scope, x, o);
  const val = (d: ValDef): TypeEnt => ({ t: "val", offset: o, def: d });
  switch (def.kind) {
    case "primitive":
      return { t: "prim", prim: def.type };
    case "record":
      return val({ kind: "record", fields: def.fields.map((f) => ({ name: f.name, type: v(f.type) })) });
    case "variant":
      return val({
        kind: "variant",
        cases: def.cases.map((c) => (c.type ? { name: c.name, type: v(c.type) } : { name: c.name })),
      });
    case "list":
      return val(
        def.length === undefined
          ? { kind: "list", element: v(def.element) }
          : { kind: "list", element: v(def.element), length: def.length },
      );
    case "tuple":
      return val({ kind: "tuple", types: def.types.map(v) });
    case "flags":
      return val({ kind: "flags", names: def.names });
    case "enum":
      return val({ kind: "enum", names: def.names });
    case "option":
      return val({ kind: "option", type: v(def.type) });
    case "result": {
      const d: ValDef = { kind: "result" };
      if (def.ok) d.ok = v(def.ok);
      if (def.err) d.err = v(def.err);
      return val(d);
    }
    case "own":
    case "borrow":
      return val({ kind: def.kind, resource: resourceRef(scope, def.resource, o) });
    case "stream":
    case "future":
      return val(def.element ? { kind: def.kind, element: v(def.element) } : { kind: def.kind });
    case "map":
      return val({ kind: "map", key: v(def.key), value: v(def.value) });
    case "func": {
      const f: FuncEnt = {
        t: "func",
        offset: o,
        async: def.async,
        params: def.params.map((p) => ({ name: p.name, type: v(p.type) })),
      };
      if (def.result) f.result = v(def.result);
      return f;
    }
    case "instance":
      return { t: "instance-type", offset: o, decls: def.decls, scope };
    case "component":
      return { t: "component-type", offset: o, decls: def.decls, scope };
    case "resource":
      return { t: "resource", offset: o };
  }
}
