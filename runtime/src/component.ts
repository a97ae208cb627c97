/**
 * The dynamic API: load and run a component binary without generated code.
 *
 * ```ts
 * const compiled = await compileComponent(bytes);
 * compiled.world;                               // IrDocument of the component's type
 * const { exports } = await compiled.instantiate({
 *   "test:x/host@1.0.0": { log: (msg) => {...}, Counter: class { ... } },
 *   plainFunc: (x) => x + 1,
 * });
 * exports.run();                                // world-level function export
 * exports["test:x/api@1.0.0"].doThing("...");  // interface export
 * using c = new exports["test:x/api@1.0.0"].Counter(5); // guest resource class
 * ```
 *
 * Export mapping (JS object, frozen):
 * - a world-level function export `do-thing` -> `exports.doThing` (camelCase only);
 *   a function lifted with the `async` option returns a Promise of its result,
 *   every other function returns its result directly;
 * - an instance export (interface `ns:pkg/iface@ver`, or a plain name) ->
 *   `exports["ns:pkg/iface@ver"]`, keyed by the full extern name, with
 *   camelCase function members;
 * - a guest resource `r` exported in an instance (or at top level) -> a class
 *   `R` (PascalCase) in the same object: `new R(...)` runs `[constructor]r`,
 *   `r.m(...)` runs `[method]r.m`, `R.s(...)` runs `[static]r.s`; instances
 *   extend {@link GuestResource}, so `[Symbol.dispose]()` drops an owned handle
 *   (runs the guest destructor).
 * Import object: see `link/host-imports.ts` (interfaces by extern name, with
 * semver-compatible version matching; functions camelCase; resource classes
 * PascalCase). A host function imported as an `async func` and lowered with
 * the `async` option may return a Promise. Values follow the mapping of
 * `abi/plan.ts` / docs/mapping.md (streams/futures: the async half's objects).
 * A top-level `result<T, E>` is the union `{ tag, val }` by default; the
 * `results: "throw"` option returns `T` and throws `ComponentError<E>` instead
 * (see {@link InstantiateOptions.results}).
 *
 * `instantiate` and `instantiateSync` do the same work (core modules are
 * compiled by `compileComponent`; instantiation itself is synchronous).
 * Instances of one instantiation share one async `Store`.
 *
 * Errors: malformed binaries throw `ComponentLoadError`; constructs the
 * instantiator cannot run throw `LinkError`; missing imports throw one
 * {@link ComponentLinkError} naming each with its type; guest failures throw
 * `Trap`, after which the instance refuses further calls.
 */
import { decodeComponent } from "./binary/reader.js";
import { decodeWorld } from "./binary/world/decode-world.js";
import type { ComponentAst } from "./binary/ast.js";
import type { ComponentInstanceState } from "./instance-state.js";
import type { IrDocument } from "./ir/types.js";
import { dynamicAdapters, type HostAdapters } from "./link/adapters.js";
import { compileModules, compileModulesSync } from "./link/compile.js";
import { ComponentLinkError } from "./link/errors.js";
import { buildRootExports, type ExportTable } from "./link/exports.js";
import { resolveHostImport } from "./link/host-imports.js";
import { instantiateComponent, type ModuleMap } from "./link/instantiate.js";
import { requireJspi } from "./link/jspi.js";
import { inlineResultPaths, type ResultPolicy, type ResultStyle } from "./link/results.js";
import { LinkSession } from "./link/session.js";

/** The host's imports (see the module doc). */
export type ImportObject = Record<string, unknown>;

export interface InstantiateOptions {
  /** Specialised lift/lower functions from generated glue (default: all dynamic). */
  adapters?: HostAdapters;
  /**
   * How a function whose WIT result is written as `result<T, E>` meets the host
   * (docs/mapping.md "Results"; default `"union"`):
   * - `"union"`: exports return `{ tag: "ok" | "err", val }`; host imports return one;
   * - `"throw"`: exports return `T` and throw (async: reject with) `ComponentError<E>` on `err`;
   *   host imports return `T` or throw a `ComponentError` to return `err` (any other error is a
   *   host failure, as in both styles).
   * A result behind a `type` alias, or nested in another type, is always the union. A fallible
   * resource constructor throws in both styles. Generated glue passes the style it was generated with.
   */
  results?: ResultStyle;
  /**
   * Use JSPI (JS Promise Integration: `WebAssembly.Suspending` / `WebAssembly.promising`, Node >= 24)
   * so synchronous component code can wait (default `false`; see `link/jspi.ts`):
   * - every root export returns a Promise of its result (its core code is entered through
   *   `WebAssembly.promising`), sync-lifted ones and resource constructors/methods included;
   * - a host function the component lowers synchronously may return a Promise (or
   *   `blockOn(p)`): the wasm suspends until it settles, then gets the value as from a
   *   synchronous call. While suspended the instance stays entered (CanonicalABI.md `Store.lift`
   *   may_enter): another call into it from the host waits until it completes (as if made then),
   *   its waiting async tasks wait, and a call from inside a host import is re-entrance: a `Trap`.
   *   So a host import must not await a call into the same instance: that call waits for the
   *   import (a deadlock the runtime cannot tell from slow I/O);
   * - in an `async func` lifted without the `async` option (a stackful task), `waitable-set.wait`,
   *   sync `stream`/`future` reads and writes, and a sync lowering of an `async func` host import
   *   suspend until ready (CanonicalABI.md `Thread.wait_until`: the instance is left, the task
   *   keeps its exclusive slot); in a non-async function they trap, as the spec says;
   * - a trap after a suspension rejects the export's Promise and poisons the instance.
   * Costs: each call of a sync host import suspends (V8 does even for a value), so calls are
   * slower; use it only when imports need it. Not covered: host imports of a nested instance the
   * root exports reach only through a call between instances (JSPI cannot suspend across the
   * JS of that call: a Promise there traps, saying so; see `link/jspi-reach.ts`), code not
   * entered through an export (resource destructors), generated `adapters` and glue (not used
   * under `jspi`: their sync functions would return Promises). Without JSPI in the engine, instantiate throws
   * `JspiUnavailableError`. Without this option a synchronous host import that returns a
   * Promise traps, naming the import and this option.
   */
  jspi?: boolean;
}

