// The WASI 0.3.0 worlds used as the generator's benchmark input (listed once, for the tests too,
// in test/support/wasi-worlds.json).
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const wasiRoot = resolve(repoRoot, "../shared/wit/wasi-0.3.0");

export const wasiWorlds = JSON.parse(readFileSync(resolve(repoRoot, "test/support/wasi-worlds.json"), "utf8")).map(({ dir, world }) => ({
  dir: resolve(wasiRoot, dir),
  world,
}));

export function requireWasi() {
  if (!existsSync(wasiRoot)) throw new Error(`WASI 0.3.0 WIT not found at ${wasiRoot} (expected shared/ beside the repo)`);
}
