/**
 * The seam for generated glue: HostAdapters are asked once per function at
 * instantiation, keyed by extern path, get the function's plan and context,
 * and what they return is what runs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, type AdapterContext, type CompiledComponent, type HostAdapters } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";

const HOST = "test:adapt/host@0.3.0";
const WIT = `package test:adapt@0.3.0;
interface host { twice: func(x: u32) -> u32; }
interface api { call-twice: func(x: u32) -> u32; }
world w {
  import host;
  import note: func(s: string);
  export api;
  export answer: func() -> u32;
}`;
const CORE = `(module
  (import "${HOST}" "twice" (func $twice (param i32) (result i32)))
  (import "$root" "note" (func $note (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "test:adapt/api@0.3.0#call-twice") (param i32) (result i32) (call $twice (local.get 0)))
  (func (export "answer") (result i32) (i32.const 42))
)`;

describe("link: HostAdapters seam", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildCoreComponent({ coreWat: CORE, witSource: WIT, world: "w" }));
  });

  it("offers every root import lowering and root export lifting, by extern path", () => {
    const lowered: string[] = [];
    const lifted: [string, string, number][] = [];
    const adapters: HostAdapters = {
      lowerImport: (path, _host, ac) => {
        lowered.push(path);
        expect(ac.plan.direction).toBe("lower");
        return undefined;
      },
      liftExport: (path, _core, ac) => {
        lifted.push([path, ac.signature.name, ac.plan.core.params.length]);
        expect(ac.plan.direction).toBe("lift");
        return undefined;
      },
    };
    const { exports } = compiled.instantiateSync({ [HOST]: { twice: (x: number) => x * 2 }, note: () => {} }, { adapters });
    expect(lowered.sort()).toEqual(["note", `${HOST}#twice`]);
    expect(lifted.sort()).toEqual([
      ["answer", "answer", 0],
      ["test:adapt/api@0.3.0#call-twice", "call-twice", 1],
    ]);
    // undefined keeps the dynamic functions
    expect(exports.answer()).toBe(42);
    expect(exports["test:adapt/api@0.3.0"].callTwice(4)).toBe(8);
  });

  it("runs what the adapters return, with the documented context", () => {
    const flatSeen: unknown[][] = [];
    let liftCx: AdapterContext | undefined;
    const adapters: HostAdapters = {
      // A hand-specialised lowering of twice(x: u32) -> u32, as generated glue would write it.
      lowerImport: (path, host, ac) => {
        if (path !== `${HOST}#twice`) return undefined;
        return (x) => {
          ac.cx.inst.checkMayLeave(path);
          flatSeen.push([x]);
          return (host((x as number) >>> 0) as number) | 0;
        };
      },
      liftExport: (path, core, ac) => {
        if (path !== "answer") return undefined;
        liftCx = ac;
        const dynamic = ac.dynamic();
        return () => [core(), dynamic()];
      },
    };
    const inst = compiled.instantiateSync({ [HOST]: { twice: (x: number) => x * 3 }, note: () => {} }, { adapters });
    expect(inst.exports["test:adapt/api@0.3.0"].callTwice(5)).toBe(15);
    expect(flatSeen).toEqual([[5]]);
    expect(inst.exports.answer()).toEqual([42, 42]);
    expect(liftCx!.inst).toBe(inst.state);
    expect(liftCx!.cx.inst).toBe(inst.state);
    expect(liftCx!.cx.stringEncoding).toBe("utf8");
    expect(liftCx!.codecs).toBeDefined();
    // The same functions by extern path, for glue that builds its own export shape.
    expect([...inst.table.functions.keys()].sort()).toEqual(["answer", "test:adapt/api@0.3.0#call-twice"]);
    expect(inst.table.functions.get("answer")!()).toEqual([42, 42]);
  });
});
