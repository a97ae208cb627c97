/**
 * The cases whose generated output is committed under `snapshots/<case>/<mode>/`:
 * every valid corpus case, every WASI 0.3.0 world and the shipped examples.
 */
import path from "node:path";
import type { EmitMode } from "../../src/emit/index.js";
import { repoRoot, validCases } from "./corpus.js";

export interface SnapshotCase {
  name: string;
  witPath: string;
  world?: string;
  features?: string[];
  allFeatures?: boolean;
}

export const SNAPSHOT_MODES: readonly EmitMode[] = ["types", "host", "guest"];

export const snapshotsRoot = path.join(repoRoot, "snapshots");

export const wasiRoot = path.resolve(repoRoot, "../shared/wit/wasi-0.3.0");

/** Every world of the six WASI 0.3.0 packages. */
export const wasiWorlds: readonly { dir: string; world: string }[] = [
  { dir: "cli", world: "wasi:cli/command@0.3.0" },
  { dir: "cli", world: "wasi:cli/imports@0.3.0" },
  { dir: "clocks", world: "wasi:clocks/imports@0.3.0" },
  { dir: "filesystem", world: "wasi:filesystem/imports@0.3.0" },
  { dir: "http", world: "wasi:http/service@0.3.0" },
  { dir: "http", world: "wasi:http/middleware@0.3.0" },
  { dir: "random", world: "wasi:random/imports@0.3.0" },
  { dir: "sockets", world: "wasi:sockets/imports@0.3.0" },
];

export function snapshotCases(): SnapshotCase[] {
  const corpus = validCases().map((c) => ({
    name: `corpus-${c.name}`,
    witPath: c.path,
    world: c.options.world,
    features: c.options.features,
    allFeatures: c.options.allFeatures,
  }));
  const wasi = wasiWorlds.map(({ dir, world }) => ({
    name: world.replace(/@.*$/, "").replace(/[:/]/g, "-"),
    witPath: path.join(wasiRoot, dir),
    world,
  }));
  const examples = [
    { name: "example-hello", witPath: path.join(repoRoot, "examples/hello/wit"), world: "hello" },
    { name: "example-streaming", witPath: path.join(repoRoot, "examples/streaming/wit"), world: "streaming" },
  ];
  return [...examples, ...wasi, ...corpus];
}
