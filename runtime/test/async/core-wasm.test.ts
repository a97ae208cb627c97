/**
 * End to end with real core wasm (no component, no JSPI): a callback-lifted
 * export `upper(in: stream<u8>) -> stream<u8>` written in WAT that reads
 * chunks, upper-cases them and writes them out, driven by the store's
 * event loop while the host feeds and drains the streams.
 */
import { parse } from "@bytecodealliance/jco";
import { describe, expect, it } from "vitest";
import {
  CopyResult,
  HostStreamReader,
  assertQuiescent,
  liftStream,
  lowerStream,
  newHostStream,
  streamDropReadable,
  streamDropWritable,
  streamNew,
  streamRead,
  streamWrite,
  taskReturn,
  u8Codec,
  waitableJoin,
  waitableSetDrop,
  waitableSetNew,
  type CopyOptions,
} from "../../src/async/index.js";
import { callFromHost, liftFunction } from "../../src/task/index.js";
import { setup } from "./helpers.js";

const WAT = `
(module
  (import "canon" "stream.new" (func $stream_new (result i64)))
  (import "canon" "stream.read" (func $stream_read (param i32 i32 i32) (result i32)))
  (import "canon" "stream.write" (func $stream_write (param i32 i32 i32) (result i32)))
  (import "canon" "stream.drop-readable" (func $drop_r (param i32)))
  (import "canon" "stream.drop-writable" (func $drop_w (param i32)))
  (import "canon" "waitable-set.new" (func $ws_new (result i32)))
  (import "canon" "waitable-set.drop" (func $ws_drop (param i32)))
  (import "canon" "waitable.join" (func $join (param i32 i32)))
  (import "canon" "task.return" (func $task_return (param i32)))
  (memory (export "memory") 1)
  (global $in (mut i32) (i32.const 0))
  (global $out (mut i32) (i32.const 0))
  (global $ws (mut i32) (i32.const 0))
  (global $off (mut i32) (i32.const 0))
  (global $len (mut i32) (i32.const 0))

  (func $wait (result i32) (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))

  (func $finish (result i32)
    (call $join (global.get $in) (i32.const 0))
    (call $join (global.get $out) (i32.const 0))
    (call $ws_drop (global.get $ws))
    (call $drop_r (global.get $in))
    (call $drop_w (global.get $out))
    (i32.const 0))

  (func $upper (param $n i32) (local $i i32) (local $c i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $c (i32.load8_u offset=1024 (local.get $i)))
      (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
        (then (i32.store8 offset=1024 (local.get $i) (i32.sub (local.get $c) (i32.const 32)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; Write buffer[off..off+len]: 0 when all written, else the callback code to return.
  (func $write_pending (result i32) (local $r i32)
    (loop $l
      (if (i32.eqz (global.get $len)) (then (return (i32.const 0))))
      (local.set $r (call $stream_write (global.get $out)
        (i32.add (i32.const 1024) (global.get $off)) (global.get $len)))
      (if (i32.eq (local.get $r) (i32.const -1)) (then (return (call $wait))))
      (if (i32.eq (i32.and (local.get $r) (i32.const 15)) (i32.const 1)) (then (return (call $finish))))
      (call $advance (i32.shr_u (local.get $r) (i32.const 4)))
      (br $l))
    (unreachable))

  (func $advance (param $n i32)
    (global.set $off (i32.add (global.get $off) (local.get $n)))
    (global.set $len (i32.sub (global.get $len) (local.get $n))))

  (func $got (param $n i32) (result i32)
    (call $upper (local.get $n))
    (global.set $off (i32.const 0))
    (global.set $len (local.get $n))
    (call $write_pending))

  ;; Read and forward until something blocks; returns the callback code.
  (func $pump (result i32) (local $r i32)
    (loop $l
      (local.set $r (call $stream_read (global.get $in) (i32.const 1024) (i32.const 256)))
      (if (i32.eq (local.get $r) (i32.const -1)) (then (return (call $wait))))
      (if (i32.eq (i32.and (local.get $r) (i32.const 15)) (i32.const 1)) (then (return (call $finish))))
      (local.set $r (call $got (i32.shr_u (local.get $r) (i32.const 4))))
      (if (local.get $r) (then (return (local.get $r))))
      (br $l))
    (unreachable))

  (func (export "upper") (param $in i32) (result i32) (local $p i64)
    (global.set $in (local.get $in))
    (local.set $p (call $stream_new))
    (global.set $out (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32))))
    (call $task_return (i32.wrap_i64 (local.get $p)))
    (global.set $ws (call $ws_new))
    (call $join (global.get $in) (global.get $ws))
    (call $join (global.get $out) (global.get $ws))
    (call $pump))

  (func (export "upper-callback") (param $event i32) (param $p1 i32) (param $p2 i32) (result i32) (local $r i32)
    (if (i32.eq (i32.and (local.get $p2) (i32.const 15)) (i32.const 1)) (then (return (call $finish))))
    (if (i32.eq (local.get $event) (i32.const 2))
      (then
        (local.set $r (call $got (i32.shr_u (local.get $p2) (i32.const 4))))
        (if (local.get $r) (then (return (local.get $r))))
        (return (call $pump))))
    (if (i32.eq (local.get $event) (i32.const 3))
      (then
        (call $advance (i32.shr_u (local.get $p2) (i32.const 4)))
        (local.set $r (call $write_pending))
        (if (local.get $r) (then (return (local.get $r))))
        (return (call $pump))))
    (unreachable))
)`;

