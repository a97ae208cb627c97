import { describe, expect, it } from "vitest";
import {
  BLOCKED,
  CopyResult,
  EventCode,
  packCopyResult,
  scalarCodec,
  streamCancelRead,
  streamCancelWrite,
  streamDropReadable,
  streamDropWritable,
  streamNew,
  streamRead,
  streamWrite,
  u8Codec,
  unpackCopyResult,
  waitableJoin,
  waitableSetNew,
  waitableSetPoll,
  debugState,
  assertQuiescent,
  waitableSetDrop,
} from "../../src/async/index.js";
import { ends, setup } from "./helpers.js";

describe("stream rendezvous copies (CanonicalABI.md canon stream.{read,write})", () => {
  it("a pending write is drained by several partial reads, and the writer's event reports the total", () => {
    const { inst, bytes, asyncOpts, u32, memory } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    bytes().set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100);
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 100, 10)).toBe(BLOCKED);

    expect(streamRead(inst, u8Codec, asyncOpts, r, 200, 4)).toBe(
      packCopyResult(CopyResult.COMPLETED, 4),
    );
    expect([...bytes().subarray(200, 204)]).toEqual([1, 2, 3, 4]);
    // The writer's buffer stays pending until its event is taken, so the next read continues from it.
    expect(streamRead(inst, u8Codec, asyncOpts, r, 300, 100)).toBe(
      packCopyResult(CopyResult.COMPLETED, 6),
    );
    expect([...bytes().subarray(300, 306)]).toEqual([5, 6, 7, 8, 9, 10]);

    const ws = waitableSetNew(inst);
    waitableJoin(inst, w, ws);
    expect(waitableSetPoll(inst, false, memory, ws, 16)).toBe(
      EventCode.STREAM_WRITE,
    );
    expect(u32(16)).toBe(w);
    expect(unpackCopyResult(u32(20))).toEqual({
      result: CopyResult.COMPLETED,
      progress: 10,
    });
    // Nothing more is pending.
    expect(waitableSetPoll(inst, false, memory, ws, 16)).toBe(EventCode.NONE);
    waitableJoin(inst, w, 0);
    waitableSetDrop(inst, ws);
    streamDropWritable(inst, u8Codec, w);
    streamDropReadable(inst, u8Codec, r);
    assertQuiescent(inst);
  });

  it("a pending read is filled by a smaller write; the reader's event counts what arrived", () => {
    const { inst, bytes, asyncOpts, u32, memory } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    expect(streamRead(inst, u8Codec, asyncOpts, r, 500, 64)).toBe(BLOCKED);
    expect(debugState(inst).pendingCopies).toBe(1);
    bytes().set([42, 43, 44], 8);
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 8, 3)).toBe(
      packCopyResult(CopyResult.COMPLETED, 3),
    );
    const ws = waitableSetNew(inst);
    waitableJoin(inst, r, ws);
    expect(waitableSetPoll(inst, false, memory, ws, 0)).toBe(
      EventCode.STREAM_READ,
    );
    expect(u32(0)).toBe(r);
    expect(u32(4)).toBe(packCopyResult(CopyResult.COMPLETED, 3));
    expect([...bytes().subarray(500, 503)]).toEqual([42, 43, 44]);
    expect(debugState(inst).pendingCopies).toBe(0);
  });

  it("moves multi-byte elements with the generic codec and reports element (not byte) counts", () => {
    const { inst, memory, asyncOpts } = setup();
    const codec = scalarCodec("u32");
    const { r, w } = ends(streamNew(inst, codec));
    const view = new DataView(memory.buffer);
    [7, 0xdeadbeef, 9].forEach((v, k) => view.setUint32(64 + 4 * k, v, true));
    expect(streamWrite(inst, codec, asyncOpts, w, 64, 3)).toBe(BLOCKED);
    expect(streamRead(inst, codec, asyncOpts, r, 128, 2)).toBe(
      packCopyResult(CopyResult.COMPLETED, 2),
    );
    expect([view.getUint32(128, true), view.getUint32(132, true)]).toEqual([
      7, 0xdeadbeef,
    ]);
  });

  it("zero-length reads and writes rendezvous without moving data (readiness probes)", () => {
    const { inst, asyncOpts, memory, u32 } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    // A zero-length read waits for a writer...
    expect(streamRead(inst, u8Codec, asyncOpts, r, 0, 0)).toBe(BLOCKED);
    // ...a zero-length write meeting it completes at once and leaves the reader pending.
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 0)).toBe(
      packCopyResult(CopyResult.COMPLETED, 0),
    );
    expect(debugState(inst).pendingCopies).toBe(1);
    // A non-empty write completes the zero-length read (COMPLETED, 0) and parks in its place.
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 5)).toBe(BLOCKED);
    const ws = waitableSetNew(inst);
    waitableJoin(inst, r, ws);
    expect(waitableSetPoll(inst, false, memory, ws, 8)).toBe(
      EventCode.STREAM_READ,
    );
    expect(u32(12)).toBe(packCopyResult(CopyResult.COMPLETED, 0));
  });

  it("cancelling a pending read reports CANCELLED with the count copied so far", () => {
    const { inst, asyncOpts, memory, u32 } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    expect(streamRead(inst, u8Codec, asyncOpts, r, 0, 10)).toBe(BLOCKED);
    expect(streamCancelRead(inst, u8Codec, false, r)).toBe(
      packCopyResult(CopyResult.CANCELLED, 0),
    );
    // The end is idle again: a new read works.
    expect(streamRead(inst, u8Codec, asyncOpts, r, 0, 10)).toBe(BLOCKED);
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 100, 4)).toBe(
      packCopyResult(CopyResult.COMPLETED, 4),
    );
    // The copy already happened, so cancelling returns the COMPLETED event with its count.
    expect(streamCancelRead(inst, u8Codec, false, r)).toBe(
      packCopyResult(CopyResult.COMPLETED, 4),
    );
    expect(memory.buffer.byteLength).toBeGreaterThan(0);
    void u32;
  });

  it("cancelling a partially consumed write reports COMPLETED with the partial count", () => {
    const { inst, asyncOpts } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 10)).toBe(BLOCKED);
    expect(streamRead(inst, u8Codec, asyncOpts, r, 100, 3)).toBe(
      packCopyResult(CopyResult.COMPLETED, 3),
    );
    expect(streamCancelWrite(inst, u8Codec, true, w)).toBe(
      packCopyResult(CopyResult.COMPLETED, 3),
    );
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 10)).toBe(BLOCKED);
    expect(streamCancelWrite(inst, u8Codec, true, w)).toBe(
      packCopyResult(CopyResult.CANCELLED, 0),
    );
  });

  it("dropping the readable end reports DROPPED to a pending writer and to later writes", () => {
    const { inst, asyncOpts, memory, u32 } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 10)).toBe(BLOCKED);
    streamDropReadable(inst, u8Codec, r);
    const ws = waitableSetNew(inst);
    waitableJoin(inst, w, ws);
    expect(waitableSetPoll(inst, false, memory, ws, 0)).toBe(
      EventCode.STREAM_WRITE,
    );
    expect(u32(4)).toBe(packCopyResult(CopyResult.DROPPED, 0));
    expect(() => streamWrite(inst, u8Codec, asyncOpts, w, 0, 1)).toThrow(
      /is done/,
    );
  });

  it("a write to an already dropped reader reports DROPPED at once", () => {
    const { inst, asyncOpts } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    streamDropReadable(inst, u8Codec, r);
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 4)).toBe(
      packCopyResult(CopyResult.DROPPED, 0),
    );
  });

  it("byte streams copy large chunks in one step", () => {
    const { inst, bytes, asyncOpts } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    const data = bytes().subarray(0, 30000);
    for (let k = 0; k < data.length; k++) data[k] = k % 251;
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 30000)).toBe(BLOCKED);
    expect(streamRead(inst, u8Codec, asyncOpts, r, 32768, 30000)).toBe(
      packCopyResult(CopyResult.COMPLETED, 30000),
    );
    expect(Buffer.compare(bytes().subarray(32768, 32768 + 30000), data)).toBe(
      0,
    );
  });
});
