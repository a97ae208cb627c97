/**
 * `glue.ts` for every valid corpus case and every WASI 0.3.0 world: generated
 * without error and type-checked with `strict` against the declarations.
 * All cases go into one program per batch, so the type-check stays fast.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { EmittedFile } from "../../src/emit/index.js";
import { generate } from "../../src/generate.js";
import { validCases } from "../support/corpus.js";
import { wasiRoot, wasiWorlds } from "../support/wasi.js";
import { typecheck } from "../support/typecheck.js";


const cases = [
  ...validCases().map((c) => ({ name: c.name, witPath: c.path, world: c.options.world, features: c.options.features, allFeatures: c.options.allFeatures })),
  ...wasiWorlds.map(({ dir, world }) => ({ name: world, witPath: path.join(wasiRoot, dir), world, features: undefined, allFeatures: undefined })),
];

describe("glue.ts across the corpus", () => {
  it(`type-checks for all ${cases.length} worlds (host mode)`, async () => {
    const files: EmittedFile[] = [];
    for (const c of cases) {
      const dir = c.name.replace(/[^A-Za-z0-9-]/g, "_");
      const { files: emitted } = await generate({ ...c, mode: "host" });
      expect(emitted.map((f) => f.path), c.name).toContain("glue.ts");
      files.push(...emitted.map((f) => ({ path: `${dir}/${f.path}`, contents: f.contents })));
    }
    const problems = typecheck(files).filter((p) => /\/glue\.ts:/.test(p));
    expect(problems).toEqual([]);
  }, 600_000);
});
