/**
 * Stream and future values through generated task adapters: the component's own stream/future
 * types come from the runtime's plan, the ends move through the runtime's hooks, and a host
 * source that fails while the call runs fails the call, as on the dynamic path. A real WAT
 * component (runtime/test/link/stream-sum-guest.ts), bindings generated from its binary.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { futureFrom, streamFrom, type CompiledComponent, type HostAdapters } from "@witgen/runtime";
import { STREAM_SUM_WAT } from "../../runtime/test/link/stream-sum-guest.js";
import { watGlue } from "./wat-glue.js";

type Api = { sum(s: unknown): Promise<number>; wait(f: unknown): Promise<number> };

describe("glue: stream and future values in task adapters", () => {
  let compiled: CompiledComponent;
  let glue: { adapters: HostAdapters };

  beforeAll(async () => {
    const built = await watGlue(STREAM_SUM_WAT);
    ({ compiled, glue } = built);
    expect(built.glueTs).toContain('asyncTypeAt(ac.plan, ["params", 0, "type"], "stream")');
    expect(built.glueTs).toContain('asyncTypeAt(ac.plan, ["params", 0, "type"], "future")');
  });

  function instance(): { api: Api; used: string[]; handles: () => number } {
    const used: string[] = [];
    const adapters: HostAdapters = {
      ...glue.adapters,
      taskExport: (p, ac) => {
        const values = glue.adapters.taskExport!(p, ac);
        if (values) used.push(p);
        return values;
      },
    };
    const { exports, state } = compiled.instantiateSync({}, { adapters, results: "throw" });
    return { api: exports as unknown as Api, used, handles: () => state.handles.size };
  }

  it("a stream and a future argument move into the guest through the generated code", async () => {
    const { api, used, handles } = instance();
    expect(used.sort()).toEqual(["sum", "wait"]);
    expect(await api.sum(streamFrom([Uint8Array.of(1, 2), Uint8Array.of(3, 4)], "u8"))).toBe(10);
    expect(await api.wait(futureFrom(Promise.resolve(42), "u32"))).toBe(42);
    expect(handles()).toBe(0);
  });

  it("a source that fails while the call runs fails the call (the same journal as the dynamic path)", async () => {
    const { api, handles } = instance();
    async function* failing() {
      yield Uint8Array.of(1, 2, 3);
      throw new Error("disk gone");
    }
    await expect(api.sum(streamFrom(failing(), "u8"))).rejects.toThrow("disk gone");
    await expect(api.wait(futureFrom(Promise.reject(new Error("no answer")), "u32"))).rejects.toThrow("no answer");
    expect(handles()).toBe(0);
  });

  it("a value that is no stream is refused naming the function and parameter", async () => {
    const { api } = instance();
    await expect(api.sum(42)).rejects.toThrow(/in sum \(param "s"\)/);
  });
});
