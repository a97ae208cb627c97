import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { ComponentLoadError, decodeWorld } from "@witgen/runtime/binary";
import type { IrDocument } from "@witgen/runtime/ir";
import { emitWorld, type EmitMode, type EmittedFile } from "./emit/index.js";
import { qualifiedWorldName } from "./emit/model.js";
import { loadWitPath, selectWorld, type WitLoadOptions } from "./wit/index.js";

export interface GenerateOptions extends WitLoadOptions {
  /** A `.wit` file, a package directory (with its `deps/`), or a component binary (its world). */
  witPath: string;
  /** World name of the main package, or a qualified `ns:pkg/world@ver`. */
  world?: string;
  mode: EmitMode;
  results?: "throw" | "union";
  /** Host bindings for `instantiate(..., { jspi: true })` (docs/mapping.md "JSPI"). */
  jspi?: boolean;
}

export interface GenerateResult {
  /** The selected world's qualified name, e.g. `wasi:cli/command@0.3.0`. */
  worldName: string;
  files: EmittedFile[];
}

/** Reads WIT, resolves the world and emits TypeScript: the whole pipeline in one call. */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const doc = loadWorld(options);
  const files = await emitWorld(doc, { mode: options.mode, results: options.results, jspi: options.jspi });
  return { worldName: qualifiedWorldName(doc), files };
}

/** Reads WIT and resolves one world to the IR; a component binary gives the world it implements. */
export function loadWorld(options: Omit<GenerateOptions, "mode">): IrDocument {
  if (isComponentBinary(options.witPath)) return componentWorldOf(options.witPath, options.world);
  const resolve = loadWitPath(options.witPath, {
    features: options.features,
    allFeatures: options.allFeatures,
  });
  return selectWorld(resolve, options.world);
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Whether `path` is a file that starts with the wasm magic (`\0asm`) rather than WIT text. */
function isComponentBinary(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && WASM_MAGIC.every((b, i) => head[i] === b);
  } catch {
    return false; // a directory
  } finally {
    closeSync(fd);
  }
}

/**
 * The world a component binary implements: its imports and exports with their types (the
 * runtime's decoder, the same IR the WIT front end builds). A binary names no world, so
 * `--world`, if given, must be the decoded one's name.
 */
function componentWorldOf(file: string, world: string | undefined): IrDocument {
  let doc: IrDocument;
  try {
    doc = decodeWorld(readFileSync(file));
  } catch (e) {
    if (e instanceof ComponentLoadError) throw new Error(`${file}: ${e.message}`);
    throw e;
  }
  const name = doc.worlds[doc.world]!.name;
  if (world !== undefined && world !== name && world !== qualifiedWorldName(doc))
    throw new Error(`${file}: a component binary has one world (${qualifiedWorldName(doc)}); --world ${world} does not name it (leave --world out)`);
  return doc;
}
