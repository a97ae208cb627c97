import type { IrFunction, IrInterface, IrPackage, IrWorldItem } from "@witgen/runtime/ir";
import type * as A from "../ast.js";
import { type PackageUnit, refKey } from "../loader.js";
import { docsText, isIncluded, readExternalId, readStability } from "./stability.js";
import {
  type InterfaceHandle,
  type PackageItemHandle,
  type PackageState,
  type ResolveState,
  type ScopeEntry,
  type WorldHandle,
  excludedMessage,
  withMeta,
} from "./state.js";
import { duplicateMessage, NameSet } from "./names.js";
import { toposort } from "./toposort.js";
import { defineName, gate, resolveFunction, resolveTypeItems, type ScopeContext } from "./types.js";
import { elaborateWorld, processInclude, type PendingInclude } from "./worlds.js";

type Item = { ast: A.Interface | A.World; member: number };
type FileName = { kind: "local"; target: A.Id } | { kind: "foreign"; path: A.UsePath & { kind: "package" } };

/**
 * Resolves one package into the arenas (its dependencies are already in):
 * interfaces and worlds in `use`/`include` order, then world elaboration.
 */
export class PackageResolver {
  private readonly pkg: PackageState;
  private readonly items: Item[] = [];
  private readonly byName = new Map<string, number>();
  private readonly fileNames: Map<string, FileName>[] = [];

  constructor(
    private readonly state: ResolveState,
    private readonly unit: PackageUnit,
  ) {
    const ref = unit.decl.ref;
    const id = state.packages.length;
    const key = refKey(ref);
    const pkg: IrPackage = { id, namespace: ref.namespace, name: ref.name, interfaces: [], worlds: [] };
    if (ref.version) pkg.version = ref.version;
    state.packages.push(withMeta(pkg, { docs: docsText(unit.decl.docs), span: state.span(ref.pos) }));
    this.pkg = { id, key, name: `${ref.namespace}:${ref.name}`, version: ref.version, items: new Map() };
    state.packagesByKey.set(key, this.pkg);
  }

  resolve(): void {
    const { map } = this.state;
    this.unit.members.forEach((m, mi) => {
      for (const item of m.items) {
        if (item.kind !== "interface" && item.kind !== "world") continue;
        const prevIdx = this.byName.get(item.name.name);
        if (prevIdx !== undefined) {
          const prev = this.items[prevIdx].ast.kind;
          const what = prev === item.kind ? item.kind : "name";
          throw map.error(item.name.pos, `duplicate ${what} \`${item.name.name}\` in package \`${this.pkg.key}\``);
        }
        this.byName.set(item.name.name, this.items.length);
        this.items.push({ ast: item, member: mi });
      }
    });
    const deps: number[][] = this.items.map(() => []);
    this.unit.members.forEach((m) => {
      const names = new Map<string, FileName>();
      for (const item of m.items) {
        let name: A.Id;
        let entry: FileName;
        if (item.kind === "toplevel-use") {
          name = item.as ?? item.path.name;
          entry =
            item.path.kind === "local"
              ? { kind: "local", target: item.path.name }
              : { kind: "foreign", path: item.path };
        } else if (item.kind === "interface" || item.kind === "world") {
          name = item.name;
          entry = { kind: "local", target: item.name };
        } else continue;
        if (names.has(name.name)) throw map.error(name.pos, `duplicate name \`${name.name}\` in this file`);
        names.set(name.name, entry);
      }
      this.fileNames.push(names);
      // Interfaces depend on what they `use`; worlds on what they `include` (same package only).
      const addDep = (owner: A.Id, path: A.UsePath, want: "interface" | "world") => {
        if (path.kind !== "local") return;
        const e = names.get(path.name.name);
        let target: A.Id;
        if (e?.kind === "foreign") return;
        if (e) target = e.target;
        else if (this.byName.has(path.name.name)) target = path.name;
        else throw map.error(path.name.pos, `${want} \`${path.name.name}\` is not defined`);
        const j = this.byName.get(target.name);
        if (j === undefined) throw map.error(target.pos, `${want} \`${target.name}\` is not defined`);
        const i = this.byName.get(owner.name)!;
        deps[i].push(j);
      };
      for (const item of m.items) {
        if (item.kind === "interface") {
          for (const x of item.items) if (x.kind === "use") addDep(item.name, x.from, "interface");
        } else if (item.kind === "world") {
          for (const x of item.items) if (x.kind === "include") addDep(item.name, x.from, "world");
        }
      }
    });
    const sorted = toposort(deps);
    if ("cycle" in sorted) {
      const ast = this.items[sorted.cycle].ast;
      throw map.error(ast.name.pos, `${ast.kind} \`${ast.name.name}\` depends on itself`);
    }
    this.unit.members.forEach((m) => {
      for (const item of m.items) {
        if (item.kind !== "toplevel-use") continue;
        if (item.attrs.length > 0) throw map.error(item.pos, "attributes not allowed on top-level use");
        // A top-level `use` of another package names an interface (as in the reference).
        if (item.path.kind === "package") this.foreignItem(item.path, "interface");
        if (item.path.kind === "local") {
          // The target of a top-level `use` is looked up among the package's items.
          if (!this.byName.has(item.path.name.name)) {
            throw map.error(item.path.name.pos, `interface \`${item.path.name.name}\` is not defined`);
          }
        }
      }
    });
    const order = sorted.order;
    for (const i of order) if (this.items[i].ast.kind === "interface") this.resolveNamedInterface(this.items[i]);
    const worlds: { handle: WorldHandle; includes: PendingInclude[] }[] = [];
    for (const i of order) {
      if (this.items[i].ast.kind === "world") worlds.push(this.resolveWorld(this.items[i]));
    }
    // Includes need the included worlds elaborated first; `order` guarantees that.
    for (const w of worlds) {
      if (w.handle.id === undefined) continue;
      for (const inc of w.includes) processInclude(this.state, w.handle, inc, w.handle.name);
      elaborateWorld(this.state, w.handle);
    }
  }

