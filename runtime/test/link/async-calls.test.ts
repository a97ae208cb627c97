/**
 * `canon lift async (callback)`, `canon lower async` and `task.return` through
 * the task machinery: an async export that returns at once, and one that
 * calls an async host import, waits on a waitable set and finishes in its
 * callback.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AbiValueError, compileComponent, stream, StreamClosedError, Trap, type CompiledComponent } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (import "slow" (func $slow async (param "x" u32) (result u32)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $slow-lowered (canon lower (func $slow) async (memory $m)))
  (core func $task-return (canon task.return (result u32)))
  (core func $ws-new (canon waitable-set.new))
  (core func $join (canon waitable.join))
  (core func $st-drop (canon subtask.drop))
  (core instance $b
    (export "slow" (func $slow-lowered))
    (export "task-return" (func $task-return))
    (export "ws-new" (func $ws-new))
    (export "join" (func $join))
    (export "st-drop" (func $st-drop)))
  (core module $Main
    (import "b" "slow" (func $slow (param i32 i32) (result i32)))
    (import "b" "task-return" (func $ret (param i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "b" "st-drop" (func $st-drop (param i32)))
    (import "m" "mem" (memory 1))
    (global $ws (mut i32) (i32.const 0))
    (global $callbacks (mut i32) (i32.const 0))
    ;; quick(x) -> x + 1, returned before the first EXIT.
    (func (export "quick") (param i32) (result i32)
      (call $ret (i32.add (local.get 0) (i32.const 1)))
      (i32.const 0))
    ;; doubled(x) -> slow(x) + 1000: returns at once when slow did, else WAITs on a set holding the subtask.
    (func (export "doubled") (param i32) (result i32) (local $r i32)
      (local.set $r (call $slow (local.get 0) (i32.const 32)))
      (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 2))
        (then
          (call $ret (i32.add (i32.load (i32.const 32)) (i32.const 1000)))
          (return (i32.const 0))))
      (global.set $ws (call $ws-new))
      (call $join (i32.shr_u (local.get $r) (i32.const 4)) (global.get $ws))
      (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))
    ;; callback: on SUBTASK(1) RETURNED(2) leave the set, drop the subtask, return the value; else wait again.
    (func (export "cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (global.set $callbacks (i32.add (global.get $callbacks) (i32.const 1)))
      (if (i32.and (i32.eq (local.get $ev) (i32.const 1)) (i32.eq (local.get $p2) (i32.const 2)))
        (then
          (call $join (local.get $p1) (i32.const 0))
          (call $st-drop (local.get $p1))
          (call $ret (i32.add (i32.load (i32.const 32)) (i32.const 1000)))
          (return (i32.const 0))))
      (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))
    (func (export "callbacks") (result i32) (global.get $callbacks)))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "quick") async (param "x" u32) (result u32)
    (canon lift (core func $main "quick") async (callback (core func $main "cb"))))
  (func (export "doubled") async (param "x" u32) (result u32)
    (canon lift (core func $main "doubled") async (callback (core func $main "cb"))))
  (func (export "callbacks") (result u32) (canon lift (core func $main "callbacks"))))`;

describe("link: async lift / lower / task.return", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("an async export that task.returns before exiting resolves its promise", async () => {
    const { exports } = compiled.instantiateSync({ slow: (x: number) => x });
    const p = exports.quick(41);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(42);
    expect(exports.callbacks()).toBe(0);
  });

  it("a bad argument rejects the call naming the function and parameter; the instance stays usable", async () => {
    const { exports } = compiled.instantiateSync({ slow: (x: number) => x });
    await expect(exports.quick("x")).rejects.toThrow(AbiValueError);
    await expect(exports.quick("x")).rejects.toThrow('expected a u32 (integer 0..4294967295), got string "x" in quick (param "x")');
    // No core code ran, so nothing was poisoned and the exclusive slot was released.
    expect(await exports.quick(1)).toBe(2);
  });

  it("an async host import that resolves at once: no waiting", async () => {
    const seen: number[] = [];
    const { exports } = compiled.instantiateSync({ slow: (x: number) => (seen.push(x), x * 2) });
    expect(await exports.doubled(21)).toBe(1042);
    expect(seen).toEqual([21]);
    expect(exports.callbacks()).toBe(0);
  });

  it("an async host import that resolves later: the guest waits and finishes in its callback", async () => {
    const { exports } = compiled.instantiateSync({
      slow: (x: number) => new Promise<number>((resolve) => setTimeout(() => resolve(x * 3), 5)),
    });
    expect(await exports.doubled(5)).toBe(1015);
    expect(exports.callbacks()).toBe(1);
  });
});

/** Sync-lifted exports of a component that uses async built-ins run as Tasks. */
const SYNC_TASKS_WAT = `(component
  (import "fetch" (func $fetch async (param "x" u32) (result u32)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $fetch-async (canon lower (func $fetch) async (memory $m)))
  (core func $fetch-sync (canon lower (func $fetch)))
  (core func $st-drop (canon subtask.drop))
  (core instance $b (export "fetch-async" (func $fetch-async)) (export "fetch-sync" (func $fetch-sync)))
  (core module $Main
    (import "b" "fetch-async" (func $fetch-async (param i32 i32) (result i32)))
    (import "b" "fetch-sync" (func $fetch-sync (param i32) (result i32)))
    (import "m" "mem" (memory 1))
    ;; via-subtask(x): async-lowered call that must resolve at once; returns the value (or 999 if it did not).
    (func (export "via-subtask") (param i32) (result i32)
      (if (result i32) (i32.eq (i32.and (call $fetch-async (local.get 0) (i32.const 8)) (i32.const 0xf)) (i32.const 2))
        (then (i32.load (i32.const 8)))
        (else (i32.const 999))))
    (func (export "direct") (param i32) (result i32) (call $fetch-sync (local.get 0)))
    (func (export "boom") (unreachable)))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "via-subtask") (param "x" u32) (result u32) (canon lift (core func $main "via-subtask")))
  (func (export "direct") (param "x" u32) (result u32) (canon lift (core func $main "direct")))
  (func (export "boom") (canon lift (core func $main "boom"))))`;

