import { describe, expect, it } from "vitest";
import {
  BLOCKED,
  CopyResult,
  EventCode,
  HostFutureReader,
  HostStreamReader,
  futureNew,
  futureWrite,
  futureRead,
  liftFuture,
  liftStream,
  lowerFuture,
  lowerStream,
  newHostFuture,
  newHostStream,
  numericCodec,
  packCopyResult,
  scalarCodec,
  streamDropWritable,
  streamNew,
  streamRead,
  streamWrite,
  u8Codec,
  waitableJoin,
  waitableSetNew,
  waitableSetPoll,
} from "../../src/async/index.js";
import { ends, settle, setup } from "./helpers.js";

describe("host ends as peers of guest ends", () => {
  it("a large host read answered by small guest writes holds only what arrived (its own copy, grown as writes come)", async () => {
    const { inst, bytes, asyncOpts } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    const reader = new HostStreamReader(liftStream(inst, r, u8Codec));
    const got = reader.read(65536);
    bytes().set([7, 8, 9], 0);
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 3)).toBe(packCopyResult(CopyResult.COMPLETED, 3));
    const out = await got;
    const chunk = out.values as Uint8Array;
    expect([...chunk]).toEqual([7, 8, 9]);
    // Not a 64 KiB allocation for three bytes, and not a view of guest memory.
    expect(chunk.buffer.byteLength).toBe(3);
    expect(chunk.buffer).not.toBe(bytes().buffer);

    const more = reader.read(65536);
    bytes().set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0);
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 4)).toBe(packCopyResult(CopyResult.COMPLETED, 4));
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 4, 6)).toBe(packCopyResult(CopyResult.COMPLETED, 6));
    bytes().fill(0, 0, 10);
    expect([...((await more).values as Uint8Array)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("a pending host read collects several guest writes as one chunk", async () => {
    const { inst, bytes, asyncOpts } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    const reader = new HostStreamReader(liftStream(inst, r, u8Codec));
    const got = reader.read(16);
    bytes().set([1, 2, 3, 4, 5, 6], 0);
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 4)).toBe(
      packCopyResult(CopyResult.COMPLETED, 4),
    );
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 4, 2)).toBe(
      packCopyResult(CopyResult.COMPLETED, 2),
    );
    // The guest overwrites its memory right away: the host already holds a copy.
    bytes().fill(0, 0, 6);
    const out = await got;
    expect(out.result).toBe(CopyResult.COMPLETED);
    expect(out.values).toBeInstanceOf(Uint8Array);
    expect([...(out.values as Uint8Array)]).toEqual([1, 2, 3, 4, 5, 6]);
    // Writer gone: the next read reports DROPPED and the reader is done.
    streamDropWritable(inst, u8Codec, w);
    expect((await reader.read(4)).result).toBe(CopyResult.DROPPED);
    await expect(async () => reader.read(4)).rejects.toThrow(/dropped/);
  });

  it("a host read into a caller's buffer fills it in place", async () => {
    const { inst, bytes, asyncOpts } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    const reader = new HostStreamReader(liftStream(inst, r, u8Codec));
    bytes().set([9, 8, 7], 0);
    expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 3)).toBe(BLOCKED);
    const target = new Uint8Array(8);
    const out = await reader.read(8, target);
    expect((out.values as Uint8Array).buffer).toBe(target.buffer);
    expect([...target.subarray(0, 3)]).toEqual([9, 8, 7]);
  });

  it("a host write is consumed by guest reads; the host learns the total taken", async () => {
    const { inst, bytes, asyncOpts, memory, u32 } = setup();
    const { shared, writer } = newHostStream(u8Codec);
    const r = lowerStream(inst, shared);
    const data = new Uint8Array(1000).map((_, k) => k & 0xff);
    const written = writer.write(data);
    expect(streamRead(inst, u8Codec, asyncOpts, r, 0, 600)).toBe(
      packCopyResult(CopyResult.COMPLETED, 600),
    );
    expect(streamRead(inst, u8Codec, asyncOpts, r, 600, 600)).toBe(
      packCopyResult(CopyResult.COMPLETED, 400),
    );
    expect(Buffer.compare(bytes().subarray(0, 1000), data)).toBe(0);
    expect(await written).toEqual({
      result: CopyResult.COMPLETED,
      count: 1000,
    });
    // Host closes: the guest's pending read sees DROPPED.
    expect(streamRead(inst, u8Codec, asyncOpts, r, 0, 10)).toBe(BLOCKED);
    writer.drop();
    const ws = waitableSetNew(inst);
    waitableJoin(inst, r, ws);
    expect(waitableSetPoll(inst, false, memory, ws, 2000)).toBe(
      EventCode.STREAM_READ,
    );
    expect(u32(2004)).toBe(packCopyResult(CopyResult.DROPPED, 0));
  });

  it("cancelling a host write reports the partial count; dropping while pending is refused", async () => {
    const { inst, asyncOpts } = setup();
    const codec = scalarCodec("u32");
    const { shared, writer } = newHostStream(codec);
    const r = lowerStream(inst, shared);
    const pending = writer.write([1, 2, 3, 4]);
    expect(() => writer.drop()).toThrow(
      /cannot drop while an operation is pending/,
    );
    expect(streamRead(inst, codec, asyncOpts, r, 0, 1)).toBe(
      packCopyResult(CopyResult.COMPLETED, 1),
    );
    writer.cancel();
    expect(await pending).toEqual({ result: CopyResult.COMPLETED, count: 1 });
    const second = writer.write([5]);
    writer.cancel();
    expect(await second).toEqual({ result: CopyResult.CANCELLED, count: 0 });
    expect(() => writer.write([6])).not.toThrow();
  });

  it("futures between host and guest", async () => {
    const { inst, memory, asyncOpts } = setup();
    const codec = scalarCodec("u32");
    // Host writes, guest reads.
    const { shared, writer } = newHostFuture(codec);
    const r = lowerFuture(inst, shared);
    const sent = writer.write(1234);
    expect(futureRead(inst, codec, asyncOpts, r, 8)).toBe(CopyResult.COMPLETED);
    expect(new DataView(memory.buffer).getUint32(8, true)).toBe(1234);
    expect(await sent).toEqual({ result: CopyResult.COMPLETED });
    writer.drop();
    // Guest writes, host reads.
    const f = ends(futureNew(inst, codec));
    const reader = new HostFutureReader(liftFuture(inst, f.r, codec));
    const value = reader.read();
    new DataView(memory.buffer).setUint32(16, 99, true);
    expect(futureWrite(inst, codec, asyncOpts, f.w, 16)).toBe(
      CopyResult.COMPLETED,
    );
    expect(await value).toEqual({ result: CopyResult.COMPLETED, value: 99 });
    await settle();
  });

  it("number streams move typed-array chunks both ways", async () => {
    const { inst, memory, asyncOpts } = setup();
    const f64 = numericCodec("f64");
    const { r, w } = ends(streamNew(inst, f64));
    const reader = new HostStreamReader(liftStream(inst, r, f64));
    const got = reader.read(8);
    new Float64Array(memory.buffer, 64, 3).set([0.5, -1, Math.PI]);
    expect(streamWrite(inst, f64, asyncOpts, w, 64, 3)).toBe(
      packCopyResult(CopyResult.COMPLETED, 3),
    );
    const out = await got;
    expect(out.values).toBeInstanceOf(Float64Array);
    expect([...(out.values as Float64Array)]).toEqual([0.5, -1, Math.PI]);

    const u64 = numericCodec("u64");
    const { shared, writer } = newHostStream(u64);
    const gr = lowerStream(inst, shared);
    const sent = writer.write([1n, 2n ** 63n]);
    expect(streamRead(inst, u64, asyncOpts, gr, 128, 4)).toBe(
      packCopyResult(CopyResult.COMPLETED, 2),
    );
    expect([...new BigUint64Array(memory.buffer, 128, 2)]).toEqual([
      1n,
      2n ** 63n,
    ]);
    expect(await sent).toEqual({ result: CopyResult.COMPLETED, count: 2 });
  });

  it("a host future writer may not drop before writing", () => {
    const { writer } = newHostFuture(u8Codec);
    expect(() => writer.drop()).toThrow(/before the value was written/);
  });
});
