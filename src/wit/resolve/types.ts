import type { IrFunction, IrOwner, IrParam, IrType, IrTypeDefKind, Stability } from "@witgen/runtime/ir";
import type * as A from "../ast.js";
import { duplicateMessage, NameSet } from "./names.js";
import { docsText, isIncluded, readExternalId, readStability } from "./stability.js";
import { excludedMessage, type InterfaceHandle, type ResolveState, type ScopeEntry, withMeta } from "./state.js";
import { toposort } from "./toposort.js";

/** Where a scope is being resolved: its owner, its package (for gates), and whether a gate dropped it. */
export interface ScopeContext {
  state: ResolveState;
  /** Absent while resolving something a gate leaves out (nothing is added to the arenas then). */
  owner?: IrOwner;
  /** When `owner` is absent: the feature that left the enclosing item out. */
  excludedBy?: string;
  pkgName: string;
  pkgVersion?: string;
  scope: Map<string, ScopeEntry>;
  /** Case- and hyphen-insensitive view of `scope`'s names, for duplicate checks. */
  names: NameSet;
  /** "interface `i`" or "world `w`", for messages. */
  ownerDesc: string;
  /** Resolves a `use` path to an interface (errors for worlds or unknown names). */
  useTarget(path: A.UsePath): InterfaceHandle;
}

const MAP_KEYS: ReadonlySet<string> = new Set([
  "bool",
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "char",
  "string",
]);

/** An item's gate; `kept` is false when the gate leaves it (or its container) out. */
export function gate(
  cx: ScopeContext,
  attrs: A.Attribute[],
): { stability: Stability; kept: boolean; own: boolean; excludedBy: string } {
  const stability = readStability(attrs, cx.state.map);
  const own = isIncluded(stability, attrs, cx.pkgName, cx.pkgVersion, cx.state.gates, cx.state.map);
  const excludedBy = !own && stability.kind === "unstable" ? stability.feature : (cx.excludedBy ?? "");
  return { stability, kept: own && cx.owner !== undefined, own, excludedBy };
}

/**
 * WIT.md "Rules for feature gate usage": what a gated item contains must be
 * gated too. The reference enforces it for types: a type left out only
 * because its interface or world is must carry the gate itself.
 */
/**
 * The reference parser cannot leave out a world's own type (a `use` or a
 * definition in a world): it reports any such gated-out type as an error.
 */
function checkWorldTypeGate(cx: ScopeContext, g: { own: boolean; excludedBy: string }, name: A.Id): void {
  if (cx.owner?.kind === "world" && !g.own) {
    throw cx.state.map.error(
      name.pos,
      `type \`${name.name}\` of ${cx.ownerDesc} is excluded because feature \`${g.excludedBy}\` is not enabled, which a world's own types do not support`,
    );
  }
}

function checkContainedGate(cx: ScopeContext, g: { own: boolean }, name: A.Id): void {
  if (cx.owner === undefined && g.own && cx.excludedBy !== undefined) {
    throw cx.state.map.error(
      name.pos,
      `type \`${name.name}\` has no feature gate, but ${cx.ownerDesc} is excluded because feature \`${cx.excludedBy}\` is not enabled`,
    );
  }
}

