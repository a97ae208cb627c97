import { describe, expect, it } from "vitest";
import { AbiValueError } from "../../src/trap.js";
import { AsyncUsageError, StreamClosedError, future, stream, streamFrom } from "../../src/api/index.js";
import { settle } from "../async/helpers.js";

describe("host-to-host streams", () => {
  it("a byte stream moves Uint8Array batches; the end reads undefined, again and again", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const wrote = writer.write(Uint8Array.of(1, 2, 3));
    const got = await reader.read();
    expect(got).toBeInstanceOf(Uint8Array);
    expect([...got!]).toEqual([1, 2, 3]);
    expect(await wrote).toBe(3);
    writer.close();
    expect(await reader.read()).toBeUndefined();
    expect(await reader.read()).toBeUndefined();
  });

  it("partial writes: a read of 2 takes 2 of 5, the rest waits for the next read", async () => {
    const { reader, writer } = stream<number, Uint32Array>("u32");
    const first = reader.read(2);
    const wrote = writer.write(Uint32Array.of(10, 20, 30, 40, 50));
    expect([...(await first)!]).toEqual([10, 20]);
    expect(await wrote).toBe(2);
    const all = writer.writeAll(Uint32Array.of(30, 40, 50));
    expect([...(await reader.read(10))!]).toEqual([30, 40, 50]);
    await all;
  });

  it("writeAll continues across several reads and resolves when all was taken", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const data = Uint8Array.from({ length: 100 }, (_, k) => k);
    let finished = false;
    const all = writer.writeAll(data).then(() => (finished = true));
    const chunks: number[][] = [];
    for (let k = 0; k < 4; k++) chunks.push([...(await reader.read(25))!]);
    await all;
    expect(finished).toBe(true);
    expect(chunks.flat()).toEqual([...data]);
  });

  it("non-numeric elements move as arrays; iteration yields single elements", async () => {
    const { reader, writer } = stream<{ id: number }>();
    void (async () => {
      await writer.writeAll([{ id: 1 }, { id: 2 }]);
      await writer.writeAll([{ id: 3 }]);
      writer.close();
    })();
    const seen: unknown[] = [];
    for await (const x of reader) seen.push(x);
    expect(seen).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it("byte-stream iteration yields chunks (never single bytes)", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    void (async () => {
      await writer.writeAll(new Uint8Array(1000).fill(7));
      writer.close();
    })();
    const chunks: Uint8Array[] = [];
    for await (const c of reader) chunks.push(c);
    expect(chunks.every((c) => c instanceof Uint8Array)).toBe(true);
    expect(chunks.length).toBe(1);
    expect(chunks[0].length).toBe(1000);
  });

  it("16 MiB written in 64 KiB chunks arrives as 64 KiB chunks, not bytes", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const chunk = new Uint8Array(64 * 1024).map((_, k) => k & 0xff);
    const total = 256;
    const producer = (async () => {
      for (let k = 0; k < total; k++) await writer.writeAll(chunk);
      writer.close();
    })();
    let bytes = 0;
    let reads = 0;
    for await (const c of reader) {
      bytes += c.length;
      reads += 1;
      if (reads === 1) expect(c[255]).toBe(255);
    }
    await producer;
    expect(bytes).toBe(total * chunk.length);
    expect(reads).toBe(total);
    // A hang guard, not a benchmark: one TypedArray.set per chunk takes far below a second.
  }, 5_000);

  it("the element type of stream() is learnt from the first typed-array write", async () => {
    const { reader, writer } = stream<number, Float64Array>();
    const got = reader.read();
    await writer.write(Float64Array.of(0.5, -2));
    const b = await got;
    expect(b).toBeInstanceOf(Float64Array);
    expect([...b!]).toEqual([0.5, -2]);
  });

  it("without an element type, plain arrays meet between host ends", async () => {
    const { reader, writer } = stream<string>();
    const got = reader.read();
    const wrote = writer.write(["a", "b"]);
    expect(await got).toEqual(["a", "b"]);
    expect(await wrote).toBe(2);
  });

  it("without an element type, a writer first and a reader second also meet", async () => {
    const { reader, writer } = stream<number>();
    const wrote = writer.write([1, 2]);
    await settle();
    expect(await reader.read()).toEqual([1, 2]);
    expect(await wrote).toBe(2);
  });

  it("a read waiting for the element type ends on cancel() and on close()", async () => {
    const a = stream<number>();
    const pending = a.reader.read();
    await settle();
    await a.reader.cancel();
    expect(await pending).toEqual([]);
    const b = stream<number>();
    const pendingB = b.reader.read();
    b.reader.close();
    expect(await pendingB).toEqual([]);
    expect(await b.writer.write(Uint8Array.of(1) as unknown as number[])).toBe(0);
  });

  it("readInto fills the caller's buffer in place (zero-copy on the host side)", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const buf = new Uint8Array(8).fill(0xee);
    const n = reader.readInto(buf, 2);
    await writer.write(Uint8Array.of(1, 2, 3));
    expect(await n).toBe(3);
    expect([...buf]).toEqual([0xee, 0xee, 1, 2, 3, 0xee, 0xee, 0xee]);
    writer.close();
    expect(await reader.readInto(buf)).toBeUndefined();
  });

  it("readInto refuses a buffer of the wrong element kind", async () => {
    const { reader } = stream<number, Uint8Array>("u8");
    await expect(reader.readInto(new Uint16Array(4) as unknown as Uint8Array)).rejects.toThrow(
      /readInto: the stream carries u8 elements; a Uint16Array cannot receive them/,
    );
  });

  it("closing the reader makes pending and later writes take 0; writeAll rejects with the count", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const all = writer.writeAll(new Uint8Array(10));
    expect((await reader.read(4))!.length).toBe(4);
    reader.close();
    const err = await all.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamClosedError);
    expect((err as StreamClosedError).written).toBe(4);
    expect(await writer.write(Uint8Array.of(1))).toBe(0);
  });

  it("cancel() ends a pending read with what it had", async () => {
    const { reader } = stream<number, Uint8Array>("u8");
    const pending = reader.read();
    await reader.cancel();
    const got = await pending;
    expect(got!.length).toBe(0);
    // The reader stays usable after a cancel.
    expect(() => reader.read()).not.toThrow();
    await reader.cancel();
  });

  it("pipeTo copies everything and closes both ends", async () => {
    const a = stream<number, Uint8Array>("u8");
    const b = stream<number, Uint8Array>("u8");
    void (async () => {
      await a.writer.writeAll(Uint8Array.of(1, 2, 3));
      await a.writer.writeAll(Uint8Array.of(4));
      a.writer.close();
    })();
    const piping = a.reader.pipeTo(b.writer);
    const out: number[] = [];
    for await (const c of b.reader) out.push(...c);
    await piping;
    expect(out).toEqual([1, 2, 3, 4]);
    await expect(a.reader.read()).rejects.toThrow(/read: the reader was closed/);
    await expect(b.writer.write(Uint8Array.of(1))).rejects.toThrow(/write: the writer was closed/);
  });

  it("pipeTo rejects with StreamClosedError when the destination reader goes away", async () => {
    const a = stream<string>();
    const b = stream<string>();
    void a.writer.writeAll(["x", "y", "z"]);
    const piping = a.reader.pipeTo(b.writer);
    expect(await b.reader.read(1)).toEqual(["x"]);
    b.reader.close();
    await expect(piping).rejects.toBeInstanceOf(StreamClosedError);
  });

  it("leaving a for-await loop early closes the reader; the writer then sees the drop", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const all = writer.writeAll(new Uint8Array(100));
    for await (const c of reader) {
      expect(c.length).toBe(100);
      break;
    }
    await all;
    expect(await writer.write(Uint8Array.of(1))).toBe(0);
  });

  it("dispose closes (using)", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    {
      using r = reader;
      void r;
    }
    expect(await writer.write(Uint8Array.of(1))).toBe(0);
    {
      using w = writer;
      void w;
    }
    await expect(writer.write(Uint8Array.of(1))).rejects.toThrow(/closed/);
  });
});

