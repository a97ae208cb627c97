/**
 * The async traps and copy rules of the Canonical ABI through a real component
 * (async-traps.wat.ts): each rule is broken by core wasm calling the canon built-ins from a
 * sync-lifted, non-`async` export, and must end in a `Trap` that names the rule, after which the
 * instance is poisoned (Explainer.md component invariant 1: lockdown after trap). The allowed
 * neighbour of a rule is run too, so a test would fail if the runtime trapped too eagerly.
 * The unit tests of the same rules are runtime/test/async/traps.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  compileComponent,
  errorContext,
  stream,
  Trap,
  type CompiledComponent,
  type ErrorContext,
  type StreamReader,
} from "@witgen/runtime";
import { debugState } from "../../src/async/debug.js";
import { buildWatComponent } from "../../../test/support/build-component.js";
import { ASYNC_TRAPS_WAT } from "./async-traps.wat.js";

type Exports = {
  ok(): number;
  readDropped(): number;
  takeAndRead(s: StreamReader<number, Uint8Array>): number;
  readAgain(): number;
  pendRead(): number;
  pendWrite(): number;
  dropReader(): void;
  dropWriter(): void;
  cancelIdleRead(): number;
  cancelIdleWrite(): number;
  cancelPendingRead(): number;
  writeFuture(): number;
  writeFutureAgain(): number;
  waitEmpty(): number;
  waitReady(): number;
  readSyncUnready(): number;
  dropBusySet(): void;
  dropPendingSubtask(x: number): void;
  open(): StreamReader<number, Uint8Array>;
  probe(): number;
  poll(): number;
  send(): number;
  close(): void;
  makeError(): ErrorContext;
  describeError(e: ErrorContext): string;
};

/** Packed copy results (CanonicalABI.md "canon stream.{read,write}"), as the u32 the export returns. */
const BLOCKED = 0xffffffff;
const COMPLETED = 0;
const DROPPED = 1;
const CANCELLED = 2;
const copied = (result: number, count: number): number => result | (count << 4);
/** CanonicalABI.md "Waitable State" EventCode. */
const STREAM_WRITE = 3;

function trapOf(f: () => unknown): Trap {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Trap);
    return e as Trap;
  }
  throw new Error("expected a trap");
}

