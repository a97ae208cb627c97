/**
 * Generated element code for stream elements that hold handles: a factory per element type,
 * which the runtime gives the type's plan in the instance (its resources, its nested stream
 * types). A real WAT component moves resources through a `stream<own<r>>` both ways and hands
 * out a `stream<stream<u8>>`; the same scenarios run through the generated elements and
 * through the runtime's codecs, and the generated code must be what moved the elements.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AbiValueError, GuestResource, stream, streamFrom, type CompiledComponent, type ElementAdapter, type ElementAdapterFactory, type HostAdapters, type StreamReader } from "@witgen/runtime";
import { STREAM_ELEMENTS_WAT } from "../../runtime/test/link/stream-elements-guest.js";
import { watGlue } from "./wat-glue.js";

type R = GuestResource & { value(): number };

describe("glue: stream elements holding handles", () => {
  let compiled: CompiledComponent;
  let glueTs: string;
  let glue: { adapters: HostAdapters };

  beforeAll(async () => {
    ({ compiled, glue, glueTs } = await watGlue(STREAM_ELEMENTS_WAT));
  });

  it("has a factory for each such element type, keyed with its resources numbered", () => {
    expect(Object.keys(glue.adapters.elements ?? {}).sort()).toEqual(["own<$0>", "stream<u8>"]);
    expect(glueTs).toMatch(/^const element\d: ElementAdapterFactory = \(elementType\) => \{\n {2}const \[rHandles\] = valueResourceHandles\(elementType\);/m);
  });

  /** The glue's adapters, counting each element type's loads and stores (or none: the dynamic path). */
  function instance(generated: boolean) {
    const moved = new Map<string, number>();
    const count = (key: string, what: string) => moved.set(`${key} ${what}`, (moved.get(`${key} ${what}`) ?? 0) + 1);
    const elements = Object.fromEntries(
      Object.entries(glue.adapters.elements ?? {}).map(([key, make]) => [
        key,
        ((elementType) => {
          const adapter = (make as ElementAdapterFactory)(elementType);
          return {
            load: (cx, ptr) => (count(key, "load"), adapter.load(cx, ptr)),
            store: (cx, value, ptr) => (count(key, "store"), adapter.store(cx, value, ptr)),
          } satisfies ElementAdapter;
        }) satisfies ElementAdapterFactory,
      ]),
    );
    // And which async results the generated `task.return` code lifted, by type key.
    const taskReturn: HostAdapters["taskReturn"] = (key, cx, plan, codecs) => {
      const lift = glue.adapters.taskReturn!(key, cx, plan, codecs);
      return lift && ((flat) => (count(key, "task.return"), lift(flat)));
    };
    const { exports, state } = compiled.instantiateSync({}, generated ? { adapters: { ...glue.adapters, elements, taskReturn } } : {});
    return { exports, state, moved };
  }

  for (const generated of [true, false]) {
    const how = generated ? "the generated elements" : "the runtime's codecs";
    it(`resources move out through a stream<own<r>> and back in (${how})`, async () => {
      const { exports, state, moved } = instance(generated);
      const Res = exports.R as new (v: number) => R;
      const got: R[] = [];
      for await (const r of (await exports.make(3)) as StreamReader<R>) got.push(r);
      expect(got.map((r) => r.value())).toEqual([100, 101, 102]);
      expect(got.every((r) => r instanceof Res)).toBe(true);
      expect(await exports.sum(streamFrom([...got, new Res(7)]))).toBe(100 + 101 + 102 + 7);
      expect(exports.dropped()).toBe(100 + 101 + 102 + 7);
      expect(() => got[0]!.value()).toThrow(/moved|dropped/);
      expect(state.handles.size).toBe(0);
      expect(Object.fromEntries(moved)).toEqual(
        generated ? { "own<$0> load": 3, "own<$0> store": 4, "stream<own<$0>> task.return": 1, "u32 task.return": 1 } : {},
      );
    });

    it(`a stream<stream<u8>>: the host reads the inner stream it received (${how})`, async () => {
      const { exports, state, moved } = instance(generated);
      const inners: StreamReader<number, Uint8Array>[] = [];
      for await (const inner of (await exports.nest()) as StreamReader<StreamReader<number, Uint8Array>>) inners.push(inner);
      expect(inners).toHaveLength(1);
      const bytes: number[] = [];
      for await (const chunk of inners[0]!) bytes.push(...chunk);
      expect(bytes).toEqual([1, 2, 3]);
      expect(state.handles.size).toBe(0);
      expect(Object.fromEntries(moved)).toEqual(generated ? { "stream<u8> load": 1, "stream<stream<u8>> task.return": 1 } : {});
    });

    it(`an async export answers a resource: task.return lifts it from the component's table (${how})`, async () => {
      const { exports, state, moved } = instance(generated);
      const r = (await exports.one(42)) as R;
      expect(r).toBeInstanceOf(exports.R as new (v: number) => R);
      expect(r.value()).toBe(42);
      r[Symbol.dispose]();
      expect(exports.dropped()).toBe(42);
      expect(state.handles.size).toBe(0);
      expect(Object.fromEntries(moved)).toEqual(generated ? { "own<$0> task.return": 1 } : {});
    });
  }

  it("a value that is not the resource is refused whole: the guest keeps waiting, nothing moved in", async () => {
    const messages: string[] = [];
    for (const generated of [true, false]) {
      const { exports, state } = instance(generated);
      const Res = exports.R as new (v: number) => R;
      const r = new Res(5);
      const { reader, writer } = stream<R | object>();
      const sum = exports.sum(reader) as Promise<number>;
      const refused = await writer.write([r, {}]).catch((e: unknown) => e);
      expect(refused, `generated: ${generated}`).toBeInstanceOf(AbiValueError);
      messages.push((refused as Error).message);
      // The batch moved whole or not at all: `r` is still the host's, and usable.
      expect(r.value()).toBe(5);
      expect(await writer.write([r])).toBe(1);
      writer.close();
      expect(await sum).toBe(5);
      expect(state.handles.size).toBe(0);
      // The same with the write parked first, so that the guest's read makes the copy.
      const parked = stream<R | object>();
      const r3 = new Res(8);
      const refusedLater = parked.writer.write([r3, {}]).catch((e: unknown) => e);
      const sumLater = exports.sum(parked.reader) as Promise<number>;
      expect(String(await refusedLater)).toMatch(/expected a r resource object/);
      parked.writer.close();
      expect(await sumLater).toBe(0);
      expect(r3.value()).toBe(8);
      r3[Symbol.dispose]();
      // From a source, the refused batch fails the call (the stream ends early for the guest).
      const r2 = new Res(6);
      const failed = await (exports.sum(streamFrom([r2, {}])) as Promise<number>).catch((e: unknown) => e);
      expect(String(failed)).toMatch(/expected a r resource object/);
      expect(r2.value()).toBe(6);
      expect(state.handles.size).toBe(0);
    }
    expect(messages[0]).toMatch(/expected a r resource object/);
    expect(messages[0]).toBe(messages[1]);
  });
});
