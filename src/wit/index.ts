/**
 * The WIT front end: loads WIT text (files, package directories with
 * `deps/`), resolves names, types and worlds like the reference parser
 * (wit-parser) does, and produces the witgen IR.
 */
import type { IrDocument, IrInterface, IrPackage, IrTypeDef, IrWorld, PackageId } from "@witgen/runtime/ir";
import { loadPath, loadSource, type LoadedSources } from "./loader.js";
import { resolveAll } from "./resolve/index.js";
import { extractWorld, findWorld } from "./select.js";

import { WitError } from "./error.js";

export { WitError };

export interface WitLoadOptions {
  /** `@unstable(feature = x)` items are kept only for features listed here. */
  features?: string[];
  /** Keep every `@unstable` item. */
  allFeatures?: boolean;
}

/** All packages loaded, resolved; same arenas as IrDocument (ids = array index). */
export interface WitResolve {
  packages: IrPackage[];
  interfaces: IrInterface[];
  worlds: IrWorld[];
  types: IrTypeDef[];
  mainPackage: PackageId;
}

/** A `.wit` file or a package directory (+ its `deps/`). Spans are relative to `path` (its directory for a file). */
export function loadWitPath(path: string, options?: WitLoadOptions): WitResolve {
  return guard(() => finish(loadPath(path), options));
}

/** One in-memory file, which may hold nested `package x:y { ... }` blocks. */
export function loadWitSource(source: string, fileName = "input.wit", options?: WitLoadOptions): WitResolve {
  return guard(() => finish(loadSource(source, fileName), options), fileName);
}

/**
 * Nesting is bounded where the syntax allows it, but a pathological input
 * could still exhaust the stack somewhere; report that as input trouble.
 */
function guard<T>(run: () => T, file = "."): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof RangeError)
      throw new WitError(file, 1, 1, `the input is too deeply nested to process (${e.message})`);
    throw e;
  }
}

function finish(sources: LoadedSources, options: WitLoadOptions | undefined): WitResolve {
  const { state, main } = resolveAll(sources, {
    features: new Set(options?.features ?? []),
    allFeatures: options?.allFeatures ?? false,
  });
  return {
    packages: state.packages,
    interfaces: state.interfaces,
    worlds: state.worlds,
    types: state.types,
    mainPackage: main,
  };
}

/**
 * Picks a world: a plain name of the main package ("command"), or qualified
 * ("wasi:cli/command@0.3.0"). Without a name: the main package's only world,
 * else a WitError listing the candidates. Returns an IrDocument holding only
 * what that world reaches, with fresh dense ids.
 */
export function selectWorld(resolve: WitResolve, world?: string): IrDocument {
  return guard(() => extractWorld(resolve, findWorld(resolve, world)));
}