export interface ComponentInstance {
  /** The root instance's exports, mapped to JS (see the module doc). */
  readonly exports: Record<string, any>;
  /** The root component instance's state (handle table, poisoning). */
  readonly state: ComponentInstanceState;
  /** The same exports by extern path (`"f"`, `"ns:pkg/iface@v#f"`), for generated glue building its own shape. */
  readonly table: ExportTable;
}

export interface CompiledComponent {
  /** The component's type as an IR world (decoded on first access). */
  readonly world: IrDocument;
  readonly ast: ComponentAst;
  instantiate(imports?: ImportObject, options?: InstantiateOptions): Promise<ComponentInstance>;
  /** Synchronous instantiation (core modules are already compiled). */
  instantiateSync(imports?: ImportObject, options?: InstantiateOptions): ComponentInstance;
}

function toBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new TypeError(`compileComponent: expected a Uint8Array or ArrayBuffer, got ${bytes === null ? "null" : typeof bytes}`);
}

class Compiled implements CompiledComponent {
  private worldDoc: IrDocument | undefined;
  private inlineResults: ResultPolicy["inline"] | null | undefined;
  constructor(
    private readonly bytes: Uint8Array,
    readonly ast: ComponentAst,
    private readonly modules: ModuleMap,
  ) {}

  get world(): IrDocument {
    return (this.worldDoc ??= decodeWorld(this.bytes));
  }

  /** The result policy for `style`: the inline-result functions come from the decoded world. */
  private resultPolicy(style: ResultStyle | undefined): ResultPolicy {
    if (style === undefined || style === "union") return { style: "union" };
    if (style !== "throw") throw new TypeError(`instantiate: options.results must be "union" or "throw", got ${JSON.stringify(style)}`);
    if (this.inlineResults === undefined) {
      try {
        this.inlineResults = inlineResultPaths(this.world);
      } catch {
        // A type the world decoder cannot express: every top-level result then throws.
        this.inlineResults = null;
      }
    }
    return this.inlineResults ? { style, inline: this.inlineResults } : { style };
  }

  instantiate(imports: ImportObject = {}, options: InstantiateOptions = {}): Promise<ComponentInstance> {
    try {
      return Promise.resolve(this.instantiateSync(imports, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  instantiateSync(imports: ImportObject = {}, options: InstantiateOptions = {}): ComponentInstance {
    if (typeof imports !== "object" || imports === null) throw new TypeError(`instantiate: expected an import object, got ${imports === null ? "null" : typeof imports}`);
    if (options.jspi !== undefined && typeof options.jspi !== "boolean") throw new TypeError(`instantiate: options.jspi must be a boolean, got ${typeof options.jspi}`);
    if (options.jspi) requireJspi();
    const session = new LinkSession(options.adapters ?? dynamicAdapters, this.resultPolicy(options.results), !!options.jspi);
    const checkImports = () => {
      if (session.missing.length > 0) throw new ComponentLinkError(session.missing);
    };
    const root = instantiateComponent(
      session,
      this.modules,
      this.ast,
      undefined,
      (imp, scope) => resolveHostImport(session, scope, imp, imports),
      "root",
      checkImports,
    );
    const { exports, table } = buildRootExports(session, root.exports);
    return { exports, table, state: root.state };
  }
}

/** Decodes a component and compiles its core modules (asynchronously). */
export async function compileComponent(bytes: Uint8Array | ArrayBuffer): Promise<CompiledComponent> {
  const b = toBytes(bytes);
  const ast = decodeComponent(b);
  return new Compiled(b, ast, await compileModules(ast));
}

/** Like {@link compileComponent}, compiling core modules synchronously. */
export function compileComponentSync(bytes: Uint8Array | ArrayBuffer): CompiledComponent {
  const b = toBytes(bytes);
  const ast = decodeComponent(b);
  return new Compiled(b, ast, compileModulesSync(ast));
}
