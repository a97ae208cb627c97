/**
 * `glue.ts` for whole worlds (host mode): strict type-check against the emitted
 * declarations and the runtime, concrete lines of the generated code, and which
 * functions get adapters.
 */
import { describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { emitWorld, type EmittedFile } from "../../src/emit/index.js";
import { loadWitPath, loadWitSource, selectWorld } from "../../src/wit/index.js";
import { typecheck } from "../support/typecheck.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Every value kind glue specialises, at world level and in interfaces, in both directions. */
export const KITCHEN_WIT = `
package test:kitchen@1.0.0;

interface types {
  record point { x: f64, y: f64 }
  record person { full-name: string, age: option<u8>, tags: list<string>, home: option<point>, %type: u32 }
  variant shape { none, circle(f32), square(u32), big(u64), line(tuple<point, point>), named(string) }
  enum color { red, green, blue }
  flags perms { read, write, exec }
  type bytes = list<u8>;
  type outcome = result<bytes, shape>;
}

interface api {
  use types.{point, person, shape, color, perms, bytes, outcome};
  people: func(all: list<person>, pick: option<option<u32>>) -> option<person>;
  draw: func(s: shape, c: color, p: perms) -> outcome;
  fail: func(why: string) -> result<u64, color>;
  nothing: func();
  blobs: func(b: bytes, h: list<s16>, f: list<f64>) -> tuple<bytes, char, bool>;
  many: func(a: u8, b: u16, c: u32, d: u64, e: s8, f: s16, g: s32, h: s64, i: f32, j: f64, k: char, l: string, m: point, n: point) -> result<_, string>;
}

world kitchen {
  use types.{point};
  import api;
  export api;
  import log: func(msg: string);
  import now: func() -> u64;
  export run: func(args: list<string>) -> result<point, string>;
  export %delete: func(%in: u32) -> u32;
}
`;

function kitchen() {
  return selectWorld(loadWitSource(KITCHEN_WIT, "kitchen.wit"), "kitchen");
}

const glueOf = (files: EmittedFile[]): string => files.find((f) => f.path === "glue.ts")!.contents;

describe("glue.ts in host mode", () => {
  it("is emitted only in host mode", async () => {
    const doc = kitchen();
    expect((await emitWorld(doc, { mode: "host" })).map((f) => f.path)).toContain("glue.ts");
    expect((await emitWorld(doc, { mode: "guest" })).map((f) => f.path)).not.toContain("glue.ts");
    expect((await emitWorld(doc, { mode: "types" })).map((f) => f.path)).not.toContain("glue.ts");
  });

  for (const results of ["throw", "union"] as const) {
    it(`type-checks strictly against the declarations (results: ${results})`, async () => {
      const files = await emitWorld(kitchen(), { mode: "host", results });
      expect(typecheck(files)).toEqual([]);
    });
  }

  it("has an adapter for every sync function, keyed by extern path", async () => {
    const glue = glueOf(await emitWorld(kitchen(), { mode: "host" }));
    for (const key of ["run", "delete", "test:kitchen/api@1.0.0#people", "test:kitchen/api@1.0.0#many"]) {
      expect(glue).toMatch(new RegExp(`^  "?${key}"?: \\{`, "m"));
    }
    // Imports: the world's and the imported interface's functions.
    for (const key of ["log", "now", "test:kitchen/api@1.0.0#draw", "test:kitchen/api@1.0.0#nothing"]) {
      expect(glue).toMatch(new RegExp(`^  "?${key}"?: \\{ make: lower\\w+, core: "`, "m"));
    }
  });

  it("writes straight-line code with the declarations' types (concrete lines)", async () => {
    const lines = glueOf(await emitWorld(kitchen(), { mode: "host" })).split("\n").map((l) => l.trim());
    // Typed by the declarations: world function, interface function, reserved names escaped.
    expect(lines).toContain('function liftRun(core: CoreFunction, ac: AdapterContext): Exports["run"] {');
    expect(lines).toContain('): Exports["test:kitchen/api@1.0.0"]["draw"] {');
    expect(lines).toContain('const impl = host as Imports["log"];');
    expect(lines).toContain("return function delete_(in_) {");
    // Constant-offset loads of a spilled record result, and a checked u32 argument.
    expect(lines).toContain('cx.checkRange(retPtr, 24, 8, "result", "CanonicalABI.md lift_flat_values");');
    expect(lines).toContain('if (typeof in_ !== "number" || in_ >>> 0 !== in_)');
    // A variant: a switch over the tag, and the joined slot coercion of an f32 payload into an i64 slot.
    expect(lines).toContain("switch (s.tag) {");
    expect(lines).toContain("sPayload0 = BigInt(f32ToBits(sCircle));");
    // A u8 list is copied in bulk from a Uint8Array.
    expect(lines).toContain("cx.u8.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), bPtr);");
    // results: "throw": err becomes a ComponentError, and a host's ComponentError becomes err.
    expect(lines).toContain("if (result.tag === \"err\") throw new ComponentError(result.val);");
    expect(lines).toContain("if (!(e instanceof ComponentError)) throw hostCallTrap(e, \"fail\");");
    // Post-return after lifting, then the result.
    expect(lines).toContain('if (postReturn !== undefined) callPostReturn(inst, postReturn, "run", ret);');
    // The spill of 14 parameters (more than 16 flat values) through memory.
    expect(lines).toContain('cx.checkRange(args, 96, 8, "parameter tuple", "CanonicalABI.md lower_flat_values");');
  });

  it("specialises resource methods, async imports, and sync imports moving streams and futures", async () => {
    const wasi = path.resolve(repoRoot, "../shared/wit/wasi-0.3.0");
    const doc = selectWorld(loadWitPath(path.join(wasi, "cli")), "command");
    const files = await emitWorld(doc, { mode: "host" });
    const glue = glueOf(files);
    // Sync functions get adapters, resource methods included; async imports get value code for
    // their async lowering (taskImport).
    expect(glue).toContain('"wasi:cli/environment@0.3.0#get-environment": {');
    expect(glue).toContain('"wasi:random/random@0.3.0#get-random-u64": {');
    expect(glue).toContain('"wasi:sockets/types@0.3.0#[method]tcp-socket.bind"');
    expect(glue).toContain("function taskImportTcpSocketConnect(");
    expect(glue).toContain("make: taskImportTcpSocketConnect,");
    // A sync import with a stream and a future in its result: its ends move through the
    // runtime's hooks, with the component's types read from the runtime's plan.
    expect(glue).toContain('"wasi:filesystem/types@0.3.0#[method]descriptor.read-via-stream": {');
    expect(glue).toContain('asyncTypeAt(ac.plan, ["result", "fields", 0, "type"], "stream")');
    expect(typecheck(files)).toEqual([]);
  });
});
