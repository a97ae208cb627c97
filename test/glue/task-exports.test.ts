/**
 * Generated value code for exports the runtime's task machinery calls: in a component that uses
 * async features, every export (sync or async lifted) runs as a Task, and the glue's
 * `taskExport` adapters give the lowering of its arguments (and a sync export's result) while the
 * runtime keeps the call. A real WAT component, bindings generated from its binary; values, bad
 * arguments and which adapters ran are checked against the dynamic path.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type CompiledComponent, type HostAdapters, type TaskExportValues } from "@witgen/runtime";
import { watGlue } from "./wat-glue.js";

const WAT = `(component
  (type $point (record (field "x" s32) (field "y" s32)))
  (core module $Mem
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $ret (canon task.return (result u32) (memory $m) string-encoding=utf8))
  (core func $ret-point (canon task.return (result $point) (memory $m) string-encoding=utf8))
  (core instance $b (export "ret" (func $ret)) (export "ret-point" (func $ret-point)))
  (core module $Main
    (import "b" "ret" (func $ret (param i32)))
    (import "b" "ret-point" (func $ret-point (param i32 i32)))
    (import "m" "mem" (memory 1))
    ;; echo(s) -> s: the same bytes back (a sync lift).
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 64) (local.get 0))
      (i32.store (i32.const 68) (local.get 1))
      (i32.const 64))
    ;; swap(p) -> point with x and y exchanged, through a return area (a sync lift).
    (func (export "swap") (param i32 i32) (result i32)
      (i32.store (i32.const 80) (local.get 1))
      (i32.store (i32.const 84) (local.get 0))
      (i32.const 80))
    ;; count(s) -> its length in bytes (an async lift returning at once).
    (func (export "count") (param i32 i32) (result i32)
      (call $ret (local.get 1))
      (i32.const 0))
    ;; mirror(p) -> p with both coordinates negated (an async lift returning at once).
    (func (export "mirror") (param i32 i32) (result i32)
      (call $ret-point (i32.sub (i32.const 0) (local.get 0)) (i32.sub (i32.const 0) (local.get 1)))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (export $p "point" (type $point))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $main "echo") (memory $m) (realloc $realloc) string-encoding=utf8))
  (func (export "swap") (param "p" $p) (result $p) (canon lift (core func $main "swap") (memory $m)))
  (func (export "count") async (param "s" string) (result u32)
    (canon lift (core func $main "count") async (memory $m) (realloc $realloc) string-encoding=utf8 (callback (core func $main "cb"))))
  (func (export "mirror") async (param "p" $p) (result $p)
    (canon lift (core func $main "mirror") async (memory $m) (realloc $realloc) string-encoding=utf8 (callback (core func $main "cb")))))`;

type Api = {
  echo(s: string): string;
  swap(p: { x: number; y: number }): { x: number; y: number };
  count(s: string): Promise<number>;
  mirror(p: { x: number; y: number }): Promise<{ x: number; y: number }>;
};

describe("glue: value code of exports the task machinery calls", () => {
  let compiled: CompiledComponent;
  let glue: { adapters: HostAdapters };
  let glueTs: string;

  beforeAll(async () => {
    ({ compiled, glue, glueTs } = await watGlue(WAT));
  });

  /** The glue's adapters, counting which task exports they gave value code for. */
  function counted(): { adapters: HostAdapters; used: Map<string, number> } {
    const used = new Map<string, number>();
    const count = (key: string) => used.set(key, (used.get(key) ?? 0) + 1);
    const adapters: HostAdapters = {
      ...glue.adapters,
      taskReturn(key, cx, plan, codecs) {
        const lift = glue.adapters.taskReturn!(key, cx, plan, codecs);
        return lift && ((flat) => (count(`task.return ${key}`), lift(flat)));
      },
      taskExport(p, ac) {
        const values = glue.adapters.taskExport!(p, ac);
        if (!values) return undefined;
        const wrapped: TaskExportValues = {
          lowerParams: (args) => (count(`${p} params`), values.lowerParams(args)),
          ...(values.liftResults ? { liftResults: (flat) => (count(`${p} result`), values.liftResults!(flat)) } : {}),
        };
        return wrapped;
      },
    };
    return { adapters, used };
  }

  it("every export gets value code; sync ones for their result too, async ones for their parameters", async () => {
    expect(glueTs).toMatch(/^function taskEcho\(/m);
    expect(glueTs).toMatch(/^function taskSwap\(/m);
    expect(glueTs).toMatch(/^function taskCount\(/m);
    expect(glueTs).toMatch(/^function taskReturnOfCount\(/m);
    expect(glueTs).toMatch(/^function taskReturnOfMirror\(/m);
    const { adapters, used } = counted();
    const api = compiled.instantiateSync({}, { adapters, results: "throw" }).exports as unknown as Api;
    expect(api.echo("héllo ✓")).toBe("héllo ✓");
    expect(api.swap({ x: 1, y: -2 })).toEqual({ x: -2, y: 1 });
    expect(await api.count("abc")).toBe(3);
    expect(await api.mirror({ x: 3, y: -4 })).toEqual({ x: -3, y: 4 });
    expect(Object.fromEntries(used)).toEqual({
      "echo params": 1,
      "echo result": 1,
      "swap params": 1,
      "swap result": 1,
      "count params": 1,
      "task.return u32": 1,
      "mirror params": 1,
      "task.return record{x:s32,y:s32}": 1,
    });
  });

  it("the same values and the same errors as the dynamic path", async () => {
    const generated = compiled.instantiateSync({}, { adapters: glue.adapters, results: "throw" }).exports as unknown as Api;
    const dynamic = compiled.instantiateSync({}, { results: "throw" }).exports as unknown as Api;
    for (const api of [generated, dynamic]) {
      expect(api.echo("")).toBe("");
      expect(await api.count("数学")).toBe(6);
      expect(await api.mirror({ x: -1, y: 7 })).toEqual({ x: 1, y: -7 });
    }
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return String(e);
      }
      return "no error";
    };
    const bad = { x: 1, y: "2" } as unknown as { x: number; y: number };
    expect(message(() => generated.swap(bad))).toBe(message(() => dynamic.swap(bad)));
    expect(message(() => generated.swap(bad))).toMatch(/expected an s32 .* in swap \(param "p"\.y\)/);
    const rejected = async (api: Api) => String(await api.count(42 as unknown as string).catch((e) => e));
    expect(await rejected(generated)).toBe(await rejected(dynamic));
    // A refused argument leaves the instance usable.
    expect(generated.echo("still here")).toBe("still here");
  });
});
