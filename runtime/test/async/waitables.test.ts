import { describe, expect, it } from "vitest";
import {
  BLOCKED,
  CallbackCode,
  CopyResult,
  EventCode,
  packCallbackResult,
  packCopyResult,
  streamNew,
  streamRead,
  streamWrite,
  taskReturn,
  u8Codec,
  waitableJoin,
  waitableSetNew,
  waitableSetPoll,
  waitableSetWait,
  debugState,
} from "../../src/async/index.js";
import { callFromHost, liftFunction } from "../../src/task/index.js";
import { ends, setup } from "./helpers.js";

describe("waitables and waitable sets (CanonicalABI.md Waitable State)", () => {
  it("waitable.join moves a waitable between sets and 0 removes it", () => {
    const { inst, asyncOpts, memory } = setup();
    const { r, w } = ends(streamNew(inst, u8Codec));
    const a = waitableSetNew(inst);
    const b = waitableSetNew(inst);
    expect(streamRead(inst, u8Codec, asyncOpts, r, 0, 4)).toBe(BLOCKED);
    streamWrite(inst, u8Codec, asyncOpts, w, 100, 2);
    waitableJoin(inst, r, a);
    waitableJoin(inst, r, b);
    expect(waitableSetPoll(inst, false, memory, a, 8)).toBe(EventCode.NONE);
    expect(debugState(inst).nonEmptyWaitableSets).toBe(1);
    waitableJoin(inst, r, 0);
    expect(waitableSetPoll(inst, false, memory, b, 8)).toBe(EventCode.NONE);
    // The event is still pending on the waitable itself: joining again delivers it.
    waitableJoin(inst, r, a);
    expect(waitableSetPoll(inst, false, memory, a, 8)).toBe(
      EventCode.STREAM_READ,
    );
  });

  it("delivery rotates over the members so none starves", () => {
    const { inst, asyncOpts, memory, u32 } = setup();
    const s1 = ends(streamNew(inst, u8Codec));
    const s2 = ends(streamNew(inst, u8Codec));
    const ws = waitableSetNew(inst);
    waitableJoin(inst, s1.r, ws);
    waitableJoin(inst, s2.r, ws);
    const arm = (st: { r: number; w: number }) => {
      streamRead(inst, u8Codec, asyncOpts, st.r, 0, 1);
      streamWrite(inst, u8Codec, asyncOpts, st.w, 0, 1);
    };
    const next = () => (waitableSetPoll(inst, false, memory, ws, 16), u32(16));
    arm(s1);
    arm(s2);
    const order = [next()];
    // s1 is ready again at once, but s2 has waited longer and goes first.
    arm(s1);
    order.push(next(), next());
    expect(order).toEqual([s1.r, s2.r, s1.r]);
  });

  it("with many members, events come in the order they became pending, and a member that left is skipped", () => {
    const { inst, asyncOpts, memory, u32 } = setup();
    const ws = waitableSetNew(inst);
    const streams = Array.from({ length: 1000 }, () => ends(streamNew(inst, u8Codec)));
    for (const st of streams) waitableJoin(inst, st.r, ws);
    for (const st of streams) expect(streamRead(inst, u8Codec, asyncOpts, st.r, 0, 1)).toBe(BLOCKED);
    // Complete the reads back to front: the last stream's event is the oldest.
    for (const st of [...streams].reverse()) streamWrite(inst, u8Codec, asyncOpts, st.w, 0, 1);
    // The oldest pending member leaves the set: its event stays on it, not in the set.
    waitableJoin(inst, streams[999]!.r, 0);
    const got: number[] = [];
    while (waitableSetPoll(inst, false, memory, ws, 16) === EventCode.STREAM_READ) got.push(u32(16));
    expect(got).toEqual(streams.slice(0, 999).map((st) => st.r).reverse());
    expect(waitableSetPoll(inst, false, memory, ws, 16)).toBe(EventCode.NONE);
    // Joining again brings its pending event along.
    waitableJoin(inst, streams[999]!.r, ws);
    expect(waitableSetPoll(inst, false, memory, ws, 16)).toBe(EventCode.STREAM_READ);
    expect(u32(16)).toBe(streams[999]!.r);
  });

  it("waitable-set.wait on a core stack returns an event that is already pending", async () => {
    const env = setup();
    const { inst, asyncOpts, memory, u32 } = env;
    const seen: number[] = [];
    const f = liftFunction({
      inst,
      ft: { async: true },
      opts: { async: true, memory, callback: () => 0 },
      core: () => {
        const { r, w } = ends(streamNew(inst, u8Codec));
        const ws = waitableSetNew(inst);
        waitableJoin(inst, w, ws);
        expect(streamWrite(inst, u8Codec, asyncOpts, w, 0, 3)).toBe(BLOCKED);
        streamRead(inst, u8Codec, asyncOpts, r, 64, 3);
        seen.push(
          waitableSetWait(inst, false, memory, ws, 32),
          u32(32),
          u32(36),
        );
        taskReturn(inst, { memory, lift: () => [] }, []);
        return packCallbackResult(CallbackCode.EXIT);
      },
      lowerParams: () => [],
    });
    await callFromHost(f, []).result;
    expect(seen).toEqual([
      EventCode.STREAM_WRITE,
      2,
      packCopyResult(CopyResult.COMPLETED, 3),
    ]);
  });
});
