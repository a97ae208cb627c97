/**
 * may_enter across a component tree (CanonicalABI.md "Component Instances"
 * `parent`, `entering_set`): calling a nested export enters its ancestors, so
 * while one child runs, the host cannot enter a sibling through the shared
 * parent; a call from one child to its sibling only enters the sibling.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, Trap, type CompiledComponent } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (import "cb" (func $cb (result u32)))
  (component $B
    (core module $M (func (export "ping") (result i32) (i32.const 7)))
    (core instance $m (instantiate $M))
    (func (export "ping") (result u32) (canon lift (core func $m "ping"))))
  (component $A
    (import "cb" (func $cb (result u32)))
    (import "ping" (func $ping (result u32)))
    (core func $cb-l (canon lower (func $cb)))
    (core func $ping-l (canon lower (func $ping)))
    (core instance $h (export "cb" (func $cb-l)) (export "ping" (func $ping-l)))
    (core module $M
      (import "h" "cb" (func $cb (result i32)))
      (import "h" "ping" (func $ping (result i32)))
      (func (export "call-cb") (result i32) (call $cb))
      (func (export "call-ping") (result i32) (i32.add (call $ping) (i32.const 100))))
    (core instance $m (instantiate $M (with "h" (instance $h))))
    (func (export "call-cb") (result u32) (canon lift (core func $m "call-cb")))
    (func (export "call-ping") (result u32) (canon lift (core func $m "call-ping"))))
  (instance $b (instantiate $B))
  (alias export $b "ping" (func $ping))
  (instance $a (instantiate $A (with "cb" (func $cb)) (with "ping" (func $ping))))
  (alias export $a "call-cb" (func $call-cb))
  (alias export $a "call-ping" (func $call-ping))
  (export "ping" (func $ping))
  (export "call-cb" (func $call-cb))
  (export "call-ping" (func $call-ping)))`;

describe("link: reentrance across a component tree", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("a child may call its sibling (only the sibling is entered)", () => {
    const { exports } = compiled.instantiateSync({ cb: () => 1 });
    expect(exports.callPing()).toBe(107);
    expect(exports.ping()).toBe(7);
    expect(exports.callCb()).toBe(1);
  });

  it("the host cannot enter a sibling while a child is running (the shared parent is entered)", () => {
    let inner: unknown;
    const inst = compiled.instantiateSync({
      cb: () => {
        try {
          return exports.ping();
        } catch (e) {
          inner = e;
          return 0;
        }
      },
    });
    const exports = inst.exports;
    expect(exports.callCb()).toBe(0);
    expect(inner).toBeInstanceOf(Trap);
    expect((inner as Trap).rule).toMatch(/may_enter/);
    // A refused entry does not poison anything: both children still work afterwards.
    expect(exports.ping()).toBe(7);
    expect(exports.callPing()).toBe(107);
  });
});
