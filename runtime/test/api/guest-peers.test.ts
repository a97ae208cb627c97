import { describe, expect, it } from "vitest";
import type { AbiType } from "../../src/abi/index.js";
import { AbiValueError } from "../../src/trap.js";
import {
  AsyncUsageError,
  BackgroundScope,
  StreamClosedError,
  errorContext,
  future,
  type ErrorContext,
  stream,
  type FutureReader,
  type StreamReader,
} from "../../src/api/index.js";
import {
  BLOCKED,
  CopyResult,
  EventCode,
  assertQuiescent,
  debugState,
  futureDropReadable,
  futureDropWritable,
  futureNew,
  futureRead,
  futureWrite,
  packCopyResult,
  streamCancelRead,
  streamDropReadable,
  streamDropWritable,
  streamNew,
  streamRead,
  streamWrite,
  unpackCopyResult,
  waitableJoin,
  waitableSetDrop,
  waitableSetNew,
  waitableSetPoll,
} from "../../src/async/index.js";
import { ends, settle } from "../async/helpers.js";
import { futureOf, guest, streamOf, u8T } from "./helpers.js";

/** Poll one event for handle `i` through a fresh waitable set, leaving nothing behind. */
function pollEvent(g: ReturnType<typeof guest>, i: number): { code: number; result: number; progress: number } {
  const ws = waitableSetNew(g.inst);
  waitableJoin(g.inst, i, ws);
  const code = waitableSetPoll(g.inst, false, g.memory, ws, 2000);
  waitableJoin(g.inst, i, 0);
  waitableSetDrop(g.inst, ws);
  return { code, ...unpackCopyResult(g.u32(2004)) };
}