/** The context for what a gate leaves out: resolved for errors, added nowhere. */
export function excludedContext(cx: ScopeContext, feature: string): ScopeContext {
  return { ...cx, owner: undefined, excludedBy: feature };
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
    const g = gate(cx, u.attrs);
    if (!g.own && u.from.kind === "package") {
      // Like the reference, a gated-out `use` of another package is not looked up at all.
      for (const n of u.names) {
        const local = n.as ?? n.name;
        defineName(cx, local);
        checkWorldTypeGate(cx, g, local);
        cx.scope.set(local.name, { kind: "excluded", feature: g.excludedBy });
      }
      continue;
    }
    const from = cx.useTarget(u.from);
    const externalId = readExternalId(u.attrs, map);
    for (const n of u.names) {
      checkContainedGate(cx, g, n.as ?? n.name);
      checkWorldTypeGate(cx, g, n.as ?? n.name);
      const target = from.scope.get(n.name.name);
      if (!target)
        throw map.error(
          n.name.pos,
          `type \`${n.name.name}\` is not defined in interface \`${from.name ?? "(inline)"}\``,
        );
      if (target.kind === "function") {
        throw map.error(
          n.name.pos,
          `\`${n.name.name}\` in interface \`${from.name ?? "(inline)"}\` is a function, not a type`,
        );
      }
      const local = n.as ?? n.name;
      defineName(cx, local);
      if (target.kind === "excluded" || !g.kept) {
        if (target.kind === "excluded" && g.kept)
          throw map.error(n.name.pos, excludedMessage("type", n.name.name, target.feature));
        cx.scope.set(local.name, {
          kind: "excluded",
          feature: target.kind === "excluded" ? target.feature : g.excludedBy,
        });
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
    defineName(cx, defs[i].name);
    index.set(defs[i].name.name, i);
  }
  const deps: number[][] = [];
  for (const def of defs) {
    const names: A.Id[] = [];
    collectNames(def.body, names);
    const d: number[] = [];
    for (const n of names) {
      const j = index.get(n.name);
      if (j === undefined) {
        if (!cx.scope.has(n.name)) throw map.error(n.pos, `type \`${n.name}\` is not defined`);
        continue;
      }
      d.push(j);
    }
    deps.push(d);
  }
  // WIT.md "Name resolution": types cannot be recursive.
  const sorted = toposort(deps);
  if ("cycle" in sorted) {
    const def = defs[sorted.cycle];
    throw map.error(def.name.pos, `type \`${def.name.name}\` depends on itself`);
  }
  for (const i of sorted.order) {
    const def = defs[i];
    const g = gate(cx, def.attrs);
    checkContainedGate(cx, g, def.name);
    checkWorldTypeGate(cx, g, def.name);
    const externalId = readExternalId(def.attrs, map);
    const sub: ScopeContext = g.kept ? cx : excludedContext(cx, g.excludedBy);
    const kind = resolveDefBody(sub, def);
    if (!g.kept) {
      cx.scope.set(def.name.name, { kind: "excluded", feature: g.excludedBy });
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

/** Claims a name in the owner's namespace (types and functions share it, WIT.md "WIT Interfaces"). */
export function defineName(cx: ScopeContext, name: A.Id): void {
  const prev = cx.names.add(name.name);
  if (prev !== undefined) throw cx.state.map.error(name.pos, duplicateMessage("name", name.name, cx.ownerDesc, prev));
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
  const name = def.name.name;
  switch (body.kind) {
    case "alias":
      // `type a = b` keeps naming `b`, even for a resource (it then is a resource too).
      if (body.type.kind === "name")
        return { kind: "alias", target: { kind: "named", id: lookupType(cx, body.type.name) } };
      return { kind: "alias", target: resolveType(cx, body.type) };
    case "record": {
      // Binary.md: records, variants, enums and flags are never empty.
      if (body.fields.length === 0) throw map.error(def.name.pos, `record \`${name}\` must have at least one field`);
      const seen = new NameSet();
      const fields = body.fields.map((f) => {
        unique(cx, seen, f.name, "field", `record \`${name}\``);
        return withMeta(
          { name: f.name.name, type: resolveType(cx, f.type) },
          { docs: docsText(f.docs), span: cx.state.span(f.name.pos) },
        );
      });
      return { kind: "record", fields };
    }
    case "variant": {
      if (body.cases.length === 0) throw map.error(def.name.pos, `variant \`${name}\` must have at least one case`);
      const seen = new NameSet();
      const cases = body.cases.map((c) => {
        unique(cx, seen, c.name, "case", `variant \`${name}\``);
        const out: { name: string; type?: IrType } = { name: c.name.name };
        if (c.type) out.type = resolveType(cx, c.type);
        return withMeta(out, { docs: docsText(c.docs), span: cx.state.span(c.name.pos) });
      });
      return { kind: "variant", cases };
    }
    case "enum":
      if (body.cases.length === 0) throw map.error(def.name.pos, `enum \`${name}\` must have at least one case`);
      return { kind: "enum", cases: names(cx, body.cases, "case", `enum \`${name}\``) };
    case "flags":
      if (body.flags.length === 0) throw map.error(def.name.pos, `flags \`${name}\` must have at least one flag`);
      if (body.flags.length > 32) {
        throw map.error(def.name.pos, `flags \`${name}\` has ${body.flags.length} flags (at most 32 are allowed)`);
      }
      return { kind: "flags", flags: names(cx, body.flags, "flag", `flags \`${name}\``) };
    case "resource": {
      let ctor = false;
      const seen = new NameSet();
      for (const f of body.funcs) {
        if (f.kind === "constructor") {
          if (ctor) throw map.error(f.name.pos, `duplicate constructor in resource \`${name}\``);
          ctor = true;
          continue;
        }
        // Explainer.md "Name Uniqueness": `[method]r.r` would clash with `r` itself.
        if (normalize(f.name.name) === normalize(name)) {
          throw map.error(
            f.name.pos,
            `${f.kind === "static" ? "static function" : "method"} \`${f.name.name}\` of resource \`${name}\` conflicts with the resource name`,
          );
        }
        const prev = seen.add(f.name.name);
        if (prev !== undefined)
          throw map.error(f.name.pos, duplicateMessage("method", f.name.name, `resource \`${name}\``, prev));
      }
      return { kind: "resource" };
    }
  }
}

function normalize(s: string): string {
  return s.toLowerCase().replace(/-/g, "");
}

function unique(cx: ScopeContext, seen: NameSet, id: A.Id, what: string, where: string): void {
  const prev = seen.add(id.name);
  if (prev !== undefined) throw cx.state.map.error(id.pos, duplicateMessage(what, id.name, where, prev));
}

function names(cx: ScopeContext, list: A.Flag[], what: string, where: string): { name: string }[] {
  const seen = new NameSet();
  return list.map((c) => {
    unique(cx, seen, c.name, what, where);
    return withMeta({ name: c.name.name }, { docs: docsText(c.docs), span: cx.state.span(c.name.pos) });
  });
}

/** Looks a type name up; in a gated-out context any defined name will do (returns -1). */
function lookupType(cx: ScopeContext, name: A.Id): number {
  const e = cx.scope.get(name.name);
  if (!e) throw cx.state.map.error(name.pos, `type \`${name.name}\` is not defined`);
  if (e.kind === "function") throw cx.state.map.error(name.pos, `\`${name.name}\` is a function, not a type`);
  if (e.kind === "excluded") {
    if (cx.owner) throw cx.state.map.error(name.pos, excludedMessage("type", name.name, e.feature));
    return -1;
  }
  return e.id;
}

/** Resolves a type use; a bare resource name (or alias of one) means `own<r>` (WIT.md "Handles"). */
export function resolveType(cx: ScopeContext, t: A.Type): IrType {
  const map = cx.state.map;
  switch (t.kind) {
    case "prim":
      return { kind: t.name };
    case "name": {
      const id = lookupType(cx, t.name);
      if (id < 0) return { kind: "bool" };
      return cx.state.isResource(id) ? { kind: "own", resource: id } : { kind: "named", id };
    }
    case "handle": {
      const id = lookupType(cx, t.resource);
      if (id < 0) return { kind: "bool" };
      if (!cx.state.isResource(id)) throw map.error(t.resource.pos, `type \`${t.resource.name}\` is not a resource`);
      return { kind: t.borrow ? "borrow" : "own", resource: id };
    }
    case "list": {
      const element = resolveType(cx, t.element);
      if (t.length === undefined) return { kind: "list", element };
      return { kind: "list", element, length: t.length };
    }
    case "map": {
      const key = resolveType(cx, t.key);
      const value = resolveType(cx, t.value);
      // WIT.md "Types": `kt` is a primitive other than floats (and not error-context).
      if (t.key.kind !== "prim" || !MAP_KEYS.has(t.key.name)) {
        throw map.error(
          typePos(t.key),
          `type \`${printType(t.key)}\` cannot be a map key (keys are bool, integers, char or string)`,
        );
      }
      return { kind: "map", key, value };
    }
    case "option":
      return { kind: "option", some: resolveType(cx, t.some) };
    case "result": {
      const r: IrType & { kind: "result" } = { kind: "result" };
      if (t.ok) r.ok = resolveType(cx, t.ok);
      if (t.err) r.err = resolveType(cx, t.err);
      return r;
    }
    case "tuple":
      return { kind: "tuple", types: t.types.map((x) => resolveType(cx, x)) };
    case "future":
    case "stream": {
      if (!t.element) return { kind: t.kind };
      const element = resolveType(cx, t.element);
      if (cx.owner) {
        // A borrow cannot outlive the call, so it cannot travel through a future or stream.
        const borrowed = findBorrow(cx.state, element, new Set());
        if (borrowed !== undefined) {
          throw map.error(
            t.pos,
            `the element type of \`${t.kind}\` contains a borrowed handle \`borrow<${cx.state.types[borrowed].name}>\``,
          );
        }
        if (t.kind === "stream" && element.kind === "char") {
          throw map.error(t.pos, "`stream<char>` is not allowed for now (use `stream<u8>` with an encoding)");
        }
      }
      return { kind: t.kind, element };
    }
  }
}

export type FuncShape =
  { kind: "freestanding" } | { kind: "method" | "static" | "constructor"; resource: number; resourceName: string };

/** Resolves one function; returns undefined when a gate leaves it out. */
export function resolveFunction(cx: ScopeContext, f: A.NamedFunc, shape: FuncShape): IrFunction | undefined {
  const { state } = cx;
  const map = state.map;
  const g = gate(cx, f.attrs);
  const externalId = readExternalId(f.attrs, map);
  const sub: ScopeContext = g.kept ? cx : excludedContext(cx, g.excludedBy);
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
  if (shape.kind !== "freestanding" && shape.resource < 0 && g.kept) {
    const e = cx.scope.get(shape.resourceName);
    throw map.error(
      f.name.pos,
      excludedMessage("resource", shape.resourceName, e?.kind === "excluded" ? e.feature : ""),
    );
  }
  const params: IrParam[] = [];
  const seen = new NameSet();
  if (shape.kind === "method") {
    params.push({ name: "self", type: { kind: "borrow", resource: shape.resource } });
    seen.add("self");
  }
  for (const p of f.func.params) {
    const prev = seen.add(p.name.name);
    if (prev !== undefined)
      throw map.error(p.name.pos, duplicateMessage("parameter", p.name.name, `function \`${name}\``, prev));
    params.push({ name: p.name.name, type: resolveType(sub, p.type) });
  }
  let result: IrType | undefined;
  if (shape.kind === "constructor") {
    result = constructorResult(sub, f.func.result, shape.resource, shape.resourceName);
  } else if (f.func.result) {
    result = resolveType(sub, f.func.result);
  }
  if (!g.kept) return undefined;
  // Handles: a `borrow` may only be passed in, never returned (the reference parser enforces this).
  const borrowed = result ? findBorrow(cx.state, result, new Set()) : undefined;
  if (borrowed !== undefined) {
    const at = f.func.result ? typePos(f.func.result) : f.name.pos;
    throw map.error(at, `function \`${name}\` returns a borrowed handle \`borrow<${cx.state.types[borrowed].name}>\``);
  }
  const fn: IrFunction = { name, kind, async: f.func.async, params };
  if (result) fn.result = result;
  return withMeta(fn, { docs: docsText(f.docs), stability: g.stability, span: state.span(f.name.pos), externalId });
}

/** WIT.md "Item: resource": no result means `own<r>`; otherwise it must be `result<r>` or `result<r, E>`. */
function constructorResult(
  cx: ScopeContext,
  result: A.Type | undefined,
  resource: number,
  resourceName: string,
): IrType {
  if (!result) return { kind: "own", resource };
  const ok = result.kind === "result" ? result.ok : undefined;
  // `result<r, E>`; `own<r>` spells the same type and the reference accepts it too.
  const okName = ok?.kind === "name" ? ok.name : ok?.kind === "handle" && !ok.borrow ? ok.resource : undefined;
  const okEntry = okName ? cx.scope.get(okName.name) : undefined;
  const okIsResource = okEntry?.kind === "type" ? okEntry.id === resource : okEntry?.kind === "excluded";
  if (!okIsResource) {
    throw cx.state.map.error(
      typePos(result),
      `constructor of resource \`${resourceName}\` must return \`result<${resourceName}>\` or \`result<${resourceName}, E>\`, not \`${printType(result)}\``,
    );
  }
  return resolveType(cx, result);
}

/** A type as written, for messages. */
export function printType(t: A.Type): string {
  switch (t.kind) {
    case "prim":
      return t.name;
    case "name":
      return t.name.name;
    case "list":
      return t.length === undefined ? `list<${printType(t.element)}>` : `list<${printType(t.element)}, ${t.length}>`;
    case "map":
      return `map<${printType(t.key)}, ${printType(t.value)}>`;
    case "option":
      return `option<${printType(t.some)}>`;
    case "result":
      if (!t.ok && !t.err) return "result";
      if (!t.err) return `result<${printType(t.ok!)}>`;
      return `result<${t.ok ? printType(t.ok) : "_"}, ${printType(t.err)}>`;
    case "tuple":
      return `tuple<${t.types.map(printType).join(", ")}>`;
    case "handle":
      return `${t.borrow ? "borrow" : "own"}<${t.resource.name}>`;
    case "future":
    case "stream":
      return t.element ? `${t.kind}<${printType(t.element)}>` : t.kind;
  }
}

export function typePos(t: A.Type): number {
  if (t.kind === "name") return t.name.pos;
  return t.pos;
}

/**
 * The resource of a `borrow<r>` inside `t`, looking through named types.
 * Iterative (type graphs can be deep), and types found borrow-free are
 * remembered so repeated checks stay linear.
 */
function findBorrow(state: ResolveState, root: IrType, seen: Set<number>): number | undefined {
  const stack: IrType[] = [root];
  const visited: number[] = [];
  while (stack.length > 0) {
    const t = stack.pop()!;
    switch (t.kind) {
      case "borrow":
        return t.resource;
      case "named": {
        if (seen.has(t.id) || state.borrowFree.has(t.id)) break;
        seen.add(t.id);
        visited.push(t.id);
        const def = state.types[t.id].def;
        if (def.kind === "alias") stack.push(def.target);
        else if (def.kind === "record") for (const f of def.fields) stack.push(f.type);
        else if (def.kind === "variant") for (const c of def.cases) if (c.type) stack.push(c.type);
        break;
      }
      case "list":
        stack.push(t.element);
        break;
      case "option":
        stack.push(t.some);
        break;
      case "result":
        if (t.err) stack.push(t.err);
        if (t.ok) stack.push(t.ok);
        break;
      case "tuple":
        for (let k = t.types.length - 1; k >= 0; k--) stack.push(t.types[k]);
        break;
      case "map":
        stack.push(t.value, t.key);
        break;
      case "future":
      case "stream":
        if (t.element) stack.push(t.element);
        break;
      default:
        break;
    }
  }
  for (const id of visited) state.borrowFree.add(id);
  return undefined;
}
