import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AsyncUsageError,
  BackgroundScope,
  CancelledError,
  JspiUnavailableError,
  blockOn,
  currentBackgroundScope,
  future,
  futureFrom,
  jspiAvailable,
  runSuspendable,
  spawn,
  stream,
} from "../../src/api/index.js";
import { settle } from "../async/helpers.js";

describe("host-to-host futures", () => {
  it("awaiting the reader gives the written value; write resolves true", async () => {
    const { reader, writer } = future<{ ok: boolean }>();
    const sent = writer.write({ ok: true });
    expect(await reader).toEqual({ ok: true });
    expect(await sent).toBe(true);
  });

  it("a FutureReader adopted by an async function resolves to its value", async () => {
    const { reader, writer } = future<number>("u32");
    const f = async () => reader;
    void writer.write(5);
    expect(await f()).toBe(5);
  });

  it("writing twice is an AsyncUsageError; a dropped reader makes write resolve false", async () => {
    const { reader, writer } = future<number>();
    reader[Symbol.dispose]();
    expect(await writer.write(1)).toBe(false);
    const err = await writer.write(2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsyncUsageError);
    expect(String(err)).toMatch(/FutureWriter.write: a value was already written/);
  });

  it("cancel() rejects a pending await with CancelledError; the writer then sees the reader gone after dispose", async () => {
    const { reader, writer } = future<number>();
    const awaited = Promise.resolve(reader).catch((e: unknown) => e);
    await settle();
    await reader.cancel();
    expect(await awaited).toBeInstanceOf(CancelledError);
    reader[Symbol.dispose]();
    expect(await writer.write(3)).toBe(false);
  });

  it("awaiting a disposed reader is an AsyncUsageError", async () => {
    const { reader } = future<number>();
    reader[Symbol.dispose]();
    await expect(Promise.resolve(reader)).rejects.toThrow(/FutureReader \(await\): the reader was disposed/);
  });

  it("disposing an unwritten writer is refused (CanonicalABI.md Future State)", () => {
    const { writer } = future<number>();
    expect(() => writer[Symbol.dispose]()).toThrow(
      /FutureWriter\[Symbol.dispose\]: a future's writer must write its value/,
    );
  });

  it("futureFrom(promise): the value, or the rejection, reaches the awaiting host", async () => {
    expect(await futureFrom(Promise.resolve("v"))).toBe("v");
    await expect(Promise.resolve(futureFrom(Promise.reject(new Error("nope"))))).rejects.toThrow("nope");
  });

  it("a rejected futureFrom disposed unobserved is reported to its scope", async () => {
    const errors: unknown[] = [];
    const scope = new BackgroundScope({ onError: (e) => errors.push(e) });
    const f = scope.run(() => futureFrom(Promise.reject(new Error("lost"))));
    await scope.idle();
    f[Symbol.dispose]();
    expect(errors.map(String)).toEqual(["Error: lost"]);
  });
});