describe("a host StreamReader over a guest's writable end", () => {
  it("reads what the guest writes, sees the end, and leaves no handles", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const { r, w } = ends(streamNew(g.inst, codec));
    // The component returns its readable end: the hooks lift it into a StreamReader.
    const reader = g.hooks.liftStream(g.cx, r, streamOf(u8T)) as StreamReader<number, Uint8Array>;
    g.bytes().set([1, 2, 3, 4, 5], 100);
    expect(streamWrite(g.inst, codec, g.copyOpts, w, 100, 5)).toBe(BLOCKED);
    const got = await reader.read();
    expect(got).toBeInstanceOf(Uint8Array);
    expect([...got!]).toEqual([1, 2, 3, 4, 5]);
    expect(pollEvent(g, w)).toEqual({ code: EventCode.STREAM_WRITE, result: CopyResult.COMPLETED, progress: 5 });
    streamDropWritable(g.inst, codec, w);
    expect(await reader.read()).toBeUndefined();
    reader.close();
    assertQuiescent(g.inst);
  });

  it("64 KiB guest writes arrive as 64 KiB chunks", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const { r, w } = ends(streamNew(g.inst, codec));
    const reader = g.hooks.liftStream(g.cx, r, streamOf(u8T)) as StreamReader<number, Uint8Array>;
    const size = 64 * 1024;
    let total = 0;
    for (let k = 0; k < 8; k++) {
      g.bytes().fill(k, 0, size);
      const pending = reader.read();
      expect(streamWrite(g.inst, codec, g.copyOpts, w, 0, size)).toBe(packCopyResult(CopyResult.COMPLETED, size));
      const c = (await pending)!;
      expect(c.length).toBe(size);
      expect(c[size - 1]).toBe(k);
      total += c.length;
    }
    expect(total).toBe(8 * size);
    streamDropWritable(g.inst, codec, w);
    reader.close();
    assertQuiescent(g.inst);
  });

  it("records from the guest arrive as objects; iteration yields them one by one", async () => {
    const g = guest();
    const point: AbiType = {
      kind: "record",
      fields: [
        { name: "x", type: { kind: "u32" } },
        { name: "y", type: { kind: "string" } },
      ],
    };
    const codec = g.codecOf(point);
    const { r, w } = ends(streamNew(g.inst, codec));
    const reader = g.hooks.liftStream(g.cx, r, streamOf(point)) as StreamReader<{ x: number; y: string }>;
    // Two records at 64: { x, y: (ptr,len) } each 12 bytes, strings at 512.
    const dv = new DataView(g.memory.buffer);
    g.bytes().set(new TextEncoder().encode("hiyo"), 512);
    dv.setUint32(64, 1, true);
    dv.setUint32(68, 512, true);
    dv.setUint32(72, 2, true);
    dv.setUint32(76, 2, true);
    dv.setUint32(80, 514, true);
    dv.setUint32(84, 2, true);
    expect(streamWrite(g.inst, codec, g.copyOpts, w, 64, 2)).toBe(BLOCKED);
    const seen: unknown[] = [];
    const iterating = (async () => {
      for await (const p of reader) seen.push(p);
    })();
    await settle();
    expect(pollEvent(g, w)).toEqual({ code: EventCode.STREAM_WRITE, result: CopyResult.COMPLETED, progress: 2 });
    streamDropWritable(g.inst, codec, w);
    await iterating;
    expect(seen).toEqual([
      { x: 1, y: "hi" },
      { x: 2, y: "yo" },
    ]);
    assertQuiescent(g.inst);
  });

  it("closing the host reader while the guest writes: the guest sees DROPPED", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const { r, w } = ends(streamNew(g.inst, codec));
    const reader = g.hooks.liftStream(g.cx, r, streamOf(u8T)) as StreamReader<number, Uint8Array>;
    expect(streamWrite(g.inst, codec, g.copyOpts, w, 0, 10)).toBe(BLOCKED);
    reader.close();
    expect(pollEvent(g, w)).toEqual({ code: EventCode.STREAM_WRITE, result: CopyResult.DROPPED, progress: 0 });
    streamDropWritable(g.inst, codec, w);
    assertQuiescent(g.inst);
  });

  it("closing with a read pending cancels it; the end is released once it settled", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const { r, w } = ends(streamNew(g.inst, codec));
    const reader = g.hooks.liftStream(g.cx, r, streamOf(u8T)) as StreamReader<number, Uint8Array>;
    const pending = reader.read();
    reader.close();
    expect((await pending)!.length).toBe(0);
    await settle();
    // The guest's write now meets a dropped reader.
    expect(streamWrite(g.inst, codec, g.copyOpts, w, 0, 4)).toBe(packCopyResult(CopyResult.DROPPED, 0));
    streamDropWritable(g.inst, codec, w);
    assertQuiescent(g.inst);
  });

  it("a web ReadableStream over a guest byte stream serves BYOB readers", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const { r, w } = ends(streamNew(g.inst, codec));
    const reader = g.hooks.liftStream(g.cx, r, streamOf(u8T)) as StreamReader<number, Uint8Array>;
    const rs = reader.toReadableStream() as unknown as ReadableStream<Uint8Array>;
    const byob = (rs as any).getReader({ mode: "byob" });
    g.bytes().set([7, 8, 9], 0);
    expect(streamWrite(g.inst, codec, g.copyOpts, w, 0, 3)).toBe(BLOCKED);
    const { value, done } = await byob.read(new Uint8Array(16));
    expect(done).toBe(false);
    expect([...value]).toEqual([7, 8, 9]);
    expect(pollEvent(g, w).progress).toBe(3);
    streamDropWritable(g.inst, codec, w);
    const end = await byob.read(new Uint8Array(16));
    expect(end.done).toBe(true);
    assertQuiescent(g.inst);
    await expect(reader.read()).rejects.toThrow(/closed|consumed/);
  });
});

