import { expect, test } from "vitest";
import { emitWorld, type EmittedFile } from "../../src/emit/index.js";
import { loadWitPath, selectWorld } from "../../src/wit/index.js";
import { validCases } from "../support/corpus.js";
import { typecheck } from "../support/typecheck.js";
import { declarations } from "./declarations.js";

const STRICTEST = { strictest: true };

// The snapshot test checks every corpus case with the default `throw` results; this adds `union`.
test("every valid corpus case, every mode, union results: emits and type-checks with strict", async () => {
  const all: EmittedFile[] = [];
  for (const c of validCases()) {
    const options = { features: c.options.features, allFeatures: c.options.allFeatures };
    const doc = selectWorld(loadWitPath(c.path, options), c.options.world);
    for (const mode of ["types", "host", "guest"] as const) {
      for (const f of declarations(await emitWorld(doc, { mode, results: "union" }))) {
        all.push({ path: `${c.name}/${mode}/${f.path}`, contents: f.contents });
      }
    }
  }
  expect(all.length).toBeGreaterThan(200);
  expect(typecheck(all, STRICTEST)).toEqual([]);
}, 300_000);