  // ---- paths ----

  private cx(
    member: number,
    owner: ScopeContext["owner"],
    scope: Map<string, ScopeEntry>,
    ownerDesc: string,
  ): ScopeContext {
    return {
      state: this.state,
      owner,
      pkgName: this.pkg.name,
      pkgVersion: this.pkg.version,
      scope,
      names: new NameSet(),
      ownerDesc,
      useTarget: (path) => this.interfaceAt(path, member),
    };
  }

  /** Resolves a use-path in the scope of a file (WIT.md "Interfaces, worlds, and `use`"). */
  private itemAt(path: A.UsePath, member: number, want: "interface" | "world"): PackageItemHandle {
    const { map } = this.state;
    if (path.kind === "local") {
      const e = this.fileNames[member].get(path.name.name);
      if (e?.kind === "foreign") return this.foreignItem(e.path, want);
      const name = e ? e.target.name : path.name.name;
      const item = this.pkg.items.get(name);
      if (!item) throw map.error(path.name.pos, `${want} \`${path.name.name}\` is not defined`);
      if (item.kind !== want) {
        throw map.error(
          path.name.pos,
          `name \`${path.name.name}\` is defined as ${item.kind === "world" ? "a world" : "an interface"}, not ${want === "world" ? "a world" : "an interface"}`,
        );
      }
      return item;
    }
    return this.foreignItem(path, want);
  }

  private foreignItem(path: A.UsePath & { kind: "package" }, want: "interface" | "world"): PackageItemHandle {
    const { map } = this.state;
    const key = refKey(path.pkg);
    if (key === this.pkg.key) {
      throw map.error(
        path.pkg.pos,
        `package \`${key}\` refers to itself by its full name (write \`${path.name.name}\`)`,
      );
    }
    const pkg = this.state.packagesByKey.get(key);
    if (!pkg) throw map.error(path.pkg.pos, `package \`${key}\` is not defined`);
    const item = pkg.items.get(path.name.name);
    if (!item || item.kind !== want)
      throw map.error(path.pkg.pos, `${want} \`${path.name.name}\` is not defined in package \`${key}\``);
    return item;
  }

  private interfaceAt(path: A.UsePath, member: number): InterfaceHandle {
    return (this.itemAt(path, member, "interface") as PackageItemHandle & { kind: "interface" }).handle;
  }

  // ---- interfaces ----

  private resolveNamedInterface(item: Item): void {
    const ast = item.ast as A.Interface;
    const handle = this.resolveInterface(
      item.member,
      ast.name.name,
      ast.items,
      ast.docs,
      ast.attrs,
      ast.name.pos,
      true,
    );
    this.pkg.items.set(ast.name.name, { kind: "interface", handle });
    if (handle.id !== undefined)
      this.state.packages[this.pkg.id].interfaces.push({ name: ast.name.name, id: handle.id });
  }

