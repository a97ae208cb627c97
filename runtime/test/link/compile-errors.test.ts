/**
 * A core module the engine refuses becomes a ComponentLoadError at the byte inside the component
 * where the engine stopped, with the engine's message and, where the cause is a wasm feature the
 * engine leaves off by default, how to turn it on. componentize-qjs output uses extended-const,
 * which Node 20 enables only with --experimental-wasm-extended-const; the check runs in a fresh
 * Node without flags (vitest's own process may have set V8 flags for the qjs guests).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { repoRoot } from "../../../test/support/corpus.js";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (core module $M (global (export "g") i32 (i32.add (i32.const 40) (i32.const 2))))
  (core instance $m (instantiate $M)))`;

it("a core module using extended-const on an engine without it: the error names the byte, the feature and the flag", async () => {
  const bytes = await buildWatComponent(WAT);
  const dir = await mkdtemp(path.join(tmpdir(), "witgen-compile-"));
  try {
    const file = path.join(dir, "c.wasm");
    await writeFile(file, bytes);
    const runtime = pathToFileURL(path.join(repoRoot, "runtime/dist/index.js")).href;
    const script = `
      import { readFileSync } from "node:fs";
      import { compileComponent } from ${JSON.stringify(runtime)};
      try { await compileComponent(readFileSync(${JSON.stringify(file)})); console.log("compiled"); }
      catch (e) { console.log(JSON.stringify({ name: e.name, offset: e.offset, message: e.message })); }`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
    if (Number(process.versions.node.split(".")[0]) >= 22) {
      expect(stdout.trim()).toBe("compiled");
      return;
    }
    const error = JSON.parse(stdout) as { name: string; offset: number; message: string };
    expect(error.name).toBe("ComponentLoadError");
    expect(error.message).toMatch(/core module \(bytes 0x[0-9a-f]+\.\.0x[0-9a-f]+\) does not compile: .*i32\.add is not allowed in constant expressions/);
    expect(error.message).toContain("extended-const");
    expect(error.message).toContain("--experimental-wasm-extended-const");
    // The offset is where the engine stopped (V8 names the constant expression), inside the module's range.
    const [, start, end] = /bytes 0x([0-9a-f]+)\.\.0x([0-9a-f]+)/.exec(error.message)!.map((h) => parseInt(h!, 16));
    expect(error.offset).toBeGreaterThan(start!);
    expect(error.offset).toBeLessThan(end!);
    expect([...bytes.subarray(error.offset, end)]).toContain(0x6a);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it("a component with a 64-bit memory (where the engine runs it) gets a Trap saying memory64 is not supported", async () => {
  const bytes = await buildWatComponent(`(component
    (core module $M (memory (export "mem") i64 1)
      (func (export "realloc") (param i64 i64 i64 i64) (result i64) (i64.const 64))
      (func (export "len") (param i64 i64) (result i32) (i32.wrap_i64 (local.get 1))))
    (core instance $m (instantiate $M))
    (alias core export $m "mem" (core memory $mem))
    (alias core export $m "realloc" (core func $re))
    (func (export "len") (param "s" string) (result u32) (canon lift (core func $m "len") (memory $mem) (realloc $re))))`);
  const dir = await mkdtemp(path.join(tmpdir(), "witgen-m64-"));
  try {
    const file = path.join(dir, "c.wasm");
    await writeFile(file, bytes);
    const runtime = pathToFileURL(path.join(repoRoot, "runtime/dist/index.js")).href;
    const script = `
      import { readFileSync } from "node:fs";
      import { compileComponent } from ${JSON.stringify(runtime)};
      try { const c = await compileComponent(readFileSync(${JSON.stringify(file)})); console.log(c.instantiateSync({}).exports.len("hello")); }
      catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
    // Node 20 runs memory64 behind a flag; later versions have it.
    const major = Number(process.versions.node.split(".")[0]);
    const flags = major < 22 ? ["--experimental-wasm-memory64"] : [];
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, "--input-type=module", "-e", script]);
    const error = JSON.parse(stdout) as { name: string; message: string };
    expect(error.name).toBe("Trap");
    expect(error.message).toMatch(/64-bit memories \(memory64, CanonicalABI.md ptr_type i64\) are not supported by this runtime yet in len \(param "s"\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