describe("misuse is an AsyncUsageError naming the operation", () => {
  it("two concurrent reads", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const first = reader.read();
    const err = await reader.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsyncUsageError);
    expect(String(err)).toMatch(/StreamReader.read: another read is pending/);
    await writer.write(Uint8Array.of(1));
    expect([...(await first)!]).toEqual([1]);
  });

  it("reading a closed reader, writing a closed writer, overlapping writes", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    reader.close();
    await expect(reader.read()).rejects.toThrow("StreamReader.read: the reader was closed");
    await expect(reader.readInto(new Uint8Array(1))).rejects.toThrow("StreamReader.readInto: the reader was closed");
    const s2 = stream<number, Uint8Array>("u8");
    const w1 = s2.writer.write(Uint8Array.of(1));
    await expect(s2.writer.write(Uint8Array.of(2))).rejects.toThrow(/StreamWriter.write: another write is pending/);
    s2.writer.close();
    expect(await w1).toBe(0);
    await expect(s2.writer.writeAll(Uint8Array.of(2))).rejects.toThrow("StreamWriter.writeAll: the writer was closed");
    void writer;
  });

  it("a typed array of the wrong kind, a bad max, a non-array", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    await expect(writer.write(new Float32Array(2) as unknown as Uint8Array)).rejects.toThrow(
      /StreamWriter.write: the stream carries u8 elements; write a Uint8Array or an array, not a Float32Array/,
    );
    await expect(reader.read(-1)).rejects.toThrow(/StreamReader.read: max must be an integer/);
    await expect(writer.write(42 as unknown as Uint8Array)).rejects.toThrow(/items must be an array or a typed array/);
    await expect(() => stream("u7" as "u8")).toThrow(/stream: unknown element type "u7"/);
  });

  it("streamFrom refuses what is not a source", () => {
    expect(() => streamFrom(42 as unknown as Iterable<number>)).toThrow(
      /streamFrom: expected a StreamReader, an \(async\) iterable or a ReadableStream, got number/,
    );
  });
});

