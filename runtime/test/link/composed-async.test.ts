/**
 * Async calls between two components of one composition: App's async-lifted
 * `run` async-lowers Lib's sync `twice` (a Subtask that resolves at once), and
 * App's async-lifted `run-async` async-lowers Lib's async-lifted `later`
 * (task to task through the store).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, type CompiledComponent } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (component $Lib
    (core module $M
      (import "b" "ret" (func $ret (param i32)))
      (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "later") (param i32) (result i32) (call $ret (i32.add (local.get 0) (i32.const 100))) (i32.const 0))
      (func (export "cb") (param i32 i32 i32) (result i32) (unreachable)))
    (core func $ret (canon task.return (result u32)))
    (core instance $b (export "ret" (func $ret)))
    (core instance $m (instantiate $M (with "b" (instance $b))))
    (func (export "twice") (param "x" u32) (result u32) (canon lift (core func $m "twice")))
    (func (export "later") async (param "x" u32) (result u32)
      (canon lift (core func $m "later") async (callback (core func $m "cb")))))
  (component $App
    (import "lib" (instance $lib
      (export "twice" (func (param "x" u32) (result u32)))
      (export "later" (func async (param "x" u32) (result u32)))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $mm))
    (core func $twice (canon lower (func $lib "twice") async (memory $mm)))
    (core func $later (canon lower (func $lib "later") async (memory $mm)))
    (core func $ret (canon task.return (result u32)))
    (core instance $b (export "twice" (func $twice)) (export "later" (func $later)) (export "ret" (func $ret)))
    (core module $M
      (import "b" "twice" (func $twice (param i32 i32) (result i32)))
      (import "b" "later" (func $later (param i32 i32) (result i32)))
      (import "b" "ret" (func $ret (param i32)))
      (import "m" "mem" (memory 1))
      (global $state (mut i32) (i32.const -1))
      ;; run(x): twice(x) must return at once (state RETURNED = 2); return result + 1.
      (func (export "run") (param i32) (result i32)
        (global.set $state (i32.and (call $twice (local.get 0) (i32.const 8)) (i32.const 0xf)))
        (call $ret (i32.add (i32.load (i32.const 8)) (i32.const 1)))
        (i32.const 0))
      (func (export "run-later") (param i32) (result i32)
        (global.set $state (i32.and (call $later (local.get 0) (i32.const 8)) (i32.const 0xf)))
        (call $ret (i32.load (i32.const 8)))
        (i32.const 0))
      (func (export "state") (result i32) (global.get $state))
      (func (export "cb") (param i32 i32 i32) (result i32) (unreachable)))
    (core instance $m (instantiate $M (with "b" (instance $b)) (with "m" (instance $mem))))
    (func (export "run") async (param "x" u32) (result u32)
      (canon lift (core func $m "run") async (callback (core func $m "cb"))))
    (func (export "run-later") async (param "x" u32) (result u32)
      (canon lift (core func $m "run-later") async (callback (core func $m "cb"))))
    (func (export "state") (result u32) (canon lift (core func $m "state"))))
  (instance $lib (instantiate $Lib))
  (instance $app (instantiate $App (with "lib" (instance $lib))))
  (export "app" (instance $app)))`;

describe("link: async calls between composed components", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("async-lowered call of a sync-lifted function resolves at once", async () => {
    const { exports } = compiled.instantiateSync();
    expect(await exports.app.run(20)).toBe(41);
    expect(exports.app.state()).toBe(2); // RETURNED
  });

  it("async-lowered call of an async-lifted function that task.returns at once", async () => {
    const { exports } = compiled.instantiateSync();
    expect(await exports.app.runLater(5)).toBe(105);
    expect(exports.app.state()).toBe(2);
  });
});
