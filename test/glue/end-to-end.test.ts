/**
 * End to end: a real component (core WAT + WIT, built with jco) instantiated
 * through the generated `glue.ts` (`instantiate`), calling exports and host
 * imports; the adapters must be the ones the instantiator used.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentError, Trap, compileComponent, type HostAdapters } from "@witgen/runtime";
import { emitWorld } from "../../src/emit/index.js";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { buildCoreComponent } from "../support/build-component.js";
import { typecheck } from "../support/typecheck.js";
import { CALC_WAT, CALC_WIT } from "./calc-component.js";
import { loadGlue } from "./harness.js";

let bytes: Uint8Array;
let glueTs: string;
let glue: { adapters: HostAdapters; instantiate: (source: Uint8Array, imports: unknown) => Promise<any> };

beforeAll(async () => {
  bytes = await buildCoreComponent({ coreWat: CALC_WAT, witSource: CALC_WIT, world: "calc" });
  const files = await emitWorld(selectWorld(loadWitSource(CALC_WIT, "calc.wit"), "calc"), { mode: "host" });
  expect(typecheck(files)).toEqual([]);
  glueTs = files.find((f) => f.path === "glue.ts")!.contents;
  glue = (await loadGlue(glueTs)) as typeof glue;
});

function hostImports(log: string[] = []) {
  return {
    "test:calc/host@1.0.0": {
      log: (msg: string) => void log.push(msg),
      offset: () => ({ x: 100, y: -1 }),
    },
    scale: (v: number) => v * 3,
    tryThing: (v: number) => {
      if (v === 0) throw new ComponentError("zero");
      return v + 1;
    },
  };
}

describe("a component through generated glue", () => {
  it("calls exports with typed values", async () => {
    const exports = await glue.instantiate(bytes, hostImports());
    expect(exports.add(2, 40)).toBe(42);
    expect(exports.add(0xffffffff, 1)).toBe(0);
    expect(exports.echo("hello, component")).toBe("hello, component");
    expect(exports.echo("héllo wörld 😀")).toBe("héllo wörld 😀");
    expect(exports.posts()).toBe(2); // post-return ran after each echo
    expect(exports.centroid([{ x: 1, y: 2 }, { x: 10, y: -20 }, { x: -3, y: 5 }])).toEqual({ x: 8, y: -13 });
    expect(exports["test:calc/geometry@1.0.0"].swap({ x: 7, y: -9 })).toEqual({ x: -9, y: 7 });
  });

  it("maps result<T, E> to a return value or a ComponentError (results: throw)", async () => {
    const exports = await glue.instantiate(bytes, hostImports());
    expect(exports.check(5)).toBe(10);
    let thrown: unknown;
    try {
      exports.check(11);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ComponentError);
    expect((thrown as ComponentError<string>).payload).toBe("too big");
  });

  it("calls host imports through lower adapters", async () => {
    const log: string[] = [];
    const exports = await glue.instantiate(bytes, hostImports(log));
    expect(exports.run(5)).toBe(115); // scale(5) + offset().x
    expect(log).toEqual(["hi from guest"]);
    expect(exports.attempt(4)).toBe(5);
    expect(exports.attempt(0)).toBe(999); // the host's ComponentError arrived as err
  });

  it("traps on a bad host result and poisons the instance", async () => {
    const imports = hostImports();
    imports.scale = () => -1;
    const exports = await glue.instantiate(bytes, imports);
    let trap: unknown;
    try {
      exports.run(1);
    } catch (e) {
      trap = e;
    }
    expect(trap).toBeInstanceOf(Trap);
    expect((trap as Trap).message).toMatch(/host function returned an invalid value: expected a u32.* in scale \(result\)/);
    expect(() => exports.add(1, 2)).toThrow(/poisoned/);
  });

  it("refuses a Promise from a sync import as the dynamic path does (the component cannot wait without JSPI)", async () => {
    const cases = [
      { what: "scale (u32 result)", change: (i: ReturnType<typeof hostImports>) => void (i.scale = (async (v: number) => v * 3) as never), call: (e: any) => e.run(5), name: "scale" },
      { what: "log (no result)", change: (i: ReturnType<typeof hostImports>) => void (i["test:calc/host@1.0.0"].log = (async () => {}) as never), call: (e: any) => e.run(5), name: "test:calc/host@1.0.0#log" },
      { what: "try-thing (results: throw)", change: (i: ReturnType<typeof hostImports>) => void (i.tryThing = (async (v: number) => v) as never), call: (e: any) => e.attempt(4), name: "try-thing" },
    ];
    for (const { what, change, call, name } of cases) {
      const messages: string[] = [];
      for (const via of ["glue", "dynamic"]) {
        const imports = hostImports();
        change(imports);
        const exports = via === "glue" ? await glue.instantiate(bytes, imports) : (await (await compileComponent(bytes)).instantiate(imports)).exports;
        let trap: unknown;
        try {
          call(exports);
        } catch (e) {
          trap = e;
        }
        expect(trap, `${what} via ${via}`).toBeInstanceOf(Trap);
        messages.push((trap as Trap).message);
        expect(() => exports.add(1, 2)).toThrow(/poisoned/);
      }
      expect(messages[0], what).toMatch(new RegExp(`host import ${name.replace(/[.@/#]/g, "\\$&")} returned a Promise, but the component calls it synchronously and cannot wait for it without JSPI`));
      expect(messages[0], what).toBe(messages[1]);
    }
  });

  it("a named type moved through memory has one store and one load function, used by every adapter", async () => {
    // `point` is stored by the `offset` import's adapter and loaded by the `swap` and `centroid` exports'.
    expect(glueTs.match(/^function storePoint\(/gm)).toHaveLength(1);
    expect(glueTs.match(/^function loadPoint\(/gm)).toHaveLength(1);
    expect(glueTs).toMatch(/^type Point = \{ x: number; y: number \};$/m);
    const exports = await glue.instantiate(bytes, hostImports());
    expect(exports["test:calc/geometry@1.0.0"].swap({ x: 1, y: -2 })).toEqual({ x: -2, y: 1 });
    // A bad value inside the shared function names its place from the adapter's root.
    const imports = hostImports();
    imports["test:calc/host@1.0.0"].offset = () => ({ x: 100, y: "no" as unknown as number });
    const bad = await glue.instantiate(bytes, imports);
    let trap: unknown;
    try {
      bad.run(1);
    } catch (e) {
      trap = e;
    }
    expect(trap).toBeInstanceOf(Trap);
    expect((trap as Trap).message).toMatch(/expected an s32 .*got string "no" in offset \(result\.y\)/);
  });

  it("rejects a bad argument without poisoning", async () => {
    const exports = await glue.instantiate(bytes, hostImports());
    expect(() => exports.add(-1, 2)).toThrow(/expected a u32 \(integer 0..4294967295\), got number -1 in add \(param "a"\)/);
    expect(() => exports.centroid([{ x: 1, y: 2 }, { x: "3", y: 4 }])).toThrow(/in centroid \(param "pts"\[1\]\.x\)/);
    expect(exports.add(1, 2)).toBe(3);
  });

  it("is what the instantiator runs: every sync function got a generated adapter", async () => {
    const lifted: string[] = [];
    const lowered: string[] = [];
    const spy: HostAdapters = {
      liftExport: (path, core, ac) => {
        const f = glue.adapters.liftExport!(path, core, ac);
        if (f) lifted.push(path);
        return f;
      },
      lowerImport: (path, host, ac) => {
        const f = glue.adapters.lowerImport!(path, host, ac);
        if (f) lowered.push(path);
        return f;
      },
    };
    const compiled = await compileComponent(bytes);
    const { exports } = await compiled.instantiate(hostImports(), { adapters: spy });
    expect(lifted.sort()).toEqual(["add", "attempt", "centroid", "check", "echo", "posts", "run", "test:calc/geometry@1.0.0#swap"]);
    expect(lowered.sort()).toEqual(["scale", "test:calc/host@1.0.0#log", "test:calc/host@1.0.0#offset", "try-thing"]);
    expect(exports.add(1, 1)).toBe(2);
  });
});