describe("sources", () => {
  it("an array becomes a stream, batched", async () => {
    const r = streamFrom([1, 2, 3], "u32");
    expect([...((await r.read()) as unknown as Uint32Array)]).toEqual([1, 2, 3]);
    expect(await r.read()).toBeUndefined();
  });

  it("typed-array chunks of a sync iterable stay chunks", async () => {
    const r = streamFrom<number, Uint8Array>([Uint8Array.of(1, 2), Uint8Array.of(3)], "u8");
    const got: number[][] = [];
    for await (const c of r) got.push([...c]);
    expect(got).toEqual([[1, 2], [3]]);
  });

  it("Node Buffers (a Uint8Array subclass) are byte chunks, as a file stream yields them", async () => {
    const r = streamFrom<number, Uint8Array>([Buffer.from("ab"), Buffer.from("c")], "u8");
    const got: number[][] = [];
    for await (const c of r) got.push([...c]);
    expect(got).toEqual([[97, 98], [99]]);
  });

  it("an async generator is pulled only as fast as the reader reads (backpressure)", async () => {
    let pulled = 0;
    async function* gen() {
      for (let k = 0; k < 100; k++) {
        pulled += 1;
        yield k;
      }
    }
    const r = streamFrom<number>(gen());
    await settle(50);
    expect(pulled).toBeLessThanOrEqual(1);
    expect(await r.read()).toEqual([0]);
    await settle(50);
    expect(pulled).toBeLessThanOrEqual(2);
    r.close();
  });

  it("closing the reader stops the pump and releases the source", async () => {
    let returned = false;
    const it = {
      [Symbol.asyncIterator]() {
        let k = 0;
        return {
          // `as const`: an IteratorResult is discriminated by the literal `done`.
          next: async () => ({ done: false as const, value: k++ }),
          return: async () => {
            returned = true;
            return { done: true as const, value: undefined };
          },
        };
      },
    };
    const r = streamFrom<number>(it);
    expect(await r.read()).toEqual([0]);
    r.close();
    await settle(50);
    expect(returned).toBe(true);
  });

  it("a failing source rejects the read that reaches the end", async () => {
    async function* gen() {
      yield "a";
      throw new Error("disk on fire");
    }
    const r = streamFrom<string>(gen());
    expect(await r.read()).toEqual(["a"]);
    await expect(r.read()).rejects.toThrow("disk on fire");
  });
});

describe("numbers written as plain arrays are checked against the element type", () => {
  it("a stream refuses a value out of range or of the wrong type, naming its place, and takes nothing", async () => {
    const { reader, writer } = stream<number | bigint>("u8");
    await expect(writer.write([1, 300])).rejects.toThrow(/^expected a u8 \(integer 0\.\.255\), got number 300 in StreamWriter\.write \(values\[1\]\)$/);
    await expect(writer.write(["x"] as never[])).rejects.toBeInstanceOf(AbiValueError);
    // Nothing of a refused write moved; the writer is usable.
    const read = reader.read();
    expect(await writer.write([1, 2, 255])).toBe(3);
    expect([...((await read) as unknown as Uint8Array)]).toEqual([1, 2, 255]);
    const wide = stream<number | bigint>("u64");
    await expect(wide.writer.write([1])).rejects.toThrow(/expected a u64 \(bigint/);
    const floats = stream<number>("f32");
    await expect(floats.writer.write(["1.5" as never])).rejects.toThrow(/expected a number/);
  });

  it("a future refuses a value of the wrong type, and can still be written", async () => {
    const { reader, writer } = future<unknown>("u32");
    await expect(writer.write("x")).rejects.toThrow(/^expected a u32 \(integer 0\.\.4294967295\), got string "x" in FutureWriter\.write \(value\)$/);
    expect(await Promise.all([writer.write(7), reader])).toEqual([true, 7]);
  });
});
