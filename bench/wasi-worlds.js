// The WASI 0.3.0 worlds used as the generator's benchmark input.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const wasiRoot = resolve(repoRoot, "../shared/wit/wasi-0.3.0");

export const wasiWorlds = [
  ["cli", "wasi:cli/command@0.3.0"],
  ["cli", "wasi:cli/imports@0.3.0"],
  ["clocks", "wasi:clocks/imports@0.3.0"],
  ["filesystem", "wasi:filesystem/imports@0.3.0"],
  ["http", "wasi:http/service@0.3.0"],
  ["http", "wasi:http/middleware@0.3.0"],
  ["random", "wasi:random/imports@0.3.0"],
  ["sockets", "wasi:sockets/imports@0.3.0"],
].map(([dir, world]) => ({ dir: resolve(wasiRoot, dir), world }));

export function requireWasi() {
  if (!existsSync(wasiRoot)) throw new Error(`WASI 0.3.0 WIT not found at ${wasiRoot} (expected shared/ beside the repo)`);
}
