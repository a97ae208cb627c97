import path from "node:path";
import { fileURLToPath } from "node:url";
import { componentEmbed, componentNew, componentWit } from "@bytecodealliance/jco";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const wasiRoot = path.resolve(repoRoot, "../shared/wit/wasi-0.3.0");

/** A real component whose type is `world` (jco's dummy core module). */
export async function dummyComponent(witSource: string, world: string): Promise<Uint8Array> {
  return await componentNew(await componentEmbed({ dummy: true, witSource, world }));
}

/** A dummy component for a world of one of the WASI 0.3.0 packages. */
export async function wasiComponent(pkg: string, world: string): Promise<Uint8Array> {
  return await componentNew(await componentEmbed({ dummy: true, witPath: path.join(wasiRoot, pkg), world }));
}

export async function witOf(bytes: Uint8Array): Promise<string> {
  return await componentWit(bytes);
}
