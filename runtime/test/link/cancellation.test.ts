/**
 * Cancellation through AbortSignal, both ways, with a real WAT component (link/call-options.ts):
 * the host aborts a guest task (the guest sees TASK_CANCELLED and either acknowledges with
 * task.cancel or returns anyway), and the guest cancels a host subtask (the implementation's
 * signal aborts; the guest sees CANCELLED_BEFORE_RETURNED or RETURNED as the host decides).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AbiValueError, compileComponent, type CompiledComponent } from "@witgen/runtime";
import { debugState } from "../../src/async/debug.js";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (import "slow" (func $slow async (param "x" u32) (result u32)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $slow-lowered (canon lower (func $slow) async (memory $m)))
  (core func $task-return (canon task.return (result u32)))
  (core func $task-cancel (canon task.cancel))
  (core func $ws-new (canon waitable-set.new))
  (core func $join (canon waitable.join))
  (core func $st-drop (canon subtask.drop))
  (core func $st-cancel (canon subtask.cancel async))
  (core instance $b
    (export "slow" (func $slow-lowered))
    (export "task-return" (func $task-return))
    (export "task-cancel" (func $task-cancel))
    (export "ws-new" (func $ws-new))
    (export "join" (func $join))
    (export "st-drop" (func $st-drop))
    (export "st-cancel" (func $st-cancel)))
  (core module $Main
    (import "b" "slow" (func $slow (param i32 i32) (result i32)))
    (import "b" "task-return" (func $ret (param i32)))
    (import "b" "task-cancel" (func $cancel))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "b" "st-drop" (func $st-drop (param i32)))
    (import "b" "st-cancel" (func $st-cancel (param i32) (result i32)))
    (import "m" "mem" (memory 1))
    (global $x (mut i32) (i32.const 0))
    (global $ws (mut i32) (i32.const 0))
    ;; wait-for-cancel(x): waits on an empty set until cancelled; then an even x acknowledges
    ;; with task.cancel, an odd one returns x + 100 anyway.
    (func (export "wait-for-cancel") (param i32) (result i32)
      (global.set $x (local.get 0))
      (global.set $ws (call $ws-new))
      (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))
    (func (export "wait-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (if (i32.ne (local.get $ev) (i32.const 6)) (then (unreachable)))
      (if (i32.and (global.get $x) (i32.const 1))
        (then (call $ret (i32.add (global.get $x) (i32.const 100))))
        (else (call $cancel)))
      (i32.const 0))
    ;; cancel-slow(x): starts slow(x), cancels it at once; returns state * 1000 + the value
    ;; (when RETURNED), the state from subtask.cancel or, when it blocked, from the SUBTASK event.
    (func $finish (param $st i32) (param $state i32)
      (call $st-drop (local.get $st))
      (call $ret (i32.add (i32.mul (local.get $state) (i32.const 1000))
        (if (result i32) (i32.eq (local.get $state) (i32.const 2)) (then (i32.load (i32.const 32))) (else (i32.const 0))))))
    (func (export "cancel-slow") (param i32) (result i32) (local $r i32) (local $st i32) (local $c i32)
      (local.set $r (call $slow (local.get 0) (i32.const 32)))
      (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)) (then (unreachable)))
      (local.set $st (i32.shr_u (local.get $r) (i32.const 4)))
      (local.set $c (call $st-cancel (local.get $st)))
      (if (i32.ne (local.get $c) (i32.const -1))
        (then (call $finish (local.get $st) (local.get $c)) (return (i32.const 0))))
      (global.set $ws (call $ws-new))
      (call $join (local.get $st) (global.get $ws))
      (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))
    (func (export "slow-cb") (param $ev i32) (param $p1 i32) (param $p2 i32) (result i32)
      (if (i32.ne (local.get $ev) (i32.const 1)) (then (unreachable)))
      (call $join (local.get $p1) (i32.const 0))
      (call $finish (local.get $p1) (local.get $p2))
      (i32.const 0)))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "wait-for-cancel") async (param "x" u32) (result u32)
    (canon lift (core func $main "wait-for-cancel") async (callback (core func $main "wait-cb"))))
  (func (export "cancel-slow") async (param "x" u32) (result u32)
    (canon lift (core func $main "cancel-slow") async (callback (core func $main "slow-cb")))))`;

type Exports = {
  waitForCancel(x: number, options?: { signal?: AbortSignal }): Promise<number>;
  cancelSlow(x: number): Promise<number>;
};

describe("cancellation through AbortSignal", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  function instance(slow: (x: number, options: { signal: AbortSignal }) => unknown) {
    const inst = compiled.instantiateSync({ slow });
    return { exports: inst.exports as unknown as Exports, inst };
  }

  it("host aborts; the guest acknowledges with task.cancel: the call rejects with signal.reason", async () => {
    const { exports } = instance(() => 0);
    const controller = new AbortController();
    const call = exports.waitForCancel(4, { signal: controller.signal });
    const reason = new Error("user gave up");
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });

  it("host aborts; the guest returns anyway: the call resolves with its value", async () => {
    const { exports } = instance(() => 0);
    const controller = new AbortController();
    const call = exports.waitForCancel(5, { signal: controller.signal });
    controller.abort();
    expect(await call).toBe(105);
  });

  it("a signal aborted before the call rejects without entering the guest", async () => {
    const { exports } = instance(() => 0);
    const controller = new AbortController();
    controller.abort("too late");
    await expect(exports.waitForCancel(4, { signal: controller.signal })).rejects.toBe("too late");
    // The guest was not entered: a later call still runs and can be cancelled.
    const again = new AbortController();
    const call = exports.waitForCancel(7, { signal: again.signal });
    again.abort();
    expect(await call).toBe(107);
  });

  it("a bad options argument is a value error naming the function", async () => {
    const { exports } = instance(() => 0);
    await expect((exports.waitForCancel as (...a: unknown[]) => Promise<number>)(1, 42)).rejects.toThrow(AbiValueError);
    await expect((exports.waitForCancel as (...a: unknown[]) => Promise<number>)(1, { signal: "no" })).rejects.toThrow(
      /options.signal must be an AbortSignal, got string in wait-for-cancel \(options\)/,
    );
  });

  it("the guest cancels a host subtask: the implementation's signal aborts; rejecting then ends it CANCELLED", async () => {
    let seen: AbortSignal | undefined;
    const { exports, inst } = instance((_x, { signal }) => {
      seen = signal;
      return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    });
    // CANCELLED_BEFORE_RETURNED = 4 (CanonicalABI.md Subtask.State).
    expect(await exports.cancelSlow(3)).toBe(4000);
    expect(seen?.aborted).toBe(true);
    // The subtask was dropped; only the guest's waitable set (which it never drops) remains.
    expect(debugState(inst.state).handles).toEqual({ "waitable set": 1 });
  });

  it("the guest cancels a host subtask that finishes anyway: RETURNED with the value", async () => {
    const { exports } = instance((x, { signal }) => new Promise((resolve) => signal.addEventListener("abort", () => resolve(x * 2))));
    expect(await exports.cancelSlow(21)).toBe(2042);
  });

  it("a host implementation that answers at once has RETURNED before the guest could cancel (its STARTED check traps)", async () => {
    const { exports } = instance((x) => x + 1);
    // The subtask returned during the call, so subtask.cancel is not reached as STARTED: the guest traps on its own check.
    await expect(exports.cancelSlow(1)).rejects.toThrow(/unreachable/);
  });
});
