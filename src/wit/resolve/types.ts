import type { IrFunction, IrOwner, IrParam, IrType, IrTypeDefKind, Stability } from "@witgen/runtime/ir";
import type * as A from "../ast.js";
import { docsText, isIncluded, readExternalId, readStability } from "./stability.js";
import { type InterfaceHandle, type ResolveState, type ScopeEntry, withMeta } from "./state.js";
import { toposort } from "./toposort.js";

/** Where a scope is being resolved: its owner, its package (for gates), and whether a gate dropped it. */
export interface ScopeContext {
  state: ResolveState;
  /** Absent while resolving something a gate leaves out (nothing is added to the arenas then). */
  owner?: IrOwner;
  pkgName: string;
  pkgVersion?: string;
  scope: Map<string, ScopeEntry>;
  /** Resolves a `use` path to an interface (errors for worlds or unknown names). */
  useTarget(path: A.UsePath): InterfaceHandle;
}

const MAP_KEYS: ReadonlySet<string> = new Set(["bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "char", "string"]);

/** An item's gate; `kept` is false when the gate leaves it (or its container) out. */
export function gate(cx: ScopeContext, attrs: A.Attribute[], pos: number): { stability: Stability; kept: boolean } {
  const stability = readStability(attrs, cx.state.map);
  const kept = isIncluded(stability, cx.pkgName, cx.pkgVersion, pos, cx.state.gates, cx.state.map);
  return { stability, kept: kept && cx.owner !== undefined };
}

/**
 * Defines the `use`d names and type definitions of an interface or world
 * (WIT.md "Name resolution"): `use`s first, then definitions in dependency
 * order, rejecting unknown names and cycles. Returns the type ids in
 * definition order.
 */
export function resolveTypeItems(cx: ScopeContext, uses: A.Use[], defs: A.TypeDef[]): number[] {
  const { state } = cx;
  const map = state.map;
  const ids: number[] = [];
  for (const u of uses) {
    const from = cx.useTarget(u.from);
    const g = gate(cx, u.attrs, u.pos);
    const externalId = readExternalId(u.attrs, map);
    for (const n of u.names) {
      const target = from.scope.get(n.name.name);
      if (!target) throw map.error(n.name.pos, `name \`${n.name.name}\` does not exist`);
      if (target.kind === "function") throw map.error(n.name.pos, `cannot import function \`${n.name.name}\``);
      const local = n.as ?? n.name;
      if (cx.scope.has(local.name)) throw map.error(local.pos, `name \`${local.name}\` is defined more than once`);
      if (target.kind === "excluded" || !g.kept) {
        if (target.kind === "excluded" && g.kept) throw excludedError(cx, n.name.pos, "type");
        cx.scope.set(local.name, { kind: "excluded", what: "type" });
        continue;
      }
      const id = state.types.length;
      state.types.push(
        withMeta(
          { id, name: local.name, owner: cx.owner!, def: { kind: "alias", target: { kind: "named", id: target.id } } },
          { stability: g.stability, span: state.span(n.name.pos), externalId },
        ),
      );
      cx.scope.set(local.name, { kind: "type", id });
      ids.push(id);
    }
  }

  // Dependencies between the definitions themselves; used names are already defined.
  const index = new Map<string, number>();
  for (let i = 0; i < defs.length; i++) {
    const name = defs[i].name;
    if (cx.scope.has(name.name) || index.has(name.name)) {
      throw map.error(name.pos, `name \`${name.name}\` is defined more than once`);
    }
    index.set(name.name, i);
  }
  const deps: number[][] = [];
  const depPos: number[][] = [];
  const depName: string[][] = [];
  for (const def of defs) {
    const names: A.Id[] = [];
    collectNames(def.body, names);
    const d: number[] = [];
    const p: number[] = [];
    const nm: string[] = [];
    for (const n of names) {
      const j = index.get(n.name);
      if (j === undefined) {
        if (!cx.scope.has(n.name)) throw map.error(n.pos, `type \`${n.name}\` does not exist`);
        continue;
      }
      d.push(j);
      p.push(n.pos);
      nm.push(n.name);
    }
    deps.push(d);
    depPos.push(p);
    depName.push(nm);
  }
  const sorted = toposort(deps);
  if ("cycle" in sorted) {
    const { node, edge } = sorted.cycle;
    throw map.error(depPos[node][edge], `type \`${depName[node][edge]}\` depends on itself`);
  }
  for (const i of sorted.order) {
    const def = defs[i];
    const g = gate(cx, def.attrs, def.name.pos);
    const externalId = readExternalId(def.attrs, map);
    const sub: ScopeContext = g.kept ? cx : { ...cx, owner: undefined };
    const kind = resolveDefBody(sub, def);
    if (!g.kept) {
      cx.scope.set(def.name.name, { kind: "excluded", what: "type" });
      continue;
    }
    const id = state.types.length;
    state.types.push(
      withMeta(
        { id, name: def.name.name, owner: cx.owner!, def: kind },
        { docs: docsText(def.docs), stability: g.stability, span: state.span(def.name.pos), externalId },
      ),
    );
    cx.scope.set(def.name.name, { kind: "type", id });
    ids.push(id);
  }
  return ids;
}

function collectNames(body: A.TypeDefBody, out: A.Id[]): void {
  switch (body.kind) {
    case "alias":
      collectTypeNames(body.type, out);
      break;
    case "record":
      for (const f of body.fields) collectTypeNames(f.type, out);
      break;
    case "variant":
      for (const c of body.cases) if (c.type) collectTypeNames(c.type, out);
      break;
    default:
      break;
  }
}

function collectTypeNames(t: A.Type, out: A.Id[]): void {
  switch (t.kind) {
    case "name":
      out.push(t.name);
      break;
    case "handle":
      out.push(t.resource);
      break;
    case "list":
      collectTypeNames(t.element, out);
      break;
    case "option":
      collectTypeNames(t.some, out);
      break;
    case "map":
      collectTypeNames(t.key, out);
      collectTypeNames(t.value, out);
      break;
    case "result":
      if (t.ok) collectTypeNames(t.ok, out);
      if (t.err) collectTypeNames(t.err, out);
      break;
    case "tuple":
      for (const x of t.types) collectTypeNames(x, out);
      break;
    case "future":
    case "stream":
      if (t.element) collectTypeNames(t.element, out);
      break;
    case "prim":
      break;
  }
}

function resolveDefBody(cx: ScopeContext, def: A.TypeDef): IrTypeDefKind {
  const map = cx.state.map;
  const body = def.body;
  switch (body.kind) {
    case "alias":
      // `type a = b` keeps naming `b`, even for a resource (it then is a resource too).
      if (body.type.kind === "name") return { kind: "alias", target: { kind: "named", id: lookupType(cx, body.type.name, "type") } };
      return { kind: "alias", target: resolveType(cx, body.type) };
    case "record": {
      const seen = new Set<string>();
      const fields = body.fields.map((f) => {
        if (seen.has(f.name.name)) throw map.error(f.name.pos, `field \`${f.name.name}\` is defined more than once`);
        seen.add(f.name.name);
        return withMeta({ name: f.name.name, type: resolveType(cx, f.type) }, { docs: docsText(f.docs), span: cx.state.span(f.name.pos) });
      });
      return { kind: "record", fields };
    }
    case "variant": {
      if (body.cases.length === 0) throw map.error(def.name.pos, "empty variant");
      const seen = new Set<string>();
      const cases = body.cases.map((c) => {
        if (seen.has(c.name.name)) throw map.error(c.name.pos, `case \`${c.name.name}\` is defined more than once`);
        seen.add(c.name.name);
        const out: { name: string; type?: IrType } = { name: c.name.name };
        if (c.type) out.type = resolveType(cx, c.type);
        return withMeta(out, { docs: docsText(c.docs), span: cx.state.span(c.name.pos) });
      });
      return { kind: "variant", cases };
    }
    case "enum": {
      if (body.cases.length === 0) throw map.error(def.name.pos, "empty enum");
      return { kind: "enum", cases: names(cx, body.cases, "case") };
    }
    case "flags":
      return { kind: "flags", flags: names(cx, body.flags, "flag") };
    case "resource": {
      let ctors = 0;
      const seen = new Set<string>();
      for (const f of body.funcs) {
        if (f.kind === "constructor") {
          if (++ctors > 1) throw map.error(f.name.pos, "duplicate constructors");
        } else {
          if (seen.has(f.name.name)) throw map.error(f.name.pos, `duplicate function name \`${f.name.name}\``);
          seen.add(f.name.name);
        }
      }
      return { kind: "resource" };
    }
  }
}

function names(cx: ScopeContext, list: A.Flag[], what: string): { name: string }[] {
  const seen = new Set<string>();
  return list.map((c) => {
    if (seen.has(c.name.name)) throw cx.state.map.error(c.name.pos, `${what} \`${c.name.name}\` is defined more than once`);
    seen.add(c.name.name);
    return withMeta({ name: c.name.name }, { docs: docsText(c.docs), span: cx.state.span(c.name.pos) });
  });
}

function excludedError(cx: ScopeContext, pos: number, what: string): Error {
  return cx.state.map.error(pos, `found a reference to a ${what} which is excluded due to its feature not being activated`);
}

/** Looks a type name up; in a gated-out context any defined name will do (returns -1). */
function lookupType(cx: ScopeContext, name: A.Id, notFoundKind: "type" | "name"): number {
  const e = cx.scope.get(name.name);
  if (!e) throw cx.state.map.error(name.pos, `${notFoundKind} \`${name.name}\` does not exist`);
  if (e.kind === "function") throw cx.state.map.error(name.pos, `cannot use function \`${name.name}\` as a type`);
  if (e.kind === "excluded") {
    if (cx.owner) throw excludedError(cx, name.pos, "type");
    return -1;
  }
  return e.id;
}

/** Resolves a type use; a bare resource name (or alias of one) means `own<r>` (WIT.md "Handles"). */
export function resolveType(cx: ScopeContext, t: A.Type, notFoundKind: "type" | "name" = "type"): IrType {
  const map = cx.state.map;
  switch (t.kind) {
    case "prim":
      return { kind: t.name };
    case "name": {
      const id = lookupType(cx, t.name, notFoundKind);
      if (id < 0) return { kind: "bool" };
      return cx.state.isResource(id) ? { kind: "own", resource: id } : { kind: "named", id };
    }
    case "handle": {
      const id = lookupType(cx, t.resource, notFoundKind);
      if (id < 0) return { kind: "bool" };
      if (!cx.state.isResource(id)) throw map.error(t.resource.pos, `type \`${t.resource.name}\` used in a handle must be a resource`);
      return { kind: t.borrow ? "borrow" : "own", resource: id };
    }
    case "list": {
      const element = resolveType(cx, t.element, notFoundKind);
      if (t.length === undefined) return { kind: "list", element };
      // WIT.md "Types": `uint ::= [1-9][0-9]*`, so a fixed-length list has at least one element.
      if (t.length === 0) throw map.error(t.lengthPos!, "invalid list size: fixed-length lists must have at least one element");
      return { kind: "list", element, length: t.length };
    }
    case "map": {
      const key = resolveType(cx, t.key, notFoundKind);
      const value = resolveType(cx, t.value, notFoundKind);
      // WIT.md "Types": `kt` is a primitive other than floats (and not error-context).
      if (t.key.kind !== "prim" || !MAP_KEYS.has(t.key.name)) {
        throw map.error(
          t.pos,
          "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string",
        );
      }
      return { kind: "map", key, value };
    }
    case "option":
      return { kind: "option", some: resolveType(cx, t.some, notFoundKind) };
    case "result": {
      const r: IrType & { kind: "result" } = { kind: "result" };
      if (t.ok) r.ok = resolveType(cx, t.ok, notFoundKind);
      if (t.err) r.err = resolveType(cx, t.err, notFoundKind);
      return r;
    }
    case "tuple":
      return { kind: "tuple", types: t.types.map((x) => resolveType(cx, x, notFoundKind)) };
    case "future":
    case "stream":
      return t.element ? { kind: t.kind, element: resolveType(cx, t.element, notFoundKind) } : { kind: t.kind };
  }
}

export type FuncShape =
  | { kind: "freestanding" }
  | { kind: "method" | "static" | "constructor"; resource: number; resourceName: string };

/** Resolves one function; returns undefined when a gate leaves it out. */
export function resolveFunction(cx: ScopeContext, f: A.NamedFunc, shape: FuncShape): IrFunction | undefined {
  const { state } = cx;
  const map = state.map;
  const g = gate(cx, f.attrs, f.name.pos);
  const externalId = readExternalId(f.attrs, map);
  const sub: ScopeContext = g.kept ? cx : { ...cx, owner: undefined };
  let name: string;
  let kind: IrFunction["kind"];
  switch (shape.kind) {
    case "freestanding":
      name = f.name.name;
      kind = { kind: "freestanding" };
      break;
    case "method":
      name = `[method]${shape.resourceName}.${f.name.name}`;
      kind = { kind: "method", resource: shape.resource };
      break;
    case "static":
      name = `[static]${shape.resourceName}.${f.name.name}`;
      kind = { kind: "static", resource: shape.resource };
      break;
    case "constructor":
      name = `[constructor]${shape.resourceName}`;
      kind = { kind: "constructor", resource: shape.resource };
      break;
  }
  // A kept method of a gated-out resource refers to something that is not there.
  if (shape.kind !== "freestanding" && shape.resource < 0 && g.kept) throw excludedError(cx, f.name.pos, "type");
  const params: IrParam[] = [];
  const seen = new Set<string>();
  if (shape.kind === "method") {
    params.push({ name: "self", type: { kind: "borrow", resource: shape.resource } });
    seen.add("self");
  }
  for (const p of f.func.params) {
    if (seen.has(p.name.name)) throw map.error(p.name.pos, `param \`${p.name.name}\` is defined more than once`);
    seen.add(p.name.name);
    params.push({ name: p.name.name, type: resolveType(sub, p.type, "name") });
  }
  let result: IrType | undefined;
  if (shape.kind === "constructor") {
    result = constructorResult(sub, f.func.result, shape.resource);
  } else if (f.func.result) {
    result = resolveType(sub, f.func.result, "name");
  }
  if (!g.kept) return undefined;
  // Handles: a `borrow` may only be passed in, never returned (the reference parser enforces this).
  if (result && hasBorrow(cx.state, result, new Map())) {
    throw map.error(f.name.pos, `function \`${name}\` returns a type which contains a \`borrow<T>\` which is not supported`);
  }
  const fn: IrFunction = { name, kind, async: f.func.async, params };
  if (result) fn.result = result;
  return withMeta(fn, { docs: docsText(f.docs), stability: g.stability, span: state.span(f.name.pos), externalId });
}

/** WIT.md "Item: resource": no result means `own<r>`; otherwise it must be `result<r, ...>`. */
function constructorResult(cx: ScopeContext, result: A.Type | undefined, resource: number): IrType {
  if (!result) return { kind: "own", resource };
  const map = cx.state.map;
  if (result.kind !== "result") throw map.error(typePos(result), "if a constructor return type is declared it must be a `result`");
  const ok = result.ok;
  const okId = ok?.kind === "name" ? cx.scope.get(ok.name.name) : undefined;
  const resolved = resolveType(cx, result, "name");
  if (!ok || ok.kind !== "name" || okId?.kind === "function" || (okId?.kind === "type" && okId.id !== resource)) {
    throw map.error(ok ? typePos(ok) : result.pos, "the `ok` type must be the resource being constructed");
  }
  return resolved;
}

export function typePos(t: A.Type): number {
  if (t.kind === "name") return t.name.pos;
  return t.pos;
}

function hasBorrow(state: ResolveState, t: IrType, memo: Map<number, boolean>): boolean {
  switch (t.kind) {
    case "borrow":
      return true;
    case "named": {
      const known = memo.get(t.id);
      if (known !== undefined) return known;
      memo.set(t.id, false);
      const def = state.types[t.id].def;
      let r = false;
      switch (def.kind) {
        case "alias":
          r = hasBorrow(state, def.target, memo);
          break;
        case "record":
          r = def.fields.some((f) => hasBorrow(state, f.type, memo));
          break;
        case "variant":
          r = def.cases.some((c) => c.type !== undefined && hasBorrow(state, c.type, memo));
          break;
        default:
          r = false;
      }
      memo.set(t.id, r);
      return r;
    }
    case "list":
      return hasBorrow(state, t.element, memo);
    case "option":
      return hasBorrow(state, t.some, memo);
    case "result":
      return (t.ok !== undefined && hasBorrow(state, t.ok, memo)) || (t.err !== undefined && hasBorrow(state, t.err, memo));
    case "tuple":
      return t.types.some((x) => hasBorrow(state, x, memo));
    case "map":
      return hasBorrow(state, t.key, memo) || hasBorrow(state, t.value, memo);
    case "future":
    case "stream":
      return t.element !== undefined && hasBorrow(state, t.element, memo);
    default:
      return false;
  }
}
