import { describe, expect, it } from "vitest";
import {
  BLOCKED,
  CopyResult,
  EventCode,
  futureCancelRead,
  futureDropReadable,
  futureDropWritable,
  futureNew,
  futureRead,
  futureWrite,
  scalarCodec,
  unitCodec,
  waitableJoin,
  waitableSetNew,
  waitableSetPoll,
  assertQuiescent,
  waitableSetDrop,
} from "../../src/async/index.js";
import { Trap } from "../../src/trap.js";
import { ends, setup } from "./helpers.js";

const u64 = scalarCodec("u64");

describe("futures (CanonicalABI.md canon future.{read,write})", () => {
  it("a read waits for the write; the value arrives and both ends are done", () => {
    const { inst, memory, asyncOpts, u32 } = setup();
    const { r, w } = ends(futureNew(inst, u64));
    const view = new DataView(memory.buffer);
    expect(futureRead(inst, u64, asyncOpts, r, 64)).toBe(BLOCKED);
    view.setBigUint64(8, 0x1234_5678_9abc_def0n, true);
    expect(futureWrite(inst, u64, asyncOpts, w, 8)).toBe(CopyResult.COMPLETED);
    expect(view.getBigUint64(64, true)).toBe(0x1234_5678_9abc_def0n);
    const ws = waitableSetNew(inst);
    waitableJoin(inst, r, ws);
    expect(waitableSetPoll(inst, false, memory, ws, 0)).toBe(
      EventCode.FUTURE_READ,
    );
    expect([u32(0), u32(4)]).toEqual([r, CopyResult.COMPLETED]);
    // Both ends are done: reading again traps, and the writer may now be dropped.
    expect(() => futureRead(inst, u64, asyncOpts, r, 64)).toThrow(/is done/);
    futureDropWritable(inst, u64, w);
    waitableJoin(inst, r, 0);
    futureDropReadable(inst, u64, r);
    waitableSetDrop(inst, ws);
    assertQuiescent(inst);
  });

  it("a write waits for the read", () => {
    const { inst, asyncOpts } = setup();
    const { r, w } = ends(futureNew(inst, unitCodec));
    expect(futureWrite(inst, unitCodec, asyncOpts, w, 0)).toBe(BLOCKED);
    expect(futureRead(inst, unitCodec, asyncOpts, r, 0)).toBe(
      CopyResult.COMPLETED,
    );
  });

  it("a writer whose reader was dropped sees DROPPED and may then drop", () => {
    const { inst, asyncOpts, memory, u32 } = setup();
    const { r, w } = ends(futureNew(inst, u64));
    expect(futureWrite(inst, u64, asyncOpts, w, 0)).toBe(BLOCKED);
    futureDropReadable(inst, u64, r);
    const ws = waitableSetNew(inst);
    waitableJoin(inst, w, ws);
    expect(waitableSetPoll(inst, false, memory, ws, 0)).toBe(
      EventCode.FUTURE_WRITE,
    );
    expect(u32(4)).toBe(CopyResult.DROPPED);
    waitableJoin(inst, w, 0);
    futureDropWritable(inst, u64, w);
  });

  it("a cancelled read leaves the end idle to read again", () => {
    const { inst, asyncOpts } = setup();
    const { r, w } = ends(futureNew(inst, u64));
    expect(futureRead(inst, u64, asyncOpts, r, 0)).toBe(BLOCKED);
    expect(futureCancelRead(inst, u64, false, r)).toBe(CopyResult.CANCELLED);
    expect(futureWrite(inst, u64, asyncOpts, w, 8)).toBe(BLOCKED);
    expect(futureRead(inst, u64, asyncOpts, r, 0)).toBe(CopyResult.COMPLETED);
  });

  it("dropping the writable end before writing traps", () => {
    const { inst } = setup();
    const { w } = ends(futureNew(inst, u64));
    expect(() => futureDropWritable(inst, u64, w)).toThrow(Trap);
    expect(() => futureDropWritable(inst, u64, w)).toThrow(
      /before a value was written/,
    );
  });
});
