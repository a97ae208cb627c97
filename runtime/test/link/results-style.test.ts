/**
 * The `results` instantiate option (docs/mapping.md "Results") on the paths generated glue leaves
 * to the runtime: an async-lifted export, a resource method, a fallible resource constructor and a
 * host import, in both styles; a result behind a `type` alias stays a union in both.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentError, compileComponent, GuestResource, Trap, type CompiledComponent } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";
import { RESULTS_API, RESULTS_CORE, RESULTS_WIT } from "../../../test/glue/results-guest.js";

let compiled: CompiledComponent;
beforeAll(async () => {
  compiled = await compileComponent(await buildCoreComponent({ coreWat: RESULTS_CORE, witSource: RESULTS_WIT, world: "results" }));
});

/** `validate` in the throw style: doubles, `err(7)` for 0, a plain failure for 13. */
function throwingValidate(n: number): number {
  if (n === 0) throw new ComponentError(7);
  if (n === 13) throw new Error("validator broke");
  return n * 2;
}

describe('results: "union" (the dynamic default)', () => {
  it("async export, method and host import use { tag, val }; the fallible constructor still throws", async () => {
    const { exports } = await compiled.instantiate({
      validate: (n: number) => (n === 0 ? { tag: "err", val: 7 } : { tag: "ok", val: n * 2 }),
    });
    const api = exports[RESULTS_API];
    await expect(api.check(1)).resolves.toEqual({ tag: "ok", val: 2 });
    await expect(api.check(0)).resolves.toEqual({ tag: "err", val: 5 });
    expect(api.checkAlias(0)).toEqual({ tag: "err", val: 5 });
    const c = new api.Counter(3);
    expect(c).toBeInstanceOf(api.Counter);
    expect(c).toBeInstanceOf(GuestResource);
    expect(c.start()).toBe(3);
    expect(c.take(4)).toEqual({ tag: "ok", val: 8 });
    expect(c.take(0)).toEqual({ tag: "err", val: 7 });
    expect(() => new api.Counter(0)).toThrow(expect.objectContaining({ name: "ComponentError", payload: 99 }));
  });

  it("is what an explicit union option gives, and a bad style is refused by name", async () => {
    await expect(compiled.instantiate({ validate: () => ({ tag: "ok", val: 1 }) }, { results: "union" })).resolves.toBeDefined();
    expect(() => compiled.instantiateSync({}, { results: "both" as never })).toThrow(/options\.results must be "union" or "throw", got "both"/);
  });
});

describe('results: "throw"', () => {
  it("an async export resolves with T and rejects with ComponentError<E>", async () => {
    const { exports } = await compiled.instantiate({ validate: throwingValidate }, { results: "throw" });
    const api = exports[RESULTS_API];
    await expect(api.check(41)).resolves.toBe(42);
    const err = await api.check(0).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ComponentError);
    expect((err as ComponentError<number>).payload).toBe(5);
  });

  it("a resource method returns T or throws; the host import returns T or throws ComponentError for err", async () => {
    const { exports } = await compiled.instantiate({ validate: throwingValidate }, { results: "throw" });
    const api = exports[RESULTS_API];
    const c = new api.Counter(3);
    expect(c.take(4)).toBe(8);
    let caught: unknown;
    try {
      c.take(0);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ComponentError);
    expect((caught as ComponentError<number>).payload).toBe(7);
  });

  it("a fallible constructor throws ComponentError, as in the union style", async () => {
    const { exports } = await compiled.instantiate({ validate: throwingValidate }, { results: "throw" });
    const api = exports[RESULTS_API];
    expect(new api.Counter(5).start()).toBe(5);
    expect(() => new api.Counter(0)).toThrow(ComponentError);
  });

  it("a result behind a type alias stays a union", async () => {
    const { exports } = await compiled.instantiate({ validate: throwingValidate }, { results: "throw" });
    expect(exports[RESULTS_API].checkAlias(0)).toEqual({ tag: "err", val: 5 });
    expect(exports[RESULTS_API].checkAlias(1)).toEqual({ tag: "ok", val: 2 });
  });

  it("any other error thrown by the host import is a host failure (trap), not err", async () => {
    const { exports } = await compiled.instantiate({ validate: throwingValidate }, { results: "throw" });
    const c = new exports[RESULTS_API].Counter(1);
    expect(() => c.take(13)).toThrow(Trap);
  });
});
