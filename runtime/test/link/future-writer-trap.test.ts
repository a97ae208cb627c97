/**
 * A future the host awaits must settle even when the guest holding its writable end fails:
 * dropping the writable end before writing traps (CanonicalABI.md WritableFutureEnd.drop:
 * `trap_if(self.state != CopyState.DONE)`), and the host's await then rejects with that trap
 * instead of hanging. Likewise when the guest traps for another reason.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, Trap, type CompiledComponent, type FutureReader, type StreamReader } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (type $f (future u32))
  (type $s (stream u8))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $future-new (canon future.new $f))
  (core func $future-drop-w (canon future.drop-writable $f))
  (core func $stream-new (canon stream.new $s))
  (core instance $b (export "future-new" (func $future-new)) (export "future-drop-w" (func $future-drop-w))
    (export "stream-new" (func $stream-new)))
  (core module $Main
    (import "b" "future-new" (func $future-new (result i64)))
    (import "b" "future-drop-w" (func $future-drop-w (param i32)))
    (import "b" "stream-new" (func $stream-new (result i64)))
    (import "m" "mem" (memory 1))
    (global $w (mut i32) (i32.const 0))
    ;; open() -> future<u32>: keep the writable end, return the readable one.
    (func (export "open") (result i32) (local $p i64)
      (local.set $p (call $future-new))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
      (i32.wrap_i64 (local.get $p)))
    (func (export "open-stream") (result i32) (i32.wrap_i64 (call $stream-new)))
    (func (export "drop-unwritten") (call $future-drop-w (global.get $w)))
    (func (export "crash") (unreachable)))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "open") (result (future u32)) (canon lift (core func $main "open")))
  (func (export "open-stream") (result (stream u8)) (canon lift (core func $main "open-stream")))
  (func (export "drop-unwritten") (canon lift (core func $main "drop-unwritten")))
  (func (export "crash") (canon lift (core func $main "crash"))))`;

type Exports = { open(): FutureReader<number>; openStream(): StreamReader<number, Uint8Array>; dropUnwritten(): void; crash(): void };

describe("a host awaiting a guest's future when the guest fails", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("the guest drops the writable end unwritten: it traps, and the host's await rejects with the trap", async () => {
    const e = compiled.instantiateSync({}).exports as unknown as Exports;
    const reader = e.open();
    const awaited = Promise.resolve(reader);
    expect(() => e.dropUnwritten()).toThrow(Trap);
    await expect(awaited).rejects.toThrow(Trap);
    await expect(awaited).rejects.toThrow(/future/);
  });

  it("the guest traps elsewhere while the host awaits: the await rejects with the trap", async () => {
    const e = compiled.instantiateSync({}).exports as unknown as Exports;
    const awaited = Promise.resolve(e.open());
    expect(() => e.crash()).toThrow(Trap);
    await expect(awaited).rejects.toThrow(/unreachable/);
  });

  it("a host reading a guest's stream when the guest traps: the pending read and later ones reject with the trap", async () => {
    const e = compiled.instantiateSync({}).exports as unknown as Exports;
    const reader = e.openStream();
    const pending = reader.read();
    expect(() => e.crash()).toThrow(Trap);
    await expect(pending).rejects.toThrow(/unreachable/);
    // Not mistaken for the end of the stream.
    await expect(reader.read()).rejects.toThrow(Trap);
  });
});