describe("a callback-lifted core wasm export on Node's event loop", () => {
  it("upper-cases a byte stream chunk by chunk", async () => {
    const env = setup("upper");
    const { inst } = env;
    let memory!: WebAssembly.Memory;
    const opts = (): CopyOptions => ({ async: true, memory });
    const canon = {
      "stream.new": () => streamNew(inst, u8Codec),
      "stream.read": (i: number, ptr: number, n: number) =>
        streamRead(inst, u8Codec, opts(), i, ptr, n),
      "stream.write": (i: number, ptr: number, n: number) =>
        streamWrite(inst, u8Codec, opts(), i, ptr, n),
      "stream.drop-readable": (i: number) =>
        streamDropReadable(inst, u8Codec, i),
      "stream.drop-writable": (i: number) =>
        streamDropWritable(inst, u8Codec, i),
      "waitable-set.new": () => waitableSetNew(inst),
      "waitable-set.drop": (i: number) => waitableSetDrop(inst, i),
      "waitable.join": (w: number, s: number) => waitableJoin(inst, w, s),
      "task.return": (i: number) =>
        taskReturn(
          inst,
          {
            resultTypeKey: "stream<u8>",
            memory,
            lift: ([h]) => [liftStream(inst, Number(h), u8Codec)],
          },
          [i],
        ),
    };
    const module = await WebAssembly.compile(
      (await parse(WAT)) as Uint8Array<ArrayBuffer>,
    );
    const instance = await WebAssembly.instantiate(module, { canon });
    const exports = instance.exports as {
      memory: WebAssembly.Memory;
      upper: (i: number) => number;
      "upper-callback": (e: number, p1: number, p2: number) => number;
    };
    memory = exports.memory;
    const upper = liftFunction({
      inst,
      ft: { async: true, resultTypeKey: "stream<u8>", name: "upper" },
      opts: { async: true, memory, callback: exports["upper-callback"] },
      core: exports.upper as (...a: (number | bigint)[]) => unknown,
      lowerParams: (_task, [input]) => [lowerStream(inst, input as never)],
    });

    const input = newHostStream(u8Codec);
    const [output] = (await callFromHost(upper, [input.shared]).result)!;
    const reader = new HostStreamReader(output as never);

    const text = "the quick brown fox jumps over the lazy dog. ".repeat(20); // 900 bytes: several 256-byte chunks
    const produce = (async () => {
      const bytes = new TextEncoder().encode(text);
      for (let at = 0; at < bytes.length;) {
        const { result, count } = await input.writer.write(
          bytes.subarray(at, at + 300),
        );
        expect(result).toBe(CopyResult.COMPLETED);
        at += count;
      }
      input.writer.drop();
    })();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { result, values } = await reader.read(4096);
      chunks.push(values as Uint8Array);
      if (result === CopyResult.DROPPED) break;
    }
    await produce;
    reader.drop();
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe(
      text.toUpperCase(),
    );
    expect(chunks.length).toBeGreaterThan(2);
    assertQuiescent(inst);
  });
});
