/**
 * The cases whose generated output is committed under `snapshots/<case>/<mode>/`:
 * every valid corpus case, every WASI 0.3.0 world and the shipped examples.
 */
import path from "node:path";
import type { EmitMode } from "../../src/emit/index.js";
import { repoRoot, validCases } from "./corpus.js";
import { wasiRoot, wasiWorlds } from "./wasi.js";

export interface SnapshotCase {
  name: string;
  witPath: string;
  world?: string;
  features?: string[];
  allFeatures?: boolean;
  /** Host bindings for JSPI (`witgen host --jspi`): the host mode only. */
  jspi?: boolean;
}

export const SNAPSHOT_MODES: readonly EmitMode[] = ["types", "host", "guest"];

/** The modes a case is generated in. */
export function modesOf(c: SnapshotCase): readonly EmitMode[] {
  return c.jspi ? ["host"] : SNAPSHOT_MODES;
}

export const snapshotsRoot = path.join(repoRoot, "snapshots");


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
    { name: "example-hello-jspi", witPath: path.join(repoRoot, "examples/hello/wit"), world: "hello", jspi: true },
  ];
  return [...examples, ...wasi, ...corpus];
}