describe("link: sync lifts as tasks", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(SYNC_TASKS_WAT));
  });

  it("a sync export can make an async-lowered call that resolves at once, and returns synchronously", () => {
    const { exports } = compiled.instantiateSync({ fetch: (x: number) => x + 7 });
    expect(exports.viaSubtask(1)).toBe(8);
    expect(exports.direct(2)).toBe(9);
  });

  it("a sync call of an async import that does not finish at once traps: a sync export may not block", () => {
    const { exports, state } = compiled.instantiateSync({ fetch: (x: number) => Promise.resolve(x) });
    expect(() => exports.direct(1)).toThrow(Trap);
    expect(() => exports.direct(1)).toThrow(/trapped earlier/);
    expect(state.poisoned?.message).toMatch(/would block inside a non-async function/);
  });

  it("a core trap in a task-run export poisons the instance", () => {
    const { exports, state } = compiled.instantiateSync({ fetch: (x: number) => x });
    expect(() => exports.boom()).toThrow(/unreachable/);
    expect(state.poisoned).toBeInstanceOf(Trap);
    expect(() => exports.viaSubtask(1)).toThrow(/trapped earlier|poisoned/);
  });
});

describe("link: sync lowering of an async import without async built-ins", () => {
  const WAT_PLAIN = `(component
    (import "fetch" (func $fetch async (param "x" u32) (result u32)))
    (core func $f (canon lower (func $fetch)))
    (core instance $b (export "f" (func $f)))
    (core module $M (import "b" "f" (func $f (param i32) (result i32)))
      (func (export "g") (param i32) (result i32) (call $f (local.get 0))))
    (core instance $m (instantiate $M (with "b" (instance $b))))
    (func (export "g") (param "x" u32) (result u32) (canon lift (core func $m "g"))))`;

  it("works when the host answers at once, traps (may not block) on a Promise", async () => {
    const compiled = await compileComponent(await buildWatComponent(WAT_PLAIN));
    expect(compiled.instantiateSync({ fetch: (x: number) => x * 10 }).exports.g(4)).toBe(40);
    const { exports } = compiled.instantiateSync({ fetch: (x: number) => Promise.resolve(x) });
    expect(() => exports.g(4)).toThrow(/did not finish at once.*async option/);
  });
});

