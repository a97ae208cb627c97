import type { IrFunction, IrType, IrTypeDefKind, IrWorldItem, Stability } from "@witgen/runtime/ir";
import type * as A from "../ast.js";
import { duplicateMessage, NameSet } from "./names.js";
import type { ResolveState, WorldHandle } from "./state.js";

export interface PendingInclude {
  world: WorldHandle;
  /** Name of the included world, for messages. */
  worldName: string;
  names: { name: A.Id; as: A.Id }[];
  /** Position of the included world's name, where include errors point. */
  pos: number;
}

/** `with { a as b }` also renames `[method]a.f` style names of a renamed resource. */
function rename(original: string, names: PendingInclude["names"]): string | undefined {
  for (const n of names) {
    if (original === n.name.name) return n.as.name;
    const close = original.indexOf("]");
    if (close < 0) continue;
    const kind = original.slice(0, close);
    const rest = original.slice(close + 1);
    const dot = rest.indexOf(".");
    if (dot >= 0 && rest.slice(0, dot) === n.name.name) return `${kind}]${n.as.name}.${rest.slice(dot + 1)}`;
    if (rest === n.name.name) return `${kind}]${n.as.name}`;
  }
  return undefined;
}

/**
 * Merges an already elaborated world into `into` (WIT.md "Union of Worlds
 * with `include`"): interface names are de-duplicated, plain names are
 * renamed by `with` and must not collide. Types the included world defines
 * are copied so the including world owns its own.
 */
export function processInclude(state: ResolveState, into: WorldHandle, inc: PendingInclude, intoName: string): void {
  const map = state.map;
  const fromId = inc.world.id!;
  const fromImports = [...inc.world.imports!];
  const fromExports = [...inc.world.exports!];
  const all = [...fromImports, ...fromExports];
  for (const n of inc.names) {
    const used = all.some(([key, item]) => key.startsWith("n:") && rename(item.key, [n]) !== undefined);
    if (!used) {
      throw map.error(
        n.name.pos,
        `world \`${inc.worldName}\` has no plain-named import or export \`${n.name.name}\` (interface names cannot be renamed)`,
      );
    }
  }
  const intoId = into.id!;
  // Copy the included world's own types first, so references among them can be remapped.
  const typeMap = new Map<number, number>();
  for (const [, item] of fromImports) {
    if (item.kind !== "type") continue;
    const t = state.types[item.type];
    if (t.owner.kind !== "world" || t.owner.id !== fromId) continue;
    const id = state.types.length;
    const copy = {
      ...t,
      id,
      owner: { kind: "world" as const, id: intoId },
      name: rename(item.key, inc.names) ?? item.key,
    };
    state.types.push(copy);
    typeMap.set(item.type, id);
  }
  for (const id of typeMap.values()) state.types[id].def = remapDef(state.types[id].def, typeMap);

  const copyItems = (items: [string, IrWorldItem][], dst: Map<string, IrWorldItem>, dir: "import" | "export") => {
    const plain = new NameSet();
    for (const [k, item] of dst) if (k.startsWith("n:")) plain.add(item.key);
    for (const [key0, item] of items) {
      if (key0.startsWith("i:")) {
        if (!dst.has(key0)) dst.set(key0, { ...item });
        continue;
      }
      const name = rename(item.key, inc.names) ?? item.key;
      let copy: IrWorldItem;
      if (item.kind === "function")
        copy = { ...item, key: name, function: { ...remapFunction(item.function, typeMap), name } };
      else if (item.kind === "type") copy = { ...item, key: name, type: typeMap.get(item.type) ?? item.type };
      else copy = { ...item, key: name };
      const key = `n:${name}`;
      if (plain.add(name) !== undefined) {
        throw map.error(
          inc.pos,
          `${dir} \`${name}\` of world \`${inc.worldName}\` conflicts with an ${dir} of world \`${intoName}\` (rename it with \`with\`)`,
        );
      }
      dst.set(key, copy);
    }
  };
  copyItems(fromImports, into.imports!, "import");
  copyItems(fromExports, into.exports!, "export");
}

function remapType(t: IrType, m: Map<number, number>): IrType {
  switch (t.kind) {
    case "named":
      return { kind: "named", id: m.get(t.id) ?? t.id };
    case "own":
    case "borrow":
      return { kind: t.kind, resource: m.get(t.resource) ?? t.resource };
    case "list":
      return t.length === undefined
        ? { kind: "list", element: remapType(t.element, m) }
        : { kind: "list", element: remapType(t.element, m), length: t.length };
    case "option":
      return { kind: "option", some: remapType(t.some, m) };
    case "result": {
      const r: IrType & { kind: "result" } = { kind: "result" };
      if (t.ok) r.ok = remapType(t.ok, m);
      if (t.err) r.err = remapType(t.err, m);
      return r;
    }
    case "tuple":
      return { kind: "tuple", types: t.types.map((x) => remapType(x, m)) };
    case "map":
      return { kind: "map", key: remapType(t.key, m), value: remapType(t.value, m) };
    case "future":
    case "stream":
      return t.element ? { kind: t.kind, element: remapType(t.element, m) } : { kind: t.kind };
    default:
      return t;
  }
}

function remapDef(def: IrTypeDefKind, m: Map<number, number>): IrTypeDefKind {
  switch (def.kind) {
    case "alias":
      return { kind: "alias", target: remapType(def.target, m) };
    case "record":
      return { kind: "record", fields: def.fields.map((f) => ({ ...f, type: remapType(f.type, m) })) };
    case "variant":
      return {
        kind: "variant",
        cases: def.cases.map((c) => (c.type ? { ...c, type: remapType(c.type, m) } : { ...c })),
      };
    default:
      return def;
  }
}

