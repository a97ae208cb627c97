/**
 * The six WASI 0.3.0 packages load, every world selects (with and without
 * `allFeatures`), and each selected world means the same as the component
 * type wit-parser (through jco) builds for it, decoded by the runtime.
 */
import { componentEmbed, componentNew } from "@bytecodealliance/jco";
import { decodeWorld } from "@witgen/runtime/binary";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { loadWitPath, selectWorld } from "../../src/wit/index.js";
import { parseGroups, readPath } from "../../src/wit/loader.js";
import { resolveAll } from "../../src/wit/resolve/index.js";
import { shortWorldName, wasiPackages, wasiRoot, wasiWorlds } from "../support/wasi.js";
import { canonicalWorld } from "./support/canonical.js";

/** Each package with the short names of its worlds. */
const WORLDS: [string, string[]][] = wasiPackages.map((pkg) => [
  pkg,
  wasiWorlds.filter((w) => w.dir === pkg).map((w) => shortWorldName(w.world)),
]);

async function referenceWorld(dir: string, world: string, allFeatures: boolean): Promise<string> {
  const embedded = await componentEmbed({
    dummy: true,
    witPath: dir,
    world,
    ...(allFeatures ? { features: { tag: "all" } } : {}),
  } as Parameters<typeof componentEmbed>[0]);
  return canonicalWorld(decodeWorld(await componentNew(embedded)));
}

describe("WASI 0.3.0", () => {
  for (const [pkg, worlds] of WORLDS) {
    for (const allFeatures of [false, true]) {
      test(`${pkg}: ${worlds.join(", ")}${allFeatures ? " (allFeatures)" : ""}`, async () => {
        const dir = path.join(wasiRoot, pkg);
        const resolve = loadWitPath(dir, { allFeatures });
        const main = resolve.packages[resolve.mainPackage];
        expect(`${main.namespace}:${main.name}@${main.version}`).toBe(`wasi:${pkg}@0.3.0`);
        for (const world of worlds) {
          const doc = selectWorld(resolve, world);
          expect(doc.worlds[doc.world].name).toBe(world);
          // Qualified selection finds the same world.
          expect(selectWorld(resolve, `wasi:${pkg}/${world}@0.3.0`)).toEqual(doc);
          expect(canonicalWorld(doc)).toBe(await referenceWorld(dir, world, allFeatures));
        }
      });
    }
  }

  test("spans are relative to the loaded directory", () => {
    const resolve = loadWitPath(path.join(wasiRoot, "http"));
    const files = new Set(resolve.interfaces.map((i) => i.span?.file));
    expect(files).toContain("types.wit");
    expect(files).toContain("deps/cli/stdio.wit");
    for (const f of files) expect(f === undefined || !path.isAbsolute(f)).toBe(true);
  });

  test("parsing and resolving all six packages stays fast", () => {
    // File reading is left out: the budget is for parsing and resolving.
    const sources = WORLDS.map(([pkg]) => readPath(path.join(wasiRoot, pkg)));
    const loadAll = () => {
      for (const groups of sources) resolveAll(parseGroups(groups), { features: new Set(), allFeatures: true });
    };
    for (let i = 0; i < 3; i++) loadAll(); // warm up the JIT
    // CPU time of this process, not wall time, so other processes on a busy machine do not count.
    let best = Infinity;
    for (let i = 0; i < 10; i++) {
      const before = process.cpuUsage();
      loadAll();
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    // Budget: well under 50 ms warm, for all six packages with their deps.
    expect(best).toBeLessThan(50);
  });
});