/** An async export taking a stream and a number (the guest drops the stream and returns the number). */
const STREAM_ARG_WAT = `(component
  (type $s (stream u8))
  (core func $ret (canon task.return (result u32)))
  (core func $drop-r (canon stream.drop-readable $s))
  (core instance $b (export "ret" (func $ret)) (export "drop-r" (func $drop-r)))
  (core module $Main
    (import "b" "ret" (func $ret (param i32)))
    (import "b" "drop-r" (func $drop-r (param i32)))
    (func (export "take") (param $s i32) (param $x i32) (result i32)
      (call $drop-r (local.get $s))
      (call $ret (local.get $x))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core instance $main (instantiate $Main (with "b" (instance $b))))
  (func (export "take") async (param "s" $s) (param "x" u32) (result u32)
    (canon lift (core func $main "take") async (callback (core func $main "cb")))))`;

describe("link: a refused argument after a stream argument", () => {
  it("takes the stream end already moved into the callee back out of its table and drops it", async () => {
    const compiled = await compileComponent(await buildWatComponent(STREAM_ARG_WAT));
    const { exports, state } = compiled.instantiateSync({});
    const { reader, writer } = stream("u8");
    await expect(exports.take(reader, "x")).rejects.toThrow('expected a u32 (integer 0..4294967295), got string "x" in take (param "x")');
    // Nothing stays in the guest's table, and the host's writer learns that its reader is gone.
    expect(state.handles.size).toBe(0);
    await expect(writer.writeAll([1])).rejects.toThrow(StreamClosedError);
    // The instance is still usable, and a good call leaves the table empty too.
    const next = stream("u8");
    expect(await exports.take(next.reader, 7)).toBe(7);
    expect(state.handles.size).toBe(0);
  });
});

/**
 * A component that runs its exports as tasks (it uses an async built-in) with a resource:
 * `make() -> r`, and `take(x: r, n: u32) -> u32`, which drops `x` and answers `n`.
 */
const OWN_ARG_WAT = `(component
  (type $r (resource (rep i32)))
  (core func $r-new (canon resource.new $r))
  (core func $r-drop (canon resource.drop $r))
  (core func $ws-new (canon waitable-set.new))
  (core instance $b (export "r-new" (func $r-new)) (export "r-drop" (func $r-drop)) (export "ws-new" (func $ws-new)))
  (core module $Main
    (import "b" "r-new" (func $r-new (param i32) (result i32)))
    (import "b" "r-drop" (func $r-drop (param i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (func (export "make") (result i32) (call $r-new (i32.const 1)))
    (func (export "take") (param i32 i32) (result i32) (call $r-drop (local.get 0)) (local.get 1)))
  (core instance $main (instantiate $Main (with "b" (instance $b))))
  (export $R "r" (type $r))
  (func (export "make") (result (own $R)) (canon lift (core func $main "make")))
  (func (export "take") (param "x" (own $R)) (param "n" u32) (result u32) (canon lift (core func $main "take"))))`;

describe("link: a refused argument after an own resource argument (a task's arguments)", () => {
  it("takes the resource back out of the callee's table; the host's wrapper still owns it", async () => {
    const compiled = await compileComponent(await buildWatComponent(OWN_ARG_WAT));
    const { exports, state } = compiled.instantiateSync({});
    const r = exports.make();
    expect(state.handles.size).toBe(0);
    await expect(Promise.resolve().then(() => exports.take(r, "x"))).rejects.toThrow('expected a u32 (integer 0..4294967295), got string "x" in take (param "n")');
    expect(state.handles.size).toBe(0);
    // The wrapper was given back: it moves in with a good call.
    expect(await exports.take(r, 5)).toBe(5);
    expect(state.handles.size).toBe(0);
    await expect(Promise.resolve().then(() => exports.take(r, 6))).rejects.toThrow(/already moved/);
  });
});
