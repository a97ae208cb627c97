/**
 * Test helpers that build component binaries from text with jco (wasm-tools
 * compiled to wasm), caching results in the git-ignored `.cache/components/`
 * keyed by the sha256 of the inputs, so repeated test runs skip jco.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);
const cacheDir = path.join(repoRoot, ".cache", "components");
/** Bump when the build recipe changes, so stale cache entries are not reused. */
const RECIPE_VERSION = "1";

type Jco = typeof import("@bytecodealliance/jco");
let jco: Promise<Jco> | undefined;
function loadJco(): Promise<Jco> {
  return (jco ??= import("@bytecodealliance/jco"));
}

/**
 * The bytes are always a fresh, ArrayBuffer-backed copy (`Uint8Array<ArrayBuffer>`), which is
 * what `WebAssembly.validate` / `compile` / `instantiate` take as a `BufferSource`; jco's typings
 * only promise `Uint8Array<ArrayBufferLike>`.
 */
async function cached(
  kind: string,
  inputs: unknown,
  build: () => Promise<Uint8Array>,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = createHash("sha256")
    .update(JSON.stringify({ recipe: RECIPE_VERSION, kind, inputs }))
    .digest("hex");
  const file = path.join(cacheDir, `${kind}-${key}.wasm`);
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    // not cached yet
  }
  const bytes = new Uint8Array(await build());
  await mkdir(cacheDir, { recursive: true });
  // Write then rename, so a concurrent test never reads a half-written file.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
  return bytes;
}

/** Assembles WebAssembly text (a component or a core module) into a binary. */
export function buildWatComponent(
  wat: string,
): Promise<Uint8Array<ArrayBuffer>> {
  return cached("wat", { wat }, async () => {
    const { parse } = await loadJco();
    try {
      return await parse(wat);
    } catch (e) {
      throw new Error(`buildWatComponent: jco parse failed: ${errorText(e)}`);
    }
  });
}

export interface CoreComponentInput {
  /** The core module in text form; its imports/exports must follow the world's canonical names. */
  coreWat: string;
  /** WIT source defining `world`. */
  witSource: string;
  world?: string;
  stringEncoding?: "utf8" | "utf16" | "compact-utf16";
}

/** Core module text + WIT world -> component (jco parse, componentEmbed, componentNew). */
export function buildCoreComponent(
  input: CoreComponentInput,
): Promise<Uint8Array<ArrayBuffer>> {
  return cached("core", input, async () => {
    const { parse, componentEmbed, componentNew } = await loadJco();
    let step = "parse";
    try {
      const binary = await parse(input.coreWat);
      step = "componentEmbed";
      const embedded = await componentEmbed({
        binary,
        witSource: input.witSource,
        ...(input.world !== undefined ? { world: input.world } : {}),
        ...(input.stringEncoding !== undefined
          ? { stringEncoding: input.stringEncoding }
          : {}),
      });
      step = "componentNew";
      return await componentNew(embedded);
    } catch (e) {
      throw new Error(
        `buildCoreComponent: jco ${step} failed: ${errorText(e)}`,
      );
    }
  });
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && "payload" in e)
    return String((e as { payload: unknown }).payload);
  return String(e);
}