describe("a host StreamWriter into a guest's readable end", () => {
  it("stream() binds its element type when the reader is lowered; guest reads in parts", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const { reader, writer } = stream<number, Uint8Array>();
    const ri = g.hooks.lowerStream(g.cx, reader, streamOf(u8T));
    const data = new Uint8Array(1000).map((_, k) => k & 0xff);
    const all = writer.writeAll(data);
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 600)).toBe(packCopyResult(CopyResult.COMPLETED, 600));
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 600, 600)).toBe(packCopyResult(CopyResult.COMPLETED, 400));
    await all;
    expect(Buffer.compare(g.bytes().subarray(0, 1000), data)).toBe(0);
    // The host closes: the guest's next read sees DROPPED.
    writer.close();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 10)).toBe(packCopyResult(CopyResult.DROPPED, 0));
    streamDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
    // The JS reader moved into the component.
    await expect(reader.read()).rejects.toThrow(/StreamReader.read: the reader was passed into a component/);
  });

  it("an array written to stream() before the reader is lowered waits for the component's element type", async () => {
    const g = guest();
    const u32: AbiType = { kind: "u32" };
    const codec = g.codecOf(u32);
    const { reader, writer } = stream<number, Uint32Array>();
    const all = writer.writeAll([7, 8, 9]);
    await settle();
    const ri = g.hooks.lowerStream(g.cx, reader, streamOf(u32));
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 64, 8)).toBe(packCopyResult(CopyResult.COMPLETED, 3));
    expect([...new Uint32Array(g.memory.buffer, 64, 3)]).toEqual([7, 8, 9]);
    await all;
    writer.close();
    streamDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
  });

  it("a partial write: the guest reads 3 of 8, write() resolves 3", async () => {
    const g = guest();
    const u32: AbiType = { kind: "u32" };
    const codec = g.codecOf(u32);
    const { reader, writer } = stream<number, Uint32Array>("u32");
    const ri = g.hooks.lowerStream(g.cx, reader, streamOf(u32));
    const wrote = writer.write(Uint32Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 64, 3)).toBe(packCopyResult(CopyResult.COMPLETED, 3));
    expect(await wrote).toBe(3);
    expect([...new Uint32Array(g.memory.buffer, 64, 3)]).toEqual([1, 2, 3]);
    writer.close();
    streamDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
  });

  it("the guest dropping its readable end makes writeAll reject with the count", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const { reader, writer } = stream<number, Uint8Array>();
    const ri = g.hooks.lowerStream(g.cx, reader, streamOf(u8T));
    const all = writer.writeAll(new Uint8Array(10));
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 4)).toBe(packCopyResult(CopyResult.COMPLETED, 4));
    await settle();
    streamDropReadable(g.inst, codec, ri);
    const err = await all.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamClosedError);
    expect((err as StreamClosedError).written).toBe(4);
    writer.close();
    assertQuiescent(g.inst);
  });

  it("a guest read cancelled before the host writes", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const ri = g.hooks.lowerStream(g.cx, reader, streamOf(u8T));
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 8)).toBe(BLOCKED);
    expect(debugState(g.inst).pendingCopies).toBe(1);
    expect(streamCancelRead(g.inst, codec, true, ri)).toBe(packCopyResult(CopyResult.CANCELLED, 0));
    const wrote = writer.write(Uint8Array.of(5));
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 8)).toBe(packCopyResult(CopyResult.COMPLETED, 1));
    expect(await wrote).toBe(1);
    writer.close();
    streamDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
  });

  it("a plain array passed where a stream<u32> is expected is pumped in the background", async () => {
    const g = guest();
    const u32: AbiType = { kind: "u32" };
    const codec = g.codecOf(u32);
    const ri = g.hooks.lowerStream(g.cx, [10, 20, 30], streamOf(u32));
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 64, 8)).toBe(packCopyResult(CopyResult.COMPLETED, 3));
    expect([...new Uint32Array(g.memory.buffer, 64, 3)]).toEqual([10, 20, 30]);
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 64, 8)).toBe(packCopyResult(CopyResult.DROPPED, 0));
    streamDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
  });

  it("a Uint8Array passed where a stream<u8> is expected is one chunk, copied in one go", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const data = new Uint8Array(60_000).map((_, k) => (k * 7) & 0xff);
    const ri = g.hooks.lowerStream(g.cx, data, streamOf(u8T));
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 65_000)).toBe(packCopyResult(CopyResult.COMPLETED, 60_000));
    expect(Buffer.compare(g.bytes().subarray(0, 60_000), data)).toBe(0);
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 8)).toBe(packCopyResult(CopyResult.DROPPED, 0));
    streamDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
  });

  it("a source failing after it was passed into a component is reported to the scope", async () => {
    const g = guest();
    const codec = g.codecOf(u8T);
    const errors: unknown[] = [];
    const scope = new BackgroundScope({ name: "call", onError: (e) => errors.push(e) });
    async function* gen() {
      yield Uint8Array.of(1);
      throw new Error("upstream broke");
    }
    const ri = scope.run(() => g.hooks.lowerStream(g.cx, gen(), streamOf(u8T)));
    await settle();
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 8)).toBe(packCopyResult(CopyResult.COMPLETED, 1));
    await scope.idle();
    expect(errors.map(String)).toEqual(["Error: upstream broke"]);
    expect(streamRead(g.inst, codec, g.copyOpts, ri, 0, 8)).toBe(packCopyResult(CopyResult.DROPPED, 0));
    streamDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
  });

  it("lowering a reader of another element type, or twice, is a value error (the call names the parameter)", () => {
    const g = guest();
    const { reader } = stream<number, Uint32Array>("u32");
    const error = (() => {
      try {
        g.hooks.lowerStream(g.cx, reader, streamOf(u8T));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AbiValueError);
    expect((error as Error).message).toBe("the stream carries u32 elements, the component expects u8");
    expect((error as Error).cause).toBeInstanceOf(AsyncUsageError);
    const b = stream<number, Uint8Array>("u8");
    g.hooks.lowerStream(g.cx, b.reader, streamOf(u8T));
    expect(() => g.hooks.lowerStream(g.cx, b.reader, streamOf(u8T))).toThrow(/passed into a component/);
  });
});

