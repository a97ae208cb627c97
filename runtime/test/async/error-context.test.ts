import { describe, expect, it } from "vitest";
import {
  errorContextDebugMessage,
  errorContextDrop,
  errorContextNew,
  liftErrorContext,
  lowerErrorContext,
  waitableSetNew,
  assertQuiescent,
} from "../../src/async/index.js";
import { setup } from "./helpers.js";

describe("error-context built-ins (CanonicalABI.md canon error-context.*)", () => {
  it("creates, reads back, passes between instances and drops an error context", () => {
    const { inst, bytes } = setup("a");
    const b = setup("b");
    const msg = "disk on fire";
    bytes().set(
      Array.from(msg, (c) => c.charCodeAt(0)),
      32,
    );
    const loadString = (ptr: number, units: number) =>
      String.fromCharCode(...bytes().subarray(ptr, ptr + units));
    const i = errorContextNew(inst, { loadString }, 32, msg.length);
    const stored: [string, number][] = [];
    errorContextDebugMessage(
      inst,
      { storeString: (s, ptr) => stored.push([s, ptr]) },
      i,
      200,
    );
    expect(stored).toEqual([[msg, 200]]);
    // Passing it to another instance shares the same context under a new handle there.
    const j = lowerErrorContext(b.inst, liftErrorContext(inst, i));
    expect(liftErrorContext(b.inst, j).debugMessage).toBe(msg);
    errorContextDrop(inst, i);
    errorContextDrop(b.inst, j);
    assertQuiescent(inst);
    assertQuiescent(b.inst);
  });

  it("traps on a handle that is not an error context", () => {
    const { inst } = setup();
    const ws = waitableSetNew(inst);
    expect(() => errorContextDrop(inst, ws)).toThrow(
      /handle 1 is a waitable set, not an error-context/,
    );
    expect(() => errorContextDrop(inst, 99)).toThrow(/invalid handle index 99/);
  });
});
