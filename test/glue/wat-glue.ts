/**
 * A WAT component with its generated host glue: built (cached), bindings generated from the
 * binary as `witgen host` would (strictly type-checked), the glue loaded, and the component
 * compiled for the runtime, so a test can run it through the glue and through the dynamic path.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { compileComponent, type CompiledComponent, type HostAdapters } from "@witgen/runtime";
import { generate } from "../../src/generate.js";
import { buildWatComponent } from "../support/build-component.js";
import { typecheck } from "../support/typecheck.js";
import { loadGlue } from "./harness.js";

export interface WatGlue {
  compiled: CompiledComponent;
  /** The generated glue.ts. */
  glueTs: string;
  glue: { adapters: HostAdapters };
}

export async function watGlue(wat: string): Promise<WatGlue> {
  const bytes = await buildWatComponent(wat);
  const dir = await mkdtemp(path.join(tmpdir(), "witgen-wat-glue-"));
  let files;
  try {
    await writeFile(path.join(dir, "c.wasm"), bytes);
    ({ files } = await generate({ witPath: path.join(dir, "c.wasm"), mode: "host" }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const problems = typecheck(files);
  if (problems.length > 0) throw new Error(`generated bindings do not type-check:\n${problems.join("\n")}`);
  const glueTs = files.find((f) => f.path === "glue.ts")!.contents;
  return { compiled: await compileComponent(bytes), glueTs, glue: await loadGlue(glueTs) };
}