function remapFunction(f: IrFunction, m: Map<number, number>): IrFunction {
  const kind =
    f.kind.kind === "freestanding" ? f.kind : { ...f.kind, resource: m.get(f.kind.resource) ?? f.kind.resource };
  const out: IrFunction = { ...f, kind, params: f.params.map((p) => ({ name: p.name, type: remapType(p.type, m) })) };
  if (f.result) out.result = remapType(f.result, m);
  return out;
}

/** The interface a `use`-made alias brings its type from, if it is not the alias's own owner. */
export function typeInterfaceDep(state: ResolveState, typeId: number): number | undefined {
  const t = state.types[typeId];
  if (t.def.kind !== "alias" || t.def.target.kind !== "named") return undefined;
  const other = state.types[t.def.target.id];
  if (other.owner.kind === t.owner.kind && other.owner.id === t.owner.id) return undefined;
  return other.owner.kind === "interface" ? other.owner.id : undefined;
}

function* interfaceDeps(state: ResolveState, id: number): Generator<number> {
  for (const t of state.interfaces[id].types) {
    const dep = typeInterfaceDep(state, t.id);
    if (dep !== undefined) yield dep;
  }
}

/** Imports first, then types brought in by `use`, other types, functions, resource functions. */
function sortKey(state: ResolveState, item: IrWorldItem): number {
  switch (item.kind) {
    case "interface":
      return 0;
    case "type":
      return typeInterfaceDep(state, item.type) !== undefined ? 1 : 2;
    case "function":
      return item.function.kind.kind === "freestanding" ? 3 : 4;
  }
}

function stableSort(state: ResolveState, entries: [string, IrWorldItem][]): [string, IrWorldItem][] {
  return entries
    .map((e, i) => ({ e, i, k: sortKey(state, e[1]) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.e);
}

function depItem(state: ResolveState, id: number, stability: Stability | undefined): IrWorldItem {
  const item: IrWorldItem = { kind: "interface", key: state.interfaceName(id), interface: id };
  if (stability) item.stability = stability;
  return item;
}

/**
 * Adds every interface that imports or exports need through `use` (WIT.md
 * "Transitive imports and worlds"), in dependency order, and checks exports'
 * dependencies are consistently either imported or exported.
 */
export function elaborateWorld(state: ResolveState, world: WorldHandle): void {
  const w = state.worlds[world.id!];
  const imports = new Map<string, IrWorldItem>();
  const addImport = (key: string, id: number, item: IrWorldItem) => {
    if (imports.has(key)) return;
    for (const dep of interfaceDeps(state, id)) addImport(`i:${dep}`, dep, depItem(state, dep, item.stability));
    imports.set(key, item);
  };
  for (const [key, item] of stableSort(state, [...world.imports!])) {
    if (item.kind === "interface") addImport(key, item.interface, item);
    else if (item.kind === "function") imports.set(key, item);
    else {
      const dep = typeInterfaceDep(state, item.type);
      if (dep !== undefined) addImport(`i:${dep}`, dep, depItem(state, dep, state.types[item.type].stability));
      imports.set(key, item);
    }
  }

  const exports = new Map<string, IrWorldItem>();
  const exportIfaces = new Map<string, IrWorldItem>();
  for (const [key, item] of world.exports!) {
    if (item.kind === "interface") exportIfaces.set(key, item);
    else exports.set(key, item);
  }
  const required = new Set<number>();
  const add = (key: string, item: IrWorldItem & { kind: "interface" }, asExport: boolean): boolean => {
    if (exports.has(key)) return asExport;
    const id = item.interface;
    if (!asExport && required.has(id)) return true;
    for (const dep of interfaceDeps(state, id)) {
      const depKey = `i:${dep}`;
      const explicit = exportIfaces.get(depKey) as (IrWorldItem & { kind: "interface" }) | undefined;
      const di =
        asExport && explicit ? explicit : (depItem(state, dep, item.stability) as IrWorldItem & { kind: "interface" });
      if (!add(depKey, di, asExport && explicit !== undefined)) return false;
    }
    if (asExport) {
      if (required.has(id)) return false;
      exports.set(key, item);
    } else {
      required.add(id);
      if (!imports.has(key)) imports.set(key, item);
    }
    return true;
  };
  for (const [key, item] of exportIfaces) {
    if (!add(key, item as IrWorldItem & { kind: "interface" }, true)) {
      const wpos = w.span ? spanPos(state, w.span) : 0;
      throw state.map.error(
        wpos,
        `interface \`${item.key}\` transitively depends on an interface in incompatible ways`,
      );
    }
  }
  const sortedImports = stableSort(state, [...imports]);
  // Extern names, interface names included, must stay distinct ignoring case and hyphens
  // (the reference validator compares them so).
  for (const [dir, items] of [
    ["import", sortedImports.map((e) => e[1])],
    ["export", [...exports.values()]],
  ] as const) {
    const seen = new NameSet();
    for (const item of items) {
      const prev = seen.add(item.key);
      if (prev === undefined) continue;
      const at = item.span ?? w.span;
      throw state.map.error(at ? spanPos(state, at) : 0, duplicateMessage(dir, item.key, `world \`${w.name}\``, prev));
    }
  }
  world.imports = new Map(sortedImports);
  world.exports = exports;
  w.imports = sortedImports.map((e) => e[1]);
  w.exports = [...exports.values()];
}

function spanPos(state: ResolveState, span: { file: string; line: number; col: number }): number {
  const file = state.map.files.find((f) => f.name === span.file);
  if (!file) return 0;
  let line = 1;
  let i = 0;
  while (line < span.line && i < file.text.length) if (file.text.charCodeAt(i++) === 10) line++;
  return file.base + i + span.col - 1;
}
