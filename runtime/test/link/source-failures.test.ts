/**
 * A host source (`streamFrom` / `futureFrom`) passed into an async export that fails while the
 * call runs: the guest sees the stream end (or the future DROPPED) and finishes, and the call
 * rejects with the source's error (runtime/src/task/source-failures.ts) instead of resolving
 * as if all went well, with the failure reported nowhere else. Real WAT component.
 */
import { describe, expect, it } from "vitest";
import { BackgroundScope, compileComponent, futureFrom, streamFrom } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";
import { STREAM_SUM_WAT as WAT } from "./stream-sum-guest.js";

async function* failingAfter(chunks: number[][], error: Error): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield Uint8Array.from(c);
  throw error;
}

describe("link: a host source that fails while the call that took it runs", () => {
  it("streamFrom: the guest sees the end of the stream, and the call rejects with the source's error", async () => {
    const compiled = await compileComponent(await buildWatComponent(WAT));
    const { exports, state } = compiled.instantiateSync({});
    // Reported nowhere else: a background report would reach this scope.
    const reported: unknown[] = [];
    const scope = new BackgroundScope({ onError: (e) => reported.push(e) });
    const source = scope.run(() => streamFrom(failingAfter([[1, 2], [3]], new Error("disk gone")), "u8"));
    await expect(exports.sum(source)).rejects.toThrow("disk gone");
    expect(state.handles.size).toBe(0);
    await scope.idle();
    expect(reported).toEqual([]);
    // A source that ends well: the call resolves with the guest's answer.
    expect(await exports.sum(streamFrom([Uint8Array.of(1, 2), Uint8Array.of(3, 4)], "u8"))).toBe(10);
  });

  it("futureFrom: the guest sees the future DROPPED instead of waiting forever, and the call rejects with the source's error", async () => {
    const compiled = await compileComponent(await buildWatComponent(WAT));
    const { exports, state } = compiled.instantiateSync({});
    const reported: unknown[] = [];
    const scope = new BackgroundScope({ onError: (e) => reported.push(e) });
    let fail!: (e: Error) => void;
    const source = scope.run(() => futureFrom(new Promise<number>((_, reject) => (fail = reject)), "u32"));
    const call = exports.wait(source);
    fail(new Error("no answer"));
    await expect(call).rejects.toThrow("no answer");
    expect(state.handles.size).toBe(0);
    await scope.idle();
    expect(reported).toEqual([]);
    expect(await exports.wait(futureFrom(Promise.resolve(42), "u32"))).toBe(42);
  });
});
