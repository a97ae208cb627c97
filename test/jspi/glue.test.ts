/**
 * `witgen host --jspi`: declarations where every export returns a Promise and an import's
 * implementation may return one, and a glue whose `instantiate` uses JSPI. The bindings of a
 * real component (generated from its binary) are type-checked with a usage module that relies
 * on those types, then run in a Node 26 child process (JSPI; vitest's Node 20 has none).
 */
import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../src/generate.js";
import type { EmittedFile } from "../../src/emit/index.js";
import { buildWatComponent } from "../support/build-component.js";
import { node26 } from "../support/node26.js";
import { typecheck } from "../support/typecheck.js";

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const scratch = path.join(repoRoot, ".cache", "jspi-glue", String(process.pid));

/** Sync exports over sync host imports, and an exported resource (constructor, method, static). */
const WAT = `(component
  (import "fetch" (func $fetch (param "x" u32) (result u32)))
  (type $counter (resource (rep i32)))
  (core func $c-new (canon resource.new $counter))
  (core func $fetch-l (canon lower (func $fetch)))
  (core instance $h (export "fetch" (func $fetch-l)) (export "c-new" (func $c-new)))
  (core module $Main
    (import "h" "fetch" (func $f (param i32) (result i32)))
    (import "h" "c-new" (func $c-new (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1)))
    (func (export "new") (param i32) (result i32) (call $c-new (call $f (local.get 0))))
    ;; A borrow of the component's own resource arrives as its rep (CanonicalABI.md lift_borrow).
    (func (export "get") (param i32) (result i32) (local.get 0))
    (func (export "zero") (result i32) (call $c-new (i32.const 0))))
  (core instance $main (instantiate $Main (with "h" (instance $h))))
  (export $c "counter" (type $counter))
  (func (export "run") (param "x" u32) (result u32) (canon lift (core func $main "run")))
  (func (export "[constructor]counter") (param "start" u32) (result (own $c)) (canon lift (core func $main "new")))
  (func (export "[method]counter.get") (param "self" (borrow $c)) (result u32) (canon lift (core func $main "get")))
  (func (export "[static]counter.zero") (result (own $c)) (canon lift (core func $main "zero"))))`;

/** Uses the bindings as their types say: a type error here fails the test. */
const USAGE = `import { instantiate } from "./glue.js";

export async function main(bytes: Uint8Array): Promise<unknown> {
  const seen: number[] = [];
  const exports = await instantiate(bytes, {
    // May return a promise: the component's stack suspends until it settles.
    fetch: async (x: number): Promise<number> => {
      seen.push(x);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return x * 2;
    },
  });
  const pending: Promise<number> = exports.run(5);
  const counter = await new exports.Counter(20);
  const got: Promise<number> = counter.get();
  const zero = await exports.Counter.zero();
  const result = { run: await pending, get: await got, zero: await zero.get(), seen };
  counter[Symbol.dispose]();
  zero[Symbol.dispose]();
  return result;
}
`;

describe("witgen host --jspi", () => {
  let files: EmittedFile[];
  let bytes: Uint8Array;

  beforeAll(async () => {
    bytes = await buildWatComponent(WAT);
    await mkdir(scratch, { recursive: true });
    const component = path.join(scratch, "component.wasm");
    await writeFile(component, bytes);
    files = (await generate({ witPath: component, mode: "host", jspi: true })).files;
  }, 120_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("declares exports as returning promises (constructors too) and lets imports return one", () => {
    const index = files.find((f) => f.path === "index.ts")!.contents;
    expect(index).toContain("run(x: number): Promise<number>;");
    expect(index).toContain("fetch(x: number): number | Promise<number>;");
    expect(index).toContain("new (start: number): Promise<Counter>;");
    expect(index).toContain("zero(): Promise<Counter>;");
    expect(index).toContain("get(): Promise<number>;");
    const glue = files.find((f) => f.path === "glue.ts")!.contents;
    expect(glue).toContain("jspi: true");
    expect(typecheck([...files, { path: "usage.ts", contents: USAGE }])).toEqual([]);
  });

  it("is refused for guest and types bindings", async () => {
    const component = path.join(scratch, "component.wasm");
    await expect(generate({ witPath: component, mode: "guest", jspi: true })).rejects.toThrow("jspi applies to host bindings, not guest");
  });

  it("runs the component on Node 26: exports resolve after the host's promises settle", async () => {
    const found = await node26();
    if (!("node" in found)) return void console.warn(`skipped: ${found.unavailable}`);
    // The child imports the built runtime through the package name, as a user's program would.
    await run("npx", ["tsc", "-b", path.join(repoRoot, "runtime", "tsconfig.json")], { cwd: repoRoot });
    for (const f of [...files, { path: "usage.ts", contents: USAGE }]) {
      const js = ts.transpileModule(f.contents, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const out = path.join(scratch, f.path.replace(/\.ts$/, ".js"));
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, js);
    }
    await writeFile(path.join(scratch, "package.json"), JSON.stringify({ type: "module" }));
    const runner = path.join(scratch, "runner.js");
    await writeFile(
      runner,
      `import { readFile } from "node:fs/promises";\nimport { main } from "./usage.js";\n` +
        `console.log(JSON.stringify(await main(new Uint8Array(await readFile(process.argv[2])))));\n`,
    );
    const { stdout } = await run(found.node, [runner, path.join(scratch, "component.wasm")], { cwd: repoRoot, timeout: 60_000 });
    expect(JSON.parse(stdout.trim())).toEqual({ run: 11, get: 40, zero: 0, seen: [5, 20] });
  }, 300_000);
});
