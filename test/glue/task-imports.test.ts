/**
 * Generated value code for async host imports lowered `async` (`taskImport` adapters): the
 * guest's arguments lifted (past MAX_FLAT_ASYNC_PARAMS from one pointer) and the host's result
 * stored through the out-pointer, while the runtime's task machinery makes the call. A real WAT
 * component, bindings generated from its binary; values and errors are checked against the
 * dynamic path, and which adapters ran.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentError, Trap, type CompiledComponent, type HostAdapters } from "@witgen/runtime";
import { watGlue } from "./wat-glue.js";

const WAT = `(component
  (type $pt (record (field "x" s32) (field "y" s32)))
  (type $outcome (result $pt (error string)))
  (import "add" (func $add async (param "a" u32) (result u32)))
  (import "slow" (func $slow async (param "x" u32) (param "name" string) (param "p" $pt) (result $outcome)))
  (core module $Mem
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $add-l (canon lower (func $add) async (memory $m)))
  (core func $slow-l (canon lower (func $slow) async (memory $m) (realloc $realloc) string-encoding=utf8))
  (core instance $b (export "add" (func $add-l)) (export "slow" (func $slow-l)))
  (core module $Main
    (import "b" "add" (func $add (param i32 i32) (result i32)))
    (import "b" "slow" (func $slow (param i32 i32) (result i32)))
    (import "m" "mem" (memory 1))
    ;; call-add(a) -> add(a) + 1: the host answers at once, so the subtask is RETURNED (2).
    (func (export "call-add") (param i32) (result i32)
      (if (i32.ne (call $add (local.get 0) (i32.const 64)) (i32.const 2)) (then unreachable))
      (i32.add (i32.load (i32.const 64)) (i32.const 1)))
    ;; call-slow(x, name, p) -> slow(x, name, p): 5 flat parameters, so they go as one tuple at 128
    ;; (u32 @0, string @4, pt @12); the result is written at 256 and returned from there.
    (func (export "call-slow") (param i32 i32 i32 i32 i32) (result i32)
      (i32.store (i32.const 128) (local.get 0))
      (i32.store (i32.const 132) (local.get 1))
      (i32.store (i32.const 136) (local.get 2))
      (i32.store (i32.const 140) (local.get 3))
      (i32.store (i32.const 144) (local.get 4))
      (if (i32.ne (call $slow (i32.const 128) (i32.const 256)) (i32.const 2)) (then unreachable))
      (i32.const 256)))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (export $p "pt" (type $pt))
  (type $outcome-out (result $p (error string)))
  (func (export "call-add") (param "a" u32) (result u32) (canon lift (core func $main "call-add")))
  (func (export "call-slow") (param "x" u32) (param "name" string) (param "p" $p) (result $outcome-out)
    (canon lift (core func $main "call-slow") (memory $m) (realloc $realloc) string-encoding=utf8)))`;

type Pt = { x: number; y: number };
type Api = { callAdd(a: number): number; callSlow(x: number, name: string, p: Pt): Pt };

describe("glue: value code of async host imports lowered async", () => {
  let compiled: CompiledComponent;
  let glue: { adapters: HostAdapters };

  beforeAll(async () => {
    const built = await watGlue(WAT);
    ({ compiled, glue } = built);
    expect(built.glueTs).toMatch(/^function taskImportAdd\(/m);
    expect(built.glueTs).toMatch(/^function taskImportSlow\(/m);
  });

  const seen: unknown[][] = [];
  const imports = (slowAnswer: (x: number, name: string, p: Pt) => Pt) => ({
    add: (a: number) => a * 2,
    slow: (x: number, name: string, p: Pt) => {
      seen.push([x, name, p]);
      return slowAnswer(x, name, p);
    },
  });

  it("lifts the guest's arguments and stores the host's result; the adapters are the ones that ran", () => {
    const used: string[] = [];
    const adapters: HostAdapters = {
      ...glue.adapters,
      taskImport(p, ac) {
        const values = glue.adapters.taskImport!(p, ac);
        if (!values) return undefined;
        return {
          liftParams: (flat) => (used.push(`${p} params`), values.liftParams(flat)),
          lowerResults: (out, flat) => (used.push(`${p} result`), values.lowerResults(out, flat)),
        };
      },
    };
    seen.length = 0;
    const api = compiled.instantiateSync(imports((x, name, p) => ({ x: p.x + x, y: p.y + name.length })), { adapters, results: "throw" })
      .exports as unknown as Api;
    expect(api.callAdd(20)).toBe(41);
    expect(api.callSlow(5, "héllo ✓", { x: 1, y: -1 })).toEqual({ x: 6, y: 6 });
    expect(seen).toEqual([[5, "héllo ✓", { x: 1, y: -1 }]]);
    expect(used).toEqual(["add params", "add result", "slow params", "slow result"]);
  });

  it("the same values and errors as the dynamic path (an err result, a bad host result)", () => {
    const failing = () => {
      throw new ComponentError("no such name");
    };
    for (const adapters of [glue.adapters, undefined]) {
      const api = compiled.instantiateSync(imports(failing), { ...(adapters ? { adapters } : {}), results: "throw" }).exports as unknown as Api;
      expect(() => api.callSlow(1, "x", { x: 0, y: 0 })).toThrow(ComponentError);
    }
    const message = (adapters: HostAdapters | undefined): string => {
      const bad = () => ({ x: 1, y: "2" }) as unknown as Pt;
      const api = compiled.instantiateSync(imports(bad), { ...(adapters ? { adapters } : {}), results: "throw" }).exports as unknown as Api;
      try {
        api.callSlow(1, "x", { x: 0, y: 0 });
      } catch (e) {
        expect(e).toBeInstanceOf(Trap);
        return (e as Error).message;
      }
      return "no error";
    };
    expect(message(glue.adapters)).toBe(message(undefined));
    expect(message(glue.adapters)).toMatch(/expected an s32/);
  });
});
