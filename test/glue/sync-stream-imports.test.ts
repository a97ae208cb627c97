/**
 * Generated whole-call adapters of sync imports whose values hold streams and futures, as WASI
 * 0.3's `write-via-stream: func(data: stream<u8>) -> future<result<_, error-code>>`: the guest
 * lowers the import sync, the adapter lifts the stream it passes and lowers the future the host
 * returns through the runtime's hooks. A real WAT component, bindings generated from its binary;
 * values and errors are checked against the dynamic path, and that the adapter ran.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { futureFrom, type CompiledComponent, type HostAdapters, type StreamReader } from "@witgen/runtime";
import { WRITE_VIA_STREAM_WAT as WAT } from "../../runtime/test/link/write-via-stream-guest.js";
import { watGlue } from "./wat-glue.js";

type Api = { run(): Promise<number> };
type WriteViaStream = (data: StreamReader<number, Uint8Array>) => unknown;

describe("glue: sync imports moving streams and futures (whole-call adapters)", () => {
  let compiled: CompiledComponent;
  let glue: { adapters: HostAdapters };

  beforeAll(async () => {
    const built = await watGlue(WAT);
    ({ compiled, glue } = built);
    expect(built.glueTs).toContain('asyncTypeAt(ac.plan, ["params", 0, "type"], "stream")');
    expect(built.glueTs).toContain('asyncTypeAt(ac.plan, ["result"], "future")');
  });

  /** An instance through the generated adapters (or, with `dynamic`, the runtime's own path). */
  function instance(writeViaStream: WriteViaStream, dynamic = false): { api: Api; used: string[]; handles: () => number } {
    const used: string[] = [];
    const adapters: HostAdapters = dynamic
      ? {}
      : {
          ...glue.adapters,
          lowerImport: (p, host, ac) => {
            const f = glue.adapters.lowerImport!(p, host, ac);
            if (f) used.push(p);
            return f;
          },
        };
    const { exports, state } = compiled.instantiateSync({ "write-via-stream": writeViaStream }, { adapters, results: "throw" });
    return { api: exports as unknown as Api, used, handles: () => state.handles.size };
  }

  /** The host's `write-via-stream`: sums what arrives, and answers the sum once the stream ends. */
  const summing: WriteViaStream = (data) =>
    futureFrom(
      (async () => {
        let sum = 0;
        for await (const chunk of data) for (const b of chunk) sum += b;
        return sum;
      })(),
      "u32",
    );

  for (const dynamic of [false, true]) {
    const how = dynamic ? "the dynamic path" : "the generated adapter";
    it(`a stream from the guest and a future to it move through ${how}`, async () => {
      const { api, used, handles } = instance(summing, dynamic);
      expect(used).toEqual(dynamic ? [] : ["write-via-stream"]);
      expect(await api.run()).toBe(15);
      expect(await api.run()).toBe(15);
      expect(handles()).toBe(0);
    });

    it(`a result that is no future traps naming the import and its result (${how})`, async () => {
      const { api } = instance(() => 42, dynamic);
      const err = await api.run().catch((e: unknown) => e);
      expect(String(err)).toMatch(/write-via-stream/);
      expect(String(err)).toMatch(/result/);
      expect(String(err)).toMatch(/FutureReader/);
    });
  }
});
