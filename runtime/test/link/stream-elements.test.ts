/**
 * Stream elements that are handles, through a real WAT component (CanonicalABI.md "Stream
 * State": copying lifts the elements out of the writer's instance and lowers them into the
 * reader's): resources moved through a `stream<own<r>>` in both directions, and a
 * `stream<stream<u8>>` whose inner stream the host then reads.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, GuestResource, streamFrom, type CompiledComponent, type StreamReader } from "@witgen/runtime";
import { debugState } from "../../src/async/debug.js";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (core module $Mem (memory (export "mem") 1)
    (global $dropped (mut i32) (i32.const 0))
    ;; The resource's destructor: adds the rep of every dropped resource.
    (func (export "dtor") (param i32) (global.set $dropped (i32.add (global.get $dropped) (local.get 0))))
    (func (export "dropped") (result i32) (global.get $dropped)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (alias core export $mem "dtor" (core func $dtor))
  (type $r (resource (rep i32) (dtor (core func $dtor))))
  (type $rs (stream (own $r)))
  (type $bytes (stream u8))
  (type $nested (stream $bytes))
  (core func $r-new (canon resource.new $r))
  (core func $r-rep (canon resource.rep $r))
  (core func $r-drop (canon resource.drop $r))
  (core func $ret-rs (canon task.return (result $rs)))
  (core func $ret-u32 (canon task.return (result u32)))
  (core func $ret-nested (canon task.return (result $nested)))
  (core func $rs-new (canon stream.new $rs))
  (core func $rs-write (canon stream.write $rs async (memory $m)))
  (core func $rs-read (canon stream.read $rs async (memory $m)))
  (core func $rs-drop-w (canon stream.drop-writable $rs))
  (core func $rs-drop-r (canon stream.drop-readable $rs))
  (core func $b-new (canon stream.new $bytes))
  (core func $b-write (canon stream.write $bytes async (memory $m)))
  (core func $b-drop-w (canon stream.drop-writable $bytes))
  (core func $n-new (canon stream.new $nested))
  (core func $n-write (canon stream.write $nested async (memory $m)))
  (core func $n-drop-w (canon stream.drop-writable $nested))
  (core func $ws-new (canon waitable-set.new))
  (core func $ws-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core instance $b
    (export "r-new" (func $r-new)) (export "r-rep" (func $r-rep)) (export "r-drop" (func $r-drop))
    (export "ret-rs" (func $ret-rs)) (export "ret-u32" (func $ret-u32)) (export "ret-nested" (func $ret-nested))
    (export "rs-new" (func $rs-new)) (export "rs-write" (func $rs-write)) (export "rs-read" (func $rs-read))
    (export "rs-drop-w" (func $rs-drop-w)) (export "rs-drop-r" (func $rs-drop-r))
    (export "b-new" (func $b-new)) (export "b-write" (func $b-write)) (export "b-drop-w" (func $b-drop-w))
    (export "n-new" (func $n-new)) (export "n-write" (func $n-write)) (export "n-drop-w" (func $n-drop-w))
    (export "ws-new" (func $ws-new)) (export "ws-drop" (func $ws-drop)) (export "join" (func $join)))
  (core module $Main
    (import "b" "r-new" (func $r-new (param i32) (result i32)))
    (import "b" "r-rep" (func $r-rep (param i32) (result i32)))
    (import "b" "r-drop" (func $r-drop (param i32)))
    (import "b" "ret-rs" (func $ret-rs (param i32)))
    (import "b" "ret-u32" (func $ret-u32 (param i32)))
    (import "b" "ret-nested" (func $ret-nested (param i32)))
    (import "b" "rs-new" (func $rs-new (result i64)))
    (import "b" "rs-write" (func $rs-write (param i32 i32 i32) (result i32)))
    (import "b" "rs-read" (func $rs-read (param i32 i32 i32) (result i32)))
    (import "b" "rs-drop-w" (func $rs-drop-w (param i32)))
    (import "b" "rs-drop-r" (func $rs-drop-r (param i32)))
    (import "b" "b-new" (func $b-new (result i64)))
    (import "b" "b-write" (func $b-write (param i32 i32 i32) (result i32)))
    (import "b" "b-drop-w" (func $b-drop-w (param i32)))
    (import "b" "n-new" (func $n-new (result i64)))
    (import "b" "n-write" (func $n-write (param i32 i32 i32) (result i32)))
    (import "b" "n-drop-w" (func $n-drop-w (param i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "ws-drop" (func $ws-drop (param i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "m" "mem" (memory 1))
    (global $w (mut i32) (i32.const 0))
    (global $inner-w (mut i32) (i32.const 0))
    (global $r (mut i32) (i32.const 0))
    (global $ws (mut i32) (i32.const 0))
    (global $sum (mut i32) (i32.const 0))
    (global $step (mut i32) (i32.const 0))
    (func $wait (result i32) (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))
    (func $done (result i32)
      (call $ws-drop (global.get $ws))
      (i32.const 0))
    ;; [constructor]r(v): a resource whose rep is v.
    (func (export "new") (param i32) (result i32) (call $r-new (local.get 0)))
    ;; [method]r.value: its rep (a borrow of the component's own resource arrives as the rep).
    (func (export "value") (param i32) (result i32) (local.get 0))
    ;; make(n): a stream<own<r>> of n resources with reps 100, 101, ...: returned at once, then
    ;; written in one write of n handles (an i32 array at 1000).
    (func (export "make") (param $n i32) (result i32) (local $p i64) (local $i i32) (local $rc i32)
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (i32.const 1000) (i32.shl (local.get $i) (i32.const 2)))
          (call $r-new (i32.add (i32.const 100) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (local.set $p (call $rs-new))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
      (call $ret-rs (i32.wrap_i64 (local.get $p)))
      (global.set $ws (call $ws-new))
      (local.set $rc (call $rs-write (global.get $w) (i32.const 1000) (local.get $n)))
      (if (i32.ne (local.get $rc) (i32.const -1))
        (then (call $rs-drop-w (global.get $w)) (return (call $done))))
      (call $join (global.get $w) (global.get $ws))
      (call $wait))
    (func (export "make-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (call $join (global.get $w) (i32.const 0))
      (call $rs-drop-w (global.get $w))
      (call $done))
    ;; sum(s): reads every resource from s (up to 8 at a time at 2000), adds their reps and
    ;; drops them (the destructor adds each rep to \`dropped\`); returns the sum.
    (func $took (param $rc i32) (result i32) (local $n i32) (local $i i32) (local $h i32)
      (local.set $n (i32.shr_u (local.get $rc) (i32.const 4)))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h (i32.load (i32.add (i32.const 2000) (i32.shl (local.get $i) (i32.const 2)))))
        (global.set $sum (i32.add (global.get $sum) (call $r-rep (local.get $h))))
        (call $r-drop (local.get $h))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (if (i32.eq (i32.and (local.get $rc) (i32.const 0xf)) (i32.const 1))
        (then
          (call $join (global.get $r) (i32.const 0))
          (call $rs-drop-r (global.get $r))
          (call $ret-u32 (global.get $sum))
          (return (call $done))))
      (call $pump))
    (func $pump (result i32) (local $rc i32)
      (local.set $rc (call $rs-read (global.get $r) (i32.const 2000) (i32.const 8)))
      (if (i32.eq (local.get $rc) (i32.const -1)) (then (return (call $wait))))
      (call $took (local.get $rc)))
    (func (export "sum") (param $s i32) (result i32)
      (global.set $r (local.get $s))
      (global.set $sum (i32.const 0))
      (global.set $ws (call $ws-new))
      (call $join (local.get $s) (global.get $ws))
      (call $pump))
    (func (export "sum-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (call $took (local.get $p2)))
    ;; nest(): a stream<stream<u8>> holding one inner stream, which then carries the bytes 1 2 3.
    (func (export "nest") (result i32) (local $outer i64) (local $inner i64) (local $rc i32)
      (local.set $outer (call $n-new))
      (local.set $inner (call $b-new))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $outer) (i64.const 32))))
      (global.set $inner-w (i32.wrap_i64 (i64.shr_u (local.get $inner) (i64.const 32))))
      (call $ret-nested (i32.wrap_i64 (local.get $outer)))
      (global.set $ws (call $ws-new))
      (i32.store (i32.const 3000) (i32.wrap_i64 (local.get $inner)))
      (global.set $step (i32.const 0))
      (local.set $rc (call $n-write (global.get $w) (i32.const 3000) (i32.const 1)))
      (if (i32.ne (local.get $rc) (i32.const -1)) (then (return (call $nest-next))))
      (call $join (global.get $w) (global.get $ws))
      (call $wait))
    ;; After the outer write: drop the outer end, write 1 2 3 into the inner one; after that, drop it.
    (func $nest-next (result i32) (local $rc i32)
      (if (i32.eqz (global.get $step))
        (then
          (call $join (global.get $w) (i32.const 0))
          (call $n-drop-w (global.get $w))
          (global.set $step (i32.const 1))
          (i32.store8 (i32.const 3100) (i32.const 1))
          (i32.store8 (i32.const 3101) (i32.const 2))
          (i32.store8 (i32.const 3102) (i32.const 3))
          (local.set $rc (call $b-write (global.get $inner-w) (i32.const 3100) (i32.const 3)))
          (if (i32.eq (local.get $rc) (i32.const -1))
            (then (call $join (global.get $inner-w) (global.get $ws)) (return (call $wait))))))
      (call $join (global.get $inner-w) (i32.const 0))
      (call $b-drop-w (global.get $inner-w))
      (call $done))
    (func (export "nest-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (call $nest-next)))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (export $R "r" (type $r))
  (type $rs-out (stream (own $R)))
  (func (export "[constructor]r") (param "v" u32) (result (own $R)) (canon lift (core func $main "new")))
  (func (export "[method]r.value") (param "self" (borrow $R)) (result u32) (canon lift (core func $main "value")))
  (func (export "make") async (param "n" u32) (result $rs-out)
    (canon lift (core func $main "make") async (callback (core func $main "make-cb"))))
  (func (export "sum") async (param "s" $rs-out) (result u32)
    (canon lift (core func $main "sum") async (callback (core func $main "sum-cb"))))
  (func (export "nest") async (result $nested)
    (canon lift (core func $main "nest") async (callback (core func $main "nest-cb"))))
  (func (export "dropped") (result u32) (canon lift (core func $mem "dropped"))))`;

describe("link: handles as stream elements", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("resources move out through a stream<own<r>> and back in; the guest drops what it took", async () => {
    const { exports, state } = compiled.instantiateSync({});
    const R = exports.R as new (v: number) => GuestResource & { value(): number };
    const out = (await exports.make(3)) as StreamReader<GuestResource & { value(): number }>;
    const got: (GuestResource & { value(): number })[] = [];
    for await (const r of out) got.push(r);
    expect(got.map((r) => r.value())).toEqual([100, 101, 102]);
    expect(got.every((r) => r instanceof R)).toBe(true);
    // Back in, with one the host made: the guest sums the reps and drops each (its destructor runs).
    const back = [...got, new R(7)];
    expect(await exports.sum(streamFrom(back))).toBe(100 + 101 + 102 + 7);
    expect(exports.dropped()).toBe(100 + 101 + 102 + 7);
    // Moved into the component: the JS objects no longer own a handle.
    expect(() => got[0]!.value()).toThrow(/moved|dropped/);
    expect(state.handles.size).toBe(0);
    expect(debugState(state).pendingCopies).toBe(0);
  });

  it("a stream<stream<u8>>: the host reads the inner stream it received through the outer one", async () => {
    const { exports, state } = compiled.instantiateSync({});
    const outer = (await exports.nest()) as StreamReader<StreamReader<number, Uint8Array>>;
    const inners: StreamReader<number, Uint8Array>[] = [];
    for await (const inner of outer) inners.push(inner);
    expect(inners).toHaveLength(1);
    const bytes: number[] = [];
    for await (const chunk of inners[0]!) bytes.push(...chunk);
    expect(bytes).toEqual([1, 2, 3]);
    expect(state.handles.size).toBe(0);
  });
});
