/**
 * Whole components built by jco from real core modules (wit-component's
 * encoding: shim modules, canon lower/lift, core instances, aliases and a
 * nested shim component), decoded end to end.
 */
import { componentEmbed, componentNew, parse } from "@bytecodealliance/jco";
import { beforeAll, describe, expect, test } from "vitest";
import { decodeComponent, decodeWorld, type Canon, type ComponentAst, type Section } from "@witgen/runtime/binary";
import { fn, iface, signature, worldItem } from "./ir-query.js";

const WIT = `package ex:calc@0.1.0;
interface log { log: func(msg: string); }
interface calc {
  add: func(a: u32, b: u32) -> u32;
  greet: func(name: string) -> string;
}
world calculator { import log; export calc; export run: func() -> u32; }
`;

/** A core module using the canonical ABI names wit-component expects. */
const CORE_WAT = `(module
  (import "ex:calc/log@0.1.0" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "ex:calc/calc@0.1.0#add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func (export "ex:calc/calc@0.1.0#greet") (param $p i32) (param $n i32) (result i32)
    (call $log (local.get $p) (local.get $n))
    (i32.store (i32.const 16) (local.get $p))
    (i32.store (i32.const 20) (local.get $n))
    i32.const 16)
  (func (export "cabi_post_ex:calc/calc@0.1.0#greet") (param i32))
  (func (export "run") (result i32) i32.const 42)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get 3)))
    local.get $r)
)`;

/**
 * The engine's `BufferSource` must be ArrayBuffer-backed; a decoded section is a view typed
 * `ArrayBufferLike` (the component may sit in a SharedArrayBuffer), so hand the engine a copy.
 */
function engineBytes(view: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(view);
}

function sectionsOf<K extends Section["kind"]>(ast: ComponentAst, kind: K): Extract<Section, { kind: K }>[] {
  return ast.sections.filter((s): s is Extract<Section, { kind: K }> => s.kind === kind);
}

describe("a component made by jco from a WAT core module", () => {
  let bytes: Uint8Array;
  let ast: ComponentAst;
  beforeAll(async () => {
    const core = await parse(CORE_WAT);
    bytes = await componentNew(await componentEmbed({ binary: core, witSource: WIT, world: "calculator" }));
    ast = decodeComponent(bytes);
  });

  test("core modules are byte ranges the engine accepts", () => {
    const modules = sectionsOf(ast, "core-module");
    expect(modules.length).toBeGreaterThanOrEqual(1);
    for (const m of modules) {
      expect(m.bytes).toEqual(bytes.subarray(m.start, m.end));
      expect([...m.bytes.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
      expect(WebAssembly.validate(engineBytes(m.bytes))).toBe(true);
    }
    // The main module is ours: it imports the canon-lowered `log`.
    const main = modules
      .map((m) => new WebAssembly.Module(engineBytes(m.bytes)))
      .find((m) => WebAssembly.Module.exports(m).some((e) => e.name === "run"));
    expect(main && WebAssembly.Module.imports(main).map((i) => `${i.module}#${i.name}`)).toContain(
      "ex:calc/log@0.1.0#log",
    );
  });

  test("canon lower, canon lift, core instances and aliases decode", () => {
    const canons: Canon[] = sectionsOf(ast, "canons").flatMap((s) => s.items);
    const lowers = canons.filter((c) => c.kind === "lower");
    const lifts = canons.filter((c) => c.kind === "lift");
    expect(lowers).toHaveLength(1);
    expect(lowers[0]).toMatchObject({ options: { memory: 0, stringEncoding: "utf8" } });
    expect(lifts).toHaveLength(3);
    const greet = lifts.find(
      (c) => c.kind === "lift" && c.options.postReturn !== undefined && c.options.realloc !== undefined,
    );
    expect(greet).toBeDefined();
    const coreInstances = sectionsOf(ast, "core-instances").flatMap((s) => s.items);
    expect(
      coreInstances.some((i) => i.kind === "instantiate" && i.args.some((a) => a.name === "ex:calc/log@0.1.0")),
    ).toBe(true);
    const aliases = sectionsOf(ast, "aliases").flatMap((s) => s.items);
    expect(
      aliases.some((a) => a.kind === "core-instance-export" && a.sort === "core memory" && a.name === "memory"),
    ).toBe(true);
    expect(aliases.some((a) => a.kind === "instance-export" && a.sort === "func" && a.name === "log")).toBe(true);
    const exports = sectionsOf(ast, "exports").flatMap((s) => s.items);
    expect(exports.map((e) => e.name.name)).toEqual(expect.arrayContaining(["run", "ex:calc/calc@0.1.0"]));
    // Offsets point at the item: an export's offset is where its name starts.
    for (const e of exports) expect(bytes[e.name.offset]).toBeLessThanOrEqual(0x02);
  });

  test("its type as IR", () => {
    const doc = decodeWorld(bytes);
    expect(signature(doc, fn(iface(doc, "imports", "ex:calc/log@0.1.0"), "log"))).toBe("func(msg: string)");
    const calc = iface(doc, "exports", "ex:calc/calc@0.1.0");
    expect(calc.functions.map((f) => signature(doc, f))).toEqual([
      "func(a: u32, b: u32) -> u32",
      "func(name: string) -> string",
    ]);
    const run = worldItem(doc, "exports", "run");
    expect(run.kind === "function" && signature(doc, run.function)).toBe("func() -> u32");
  });
});

describe("performance", () => {
  test("a multi-MB component decodes, its core modules sliced out whole (not parsed)", async () => {
    // A core module with a 4 MiB data segment, made into a component by jco.
    const payload = 4 << 20;
    const leb = (n: number) => {
      const out: number[] = [];
      do {
        let b = n & 0x7f;
        n >>>= 7;
        if (n) b |= 0x80;
        out.push(b);
      } while (n);
      return out;
    };
    const memory = [0x05, 0x03, 0x01, 0x00, 0x41]; // one memory, min 65 pages
    const dataBody = [0x01, 0x00, 0x41, 0x00, 0x0b, ...leb(payload)];
    const header = [
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...memory,
      0x0b,
      ...leb(dataBody.length + payload),
      ...dataBody,
    ];
    const core = new Uint8Array(header.length + payload);
    core.set(header);
    core.fill(0xab, header.length);
    const bytes = await componentNew(
      await componentEmbed({ binary: core, witSource: "package ex:big;\nworld big {}", world: "big" }),
    );
    expect(bytes.length).toBeGreaterThan(payload);
    // Its speed is the benchmarks' business (bench/), not a test's.
    const ast = decodeComponent(bytes);
    expect(sectionsOf(ast, "core-module").some((m) => m.bytes.length > payload)).toBe(true);
  });
});
