/**
 * Async canon built-ins wired by the instantiator, used from sync-lifted
 * functions of a real component: stream.new / stream.write / drop-writable
 * with the readable end lifted to the host as a `StreamReader` (`stream<u8>`), error-context
 * new / debug-message / drop, waitable-set new / drop.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, type CompiledComponent } from "@witgen/runtime";
import { CopyResult } from "@witgen/runtime/async";
import type { StreamReader } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";

const WAT = `(component
  (type $s (stream u8))
  (core module $Mem (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 2048)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $stream-new (canon stream.new $s))
  (core func $stream-write (canon stream.write $s (memory $m)))
  (core func $stream-drop-w (canon stream.drop-writable $s))
  (core func $ec-new (canon error-context.new (memory $m) string-encoding=utf8))
  (core func $ec-msg (canon error-context.debug-message (memory $m) (realloc $realloc) string-encoding=utf8))
  (core func $ec-drop (canon error-context.drop))
  (core func $ws-new (canon waitable-set.new))
  (core func $ws-drop (canon waitable-set.drop))
  (core instance $b
    (export "stream-new" (func $stream-new))
    (export "stream-write" (func $stream-write))
    (export "stream-drop-w" (func $stream-drop-w))
    (export "ec-new" (func $ec-new))
    (export "ec-msg" (func $ec-msg))
    (export "ec-drop" (func $ec-drop))
    (export "ws-new" (func $ws-new))
    (export "ws-drop" (func $ws-drop)))
  (core module $Main
    (import "b" "stream-new" (func $stream-new (result i64)))
    (import "b" "stream-write" (func $stream-write (param i32 i32 i32) (result i32)))
    (import "b" "stream-drop-w" (func $stream-drop-w (param i32)))
    (import "b" "ec-new" (func $ec-new (param i32 i32) (result i32)))
    (import "b" "ec-msg" (func $ec-msg (param i32 i32)))
    (import "b" "ec-drop" (func $ec-drop (param i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "ws-drop" (func $ws-drop (param i32)))
    (import "m" "mem" (memory 1))
    (global $w (mut i32) (i32.const 0))
    (data (i32.const 64) "hello")
    (data (i32.const 96) "bad thing ✓")
    ;; open() -> stream<u8>: keep the writable end, return the readable one.
    (func (export "open") (result i32) (local $p i64)
      (local.set $p (call $stream-new))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
      (i32.wrap_i64 (local.get $p)))
    ;; send() -> u32: write "hello" (sync); returns the packed copy result.
    (func (export "send") (result i32) (call $stream-write (global.get $w) (i32.const 64) (i32.const 5)))
    (func (export "close") (call $stream-drop-w (global.get $w)))
    ;; echo-error() -> u32: new error-context from static text, read its debug message back, return the length.
    (func (export "error-message-length") (result i32) (local $e i32)
      (local.set $e (call $ec-new (i32.const 96) (i32.const 13)))
      (call $ec-msg (local.get $e) (i32.const 16))
      (call $ec-drop (local.get $e))
      (i32.load (i32.const 20)))
    (func (export "sets") (result i32) (local $a i32) (local $b i32)
      (local.set $a (call $ws-new))
      (local.set $b (call $ws-new))
      (call $ws-drop (local.get $a))
      (call $ws-drop (local.get $b))
      (i32.sub (local.get $b) (local.get $a))))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "open") (result $s) (canon lift (core func $main "open")))
  (func (export "send") (result u32) (canon lift (core func $main "send")))
  (func (export "close") (canon lift (core func $main "close")))
  (func (export "error-message-length") (result u32) (canon lift (core func $main "error-message-length")))
  (func (export "sets") (result u32) (canon lift (core func $main "sets"))))`;

describe("link: async built-ins from sync-lifted functions", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(WAT));
  });

  it("stream.new/write/drop-writable: the host reads what the guest wrote through a StreamReader", async () => {
    const { exports } = compiled.instantiateSync();
    const reader = exports.open() as StreamReader<number, Uint8Array>;
    const first = reader.read(16);
    // The host read is pending, so the guest's sync write completes at once: COMPLETED (0) with 5 elements.
    expect(exports.send()).toBe((5 << 4) | CopyResult.COMPLETED);
    const got = await first;
    expect(got).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(got)).toBe("hello");
    exports.close();
    expect(await reader.read(16)).toBeUndefined();
  });

  it("error-context.new/debug-message/drop", () => {
    const { exports } = compiled.instantiateSync();
    expect(exports.errorMessageLength()).toBe(new TextEncoder().encode("bad thing ✓").length);
  });

  it("waitable-set.new/drop use the instance's handle table", () => {
    const { exports } = compiled.instantiateSync();
    expect(exports.sets()).toBe(1);
  });
});
