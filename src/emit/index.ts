// The TypeScript emitter: IR world -> declaration files (docs/mapping.md).
import type { IrDocument } from "@witgen/runtime/ir";
import { emitGlue } from "./glue/index.js";
import { WorldModel, type EmitMode } from "./model.js";
import { formatTypeScript, renderInterface, renderWorld } from "./render.js";

export type { EmitMode } from "./model.js";

export interface EmitOptions {
  mode: EmitMode;
  /** How a function's top-level `result<T, E>` surfaces; default `"throw"`. */
  results?: "throw" | "union";
  /** Module specifier generated code imports runtime types from; default `"@witgen/runtime"`. */
  runtimeModule?: string;
  /**
   * Host mode: bindings for `instantiate(..., { jspi: true })` (docs/mapping.md "JSPI"): exports
   * return promises, imports may, and the glue instantiates with JSPI.
   */
  jspi?: boolean;
}

export interface EmittedFile {
  /** Relative posix path, e.g. `interfaces/wasi-cli-environment.ts`. */
  path: string;
  contents: string;
}

export const DEFAULT_RUNTIME_MODULE = "@witgen/runtime";

/**
 * Emits the bindings of `doc`'s selected world: one module per interface it reaches under
 * `interfaces/` and the entry module `index.ts`, sorted by path, formatted with prettier.
 */
export async function emitWorld(doc: IrDocument, options: EmitOptions): Promise<EmittedFile[]> {
  if (!["types", "host", "guest"].includes(options.mode)) {
    throw new Error(`emitWorld: unknown mode ${JSON.stringify(options.mode)} (expected "types", "host" or "guest")`);
  }
  const results = options.results ?? "throw";
  if (options.jspi && options.mode !== "host") throw new Error(`emitWorld: jspi applies to host bindings, not ${options.mode}`);
  if (results !== "throw" && results !== "union") {
    throw new Error(`emitWorld: unknown results style ${JSON.stringify(results)} (expected "throw" or "union")`);
  }
  const model = new WorldModel(doc, options.mode, results, options.runtimeModule ?? DEFAULT_RUNTIME_MODULE, !!options.jspi);
  const interfaces = model.interfaceViews();
  const world = model.worldView(new Set(interfaces.map((v) => v.path)));
  const sources = [
    ...interfaces.map((view) => ({ path: view.path, source: renderInterface(view) })),
    { path: world.path, source: renderWorld(world) },
  ];
  const files = await Promise.all(
    sources.map(async ({ path, source }) => ({ path, contents: await formatTypeScript(path, model.header, source) })),
  );
  // Host mode adds the typed lift/lower glue with `instantiate` (src/emit/glue).
  if (options.mode === "host") files.push(await emitGlue(doc, { results, runtimeModule: options.runtimeModule ?? DEFAULT_RUNTIME_MODULE, jspi: !!options.jspi }));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
