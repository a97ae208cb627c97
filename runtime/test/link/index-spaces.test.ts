/**
 * The instantiation algorithm on hand-written component text: outer aliases
 * (core module, type, component), core-instance export aliases of funcs and
 * globals, inline core instances, nested instantiation with args (a host
 * import and an instance), instance export aliases, re-exports, and a
 * top-level resource type import implemented by a host class.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, type CompiledComponent } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component $Outer
  (import "log" (func $log (param "s" string)))
  (import "thing" (type $thing (sub resource)))
  (import "make-thing" (func $make-thing (param "n" u32) (result (own $thing))))
  (import "[method]thing.value" (func $thing-value (param "self" (borrow $thing)) (result u32)))
  (core module $Shared
    (global (export "g") i32 (i32.const 7))
    (func (export "get") (result i32) (i32.const 11)))
  (type $pair (tuple u32 u32))
  (component $Inner
    (import "log" (func $log (param "s" string)))
    (alias outer $Outer $Shared (core module $S))
    (alias outer $Outer $pair (type $p))
    (core instance $s (instantiate $S))
    (alias core export $s "get" (core func $get))
    (alias core export $s "g" (core global $g))
    (core module $Mem (memory (export "mem") 1)
      (data (i32.const 100) "from inner ✓"))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $m))
    (core func $log-lowered (canon lower (func $log) (memory $m)))
    (core instance $x (export "get" (func $get)) (export "g" (global $g)) (export "log" (func $log-lowered)))
    (core module $Use
      (import "x" "get" (func $get (result i32)))
      (import "x" "g" (global i32))
      (import "x" "log" (func $log (param i32 i32)))
      (import "m" "mem" (memory 1))
      (func (export "pair") (result i32)
        (call $log (i32.const 100) (i32.const 14))
        (i32.store (i32.const 0) (call $get))
        (i32.store (i32.const 4) (global.get 0))
        (i32.const 0)))
    (core instance $u (instantiate $Use (with "x" (instance $x)) (with "m" (instance $mem))))
    (func (export "pair") (result $p) (canon lift (core func $u "pair") (memory $m))))
  (component $Wrapper
    (import "inner" (instance $i (export "pair" (func (result (tuple u32 u32))))))
    (alias export $i "pair" (func $f))
    (export "pair2" (func $f)))
  (component $Things
    (import "thing" (type $t (sub resource)))
    (import "make-thing" (func $make (param "n" u32) (result (own $t))))
    (import "[method]thing.value" (func $value (param "self" (borrow $t)) (result u32)))
    (core func $make-lowered (canon lower (func $make)))
    (core func $value-lowered (canon lower (func $value)))
    (core func $drop (canon resource.drop $t))
    (core instance $h (export "make" (func $make-lowered)) (export "value" (func $value-lowered)) (export "drop" (func $drop)))
    (core module $M
      (import "h" "make" (func $make (param i32) (result i32)))
      (import "h" "value" (func $value (param i32) (result i32)))
      (import "h" "drop" (func $drop (param i32)))
      ;; sum-things(n): make things 1..n, read each value through a borrow, drop them all.
      (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $h i32) (local $s i32)
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $h (call $make (local.get $i)))
          (local.set $s (i32.add (local.get $s) (call $value (local.get $h))))
          (call $drop (local.get $h))
          (br $l)))
        (local.get $s)))
    (core instance $m (instantiate $M (with "h" (instance $h))))
    (func (export "sum-things") (param "n" u32) (result u32) (canon lift (core func $m "sum"))))
  (instance $in (instantiate $Inner (with "log" (func $log))))
  (instance $w (instantiate $Wrapper (with "inner" (instance $in))))
  (instance $th (instantiate $Things
    (with "thing" (type $thing)) (with "make-thing" (func $make-thing)) (with "[method]thing.value" (func $thing-value))))
  (alias export $w "pair2" (func $p2))
  (export "pair" (func $p2))
  (export "things" (instance $th)))`;

describe("link: index spaces, aliases and nested instantiation", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("resolves outer aliases, core export aliases and nested args", () => {
    const logged: string[] = [];
    const disposed: number[] = [];
    class Thing {
      constructor(readonly n: number) {}
      value() {
        return this.n * 10;
      }
      [Symbol.dispose]() {
        disposed.push(this.n);
      }
    }
    const { exports } = compiled.instantiateSync({
      log: (s: string) => void logged.push(s),
      Thing,
      makeThing: (n: number) => new Thing(n),
    });
    expect(exports.pair()).toEqual([11, 7]);
    expect(logged).toEqual(["from inner ✓"]);
    // Host resource type imported at top level, passed into a nested component; each thing disposed when dropped.
    expect(exports.things.sumThings(3)).toBe(60);
    expect(disposed).toEqual([1, 2, 3]);
  });

  it("gives each instantiation its own state (core modules are compiled once, at compileComponent)", () => {
    class Thing {
      value() {
        return 1;
      }
    }
    const imports = { log: () => {}, Thing, makeThing: () => new Thing() };
    const a = compiled.instantiateSync(imports);
    const b = compiled.instantiateSync(imports);
    expect(a.state).not.toBe(b.state);
    expect(a.exports.pair()).toEqual(b.exports.pair());
    expect(a.exports.things.sumThings(2)).toBe(2);
    expect(b.exports.things.sumThings(4)).toBe(4);
  });
});