describe("spawn", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("background work may outlive the call that returned the stream; its failure goes to the scope", async () => {
    const errors: unknown[] = [];
    const scope = new BackgroundScope({ name: "task of 'read-file'", onError: (e) => errors.push(e) });
    // What a host import does: return the reader, keep writing after returning.
    const readFile = () =>
      scope.run(() => {
        const { reader, writer } = stream<number, Uint8Array>("u8");
        spawn(async () => {
          await writer.writeAll(Uint8Array.of(1, 2, 3));
          writer.close();
          throw new Error("after return");
        });
        return reader;
      });
    const reader = readFile();
    expect(scope.pending).toBe(1);
    const got: number[] = [];
    for await (const c of reader) got.push(...c);
    await scope.idle();
    expect(got).toEqual([1, 2, 3]);
    expect(errors.map(String)).toEqual(["Error: after return"]);
    expect(scope.pending).toBe(0);
  });

  it("the scope is current only during run(); a captured scope works after an await", async () => {
    const errors: unknown[] = [];
    const scope = new BackgroundScope({ onError: (e) => errors.push(e) });
    const captured = scope.run(() => currentBackgroundScope());
    expect(captured).toBe(scope);
    expect(currentBackgroundScope()).not.toBe(scope);
    await settle();
    captured.spawn(Promise.reject(new Error("late")));
    await scope.idle();
    expect(errors.map(String)).toEqual(["Error: late"]);
  });

  it("outside any scope a failure goes to globalThis.reportError where the host has one", async () => {
    const reported: unknown[] = [];
    vi.stubGlobal("reportError", (e: unknown) => reported.push(e));
    spawn(Promise.reject(new Error("nobody listens")));
    await settle();
    expect(reported.map(String)).toEqual(["Error: nobody listens"]);
  });

  it("a throwing onError is not the end of it: the parent scope gets that error", async () => {
    const outer: unknown[] = [];
    const parent = new BackgroundScope({ onError: (e) => outer.push(e) });
    const child = parent.run(
      () =>
        new BackgroundScope({
          onError: () => {
            throw new Error("handler broke");
          },
        }),
    );
    child.spawn(Promise.reject(new Error("x")));
    await child.idle();
    await settle();
    expect(outer.map(String)).toEqual(["Error: handler broke"]);
  });
});

describe("blockOn", () => {
  afterEach(() => vi.unstubAllGlobals());

  it.skipIf(jspiAvailable())("without JSPI (Node 20) throws a clear error naming blockOn and JSPI", () => {
    const err = (() => {
      try {
        blockOn(Promise.resolve(1));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JspiUnavailableError);
    expect(String(err)).toMatch(
      /blockOn: .*needs JSPI \(WebAssembly.Suspending \/ WebAssembly.promising\).*Node >= 24/,
    );
  });

  it("with JSPI: only inside runSuspendable, and its result must be returned", async () => {
    vi.stubGlobal("WebAssembly", { ...WebAssembly, Suspending: function () {}, promising: () => {} });
    expect(jspiAvailable()).toBe(true);
    expect(() => blockOn(Promise.resolve(1))).toThrow(/blockOn: not inside a host import the engine can suspend/);
    // The instantiator's Suspending wrapper: the engine receives a promise of the lowered value.
    const r = runSuspendable(
      () => blockOn(Promise.resolve(20)),
      (v) => (v as number) + 1,
    );
    expect(r).toBeInstanceOf(Promise);
    expect(await r).toBe(21);
    expect(
      runSuspendable(
        () => 5,
        (v) => v,
      ),
    ).toBe(5);
    expect(() =>
      runSuspendable(
        () => {
          blockOn(Promise.resolve(1));
          return 2;
        },
        (v) => v,
      ),
    ).toThrow(/blockOn: its result must be returned directly/);
  });
});

describe("blockOn with real JSPI (Node >= 24)", () => {
  // (module (import "env" "get" (func (result i32))) (func (export "run") (result i32) call 0 i32.const 1 i32.add))
  const bytes = new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 2, 0x0b, 1, 3, 0x65, 0x6e, 0x76, 3, 0x67, 0x65, 0x74, 0,
    0, 3, 2, 1, 0, 7, 7, 1, 3, 0x72, 0x75, 0x6e, 0, 1, 0x0a, 9, 1, 7, 0, 0x10, 0, 0x41, 1, 0x6a, 0x0b,
  ]);

  it.skipIf(!jspiAvailable())(
    "a sync import returning blockOn(p) suspends the wasm caller until p settles",
    async () => {
      const W = WebAssembly as any;
      const impl = () => blockOn(new Promise<number>((r) => setTimeout(() => r(41), 5)));
      const get = new W.Suspending(() => runSuspendable(impl, (v) => v));
      const { instance } = await WebAssembly.instantiate(bytes, { env: { get } });
      const run = W.promising(instance.exports.run);
      expect(await run()).toBe(42);
    },
  );
});
