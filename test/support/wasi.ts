/**
 * The released WASI 0.3.0 WIT (`../shared/wit/wasi-0.3.0`, beside the clone) and its worlds,
 * listed once in wasi-worlds.json for the tests and the benchmarks alike.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./corpus.js";

export const wasiRoot = path.resolve(repoRoot, "../shared/wit/wasi-0.3.0");

export const wasiAvailable = existsSync(wasiRoot);

/** Every world of the six WASI 0.3.0 packages: `dir` is the package's folder under `wasiRoot`. */
export const wasiWorlds: readonly { dir: string; world: string }[] = JSON.parse(
  readFileSync(path.join(repoRoot, "test/support/wasi-worlds.json"), "utf8"),
);

/** The six packages, by folder. */
export const wasiPackages: readonly string[] = [...new Set(wasiWorlds.map((w) => w.dir))];

/** A world's short name: `wasi:cli/command@0.3.0` -> `command`. */
export function shortWorldName(world: string): string {
  return world.replace(/^.*\//, "").replace(/@.*$/, "");
}
