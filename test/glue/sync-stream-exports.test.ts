/**
 * Generated whole-call adapters of sync exports whose values hold streams and futures, in a
 * component without async features (no stream built-ins: it can only pass the ends it gets on).
 * The adapters move the ends through the runtime's hooks with the component's own types. A real
 * WAT component, bindings generated from its binary; values, errors and the handles left in the
 * component's table are checked against the dynamic path, and that the adapters ran.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { future, stream, type CompiledComponent, type FutureReader, type HostAdapters, type StreamReader } from "@witgen/runtime";
import { watGlue } from "./wat-glue.js";

// echo(s) and echo-future(f) give back the end they got; forward(s, tag) passes s on to the
// host's `sink` and answers tag.
const WAT = `(component
  (type $s (stream u8))
  (type $f (future u32))
  (import "sink" (func $sink (param "s" $s)))
  (core func $sink-l (canon lower (func $sink)))
  (core instance $h (export "sink" (func $sink-l)))
  (core module $M
    (import "h" "sink" (func $sink (param i32)))
    (func (export "id") (param i32) (result i32) (local.get 0))
    (func (export "forward") (param i32 i32) (result i32)
      (call $sink (local.get 0))
      (local.get 1)))
  (core instance $m (instantiate $M (with "h" (instance $h))))
  (func (export "echo") (param "s" $s) (result $s) (canon lift (core func $m "id")))
  (func (export "echo-future") (param "f" $f) (result $f) (canon lift (core func $m "id")))
  (func (export "forward") (param "s" $s) (param "tag" u32) (result u32) (canon lift (core func $m "forward"))))`;

type Bytes = StreamReader<number, Uint8Array>;
const bytes = () => stream<number, Uint8Array>("u8");
type Api = {
  echo(s: Bytes): Bytes;
  echoFuture(f: FutureReader<number>): FutureReader<number>;
  forward(s: Bytes, tag: number): number;
};

describe("glue: sync exports moving streams and futures (a component without async features)", () => {
  let compiled: CompiledComponent;
  let glue: { adapters: HostAdapters };
  let glueTs: string;

  beforeAll(async () => {
    ({ compiled, glue, glueTs } = await watGlue(WAT));
  });

  /** An instance through the generated adapters (or, with `dynamic`, the runtime's own path). */
  function instance(dynamic: boolean) {
    const used: string[] = [];
    const sunk: Bytes[] = [];
    const adapters: HostAdapters = dynamic
      ? {}
      : {
          ...glue.adapters,
          liftExport: (p, core, ac) => {
            const f = glue.adapters.liftExport!(p, core, ac);
            if (f) used.push(p);
            return f;
          },
        };
    const { exports, state } = compiled.instantiateSync({ sink: (s: Bytes) => void sunk.push(s) }, { adapters });
    return { api: exports as unknown as Api, used, sunk, handles: () => state.handles.size };
  }

  it("has an export adapter for each, with the component's types from the plan", () => {
    expect(glueTs).toMatch(/^function liftEcho\(/m);
    expect(glueTs).toMatch(/^function liftEchoFuture\(/m);
    expect(glueTs).toMatch(/^function liftForward\(/m);
    expect(glueTs).toContain('asyncTypeAt(ac.plan, ["params", 0, "type"], "stream")');
    expect(glueTs).toContain('asyncTypeAt(ac.plan, ["result"], "future")');
  });

  for (const dynamic of [false, true]) {
    const how = dynamic ? "the dynamic path" : "the generated adapters";
    it(`ends go in and come back out through ${how}`, async () => {
      const { api, used, sunk, handles } = instance(dynamic);
      expect(used.sort()).toEqual(dynamic ? [] : ["echo", "echo-future", "forward"]);

      const { reader, writer } = bytes();
      const back = api.echo(reader);
      const wrote = writer.writeAll(new Uint8Array([1, 2, 3]));
      const got = await back.read();
      expect([...(got as Uint8Array)]).toEqual([1, 2, 3]);
      await wrote;
      writer.close();
      expect(await back.read()).toBeUndefined();

      const f = future<number>("u32");
      const later = api.echoFuture(f.reader);
      f.writer.write(7);
      expect(await later).toBe(7);

      const s = bytes();
      expect(api.forward(s.reader, 9)).toBe(9);
      expect(sunk).toHaveLength(1);
      s.writer.writeAll(new Uint8Array([4, 5])).then(() => s.writer.close());
      const chunks: number[] = [];
      for await (const c of sunk[0]) chunks.push(...c);
      expect(chunks).toEqual([4, 5]);
      expect(handles()).toBe(0);
    });

    it(`a refused argument after a stream leaves nothing in the component's table (${how})`, async () => {
      const { api, sunk, handles } = instance(dynamic);
      const s = bytes();
      expect(() => api.forward(s.reader, -1)).toThrow(/expected a u32.*got number -1 in forward \(param "tag"\)/);
      expect(sunk).toHaveLength(0);
      expect(handles()).toBe(0);
      // The stream went back out of the component: its writer sees the reader gone.
      expect(await s.writer.write(new Uint8Array([1]))).toBe(0);
      expect(() => api.echo(42 as unknown as Bytes)).toThrow(/in echo \(param "s"\)/);
      expect(handles()).toBe(0);
      expect(api.forward(bytes().reader, 1)).toBe(1);
    });
  }
});