describe("async traps and copy rules through a component", () => {
  let compiled: CompiledComponent;
  let slowCalls: { x: number; resolve(v: number): void }[];
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(ASYNC_TRAPS_WAT));
  });

  function instance() {
    slowCalls = [];
    const inst = compiled.instantiateSync({
      slow: (x: number) => new Promise<number>((resolve) => slowCalls.push({ x, resolve })),
    });
    return { e: inst.exports as unknown as Exports, state: inst.state };
  }

  /** The trap of `f`, checked to name `message` and `rule`; then the instance refuses every call. */
  function expectTrapAndPoison(
    { e, state }: ReturnType<typeof instance>,
    f: () => unknown,
    message: RegExp,
    rule: RegExp,
  ): Trap {
    const t = trapOf(f);
    expect(t.message).toMatch(message);
    expect(t.rule).toMatch(rule);
    expect(state.poisoned).toBe(t);
    const again = trapOf(() => e.ok());
    expect(again.rule).toMatch(/lockdown after (a )?trap/);
    // The refusal names the trap that poisoned the instance.
    expect(again.message).toContain(t.reason);
    return t;
  }

  describe("stream copies (CanonicalABI.md stream_copy: trap_if(e.state != CopyState.IDLE))", () => {
    it("a read after the read that reported DROPPED traps: the end is done", () => {
      const i = instance();
      expect(i.e.readDropped()).toBe(copied(DROPPED, 0));
      const t = expectTrapAndPoison(i, () => i.e.readAgain(), /stream\.read: handle \d+ is done/, /stream\.\{read,write\}/);
      expect(t.func).toBe("read-again");
    });

    it("the same when the host closed its writer before passing the reader in", () => {
      const i = instance();
      const { reader, writer } = stream<number, Uint8Array>("u8");
      writer.close();
      expect(i.e.takeAndRead(reader)).toBe(copied(DROPPED, 0));
      expectTrapAndPoison(i, () => i.e.readAgain(), /stream\.read: handle \d+ is done/, /stream\.\{read,write\}/);
    });

    it("a second read while a read is pending traps", () => {
      const i = instance();
      expect(i.e.pendRead()).toBe(BLOCKED);
      expectTrapAndPoison(i, () => i.e.readAgain(), /stream\.read: handle \d+ already has a copy pending/, /stream\.\{read,write\}/);
    });
  });

  describe("dropping an end while its copy is pending (CopyEnd.drop: trap_if(self.copying()))", () => {
    it("the readable end, after an async read returned BLOCKED", () => {
      const i = instance();
      expect(i.e.pendRead()).toBe(BLOCKED);
      expectTrapAndPoison(i, () => i.e.dropReader(), /cannot drop a stream readable end while a copy is pending/, /CopyEnd\.drop/);
    });

    it("the writable end, after an async write returned BLOCKED", () => {
      const i = instance();
      expect(i.e.pendWrite()).toBe(BLOCKED);
      expectTrapAndPoison(i, () => i.e.dropWriter(), /cannot drop a stream writable end while a copy is pending/, /CopyEnd\.drop/);
    });
  });

  describe("cancel with no pending copy (cancel_copy: trap_if(e.state != CopyState.COPYING ...))", () => {
    it("stream.cancel-read on an idle end traps", () => {
      const i = instance();
      expectTrapAndPoison(i, () => i.e.cancelIdleRead(), /stream\.cancel-read: handle \d+ has no pending copy to cancel/, /cancel-\{read,write\}/);
    });

    it("stream.cancel-write on an idle end traps", () => {
      const i = instance();
      expectTrapAndPoison(i, () => i.e.cancelIdleWrite(), /stream\.cancel-write: handle \d+ has no pending copy to cancel/, /cancel-\{read,write\}/);
    });

    it("cancelling a pending read is allowed: CANCELLED, and both ends then drop", () => {
      const { e, state } = instance();
      expect(e.cancelPendingRead()).toBe(copied(CANCELLED, 0));
      expect(state.poisoned).toBeUndefined();
      expect(debugState(state)).toMatchObject({ totalHandles: 0 });
    });
  });

  it("writing a future a second time, after the first write COMPLETED, traps: the end is done", () => {
    const i = instance();
    // COMPLETED * 1000 + the 42 the guest's own pending read received.
    expect(i.e.writeFuture()).toBe(COMPLETED * 1000 + 42);
    expectTrapAndPoison(i, () => i.e.writeFutureAgain(), /future\.write: handle \d+ is done/, /future\.\{read,write\}/);
  });

  describe("blocking in a non-async function (CanonicalABI.md canon_lift: a non-async-typed call that blocks traps)", () => {
    it("waitable-set.wait on a set with nothing to deliver traps", () => {
      const i = instance();
      expectTrapAndPoison(i, () => i.e.waitEmpty(), /waitable-set\.wait would block inside a non-async function/, /Blocking/);
    });

    it("waitable-set.wait with an event already pending does not block, so it is allowed", () => {
      const { e, state } = instance();
      // STREAM_WRITE, COMPLETED with the 5 bytes the guest's own read took.
      expect(e.waitReady()).toBe(STREAM_WRITE * 1000 + copied(COMPLETED, 5));
      expect(state.poisoned).toBeUndefined();
    });

    it("a synchronous stream.read with no writer ready traps", () => {
      const i = instance();
      expectTrapAndPoison(i, () => i.e.readSyncUnready(), /stream\.read would block inside a non-async function/, /Blocking/);
    });
  });

  describe("waitable sets and subtasks", () => {
    it("dropping a waitable set that has a member traps (WaitableSet.drop: trap_if(len(self.elems) > 0))", () => {
      const i = instance();
      expectTrapAndPoison(i, () => i.e.dropBusySet(), /waitable-set\.drop: the set still contains 1 waitable/, /waitable-set\.drop/);
    });

    it("subtask.drop of a host call whose promise is pending traps (Subtask.drop: trap_if(not self.resolve_delivered()))", async () => {
      const i = instance();
      expectTrapAndPoison(i, () => i.e.dropPendingSubtask(7), /subtask\.drop: the subtask has not resolved yet/, /Subtask\.drop/);
      expect(slowCalls.map((c) => c.x)).toEqual([7]);
      // The host's late answer goes nowhere: the instance stays poisoned and nothing throws.
      slowCalls[0].resolve(8);
      await new Promise((r) => setTimeout(r, 0));
      expect(() => i.e.ok()).toThrow(/subtask\.drop: the subtask has not resolved yet/);
    });
  });

  it("a zero-length write waits for the host's read, completes with 0 without taking it; the next write fills it", async () => {
    const { e, state } = instance();
    const reader = e.open();
    // No reader yet: the zero-length write waits (CanonicalABI.md "Stream State").
    expect(e.probe()).toBe(BLOCKED);
    expect(e.poll()).toBe(0);
    const first = reader.read(16);
    // The host's read made the writer's readiness probe complete, with 0 elements.
    expect(e.poll()).toBe(STREAM_WRITE * 1000 + copied(COMPLETED, 0));
    // The host's read is still pending, so the real write completes at once.
    expect(e.send()).toBe(copied(COMPLETED, 5));
    expect(new TextDecoder().decode(await first)).toBe("hello");
    e.close();
    expect(await reader.read(16)).toBeUndefined();
    expect(state.poisoned).toBeUndefined();
    expect(debugState(state)).toMatchObject({ totalHandles: 0, pendingCopies: 0 });
  });

  describe("error-context across the boundary", () => {
    it("the guest makes one and returns it: the host sees its debug message", () => {
      const { e } = instance();
      const ec = e.makeError();
      expect(ec.debugMessage).toBe("guest failed: ✗");
      // And it comes back in intact.
      expect(e.describeError(ec)).toBe("guest failed: ✗");
    });

    it("the host passes one in: the guest reads its debug message (error-context.debug-message)", () => {
      const { e, state } = instance();
      expect(e.describeError(errorContext("host says ✓ no"))).toBe("host says ✓ no");
      // The guest dropped the handle it received.
      expect(debugState(state)).toMatchObject({ totalHandles: 0 });
    });
  });
});
