/**
 * A host source (`streamFrom` / `futureFrom`) passed into an async export that fails while the
 * call runs: the guest sees the stream end (or the future DROPPED) and finishes, and the call
 * rejects with the source's error (runtime/src/task/source-failures.ts) instead of resolving
 * as if all went well, with the failure reported nowhere else. Real WAT component.
 */
import { describe, expect, it } from "vitest";
import { BackgroundScope, compileComponent, futureFrom, streamFrom } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (type $s (stream u8))
  (type $f (future u32))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $ret (canon task.return (result u32)))
  (core func $read (canon stream.read $s async (memory $m)))
  (core func $drop-r (canon stream.drop-readable $s))
  (core func $f-read (canon future.read $f async (memory $m)))
  (core func $f-drop-r (canon future.drop-readable $f))
  (core func $ws-new (canon waitable-set.new))
  (core func $ws-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core instance $b
    (export "ret" (func $ret)) (export "read" (func $read)) (export "drop-r" (func $drop-r))
    (export "f-read" (func $f-read)) (export "f-drop-r" (func $f-drop-r))
    (export "ws-new" (func $ws-new)) (export "ws-drop" (func $ws-drop)) (export "join" (func $join)))
  (core module $Main
    (import "b" "ret" (func $ret (param i32)))
    (import "b" "read" (func $read (param i32 i32 i32) (result i32)))
    (import "b" "drop-r" (func $drop-r (param i32)))
    (import "b" "f-read" (func $f-read (param i32 i32) (result i32)))
    (import "b" "f-drop-r" (func $f-drop-r (param i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "ws-drop" (func $ws-drop (param i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "m" "mem" (memory 1))
    (global $s (mut i32) (i32.const 0))
    (global $ws (mut i32) (i32.const 0))
    (global $sum (mut i32) (i32.const 0))
    ;; The outcome of one read (packed count << 4 | result): adds the bytes; on DROPPED returns
    ;; the sum, else reads again (WAITing when that read blocks).
    (func $took (param $r i32) (result i32) (local $n i32) (local $i i32)
      (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (global.set $sum (i32.add (global.get $sum) (i32.load8_u offset=100 (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1))
        (then
          (call $join (global.get $s) (i32.const 0))
          (call $drop-r (global.get $s))
          (call $ws-drop (global.get $ws))
          (call $ret (global.get $sum))
          (return (i32.const 0))))
      (call $pump))
    (func $pump (result i32) (local $r i32)
      (local.set $r (call $read (global.get $s) (i32.const 100) (i32.const 8)))
      (if (i32.eq (local.get $r) (i32.const -1))
        (then (return (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))))
      (call $took (local.get $r)))
    ;; sum(s): the sum of the bytes until the writer is gone.
    (func (export "sum") (param $s i32) (result i32)
      (global.set $s (local.get $s))
      (global.set $sum (i32.const 0))
      (global.set $ws (call $ws-new))
      (call $join (local.get $s) (global.get $ws))
      (call $pump))
    (func (export "sum-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (call $took (local.get $p2)))
    ;; wait(f): the future's value, or 1000 when it was DROPPED without one.
    (func $got (param $r i32) (result i32)
      (call $join (global.get $s) (i32.const 0))
      (call $f-drop-r (global.get $s))
      (call $ws-drop (global.get $ws))
      (call $ret (select (i32.const 1000) (i32.load (i32.const 200))
        (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1))))
      (i32.const 0))
    (func (export "wait") (param $f i32) (result i32) (local $r i32)
      (global.set $s (local.get $f))
      (global.set $ws (call $ws-new))
      (call $join (local.get $f) (global.get $ws))
      (local.set $r (call $f-read (local.get $f) (i32.const 200)))
      (if (i32.eq (local.get $r) (i32.const -1))
        (then (return (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))))
      (call $got (local.get $r)))
    (func (export "wait-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (call $got (local.get $p2))))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "sum") async (param "s" $s) (result u32)
    (canon lift (core func $main "sum") async (callback (core func $main "sum-cb"))))
  (func (export "wait") async (param "f" $f) (result u32)
    (canon lift (core func $main "wait") async (callback (core func $main "wait-cb")))))`;

async function* failingAfter(chunks: number[][], error: Error): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield Uint8Array.from(c);
  throw error;
}

describe("link: a host source that fails while the call that took it runs", () => {
  it("streamFrom: the guest sees the end of the stream, and the call rejects with the source's error", async () => {
    const compiled = await compileComponent(await buildWatComponent(WAT));
    const { exports, state } = compiled.instantiateSync({});
    // Reported nowhere else: a background report would reach this scope.
    const reported: unknown[] = [];
    const scope = new BackgroundScope({ onError: (e) => reported.push(e) });
    const source = scope.run(() => streamFrom(failingAfter([[1, 2], [3]], new Error("disk gone")), "u8"));
    await expect(exports.sum(source)).rejects.toThrow("disk gone");
    expect(state.handles.size).toBe(0);
    await scope.idle();
    expect(reported).toEqual([]);
    // A source that ends well: the call resolves with the guest's answer.
    expect(await exports.sum(streamFrom([Uint8Array.of(1, 2), Uint8Array.of(3, 4)], "u8"))).toBe(10);
  });

  it("futureFrom: the guest sees the future DROPPED instead of waiting forever, and the call rejects with the source's error", async () => {
    const compiled = await compileComponent(await buildWatComponent(WAT));
    const { exports, state } = compiled.instantiateSync({});
    const reported: unknown[] = [];
    const scope = new BackgroundScope({ onError: (e) => reported.push(e) });
    let fail!: (e: Error) => void;
    const source = scope.run(() => futureFrom(new Promise<number>((_, reject) => (fail = reject)), "u32"));
    const call = exports.wait(source);
    fail(new Error("no answer"));
    await expect(call).rejects.toThrow("no answer");
    expect(state.handles.size).toBe(0);
    await scope.idle();
    expect(reported).toEqual([]);
    expect(await exports.wait(futureFrom(Promise.resolve(42), "u32"))).toBe(42);
  });
});