describe("futures between host and guest", () => {
  it("a guest future is awaited on the host", async () => {
    const g = guest();
    const u32: AbiType = { kind: "u32" };
    const codec = g.codecOf(u32);
    const { r, w } = ends(futureNew(g.inst, codec));
    const fut = g.hooks.liftFuture(g.cx, r, futureOf(u32)) as FutureReader<number>;
    new DataView(g.memory.buffer).setUint32(16, 4242, true);
    expect(futureWrite(g.inst, codec, g.copyOpts, w, 16)).toBe(BLOCKED);
    expect(await fut).toBe(4242);
    expect(await fut).toBe(4242);
    expect(pollEvent(g, w)).toMatchObject({ code: EventCode.FUTURE_WRITE, result: CopyResult.COMPLETED });
    futureDropWritable(g.inst, codec, w);
    assertQuiescent(g.inst);
  });

  it("a host future() lowered into the guest; write() resolves true once taken", async () => {
    const g = guest();
    const str: AbiType = { kind: "string" };
    const codec = g.codecOf(str);
    const { reader, writer } = future<string>();
    const ri = g.hooks.lowerFuture(g.cx, reader, futureOf(str));
    expect(futureRead(g.inst, codec, g.copyOpts, ri, 32)).toBe(BLOCKED);
    // The guest needs a realloc for the string: give the context a bump allocator.
    let next = 1024;
    (g.cx.opts as { realloc?: unknown }).realloc = (_o: number, _s: number, _a: number, n: number) => {
      const p = next;
      next += n;
      return p;
    };
    expect(await writer.write("héllo")).toBe(true);
    expect(pollEvent(g, ri)).toMatchObject({ code: EventCode.FUTURE_READ, result: CopyResult.COMPLETED });
    const dv = new DataView(g.memory.buffer);
    const ptr = dv.getUint32(32, true);
    const len = dv.getUint32(36, true);
    expect(new TextDecoder().decode(g.bytes().subarray(ptr, ptr + len))).toBe("héllo");
    futureDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
    await expect(writer.write("again")).rejects.toThrow(/FutureWriter.write: a value was already written/);
  });

  it("a promise passed as a future<u32> is written when it resolves", async () => {
    const g = guest();
    const u32: AbiType = { kind: "u32" };
    const codec = g.codecOf(u32);
    const ri = g.hooks.lowerFuture(g.cx, Promise.resolve(77), futureOf(u32));
    await settle();
    expect(futureRead(g.inst, codec, g.copyOpts, ri, 8)).toBe(CopyResult.COMPLETED);
    expect(g.u32(8)).toBe(77);
    futureDropReadable(g.inst, codec, ri);
    assertQuiescent(g.inst);
  });

  it("a rejected promise passed as a future is reported, not swallowed", async () => {
    const g = guest();
    const errors: unknown[] = [];
    const scope = new BackgroundScope({ onError: (e) => errors.push(e) });
    const ri = scope.run(() =>
      g.hooks.lowerFuture(g.cx, Promise.reject(new Error("no value")), futureOf({ kind: "u32" })),
    );
    await scope.idle();
    expect(errors.map(String)).toEqual(["Error: no value"]);
    void ri;
  });

  it("a host reader disposed while awaiting: the await rejects, the guest writer sees DROPPED", async () => {
    const g = guest();
    const u32: AbiType = { kind: "u32" };
    const codec = g.codecOf(u32);
    const { r, w } = ends(futureNew(g.inst, codec));
    const fut = g.hooks.liftFuture(g.cx, r, futureOf(u32)) as FutureReader<number>;
    const awaited = Promise.resolve(fut).catch((e: unknown) => e);
    await settle();
    fut[Symbol.dispose]();
    expect(String(await awaited)).toMatch(/CancelledError/);
    await settle();
    expect(futureWrite(g.inst, codec, g.copyOpts, w, 16)).toBe(CopyResult.DROPPED);
    futureDropWritable(g.inst, codec, w);
    assertQuiescent(g.inst);
  });
});

