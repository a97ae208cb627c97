/** Bad inputs to the dynamic API get errors that name the cause and place. */
import { describe, expect, it } from "vitest";
import { ComponentLinkError, compileComponent, compileComponentSync, LinkError } from "@witgen/runtime";
import { ComponentLoadError } from "@witgen/runtime/binary";
import { buildWatComponent } from "../../../test/support/build-component.js";

describe("link: errors", () => {
  it("rejects bytes that are not a component with ComponentLoadError", async () => {
    await expect(compileComponent(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(ComponentLoadError);
    const core = await buildWatComponent(`(module)`);
    expect(() => compileComponentSync(core)).toThrow(ComponentLoadError);
    await expect(compileComponent("nope" as unknown as Uint8Array)).rejects.toThrow(/Uint8Array or ArrayBuffer/);
  });

  it("accepts an ArrayBuffer", async () => {
    const bytes = await buildWatComponent(`(component)`);
    const c = await compileComponent(bytes.slice().buffer);
    expect(Object.keys((await c.instantiate()).exports)).toEqual([]);
  });

  it("an instance import given a non-object is reported with the other missing imports", async () => {
    const bytes = await buildWatComponent(`(component
      (import "a:b/c@1.0.0" (instance (export "f" (func (param "x" string)))))
      (import "g" (func (result u32))))`);
    const c = compileComponentSync(bytes);
    let err: unknown;
    try {
      c.instantiateSync({ "a:b/c@1.0.0": 42 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ComponentLinkError);
    expect((err as ComponentLinkError).missing.map((m) => `${m.name}: ${m.type} (${m.problem})`)).toEqual([
      "a:b/c@1.0.0: instance (an object of functions and classes) (got number)",
      "g: func() -> u32 (not supplied)",
    ]);
  });

  it("an instantiation without an import object argument of the right type is a TypeError", async () => {
    const c = compileComponentSync(await buildWatComponent(`(component)`));
    expect(() => c.instantiateSync(null as unknown as Record<string, unknown>)).toThrow(TypeError);
  });

  it("LinkError carries the byte offset of the definition at fault", () => {
    const e = new LinkError("something", 0x2a);
    expect(e.offset).toBe(0x2a);
    expect(e.message).toBe("at byte 0x2a: something");
  });
});
