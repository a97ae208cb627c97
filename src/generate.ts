import type { IrDocument } from "@witgen/runtime/ir";
import { emitWorld, type EmitMode, type EmittedFile } from "./emit/index.js";
import { qualifiedWorldName } from "./emit/model.js";
import { loadWitPath, selectWorld, type WitLoadOptions } from "./wit/index.js";

export interface GenerateOptions extends WitLoadOptions {
  /** A `.wit` file or a package directory (with its `deps/`). */
  witPath: string;
  /** World name of the main package, or a qualified `ns:pkg/world@ver`. */
  world?: string;
  mode: EmitMode;
  results?: "throw" | "union";
}

export interface GenerateResult {
  /** The selected world's qualified name, e.g. `wasi:cli/command@0.3.0`. */
  worldName: string;
  files: EmittedFile[];
}

/** Reads WIT, resolves the world and emits TypeScript: the whole pipeline in one call. */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const doc = loadWorld(options);
  const files = await emitWorld(doc, { mode: options.mode, results: options.results });
  return { worldName: qualifiedWorldName(doc), files };
}

/** Reads WIT and resolves one world to the IR. */
export function loadWorld(options: Omit<GenerateOptions, "mode">): IrDocument {
  const resolve = loadWitPath(options.witPath, {
    features: options.features,
    allFeatures: options.allFeatures,
  });
  return selectWorld(resolve, options.world);
}
