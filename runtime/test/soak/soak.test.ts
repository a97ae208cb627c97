/**
 * Soak: 10,000 concurrent async calls, each awaiting an async host import the host resolves in
 * random order, and 1,000 concurrent streams the host writes into a guest in uneven chunks.
 * Every call completes with its own value, and afterwards the instance's handle table, waitable
 * sets, pending copies and waiting tasks are all empty (async/debug.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, streamFrom, type CompiledComponent } from "@witgen/runtime";
import { debugState } from "../../src/async/debug.js";
import { buildWatComponent } from "../../../test/support/build-component.js";

// Per-task records come from a bump allocator and are found again through context.get 0.
const WAT = `(component
  (import "slow" (func $slow async (param "x" u32) (result u32)))
  (type $s (stream u8))
  (core module $Mem (memory (export "mem") 32))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $slow-lowered (canon lower (func $slow) async (memory $m)))
  (core func $ret (canon task.return (result u32)))
  (core func $ws-new (canon waitable-set.new))
  (core func $ws-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core func $st-drop (canon subtask.drop))
  (core func $ctx-get (canon context.get i32 0))
  (core func $ctx-set (canon context.set i32 0))
  (core func $read (canon stream.read $s (memory $m) async))
  (core func $drop-r (canon stream.drop-readable $s))
  (core instance $b
    (export "slow" (func $slow-lowered)) (export "ret" (func $ret))
    (export "ws-new" (func $ws-new)) (export "ws-drop" (func $ws-drop)) (export "join" (func $join))
    (export "st-drop" (func $st-drop)) (export "ctx-get" (func $ctx-get)) (export "ctx-set" (func $ctx-set))
    (export "read" (func $read)) (export "drop-r" (func $drop-r)))
  (core module $Main
    (import "b" "slow" (func $slow (param i32 i32) (result i32)))
    (import "b" "ret" (func $ret (param i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "ws-drop" (func $ws-drop (param i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "b" "st-drop" (func $st-drop (param i32)))
    (import "b" "ctx-get" (func $ctx-get (result i32)))
    (import "b" "ctx-set" (func $ctx-set (param i32)))
    (import "b" "read" (func $read (param i32 i32 i32) (result i32)))
    (import "b" "drop-r" (func $drop-r (param i32)))
    (import "m" "mem" (memory 32))
    (global $next (mut i32) (i32.const 1024))
    (func $alloc (param $n i32) (result i32) (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (global.get $next) (local.get $n)))
      (local.get $p))
    ;; relay(x) -> slow(x) + 1000. Record: [0] waitable set, [4] slow's result.
    (func (export "relay") (param $x i32) (result i32) (local $p i32) (local $r i32) (local $ws i32)
      (local.set $p (call $alloc (i32.const 8)))
      (local.set $r (call $slow (local.get $x) (i32.add (local.get $p) (i32.const 4))))
      (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 2))
        (then (call $ret (i32.add (i32.load offset=4 (local.get $p)) (i32.const 1000))) (return (i32.const 0))))
      (local.set $ws (call $ws-new))
      (i32.store (local.get $p) (local.get $ws))
      (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))
      (call $ctx-set (local.get $p))
      (i32.or (i32.const 2) (i32.shl (local.get $ws) (i32.const 4))))
    (func (export "relay-cb") (param $ev i32) (param $i i32) (param $state i32) (result i32) (local $p i32)
      (if (i32.or (i32.ne (local.get $ev) (i32.const 1)) (i32.ne (local.get $state) (i32.const 2))) (then (unreachable)))
      (local.set $p (call $ctx-get))
      (call $join (local.get $i) (i32.const 0))
      (call $st-drop (local.get $i))
      (call $ws-drop (i32.load (local.get $p)))
      (call $ret (i32.add (i32.load offset=4 (local.get $p)) (i32.const 1000)))
      (i32.const 0))
    ;; sum(s) -> the sum of the stream's bytes. Record: [0] set, [4] handle, [8] sum, [16..80) buffer.
    (func $add (param $p i32) (param $n i32) (local $k i32)
      (block $done (loop $more
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (i32.store offset=8 (local.get $p) (i32.add (i32.load offset=8 (local.get $p))
          (i32.load8_u offset=16 (i32.add (local.get $p) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $more))))
    (func $finish (param $p i32) (result i32)
      (call $join (i32.load offset=4 (local.get $p)) (i32.const 0))
      (call $drop-r (i32.load offset=4 (local.get $p)))
      (call $ws-drop (i32.load (local.get $p)))
      (call $ret (i32.load offset=8 (local.get $p)))
      (i32.const 0))
    ;; Read until the stream ends (DROPPED); WAIT whenever a read blocks.
    (func $pump (param $p i32) (result i32) (local $r i32)
      (loop $again
        (local.set $r (call $read (i32.load offset=4 (local.get $p)) (i32.add (local.get $p) (i32.const 16)) (i32.const 64)))
        (if (i32.eq (local.get $r) (i32.const -1))
          (then (return (i32.or (i32.const 2) (i32.shl (i32.load (local.get $p)) (i32.const 4))))))
        (call $add (local.get $p) (i32.shr_u (local.get $r) (i32.const 4)))
        (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)) (then (return (call $finish (local.get $p)))))
        (br $again))
      (unreachable))
    (func (export "sum") (param $s i32) (result i32) (local $p i32) (local $ws i32)
      (local.set $p (call $alloc (i32.const 80)))
      (i32.store offset=4 (local.get $p) (local.get $s))
      (local.set $ws (call $ws-new))
      (i32.store (local.get $p) (local.get $ws))
      (call $join (local.get $s) (local.get $ws))
      (call $ctx-set (local.get $p))
      (call $pump (local.get $p)))
    (func (export "sum-cb") (param $ev i32) (param $i i32) (param $r i32) (result i32) (local $p i32)
      (if (i32.ne (local.get $ev) (i32.const 2)) (then (unreachable)))
      (local.set $p (call $ctx-get))
      (call $add (local.get $p) (i32.shr_u (local.get $r) (i32.const 4)))
      (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)) (then (return (call $finish (local.get $p)))))
      (call $pump (local.get $p))))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "relay") async (param "x" u32) (result u32)
    (canon lift (core func $main "relay") async (callback (core func $main "relay-cb"))))
  (func (export "sum") async (param "s" (stream u8)) (result u32)
    (canon lift (core func $main "sum") async (callback (core func $main "sum-cb")))))`;

type Exports = {
  relay(x: number): Promise<number>;
  sum(s: AsyncIterable<Uint8Array>): Promise<number>;
};

/** A deterministic shuffle (xorshift), so a failure replays. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("soak", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("10,000 concurrent async calls, each awaiting a host import resolved in random order", async () => {
    const resolvers: (() => void)[] = [];
    const inst = compiled.instantiateSync({
      slow: (x: number) => new Promise<number>((resolve) => resolvers.push(() => resolve(x * 2))),
    });
    const e = inst.exports as unknown as Exports;
    const n = 10_000;
    const calls = Array.from({ length: n }, (_, i) => e.relay(i));
    // Every call is parked on its host import now.
    expect(resolvers).toHaveLength(n);
    expect(debugState(inst.state).handles).toEqual({ subtask: n, "waitable set": n });
    for (const resolve of shuffled(resolvers, 12345)) resolve();
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: n }, (_, i) => i * 2 + 1000));
    const state = debugState(inst.state);
    expect(state).toMatchObject({ totalHandles: 0, nonEmptyWaitableSets: 0, pendingCopies: 0, waitingTasks: 0, exclusive: false });
  });

  it("1,000 concurrent streams written by the host in uneven chunks are summed by the guest", async () => {
    const inst = compiled.instantiateSync({ slow: (x: number) => x });
    const e = inst.exports as unknown as Exports;
    const n = 1_000;
    // Stream i carries bytes 0..(i % 300) in chunks of 1..97 bytes, with a tick between chunks.
    const bytesOf = (i: number) => Uint8Array.from({ length: (i % 300) + 1 }, (_, k) => (k * 7 + i) & 0xff);
    async function* chunks(bytes: Uint8Array, i: number) {
      for (let at = 0, size = (i % 97) + 1; at < bytes.length; at += size) {
        await Promise.resolve();
        yield bytes.subarray(at, at + size);
      }
    }
    const expected = Array.from({ length: n }, (_, i) => bytesOf(i).reduce((a, b) => a + b, 0));
    const sums = await Promise.all(Array.from({ length: n }, (_, i) => e.sum(streamFrom(chunks(bytesOf(i), i)) as never)));
    expect(sums).toEqual(expected);
    const state = debugState(inst.state);
    expect(state).toMatchObject({ totalHandles: 0, nonEmptyWaitableSets: 0, pendingCopies: 0, waitingTasks: 0, exclusive: false });
  });
});