describe("error-context values through the hooks", () => {
  it("a host error-context lowered into the guest and lifted back keeps its message", () => {
    const g = guest();
    const i = g.hooks.lowerErrorContext(g.cx, errorContext("disk full"));
    expect(debugState(g.inst).handles["error-context"]).toBe(1);
    const back = g.hooks.liftErrorContext(g.cx, i) as ErrorContext;
    expect(back.debugMessage).toBe("disk full");
  });
});

describe("the host between two components", () => {
  it("pipeTo moves a guest's byte stream into another guest, chunk by chunk", async () => {
    const a = guest("a");
    const b = guest("b", a.store);
    const codecA = a.codecOf(u8T);
    const codecB = b.codecOf(u8T);
    const { r, w } = ends(streamNew(a.inst, codecA));
    const fromA = a.hooks.liftStream(a.cx, r, streamOf(u8T)) as StreamReader<number, Uint8Array>;
    const { reader, writer } = stream<number, Uint8Array>();
    const rb = b.hooks.lowerStream(b.cx, reader, streamOf(u8T));
    const piping = fromA.pipeTo(writer);
    a.bytes().set([1, 2, 3, 4], 0);
    // pipeTo's read is already waiting: the guest's write completes at once.
    expect(streamWrite(a.inst, codecA, a.copyOpts, w, 0, 4)).toBe(packCopyResult(CopyResult.COMPLETED, 4));
    await settle();
    expect(streamRead(b.inst, codecB, b.copyOpts, rb, 100, 16)).toBe(packCopyResult(CopyResult.COMPLETED, 4));
    expect([...b.bytes().subarray(100, 104)]).toEqual([1, 2, 3, 4]);
    streamDropWritable(a.inst, codecA, w);
    await piping;
    expect(streamRead(b.inst, codecB, b.copyOpts, rb, 100, 16)).toBe(packCopyResult(CopyResult.DROPPED, 0));
    streamDropReadable(b.inst, codecB, rb);
    assertQuiescent(a.inst);
    assertQuiescent(b.inst);
  });
});

describe("no per-element work for number payloads", () => {
  it("a 16384-element u32 guest write reaches the host as one Uint32Array through one bulk load", async () => {
    const g = guest();
    const base = g.codecOf({ kind: "u32" });
    let loads = 0;
    const codec = { ...base, load: (...a: Parameters<typeof base.load>) => (loads++, base.load(...a)) };
    const { r, w } = ends(streamNew(g.inst, codec));
    const reader = g.hooks.liftStream(g.cx, r, streamOf({ kind: "u32" })) as StreamReader<number, Uint32Array>;
    new Uint32Array(g.memory.buffer, 0, 16384).forEach((_, k, arr) => (arr[k] = k));
    const pending = reader.read();
    expect(streamWrite(g.inst, codec, g.copyOpts, w, 0, 16384)).toBe(packCopyResult(CopyResult.COMPLETED, 16384));
    const got = (await pending)!;
    expect(got).toBeInstanceOf(Uint32Array);
    expect(got.length).toBe(16384);
    expect(got[16383]).toBe(16383);
    expect(loads).toBe(1);
    streamDropWritable(g.inst, codec, w);
    reader.close();
    assertQuiescent(g.inst);
  });
});
