import { describe, expect, it } from "vitest";
import {
  buildCoreComponent,
  buildWatComponent,
} from "../../../test/support/build-component.js";

const WASM_MAGIC = [0, 0x61, 0x73, 0x6d];

describe("test/support/build-component", () => {
  it("assembles component text (layer 0x0d) and core module text (layer 0)", async () => {
    const component = await buildWatComponent(`(component (core module))`);
    expect([...component.slice(0, 4)]).toEqual(WASM_MAGIC);
    expect(component[6]).toBe(1); // layer byte: component
    const core = await buildWatComponent(
      `(module (memory (export "memory") 1))`,
    );
    expect(core[6]).toBe(0); // layer byte: core module
    expect(WebAssembly.validate(core)).toBe(true);
  });

  it("wraps a core module with a WIT world into a component and caches it", async () => {
    const input = {
      coreWat: `(module
        (memory (export "memory") 1)
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 8)
        (func (export "double") (param i32) (result i32) local.get 0 i32.const 2 i32.mul))`,
      witSource: `package test:bc; world w { export double: func(x: u32) -> u32; }`,
      world: "w",
    };
    const a = await buildCoreComponent(input);
    const b = await buildCoreComponent(input);
    expect(a[6]).toBe(1);
    expect(b).toEqual(a);
    const { componentWit } = await import("@bytecodealliance/jco");
    expect(await componentWit(a)).toContain(
      "export double: func(x: u32) -> u32;",
    );
  });

  it("reports jco failures with the failing step", async () => {
    await expect(buildWatComponent(`(component (oops))`)).rejects.toThrow(
      /buildWatComponent: jco parse failed/,
    );
  });
});
