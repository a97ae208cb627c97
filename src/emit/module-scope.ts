// One emitted module's names and imports: what it declares, and what it must import to say so.
import { importSpecifier } from "./layout.js";
import { Scope } from "./names.js";

/** Names a module declares and the imports its declarations need, gathered while rendering. */
export class ModuleScope {
  /** Type-space names (TypeScript keeps types and values apart). */
  readonly types = new Scope();
  /** Value-space names: declared functions and resource constructors (guest imports). */
  readonly values = new Scope();
  /** From path -> local name -> exported name. */
  private readonly namedImports = new Map<string, Map<string, string>>();
  /** `${from path}\0${exported}` -> local name, for imports made on first use. */
  private readonly autoImports = new Map<string, string>();
  private readonly namespaceImports = new Map<string, string>();
  private readonly runtimeImports = new Map<string, string>();

  constructor(
    readonly path: string,
    private readonly runtimeModule: string,
  ) {}

  /**
   * Local name of a runtime type. Names the module declares win: a clashing runtime symbol is
   * imported under an alias with a number appended (`Result` -> `Result2`).
   */
  runtime(symbol: string): string {
    let local = this.runtimeImports.get(symbol);
    if (local === undefined) {
      local = this.types.claim(symbol);
      this.runtimeImports.set(symbol, local);
    }
    return local;
  }

  /** Local name of type `exported` of module `fromPath` (imported on first use). */
  importType(fromPath: string, exported: string, preferredLocal = exported): string {
    const key = `${fromPath}\0${exported}`;
    let local = this.autoImports.get(key);
    if (local === undefined) {
      local = this.types.claim(preferredLocal);
      this.autoImports.set(key, local);
      this.bindImport(fromPath, exported, local);
    }
    return local;
  }

  /** Records an import whose local name was already claimed (a `use` in this module). */
  bindImport(fromPath: string, exported: string, local: string): void {
    let byLocal = this.namedImports.get(fromPath);
    if (!byLocal) this.namedImports.set(fromPath, (byLocal = new Map()));
    byLocal.set(local, exported);
  }

  /** Local name of module `fromPath` imported as a namespace. */
  importNamespace(fromPath: string, preferred: string): string {
    let local = this.namespaceImports.get(fromPath);
    if (local === undefined) {
      local = this.types.claim(preferred);
      this.values.claim(local);
      this.namespaceImports.set(fromPath, local);
    }
    return local;
  }

  /** The import declarations, runtime first, then modules by path; names sorted. */
  importLines(): string[] {
    const lines: string[] = [];
    if (this.runtimeImports.size > 0) {
      const byLocal = new Map([...this.runtimeImports].map(([symbol, local]) => [local, symbol]));
      lines.push(`import type { ${specifiers(byLocal)} } from ${JSON.stringify(this.runtimeModule)};`);
    }
    const paths = [...new Set([...this.namedImports.keys(), ...this.namespaceImports.keys()])].sort();
    for (const from of paths) {
      const specifier = JSON.stringify(importSpecifier(this.path, from));
      const namespace = this.namespaceImports.get(from);
      if (namespace !== undefined) lines.push(`import * as ${namespace} from ${specifier};`);
      const named = this.namedImports.get(from);
      if (named && named.size > 0) lines.push(`import type { ${specifiers(named)} } from ${specifier};`);
    }
    return lines;
  }
}

/** `A, B as C` for a local -> exported map, sorted by exported then local name. */
function specifiers(byLocal: Map<string, string>): string {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...byLocal]
    .sort(([localA, a], [localB, b]) => compare(a, b) || compare(localA, localB))
    .map(([local, exported]) => (exported === local ? exported : `${exported} as ${local}`))
    .join(", ");
}
