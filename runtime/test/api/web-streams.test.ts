import { describe, expect, it } from "vitest";
import { stream, streamFrom } from "../../src/api/index.js";

describe("web stream interop", () => {
  it("toReadableStream of a byte stream is a byte stream (BYOB works) with the same bytes", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const rs = reader.toReadableStream() as unknown as ReadableStream<Uint8Array>;
    const producer = (async () => {
      await writer.writeAll(Uint8Array.of(1, 2, 3, 4, 5));
      writer.close();
    })();
    const byob = (rs as any).getReader({ mode: "byob" });
    const first = await byob.read(new Uint8Array(2));
    expect([...first.value]).toEqual([1, 2]);
    const second = await byob.read(new Uint8Array(10));
    expect([...second.value]).toEqual([3, 4, 5]);
    expect((await byob.read(new Uint8Array(10))).done).toBe(true);
    await producer;
  });

  it("a byte ReadableStream also serves default readers (whole chunks)", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const rs = reader.toReadableStream() as any;
    void (async () => {
      await writer.writeAll(new Uint8Array(70000).fill(3));
      writer.close();
    })();
    const sizes: number[] = [];
    for await (const c of rs) {
      expect(c).toBeInstanceOf(Uint8Array);
      sizes.push(c.length);
    }
    expect(sizes).toEqual([65536, 70000 - 65536]);
  });

  it("toReadableStream of a non-numeric stream yields single elements", async () => {
    const { reader, writer } = stream<string>();
    const rs = reader.toReadableStream() as unknown as ReadableStream<string>;
    void (async () => {
      await writer.writeAll(["a", "b", "c"]);
      writer.close();
    })();
    const out: string[] = [];
    for await (const s of rs as any) out.push(s);
    expect(out).toEqual(["a", "b", "c"]);
  });

  it("cancelling the ReadableStream drops the reader: the writer sees 0 taken", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const rs = reader.toReadableStream() as unknown as ReadableStream<Uint8Array>;
    await (rs as any).cancel();
    expect(await writer.write(Uint8Array.of(1))).toBe(0);
  });

  it("toWritableStream writes typed-array chunks for byte streams and closes the stream", async () => {
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const ws = writer.toWritableStream() as unknown as WritableStream<Uint8Array>;
    const w = (ws as any).getWriter();
    const writing = (async () => {
      await w.write(Uint8Array.of(1, 2));
      await w.write(Uint8Array.of(3));
      await w.close();
    })();
    const got: number[] = [];
    for await (const c of reader) got.push(...c);
    await writing;
    expect(got).toEqual([1, 2, 3]);
    await expect(writer.write(Uint8Array.of(1))).rejects.toThrow(/closed/);
  });

  it("a web ReadableStream is a StreamSource: pipeThrough-style round trip", async () => {
    const RS = (globalThis as any).ReadableStream;
    const src = new RS({
      start(c: any) {
        c.enqueue(Uint8Array.of(9, 8));
        c.enqueue(Uint8Array.of(7));
        c.close();
      },
    });
    const r = streamFrom<number, Uint8Array>(src, "u8");
    const { reader, writer } = stream<number, Uint8Array>("u8");
    const piping = r.pipeTo(writer);
    const out: number[][] = [];
    for await (const c of reader) out.push([...c]);
    await piping;
    expect(out).toEqual([[9, 8], [7]]);
  });

  it("a failing ReadableStream source rejects the reader at the end", async () => {
    const RS = (globalThis as any).ReadableStream;
    let n = 0;
    const src = new RS({
      pull(c: any) {
        if (n++ === 0) c.enqueue("x");
        else c.error(new Error("network reset"));
      },
    });
    const r = streamFrom<string>(src);
    expect(await r.read()).toEqual(["x"]);
    await expect(r.read()).rejects.toThrow("network reset");
  });

  it("pipeTo from a ReadableStream made by toReadableStream into toWritableStream (web pipeTo)", async () => {
    const a = stream<number, Float32Array>("f32");
    const b = stream<number, Float32Array>("f32");
    const rs = a.reader.toReadableStream() as any;
    const ws = b.writer.toWritableStream() as any;
    const piping = rs.pipeTo(ws);
    void (async () => {
      await a.writer.writeAll(Float32Array.of(1.5, 2.5));
      a.writer.close();
    })();
    const got: number[] = [];
    for await (const c of b.reader) {
      expect(c).toBeInstanceOf(Float32Array);
      got.push(...c);
    }
    await piping;
    expect(got).toEqual([1.5, 2.5]);
  });
});
