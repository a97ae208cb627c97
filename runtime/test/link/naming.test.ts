/**
 * JS member names of a real component's exports and of the host's import
 * object (docs/mapping.md "Names"): `then` -> `then_`, `constructor` ->
 * `constructor_`, statics `name`/`length`/`prototype` -> `name_`/..., reserved
 * words kept as members (`delete`, `new`). The names come from
 * `memberNames` (runtime/src/abi/naming.ts), the same function the generator
 * names its declarations with.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { camelCaseScope, claimScope, compileComponent, ComponentLinkError, memberNames, toMethodName, toStaticName, type CompiledComponent } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";
import { CORE, FNS, HR, hostImports, RES, WIT } from "./naming-guest.js";

type Obj = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

describe("link: JS member names (docs/mapping.md Names)", () => {
  let compiled: CompiledComponent;

  beforeAll(async () => {
    compiled = await compileComponent(await buildCoreComponent({ coreWat: CORE, witSource: WIT, world: "w" }));
  });

  it("names interface functions then_, constructor_, delete, new", async () => {
    const fns = (await compiled.instantiate(hostImports())).exports[FNS] as Obj;
    expect(Object.keys(fns).sort()).toEqual(["constructor_", "delete", "new", "then_"]);
    expect((fns.then_ as Fn)()).toBe(1001);
    expect((fns.constructor_ as Fn)()).toBe(2002);
    expect((fns.delete as Fn)()).toBe(3003);
    // host thing(5): then 5, constructor 10, static name 7, static length 9; host new() 4
    expect((fns.new as Fn)()).toBe(5 + 10 * 100 + 7 * 10000 + 9 * 100000 + 4);
    // Not a thenable: awaiting the object yields the object.
    expect("then" in fns).toBe(false);
    expect(await Promise.resolve(fns)).toBe(fns);
  });

  it("names a resource's methods then_/constructor_ and statics name_/prototype_, beside the class's own name", async () => {
    const res = (await compiled.instantiate(hostImports())).exports[RES] as Obj;
    expect(Object.keys(res)).toEqual(["Thing"]);
    const Thing = res.Thing as (new (v: number) => Obj) & Obj;
    expect(Thing.name).toBe("Thing");
    expect(typeof Thing.prototype).toBe("object");
    expect((Thing.name_ as Fn)()).toBe(42);
    expect((Thing.prototype_ as Fn)()).toBe(43);
    const t = new Thing(21);
    expect((t.then_ as Fn)()).toBe(21);
    expect((t.constructor_ as Fn)()).toBe(42);
    expect(t.constructor).toBe(Thing);
    expect("then" in t).toBe(false);
    expect(await Promise.resolve(t)).toBe(t);
  });

  it("names a world-level export then_ and reads a world-level import delete", async () => {
    const exports = (await compiled.instantiate(hostImports())).exports as Obj;
    expect(Object.keys(exports).sort()).toEqual(["then_", FNS, RES].sort());
    expect((exports.then_ as Fn)()).toBe(4005);
  });

  it("reports an import missing under its JS name", async () => {
    const imports = hostImports();
    imports[HR] = { Thing: class { then_() {} constructor_() {} static length_() {} } };
    const err = await compiled.instantiate(imports).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ComponentLinkError);
    expect(String((err as Error).message)).toContain("static Thing.name_ not supplied");
  });

  it("the same names from the naming functions the generator uses", () => {
    const names = memberNames({
      functions: ["then", "constructor", "delete", "new", "[constructor]thing", "[method]thing.then", "[method]thing.constructor", "[static]thing.name", "[static]thing.prototype"],
      resources: ["thing"],
      instances: [FNS],
    });
    expect([...names.functions]).toEqual([
      ["then", "then_"],
      ["constructor", "constructor_"],
      ["delete", "delete"],
      ["new", "new"],
    ]);
    expect([...names.classes]).toEqual([["thing", "Thing"]]);
    expect([...names.instances]).toEqual([[FNS, FNS]]);
    expect([...names.methods]).toEqual([
      ["[method]thing.then", "then_"],
      ["[method]thing.constructor", "constructor_"],
    ]);
    expect([...names.statics]).toEqual([
      ["[static]thing.name", "name_"],
      ["[static]thing.prototype", "prototype_"],
    ]);
    expect(["name", "length", "prototype", "caller", "arguments", "then", "constructor", "get-u8"].map(toStaticName)).toEqual([
      "name_",
      "length_",
      "prototype_",
      "caller_",
      "arguments_",
      "then_",
      "constructor_",
      "getU8",
    ]);
    // Members keep reserved words and Function's own property names.
    expect(["delete", "name", "URL-parse", "%then"].map(toMethodName)).toEqual(["delete", "name", "urlParse", "then_"]);
  });

  it("numbers names colliding after camelCase (a valid component has none: names are strongly-unique)", () => {
    const names = memberNames({ functions: ["a-b", "a-B", "a-b2", "[method]r.x-y", "[method]r.X-y"], resources: ["r", "R"] });
    expect([...names.functions.values()]).toEqual(["aB", "aB2", "aB22"]);
    expect([...names.classes.values()]).toEqual(["R", "R2"]);
    expect([...names.methods.values()]).toEqual(["xY", "xY2"]);
    expect(camelCaseScope(["dash-dot", "DASH-dot"])).toEqual(["dashDot", "dashDot2"]);
    expect(claimScope(["x", "x"], ["x"])).toEqual(["x2", "x3"]);
  });
});
