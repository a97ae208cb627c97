/**
 * Async rules exercised through a real component (WAT), beyond the unit tests of
 * runtime/test/async: backpressure (CanonicalABI.md "Backpressure": while the counter is
 * above zero a new call waits, not started, until `backpressure.dec`), `thread.yield` from a
 * callback-lifted task (the YIELD code resumes it with EVENT NONE), and a zero-length stream read
 * that waits for the writer's readiness without taking anything (CanonicalABI.md "Stream State":
 * COMPLETED with 0, the writer stays pending), followed by a real read.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, streamFrom, type CompiledComponent } from "@witgen/runtime";
import { debugState } from "../../src/async/debug.js";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (type $s (stream u8))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $ret (canon task.return (result u32)))
  (core func $bp-inc (canon backpressure.inc))
  (core func $bp-dec (canon backpressure.dec))
  (core func $ctx-get (canon context.get i32 0))
  (core func $ctx-set (canon context.set i32 0))
  (core func $read (canon stream.read $s (memory $m) async))
  (core func $drop-r (canon stream.drop-readable $s))
  (core func $ws-new (canon waitable-set.new))
  (core func $ws-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core instance $b
    (export "ret" (func $ret)) (export "bp-inc" (func $bp-inc)) (export "bp-dec" (func $bp-dec))
    (export "ctx-get" (func $ctx-get)) (export "ctx-set" (func $ctx-set))
    (export "read" (func $read)) (export "drop-r" (func $drop-r))
    (export "ws-new" (func $ws-new)) (export "ws-drop" (func $ws-drop)) (export "join" (func $join)))
  (core module $Main
    (import "b" "ret" (func $ret (param i32)))
    (import "b" "bp-inc" (func $bp-inc))
    (import "b" "bp-dec" (func $bp-dec))
    (import "b" "ctx-get" (func $ctx-get (result i32)))
    (import "b" "ctx-set" (func $ctx-set (param i32)))
    (import "b" "read" (func $read (param i32 i32 i32) (result i32)))
    (import "b" "drop-r" (func $drop-r (param i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "ws-drop" (func $ws-drop (param i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "m" "mem" (memory 1))
    (global $started (mut i32) (i32.const 0))
    (global $s (mut i32) (i32.const 0))
    (global $ws (mut i32) (i32.const 0))
    (global $zero (mut i32) (i32.const -2))
    (func (export "lock") (call $bp-inc))
    (func (export "unlock") (call $bp-dec))
    (func (export "started") (result i32) (global.get $started))
    ;; work(x): counts its start, YIELDs once, then returns x * 10 from the callback (EVENT NONE).
    (func (export "work") (param $x i32) (result i32)
      (global.set $started (i32.add (global.get $started) (i32.const 1)))
      (call $ctx-set (local.get $x))
      (i32.const 1))
    (func (export "work-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (if (i32.ne (local.get $ev) (i32.const 0)) (then (unreachable)))
      (call $ret (i32.mul (call $ctx-get) (i32.const 10)))
      (i32.const 0))
    ;; peek(s): a zero-length read (waits for the writer, takes nothing), then a read of up to 4.
    ;; Returns (zero-length result + 1) * 1000 + count * 100 + the first byte.
    (func $after-read (param $r i32) (result i32)
      (if (i32.eq (global.get $zero) (i32.const -2))
        (then
          (global.set $zero (local.get $r))
          (local.set $r (call $read (global.get $s) (i32.const 100) (i32.const 4)))
          (if (i32.eq (local.get $r) (i32.const -1))
            (then (return (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))))))
      (call $join (global.get $s) (i32.const 0))
      (call $drop-r (global.get $s))
      (call $ws-drop (global.get $ws))
      (call $ret (i32.add (i32.add (i32.mul (i32.add (global.get $zero) (i32.const 1)) (i32.const 1000))
        (i32.mul (i32.shr_u (local.get $r) (i32.const 4)) (i32.const 100))) (i32.load8_u (i32.const 100))))
      (i32.const 0))
    (func (export "peek") (param $s i32) (result i32) (local $r i32)
      (global.set $s (local.get $s))
      (global.set $ws (call $ws-new))
      (call $join (local.get $s) (global.get $ws))
      (local.set $r (call $read (local.get $s) (i32.const 100) (i32.const 0)))
      (if (i32.eq (local.get $r) (i32.const -1))
        (then (return (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))))
      (call $after-read (local.get $r)))
    (func (export "peek-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (if (i32.ne (local.get $ev) (i32.const 2)) (then (unreachable)))
      (call $after-read (local.get $p2))))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "lock") (canon lift (core func $main "lock")))
  (func (export "unlock") (canon lift (core func $main "unlock")))
  (func (export "started") (result u32) (canon lift (core func $main "started")))
  (func (export "work") async (param "x" u32) (result u32)
    (canon lift (core func $main "work") async (callback (core func $main "work-cb"))))
  (func (export "peek") async (param "s" (stream u8)) (result u32)
    (canon lift (core func $main "peek") async (callback (core func $main "peek-cb")))))`;

type Exports = {
  lock(): void;
  unlock(): void;
  started(): number;
  work(x: number): Promise<number>;
  peek(s: unknown): Promise<number>;
};

describe("async rules through a component", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("backpressure: calls made while it is raised wait unstarted, then all run after backpressure.dec", async () => {
    const inst = compiled.instantiateSync({});
    const e = inst.exports as unknown as Exports;
    e.lock();
    const calls = [e.work(1), e.work(2), e.work(3)];
    await new Promise((r) => setTimeout(r, 10));
    expect(e.started()).toBe(0);
    e.unlock();
    expect(await Promise.all(calls)).toEqual([10, 20, 30]);
    expect(e.started()).toBe(3);
    expect(debugState(inst.state)).toMatchObject({ totalHandles: 0, waitingTasks: 0, backpressure: 0 });
  });

  it("thread.yield by callback code: the task resumes with EVENT NONE and returns", async () => {
    const e = compiled.instantiateSync({}).exports as unknown as Exports;
    expect(await Promise.all([e.work(4), e.work(5)])).toEqual([40, 50]);
  });

  it("a zero-length read waits for the writer and takes nothing; the next read gets the bytes", async () => {
    const inst = compiled.instantiateSync({});
    const e = inst.exports as unknown as Exports;
    async function* later() {
      await new Promise((r) => setTimeout(r, 5));
      yield new TextEncoder().encode("abcdef");
    }
    // COMPLETED (0) + 1 -> 1000; then 4 bytes -> 400; first byte "a" -> 97.
    expect(await e.peek(streamFrom(later(), "u8"))).toBe(1497);
    expect(debugState(inst.state)).toMatchObject({ totalHandles: 0, pendingCopies: 0 });
  });
});
