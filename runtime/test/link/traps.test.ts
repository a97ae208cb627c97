/**
 * Traps from real guests, each followed by the lockdown rule (Explainer.md
 * component invariants: a trapped instance refuses every later call), plus
 * re-entrance (`may_enter`), leaving during post-return (`may_leave`),
 * throwing or misbehaving host imports, and import-object errors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentLinkError, compileComponent, semverCompatible, Trap, type CompiledComponent } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";
import { BUMP_REALLOC } from "./echo-guest.js";

const HOST = "test:traps/host@1.2.0";
const WIT = `package test:traps@1.2.0;
interface host { ping: func(x: u32) -> u32; }
world w {
  import host;
  import log: func(msg: string);
  export oob-string: func() -> string;
  export bad-disc: func() -> option<u32>;
  export bad-enum: func() -> e;
  export bad-char: func() -> char;
  export bad-utf8: func() -> string;
  export boom: func();
  export ok: func() -> u32;
  export call-ping: func(x: u32) -> u32;
  export call-log: func();
  export leave-in-post-return: func() -> u32;
  enum e { a, b }
}`;

const CORE = `(module
  (import "${HOST}" "ping" (func $ping (param i32) (result i32)))
  (import "$root" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  ${BUMP_REALLOC}
  (data (i32.const 32) "\\07")
  (data (i32.const 48) "\\fa\\ff\\00\\00\\64\\00\\00\\00")
  (data (i32.const 64) "hi")
  (data (i32.const 80) "\\ff")
  (data (i32.const 88) "\\50\\00\\00\\00\\01\\00\\00\\00")
  (func (export "oob-string") (result i32) (i32.const 48))
  (func (export "bad-disc") (result i32) (i32.const 32))
  (func (export "bad-enum") (result i32) (i32.const 2))
  (func (export "bad-char") (result i32) (i32.const 0xd800))
  (func (export "bad-utf8") (result i32) (i32.const 88))
  (func (export "boom") (unreachable))
  (func (export "ok") (result i32) (i32.const 42))
  (func (export "call-ping") (param i32) (result i32) (call $ping (local.get 0)))
  (func (export "call-log") (call $log (i32.const 64) (i32.const 2)))
  (func (export "leave-in-post-return") (result i32) (i32.const 1))
  (func (export "cabi_post_leave-in-post-return") (param i32) (drop (call $ping (i32.const 0))))
)`;

describe("link: traps and lockdown", () => {
  let compiled: CompiledComponent;
  let ping: (x: number) => unknown = (x) => x + 1;
  const logged: string[] = [];
  const instantiate = () =>
    compiled.instantiateSync({ [HOST]: { ping: (x: number) => ping(x) }, log: (m: string) => void logged.push(m) });

  beforeAll(async () => {
    compiled = await compileComponent(await buildCoreComponent({ coreWat: CORE, witSource: WIT, world: "w" }));
  });

  function trapOf(f: () => unknown): Trap {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(Trap);
      return e as Trap;
    }
    throw new Error("expected a trap");
  }

  const cases: [string, string, RegExp, RegExp][] = [
    ["out-of-bounds string pointer", "oobString", /out of bounds/, /load_string_from_range/],
    ["invalid option discriminant", "badDisc", /discriminant|case/i, /./],
    ["invalid enum discriminant", "badEnum", /discriminant|case/i, /./],
    ["invalid char", "badChar", /surrogate/, /convert_i32_to_char/],
    ["invalid utf-8 string", "badUtf8", /utf-?8/i, /load_string_from_range/],
    ["unreachable", "boom", /unreachable/, /call_and_trap_on_throw/],
  ];
  for (const [what, fn, message, rule] of cases) {
    it(`${what}: Trap, then the instance is poisoned`, () => {
      const { exports, state } = instantiate();
      expect(exports.ok()).toBe(42);
      const t = trapOf(() => exports[fn]());
      expect(t.message).toMatch(message);
      expect(t.rule).toMatch(rule);
      expect(state.poisoned).toBe(t);
      const again = trapOf(() => exports.ok());
      expect(again.rule).toMatch(/lockdown after trap/);
      expect(again.message).toMatch(/poisoned/);
    });
  }

  it("calls host imports with checked values", () => {
    const { exports } = instantiate();
    expect(exports.callPing(41)).toBe(42);
    logged.length = 0;
    exports.callLog();
    expect(logged).toEqual(["hi"]);
  });

  it("a throwing host import traps the guest (cause kept) and poisons it", () => {
    const { exports } = instantiate();
    const boom = new Error("host failed");
    ping = () => {
      throw boom;
    };
    try {
      const t = trapOf(() => exports.callPing(1));
      expect(t.cause).toBe(boom);
      expect(t.message).toMatch(/host failed/);
      expect(() => exports.ok()).toThrow(/poisoned/);
    } finally {
      ping = (x) => x + 1;
    }
  });

  it("a host import returning an ill-typed value traps the guest", () => {
    const { exports } = instantiate();
    ping = () => -1;
    try {
      const t = trapOf(() => exports.callPing(1));
      expect(t.message).toMatch(/invalid value.*u32/);
    } finally {
      ping = (x) => x + 1;
    }
  });

  it("re-entering the instance from a host import traps (may_enter)", () => {
    const { exports } = instantiate();
    let inner: unknown;
    ping = () => {
      try {
        return exports.ok();
      } catch (e) {
        inner = e;
        throw e;
      }
    };
    try {
      const t = trapOf(() => exports.callPing(1));
      expect(inner).toBeInstanceOf(Trap);
      expect((inner as Trap).rule).toMatch(/may_enter/);
      expect(t.message).toMatch(/re-entered/);
    } finally {
      ping = (x) => x + 1;
    }
  });

  it("calling an import from post-return traps (may_leave)", () => {
    const { exports } = instantiate();
    const t = trapOf(() => exports.leaveInPostReturn());
    expect(t.rule).toMatch(/may_leave/);
    expect(() => exports.ok()).toThrow(/poisoned/);
  });
});

describe("link: the import object", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildCoreComponent({ coreWat: CORE, witSource: WIT, world: "w" }));
  });

  it("names every missing import with its type", () => {
    let err: unknown;
    try {
      compiled.instantiateSync({});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ComponentLinkError);
    const missing = (err as ComponentLinkError).missing;
    expect(missing).toEqual([
      { name: `${HOST}#ping`, type: "func(x: u32) -> u32", problem: "interface not supplied" },
      { name: "log", type: "func(msg: string)", problem: "not supplied" },
    ]);
    expect((err as Error).message).toContain(`${HOST}#ping: func(x: u32) -> u32`);
  });

  it("reports imports of the wrong kind", async () => {
    await expect(compiled.instantiate({ [HOST]: { ping: 5 }, log: () => {} })).rejects.toThrow(/ping: func\(x: u32\) -> u32 \(expected a function, got number\)/);
  });

  it("matches versioned interface names: exact, unversioned, semver-compatible", () => {
    const log = () => {};
    for (const key of [HOST, "test:traps/host", "test:traps/host@1.9.3"]) {
      const { exports } = compiled.instantiateSync({ [key]: { ping: (x: number) => x * 2 }, log });
      expect([key, exports.callPing(21)]).toEqual([key, 42]);
    }
    expect(() => compiled.instantiateSync({ "test:traps/host@2.0.0": { ping: () => 0 }, log })).toThrow(ComponentLinkError);
  });

  it("semver compatibility follows the 0.x / 0.0.x rules", () => {
    expect(semverCompatible("1.2.0", "1.0.5")).toBe(true);
    expect(semverCompatible("2.0.0", "1.0.0")).toBe(false);
    expect(semverCompatible("0.3.1", "0.3.0")).toBe(true);
    expect(semverCompatible("0.4.0", "0.3.0")).toBe(false);
    expect(semverCompatible("0.0.2", "0.0.1")).toBe(false);
    expect(semverCompatible("0.3.0-rc.1", "0.3.0")).toBe(false);
  });

  it("exposes the component's world", () => {
    const w = compiled.world;
    const world = w.worlds[w.world];
    expect(world.imports.filter((i) => i.kind !== "type").map((i) => i.key)).toEqual([HOST, "log"]);
    expect(world.exports.map((e) => e.key)).toContain("call-ping");
  });
});
