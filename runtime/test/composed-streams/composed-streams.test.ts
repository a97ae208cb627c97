/**
 * Two components of one composition exchange a stream and futures (CanonicalABI.md "Stream
 * State", "Future State", and lifting/lowering of `stream`/`future` between instances):
 * App creates a `stream<u8>`, moves its readable end into Lib, and writes "hello" while Lib reads
 * it 2 bytes then 3 (partial copies: App's write completes with the count Lib took, App polls the
 * event and writes the rest), then drops its end (Lib reads DROPPED); App moves a `future<u32>`'s
 * readable end into Lib and writes 42 into it; Lib returns a `future<u32>` it has already written
 * 7 into, which App reads. Each step's copy result is checked inside App, which returns 0 or the
 * number of the first step that went wrong; Lib's digest of every byte and value it received is
 * checked by the host.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, type CompiledComponent } from "@witgen/runtime";
import { debugState } from "../../src/async/debug.js";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (component $Lib
    (type $s (stream u8))
    (type $f (future u32))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $m))
    (core func $read (canon stream.read $s (memory $m) async))
    (core func $drop-r (canon stream.drop-readable $s))
    (core func $f-read (canon future.read $f (memory $m) async))
    (core func $f-drop-r (canon future.drop-readable $f))
    (core func $f-new (canon future.new $f))
    (core func $f-write (canon future.write $f (memory $m) async))
    (core func $f-drop-w (canon future.drop-writable $f))
    (core func $ws-new (canon waitable-set.new))
    (core func $ws-drop (canon waitable-set.drop))
    (core func $join (canon waitable.join))
    (core func $poll (canon waitable-set.poll (memory $m)))
    (core instance $b
      (export "read" (func $read)) (export "drop-r" (func $drop-r))
      (export "f-read" (func $f-read)) (export "f-drop-r" (func $f-drop-r))
      (export "f-new" (func $f-new)) (export "f-write" (func $f-write)) (export "f-drop-w" (func $f-drop-w))
      (export "ws-new" (func $ws-new)) (export "ws-drop" (func $ws-drop)) (export "join" (func $join)) (export "poll" (func $poll)))
    (core module $M
      (import "b" "read" (func $read (param i32 i32 i32) (result i32)))
      (import "b" "drop-r" (func $drop-r (param i32)))
      (import "b" "f-read" (func $f-read (param i32 i32) (result i32)))
      (import "b" "f-drop-r" (func $f-drop-r (param i32)))
      (import "b" "f-new" (func $f-new (result i64)))
      (import "b" "f-write" (func $f-write (param i32 i32) (result i32)))
      (import "b" "f-drop-w" (func $f-drop-w (param i32)))
      (import "b" "ws-new" (func $ws-new (result i32)))
      (import "b" "ws-drop" (func $ws-drop (param i32)))
      (import "b" "join" (func $join (param i32 i32)))
      (import "b" "poll" (func $poll (param i32 i32) (result i32)))
      (import "m" "mem" (memory 1))
      (global $s (mut i32) (i32.const 0))
      (global $f (mut i32) (i32.const 0))
      (global $fw (mut i32) (i32.const 0))
      (global $digest (mut i32) (i32.const 0))
      (func $mix (param $v i32)
        (global.set $digest (i32.add (i32.mul (global.get $digest) (i32.const 31)) (local.get $v))))
      (func (export "take") (param i32) (global.set $s (local.get 0)))
      ;; read-some(n) -> the packed copy result; the bytes read go into the digest. DROPPED drops the end.
      (func (export "read-some") (param $n i32) (result i32) (local $r i32) (local $k i32)
        (local.set $r (call $read (global.get $s) (i32.const 256) (local.get $n)))
        (if (i32.ne (local.get $r) (i32.const -1))
          (then
            (block $done (loop $l
              (br_if $done (i32.ge_u (local.get $k) (i32.shr_u (local.get $r) (i32.const 4))))
              (call $mix (i32.load8_u offset=256 (local.get $k)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $l)))
            (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)) (then (call $drop-r (global.get $s))))))
        (local.get $r))
      (func (export "take-future") (param i32) (global.set $f (local.get 0)))
      ;; read-future() -> the value (the writer is already waiting), 0xdead if the read did not complete.
      (func (export "read-future") (result i32)
        (if (i32.ne (call $f-read (global.get $f) (i32.const 512)) (i32.const 0)) (then (return (i32.const 0xdead))))
        (call $f-drop-r (global.get $f))
        (call $mix (i32.load (i32.const 512)))
        (i32.load (i32.const 512)))
      ;; promise() -> future<u32> already being written with 7 (the write waits for App's read).
      (func (export "promise") (result i32) (local $p i64)
        (local.set $p (call $f-new))
        (global.set $fw (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
        (i32.store (i32.const 600) (i32.const 7))
        (if (i32.ne (call $f-write (global.get $fw) (i32.const 600)) (i32.const -1)) (then (unreachable)))
        (i32.wrap_i64 (local.get $p)))
      ;; finish-promise() -> 1 once the write's FUTURE_WRITE (5) COMPLETED event arrived and the end is dropped.
      (func (export "finish-promise") (result i32) (local $ws i32) (local $ok i32)
        (local.set $ws (call $ws-new))
        (call $join (global.get $fw) (local.get $ws))
        (local.set $ok (i32.and (i32.eq (call $poll (local.get $ws) (i32.const 700)) (i32.const 5))
                                (i32.eqz (i32.load (i32.const 704)))))
        (call $join (global.get $fw) (i32.const 0))
        (call $ws-drop (local.get $ws))
        (call $f-drop-w (global.get $fw))
        (local.get $ok))
      (func (export "digest") (result i32) (global.get $digest)))
    (core instance $m (instantiate $M (with "b" (instance $b)) (with "m" (instance $mem))))
    (func (export "take") (param "s" (stream u8)) (canon lift (core func $m "take")))
    (func (export "read-some") (param "n" u32) (result u32) (canon lift (core func $m "read-some")))
    (func (export "take-future") (param "f" (future u32)) (canon lift (core func $m "take-future")))
    (func (export "read-future") (result u32) (canon lift (core func $m "read-future")))
    (func (export "promise") (result (future u32)) (canon lift (core func $m "promise")))
    (func (export "finish-promise") (result u32) (canon lift (core func $m "finish-promise")))
    (func (export "digest") (result u32) (canon lift (core func $m "digest"))))
  (component $App
    (import "lib" (instance $lib
      (export "take" (func (param "s" (stream u8))))
      (export "read-some" (func (param "n" u32) (result u32)))
      (export "take-future" (func (param "f" (future u32))))
      (export "read-future" (func (result u32)))
      (export "promise" (func (result (future u32))))
      (export "finish-promise" (func (result u32)))))
    (type $s (stream u8))
    (type $f (future u32))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $m))
    (core func $take (canon lower (func $lib "take")))
    (core func $read-some (canon lower (func $lib "read-some")))
    (core func $take-future (canon lower (func $lib "take-future")))
    (core func $read-future (canon lower (func $lib "read-future")))
    (core func $promise (canon lower (func $lib "promise")))
    (core func $finish-promise (canon lower (func $lib "finish-promise")))
    (core func $new (canon stream.new $s))
    (core func $write (canon stream.write $s (memory $m) async))
    (core func $drop-w (canon stream.drop-writable $s))
    (core func $f-new (canon future.new $f))
    (core func $f-write (canon future.write $f (memory $m) async))
    (core func $f-drop-w (canon future.drop-writable $f))
    (core func $f-read (canon future.read $f (memory $m) async))
    (core func $f-drop-r (canon future.drop-readable $f))
    (core func $ws-new (canon waitable-set.new))
    (core func $ws-drop (canon waitable-set.drop))
    (core func $join (canon waitable.join))
    (core func $poll (canon waitable-set.poll (memory $m)))
    (core instance $b
      (export "take" (func $take)) (export "read-some" (func $read-some))
      (export "take-future" (func $take-future)) (export "read-future" (func $read-future))
      (export "promise" (func $promise)) (export "finish-promise" (func $finish-promise))
      (export "new" (func $new)) (export "write" (func $write)) (export "drop-w" (func $drop-w))
      (export "f-new" (func $f-new)) (export "f-write" (func $f-write)) (export "f-drop-w" (func $f-drop-w))
      (export "f-read" (func $f-read)) (export "f-drop-r" (func $f-drop-r))
      (export "ws-new" (func $ws-new)) (export "ws-drop" (func $ws-drop)) (export "join" (func $join)) (export "poll" (func $poll)))
    (core module $M
      (import "b" "take" (func $take (param i32)))
      (import "b" "read-some" (func $read-some (param i32) (result i32)))
      (import "b" "take-future" (func $take-future (param i32)))
      (import "b" "read-future" (func $read-future (result i32)))
      (import "b" "promise" (func $promise (result i32)))
      (import "b" "finish-promise" (func $finish-promise (result i32)))
      (import "b" "new" (func $new (result i64)))
      (import "b" "write" (func $write (param i32 i32 i32) (result i32)))
      (import "b" "drop-w" (func $drop-w (param i32)))
      (import "b" "f-new" (func $f-new (result i64)))
      (import "b" "f-write" (func $f-write (param i32 i32) (result i32)))
      (import "b" "f-drop-w" (func $f-drop-w (param i32)))
      (import "b" "f-read" (func $f-read (param i32 i32) (result i32)))
      (import "b" "f-drop-r" (func $f-drop-r (param i32)))
      (import "b" "ws-new" (func $ws-new (result i32)))
      (import "b" "ws-drop" (func $ws-drop (param i32)))
      (import "b" "join" (func $join (param i32 i32)))
      (import "b" "poll" (func $poll (param i32 i32) (result i32)))
      (import "m" "mem" (memory 1))
      (data (i32.const 256) "hello")
      ;; run() -> 0, or the number of the first step whose result was not the expected one.
      (func (export "run") (result i32) (local $p i64) (local $w i32) (local $ws i32) (local $fw i32) (local $fr i32)
        (local.set $p (call $new))
        (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
        (call $take (i32.wrap_i64 (local.get $p)))
        (local.set $ws (call $ws-new))
        (call $join (local.get $w) (local.get $ws))
        ;; 1-2: write 5 bytes (no reader yet: BLOCKED); Lib reads 2 (COMPLETED, 2).
        (if (i32.ne (call $write (local.get $w) (i32.const 256) (i32.const 5)) (i32.const -1)) (then (return (i32.const 1))))
        (if (i32.ne (call $read-some (i32.const 2)) (i32.const 0x20)) (then (return (i32.const 2))))
        ;; 3: the write's STREAM_WRITE (3) event says 2 were taken.
        (if (i32.ne (call $poll (local.get $ws) (i32.const 128)) (i32.const 3)) (then (return (i32.const 3))))
        (if (i32.ne (i32.load (i32.const 132)) (i32.const 0x20)) (then (return (i32.const 3))))
        ;; 4-6: the other 3 bytes; Lib asks for up to 10 and gets 3.
        (if (i32.ne (call $write (local.get $w) (i32.const 258) (i32.const 3)) (i32.const -1)) (then (return (i32.const 4))))
        (if (i32.ne (call $read-some (i32.const 10)) (i32.const 0x30)) (then (return (i32.const 5))))
        (if (i32.ne (call $poll (local.get $ws) (i32.const 128)) (i32.const 3)) (then (return (i32.const 6))))
        (if (i32.ne (i32.load (i32.const 132)) (i32.const 0x30)) (then (return (i32.const 6))))
        ;; 7: App drops its end; Lib's next read sees DROPPED with nothing.
        (call $join (local.get $w) (i32.const 0))
        (call $drop-w (local.get $w))
        (if (i32.ne (call $read-some (i32.const 10)) (i32.const 0x01)) (then (return (i32.const 7))))
        ;; 8-10: a future<u32> into Lib: App writes 42 (BLOCKED), Lib reads it, App gets FUTURE_WRITE (5) COMPLETED.
        (local.set $p (call $f-new))
        (local.set $fw (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
        (call $take-future (i32.wrap_i64 (local.get $p)))
        (i32.store (i32.const 64) (i32.const 42))
        (if (i32.ne (call $f-write (local.get $fw) (i32.const 64)) (i32.const -1)) (then (return (i32.const 8))))
        (if (i32.ne (call $read-future) (i32.const 42)) (then (return (i32.const 9))))
        (call $join (local.get $fw) (local.get $ws))
        (if (i32.ne (call $poll (local.get $ws) (i32.const 128)) (i32.const 5)) (then (return (i32.const 10))))
        (if (i32.ne (i32.load (i32.const 132)) (i32.const 0)) (then (return (i32.const 10))))
        (call $join (local.get $fw) (i32.const 0))
        (call $f-drop-w (local.get $fw))
        ;; 11-12: a future<u32> out of Lib, already written with 7: App's read completes at once.
        (local.set $fr (call $promise))
        (if (i32.ne (call $f-read (local.get $fr) (i32.const 72)) (i32.const 0)) (then (return (i32.const 11))))
        (if (i32.ne (i32.load (i32.const 72)) (i32.const 7)) (then (return (i32.const 11))))
        (call $f-drop-r (local.get $fr))
        (if (i32.ne (call $finish-promise) (i32.const 1)) (then (return (i32.const 12))))
        (call $ws-drop (local.get $ws))
        (i32.const 0)))
    (core instance $m (instantiate $M (with "b" (instance $b)) (with "m" (instance $mem))))
    (func (export "run") (result u32) (canon lift (core func $m "run"))))
  (instance $lib (instantiate $Lib))
  (instance $app (instantiate $App (with "lib" (instance $lib))))
  (export "app" (instance $app))
  (export "lib" (instance $lib)))`;

function digestOf(values: number[]): number {
  let d = 0;
  for (const v of values) d = (Math.imul(d, 31) + v) >>> 0;
  return d;
}

describe("streams and futures between two composed components", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("partial copies, DROPPED, and futures both ways arrive with their values; nothing is left behind", () => {
    const inst = compiled.instantiateSync({});
    const e = inst.exports as unknown as { app: { run(): number }; lib: { digest(): number } };
    expect(e.app.run()).toBe(0);
    expect(e.lib.digest()).toBe(digestOf([..."hello"].map((c) => c.charCodeAt(0)).concat([42])));
    const states = [...inst.state.selfAndDescendants()];
    expect(states.map((s) => s.name)).toHaveLength(3);
    for (const s of states) expect(debugState(s), s.name).toMatchObject({ totalHandles: 0, pendingCopies: 0, waitingTasks: 0 });
  });
});
