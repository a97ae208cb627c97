import type * as A from "../ast.js";
import { type LoadedSources, type PackageUnit, refKey } from "../loader.js";
import { PackageResolver } from "./package.js";
import { compareSemver, type GateOptions } from "./stability.js";
import { ResolveState } from "./state.js";
import { toposort } from "./toposort.js";

export { ResolveState } from "./state.js";

/**
 * Resolves all loaded packages, dependencies first (WIT.md "Filesystem
 * structure": deps are "loaded and processed in topological order"); a
 * dependency cycle between packages is an error. Returns the state and the
 * main package's id.
 */
export function resolveAll(sources: LoadedSources, gates: GateOptions): { state: ResolveState; main: number } {
  const { map, units } = sources;
  const state = new ResolveState(map, gates);
  const byKey = new Map<string, number>();
  units.forEach((u, i) => {
    const key = refKey(u.decl.ref);
    if (byKey.has(key)) throw map.error(u.decl.ref.pos, `package \`${key}\` is defined in two different locations`);
    byKey.set(key, i);
  });
  const sortedUnits = units.map((_, i) => i).sort((a, b) => comparePackageRefs(units[a].decl.ref, units[b].decl.ref));
  const deps = units.map(foreignDeps);
  // Packages in name order (stable output), each after the packages it uses.
  const rank = new Map<number, number>();
  sortedUnits.forEach((u, r) => rank.set(u, r));
  const edges: number[][] = sortedUnits.map(() => []);
  sortedUnits.forEach((u, r) => {
    for (const [key, pos] of deps[u]) {
      const j = byKey.get(key);
      if (j === u) {
        throw map.error(
          pos,
          `package \`${key}\` refers to itself by its full name (write \`${selfRefName(units[u], key)}\`)`,
        );
      }
      if (j !== undefined) edges[r].push(rank.get(j)!);
    }
  });
  const sorted = toposort(edges);
  if ("cycle" in sorted) {
    const unit = units[sortedUnits[sorted.cycle]];
    throw map.error(unit.decl.ref.pos, `package \`${refKey(unit.decl.ref)}\` depends on itself`);
  }
  const order = sorted.order.map((r) => sortedUnits[r]);
  let main = -1;
  for (const i of order) {
    const resolver = new PackageResolver(state, units[i]);
    if (i === sources.main) main = state.packages.length - 1;
    resolver.resolve();
  }
  return { state, main };
}

/** The interface named by a package's first qualified reference to itself. */
function selfRefName(unit: PackageUnit, key: string): string {
  let found = "";
  const visit = (p: A.UsePath) => {
    if (!found && p.kind === "package" && refKey(p.pkg) === key) found = p.name.name;
  };
  for (const m of unit.members) {
    for (const item of m.items) {
      if (item.kind === "toplevel-use") visit(item.path);
      else if (item.kind === "interface") for (const it of item.items) it.kind === "use" && visit(it.from);
      else if (item.kind === "world") {
        for (const w of item.items) {
          if (w.kind === "use" || w.kind === "include") visit(w.from);
          else if (w.kind === "import" || w.kind === "export") {
            if (w.extern.kind === "path" || w.extern.kind === "named-path") visit(w.extern.path);
            else if (w.extern.kind === "interface")
              for (const it of w.extern.items) it.kind === "use" && visit(it.from);
          }
        }
      }
    }
  }
  return found;
}

function comparePackageRefs(a: A.PackageRef, b: A.PackageRef): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.version === b.version) return 0;
  if (a.version === undefined) return -1;
  if (b.version === undefined) return 1;
  return compareSemver(a.version, b.version) || (a.version < b.version ? -1 : 1);
}

/** Packages a unit refers to by qualified path, in order of first mention, with that position. */
function foreignDeps(unit: PackageUnit): Map<string, number> {
  const out = new Map<string, number>();
  const visitPath = (p: A.UsePath) => {
    if (p.kind !== "package") return;
    const key = refKey(p.pkg);
    if (!out.has(key)) out.set(key, p.pkg.pos);
  };
  const visitIface = (items: A.InterfaceItem[]) => {
    for (const it of items) if (it.kind === "use") visitPath(it.from);
  };
  for (const m of unit.members) {
    for (const item of m.items) {
      switch (item.kind) {
        case "toplevel-use":
          visitPath(item.path);
          break;
        case "interface":
          visitIface(item.items);
          break;
        case "world":
          for (const w of item.items) {
            if (w.kind === "use" || w.kind === "include") visitPath(w.from);
            else if (w.kind === "import" || w.kind === "export") {
              const e = w.extern;
              if (e.kind === "path" || e.kind === "named-path") visitPath(e.path);
              else if (e.kind === "interface") visitIface(e.items);
            }
          }
          break;
        default:
          break;
      }
    }
  }
  return out;
}