  private resolveInterface(
    member: number,
    name: string | undefined,
    items: A.InterfaceItem[],
    docs: A.Docs | undefined,
    attrs: A.Attribute[],
    pos: number,
    parentKept: boolean,
    label?: string,
    parentExcludedBy?: string,
  ): InterfaceHandle {
    const { state } = this;
    const stability = readStability(attrs, state.map);
    const own = isIncluded(stability, attrs, this.pkg.name, this.pkg.version, state.gates, state.map);
    const kept = own && parentKept;
    const scope = new Map<string, ScopeEntry>();
    const handle: InterfaceHandle = { name, scope };
    if (!kept) handle.excludedBy = !own && stability.kind === "unstable" ? stability.feature : parentExcludedBy;
    let iface: IrInterface | undefined;
    if (kept) {
      const id = state.interfaces.length;
      iface = { id, types: [], functions: [] };
      if (name !== undefined) {
        iface.name = name;
        iface.package = this.pkg.id;
      }
      withMeta(iface, {
        docs: docsText(docs),
        stability,
        span: state.span(pos),
        externalId: readExternalId(attrs, state.map),
      });
      state.interfaces.push(iface);
      handle.id = id;
    }
    const cx = this.cx(
      member,
      kept ? { kind: "interface", id: handle.id! } : undefined,
      scope,
      `interface \`${name ?? label ?? ""}\``,
    );
    cx.excludedBy = handle.excludedBy;
    const uses = items.filter((i): i is A.Use => i.kind === "use");
    const defs = items.filter((i): i is A.TypeDef => i.kind === "type");
    const typeIds = resolveTypeItems(cx, uses, defs);
    const functions: IrFunction[] = [];
    for (const it of items) {
      if (it.kind === "func") {
        defineName(cx, it.name);
        scope.set(it.name.name, { kind: "function" });
        const f = resolveFunction(cx, it, { kind: "freestanding" });
        if (f) functions.push(f);
      } else if (it.kind === "type" && it.body.kind === "resource") {
        functions.push(...this.resourceFunctions(cx, it));
      }
    }
    if (iface) {
      iface.types = typeIds.map((id) => ({ name: state.types[id].name, id }));
      iface.functions = functions;
    }
    return handle;
  }

  private resourceFunctions(cx: ScopeContext, def: A.TypeDef): IrFunction[] {
    const out: IrFunction[] = [];
    if (def.body.kind !== "resource") return out;
    const e = cx.scope.get(def.name.name);
    const resource = e?.kind === "type" ? e.id : -1;
    for (const f of def.body.funcs) {
      const fn = resolveFunction(cx, f, { kind: f.kind, resource, resourceName: def.name.name });
      if (fn) out.push(fn);
    }
    return out;
  }

  // ---- worlds (WIT.md "Item: world") ----

