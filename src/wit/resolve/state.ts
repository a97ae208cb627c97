import type {
  IrInterface,
  IrPackage,
  IrTypeDef,
  IrWorld,
  IrWorldItem,
  PackageId,
  Span,
  Stability,
} from "@witgen/runtime/ir";
import type { SourceMap } from "../source-map.js";
import type { GateOptions } from "./stability.js";

/** What a name in an interface's (or world's) type namespace stands for. */
export type ScopeEntry =
  | { kind: "type"; id: number }
  | { kind: "function" }
  /** Defined, but left out by a feature gate: referring to it from kept items is an error. */
  | { kind: "excluded"; feature: string };

/** An interface, also while it is being resolved; `id` is absent when a gate leaves it out. */
export interface InterfaceHandle {
  id?: number;
  /** The feature whose absence left this interface out. */
  excludedBy?: string;
  name?: string;
  scope: Map<string, ScopeEntry>;
}

export interface WorldHandle {
  id?: number;
  excludedBy?: string;
  name: string;
  /** Items kept while resolving, before elaboration, keyed `n:<name>` or `i:<interface id>`. */
  imports?: Map<string, IrWorldItem>;
  exports?: Map<string, IrWorldItem>;
}

export type PackageItemHandle = { kind: "interface"; handle: InterfaceHandle } | { kind: "world"; handle: WorldHandle };

export interface PackageState {
  id: PackageId;
  key: string;
  name: string;
  version?: string;
  items: Map<string, PackageItemHandle>;
}

export function excludedMessage(what: string, name: string, feature: string): string {
  return `${what} \`${name}\` is excluded because feature \`${feature}\` is not enabled`;
}

/** The arenas being filled, plus lookups shared by every package's resolution. */
export class ResolveState {
  readonly packages: IrPackage[] = [];
  readonly interfaces: IrInterface[] = [];
  readonly worlds: IrWorld[] = [];
  readonly types: IrTypeDef[] = [];
  readonly packagesByKey = new Map<string, PackageState>();
  /** Types known to hold no `borrow` (see `findBorrow`). */
  readonly borrowFree = new Set<number>();
  private readonly resourceCache = new Map<number, boolean>();

  constructor(
    readonly map: SourceMap,
    readonly gates: GateOptions,
  ) {}

  span(pos: number): Span {
    return this.map.location(pos);
  }

  /** `ns:pkg/iface@ver`: the extern name of a named interface (Explainer.md "Import and Export Definitions"). */
  interfaceName(id: number): string {
    const iface = this.interfaces[id];
    const pkg = this.packages[iface.package!];
    return `${pkg.namespace}:${pkg.name}/${iface.name}${pkg.version ? "@" + pkg.version : ""}`;
  }

  /** Follows `type a = b` chains: is this name usable as a resource? (memoised: chains can be long) */
  isResource(id: number): boolean {
    const chain: number[] = [];
    let cur = id;
    let result: boolean | undefined;
    for (;;) {
      result = this.resourceCache.get(cur);
      if (result !== undefined) break;
      chain.push(cur);
      const def = this.types[cur].def;
      if (def.kind === "resource") result = true;
      else if (def.kind === "alias" && def.target.kind === "named") {
        cur = def.target.id;
        continue;
      } else result = false;
      break;
    }
    for (const c of chain) this.resourceCache.set(c, result);
    return result;
  }
}

export function withMeta<T extends object>(
  obj: T,
  meta: { docs?: string; stability?: Stability; span?: Span; externalId?: string },
): T {
  const o = obj as Record<string, unknown>;
  if (meta.docs !== undefined) o.docs = meta.docs;
  if (meta.stability && meta.stability.kind !== "unknown") o.stability = meta.stability;
  if (meta.span) o.span = meta.span;
  if (meta.externalId !== undefined) o.externalId = meta.externalId;
  return obj;
}