  private resolveWorld(item: Item): { handle: WorldHandle; includes: PendingInclude[] } {
    const { state } = this;
    const map = state.map;
    const ast = item.ast as A.World;
    const stability = readStability(ast.attrs, map);
    const kept = isIncluded(stability, ast.attrs, this.pkg.name, this.pkg.version, state.gates, map);
    const handle: WorldHandle = { name: ast.name.name };
    if (!kept && stability.kind === "unstable") handle.excludedBy = stability.feature;
    const includes: PendingInclude[] = [];
    this.pkg.items.set(ast.name.name, { kind: "world", handle });
    let worldId: number | undefined;
    if (kept) {
      worldId = state.worlds.length;
      state.worlds.push(
        withMeta(
          { id: worldId, name: ast.name.name, package: this.pkg.id, imports: [], exports: [] },
          { docs: docsText(ast.docs), stability, span: state.span(ast.name.pos) },
        ),
      );
      handle.id = worldId;
      state.packages[this.pkg.id].worlds.push({ name: ast.name.name, id: worldId });
    }
    const imports = new Map<string, IrWorldItem>();
    const exports = new Map<string, IrWorldItem>();
    handle.imports = imports;
    handle.exports = exports;
    const scope = new Map<string, ScopeEntry>();
    const cx = this.cx(
      item.member,
      kept ? { kind: "world", id: worldId! } : undefined,
      scope,
      `world \`${ast.name.name}\``,
    );
    cx.excludedBy = handle.excludedBy;
    const uses = ast.items.filter((i): i is A.Use => i.kind === "use");
    const defs = ast.items.filter((i): i is A.TypeDef => i.kind === "type");
    const typeIds = resolveTypeItems(cx, uses, defs);

    for (const inc of ast.items) {
      if (inc.kind !== "include") continue;
      const g = gate(cx, inc.attrs);
      if (!g.own && inc.from.kind === "package") continue; // gated out: not looked up, as in the reference
      const target = this.itemAt(inc.from, item.member, "world") as PackageItemHandle & { kind: "world" };
      const pos = inc.from.name.pos;
      if (!g.kept) continue;
      if (target.handle.id === undefined)
        throw map.error(pos, excludedMessage("world", target.handle.name, target.handle.excludedBy ?? ""));
      includes.push({ world: target.handle, worldName: target.handle.name, names: inc.names, pos });
    }

    const plain = { import: new NameSet(), export: new NameSet() };
    const worldDesc = `world \`${ast.name.name}\``;
    for (const id of typeIds) {
      const t = state.types[id];
      plain.import.add(t.name);
      imports.set(
        `n:${t.name}`,
        withMeta({ kind: "type", key: t.name, type: id } as IrWorldItem, { stability: t.stability, span: t.span }),
      );
    }

    const seenIfaces = { import: new Set<number>(), export: new Set<number>() };
    for (const it of ast.items) {
      if (it.kind === "type" && it.body.kind === "resource") {
        for (const fn of this.resourceFunctions(cx, it)) {
          plain.import.add(fn.name);
          imports.set(`n:${fn.name}`, { kind: "function", key: fn.name, function: fn });
        }
        continue;
      }
      if (it.kind !== "import" && it.kind !== "export") continue;
      const dst = it.kind === "import" ? imports : exports;
      const ext = it.extern;
      let key: string;
      let entry: IrWorldItem | undefined;
      let namePos: number;
      switch (ext.kind) {
        case "interface": {
          namePos = ext.name.pos;
          const h = this.resolveInterface(
            item.member,
            undefined,
            ext.items,
            it.docs,
            it.attrs,
            ext.name.pos,
            kept,
            ext.name.name,
            handle.excludedBy,
          );
          key = `n:${ext.name.name}`;
          if (h.id !== undefined) {
            const iface = state.interfaces[h.id];
            entry = withMeta({ kind: "interface", key: ext.name.name, interface: h.id } as IrWorldItem, {
              docs: iface.docs,
              stability: iface.stability,
              span: state.span(ext.name.pos),
              externalId: iface.externalId,
            });
          }
          break;
        }
        case "path":
        case "named-path": {
          const g = gate(cx, it.attrs);
          if (!g.own && ext.path.kind === "package") continue; // gated out: not looked up, as in the reference
          const externalId = readExternalId(it.attrs, map);
          const target = this.interfaceAt(ext.path, item.member);
          const pathPos = ext.path.name.pos;
          namePos = ext.kind === "path" ? (ext.path.kind === "package" ? ext.path.pkg.pos : pathPos) : ext.name.pos;
          if (g.kept && target.id === undefined) {
            throw map.error(pathPos, excludedMessage("interface", target.name ?? "", target.excludedBy ?? ""));
          }
          if (ext.kind === "path") {
            key = `i:${target.id ?? -1}`;
            if (g.kept) {
              const seen = seenIfaces[it.kind];
              if (seen.has(target.id!)) {
                throw map.error(namePos, `duplicate ${it.kind} \`${state.interfaceName(target.id!)}\` in ${worldDesc}`);
              }
              seen.add(target.id!);
            }
          } else key = `n:${ext.name.name}`;
          if (g.kept) {
            const k = ext.kind === "path" ? state.interfaceName(target.id!) : ext.name.name;
            const e = { kind: "interface", key: k, interface: target.id! } as IrWorldItem & { implements?: string };
            if (ext.kind === "named-path") e.implements = state.interfaceName(target.id!);
            entry = withMeta(e, {
              docs: docsText(it.docs),
              stability: g.stability,
              span: state.span(namePos),
              externalId,
            });
          }
          break;
        }
        case "func": {
          namePos = ext.name.pos;
          const fn = resolveFunction(
            cx,
            { docs: it.docs, attrs: it.attrs, name: ext.name, func: ext.func },
            { kind: "freestanding" },
          );
          key = `n:${ext.name.name}`;
          if (fn)
            entry = withMeta({ kind: "function", key: fn.name, function: fn } as IrWorldItem, {
              docs: fn.docs,
              stability: fn.stability,
              span: fn.span,
              externalId: fn.externalId,
            });
          break;
        }
      }
      if (!entry) continue;
      if (key.startsWith("n:")) {
        const prev = plain[it.kind].add(key.slice(2));
        if (prev !== undefined) throw map.error(namePos, duplicateMessage(it.kind, key.slice(2), worldDesc, prev));
      }
      dst.set(key, entry);
    }
    return { handle, includes };
  }
}
