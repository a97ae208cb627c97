/**
 * A real JavaScript guest built with componentize-qjs's default (component-model async)
 * runtime (test/guests/qjs-async/) on the runtime's dynamic API, without JSPI: async
 * exports, `result` both ways, streams of bytes, strings and records in both directions,
 * a returned future, an exported resource with an async method, 100 calls in flight on
 * one instance, and no handle or parked task left behind afterwards; the main features
 * once more through the generated host glue.
 */
import { beforeAll, expect, it } from "vitest";
import {
  BackgroundScope,
  ComponentError,
  compileComponent,
  future,
  stream,
  streamFrom,
  type CompiledComponent,
  type ElementAdapter,
  type StreamReader,
} from "@witgen/runtime";
import { assertQuiescent, debugState } from "../../runtime/src/async/debug.js";
import type { InstanceLike } from "../../runtime/src/async/deps.js";
import { buildJsGuest, enableExtendedConst, guestWit } from "../support/build-guest.js";
import { glueAdaptersUsed, instantiate, prepareGuest } from "./harness.js";

const COUNTERS = "test:asyncs/counters@1.0.0";
let compiled: CompiledComponent;

beforeAll(async () => {
  await enableExtendedConst();
  compiled = await compileComponent(await buildJsGuest("qjs-async", "async-guest", { async: true }));
}, 120_000);

/** A fresh instance: its exports, and a check that it is left with no handles and no parked tasks. */
async function fresh(): Promise<{ e: Record<string, any>; quiescent: () => void }> {
  const inst = await compiled.instantiate({});
  const state = inst.state as unknown as InstanceLike;
  return {
    e: inst.exports,
    quiescent: () => {
      expect(debugState(state).pendingCopies).toBe(0);
      assertQuiescent(state);
    },
  };
}

/**
 * Asserts `bytes` is `0..n-1` mod 256, as the guest's `numbers(n)` writes them (a plain loop:
 * vitest's deep equality takes seconds on a megabyte).
 */
function expectNumbers(bytes: Uint8Array, n: number): void {
  expect(bytes.length).toBe(n);
  const firstWrong = bytes.findIndex((b, i) => b !== (i & 0xff));
  expect(firstWrong, `byte ${firstWrong} is ${bytes[firstWrong]}`).toBe(-1);
}

async function readAllBytes(r: StreamReader<number, Uint8Array>): Promise<{ chunks: number[]; bytes: Uint8Array }> {
  const chunks: number[] = [];
  const parts: Uint8Array[] = [];
  for await (const chunk of r) {
    expect(chunk).toBeInstanceOf(Uint8Array);
    chunks.push(chunk.length);
    parts.push(chunk.slice());
  }
  const bytes = new Uint8Array(chunks.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { chunks, bytes };
}

async function collect<T>(r: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of r) out.push(v);
  return out;
}

it("an async export that returns at once resolves a Promise with its value", async () => {
  const { e, quiescent } = await fresh();
  const p = e.now(41);
  expect(p).toBeInstanceOf(Promise);
  expect(await p).toBe(42);
  quiescent();
});

it("an async export's result<string, string> arrives both ways (the guest returns or throws)", async () => {
  const { e, quiescent } = await fresh();
  expect(await e.check("dïal", true)).toEqual({ tag: "ok", val: "ok: dïal" });
  expect(await e.check("bläh", false)).toEqual({ tag: "err", val: "bad: bläh" });
  quiescent();
});

it("stream<u8> returned before the guest writes it: every byte arrives, in Uint8Array chunks", async () => {
  const { e, quiescent } = await fresh();
  const small = await readAllBytes(await e.numbers(5));
  expect([...small.bytes]).toEqual([0, 1, 2, 3, 4]);
  const n = 1_000_000;
  const big = await readAllBytes(await e.numbers(n));
  expectNumbers(big.bytes, n);
  // The guest writes 1000-byte chunks; bytes never come one at a time.
  expect(big.chunks.length).toBeLessThanOrEqual(n / 1000);
  expect(Math.min(...big.chunks.slice(0, -1))).toBeGreaterThan(1);
  expect(await readAllBytes(await e.numbers(0))).toEqual({ chunks: [], bytes: new Uint8Array(0) });
  quiescent();
});

it("a stream<u8> parameter (host chunks from an iterable) is counted by the guest (u64 result)", async () => {
  const { e, quiescent } = await fresh();
  expect(await e.totalLength(streamFrom([new Uint8Array(3000), new Uint8Array(7), new Uint8Array(0)]))).toBe(3007n);
  async function* megabyte() {
    for (let i = 0; i < 16; i++) yield new Uint8Array(65536).fill(i);
  }
  expect(await e.totalLength(streamFrom(megabyte()))).toBe(1048576n);
  expect(await e.totalLength(streamFrom([]))).toBe(0n);
  // The guest's own stream fed back in.
  expect(await e.totalLength(await e.numbers(12345))).toBe(12345n);
  quiescent();
});

it("the host stops reading early, or its source fails: the guest carries on and nothing is left behind", async () => {
  const { e, quiescent } = await fresh();
  // Drop a byte stream the guest is still writing (its writeAll sees the reader gone).
  const bytes: StreamReader<number, Uint8Array> = await e.numbers(100_000);
  expect((await bytes.read())!.length).toBeGreaterThan(0);
  bytes.close();
  // Leave a `for await` over a string stream after the first element.
  for await (const w of await e.words("a b c d")) {
    expect(w).toBe("a");
    break;
  }
  // A host source that fails after 3 bytes: the guest sees the stream end there and returns,
  // and the call that took the stream rejects with the failure (runtime/src/task/source-failures.ts),
  // which goes nowhere else.
  const errors: unknown[] = [];
  const scope = new BackgroundScope({ onError: (err) => errors.push(err) });
  async function* failing() {
    yield new Uint8Array(3);
    throw new Error("source broke");
  }
  await expect(scope.run(() => e.totalLength(streamFrom(failing())))).rejects.toThrow("source broke");
  await new Promise((r) => setTimeout(r, 20));
  expect(errors).toEqual([]);
  // The instance still works.
  expect(await e.now(1)).toBe(2);
  expect(await collect(await e.words("x y"))).toEqual(["x", "y"]);
  await new Promise((r) => setTimeout(r, 20));
  quiescent();
});

it("stream<string> out of the guest, and stream<string> in and out (non-ASCII)", async () => {
  const { e, quiescent } = await fresh();
  expect(await collect(await e.words("a bé 数学 🎉"))).toEqual(["a", "bé", "数学", "🎉"]);
  expect(await collect(await e.shout(streamFrom(["straße", "zoë", ""])))).toEqual(["STRASSE", "ZOË", ""]);
  async function* slow() {
    for (const w of ["one", "two", "three"]) {
      await new Promise((r) => setTimeout(r, 1));
      yield w;
    }
  }
  expect(await collect(await e.shout(streamFrom(slow())))).toEqual(["ONE", "TWO", "THREE"]);
  quiescent();
});

it("stream<record> written one record at a time after returning", async () => {
  const { e, quiescent } = await fresh();
  expect(await collect(await e.points(3))).toEqual([
    { x: 0, label: "p0" },
    { x: 10, label: "p1" },
    { x: 20, label: "p2" },
  ]);
  const many = await collect(await e.points(500));
  expect(many).toHaveLength(500);
  expect(many[499]).toEqual({ x: 4990, label: "p499" });
  quiescent();
});

it("a returned future<u32>: awaiting the call yields the value (FutureReader is thenable, docs/mapping.md)", async () => {
  const { e, quiescent } = await fresh();
  expect(await e.later(21)).toBe(42);
  expect(await Promise.all([1, 2, 3].map((n) => e.later(n)))).toEqual([2, 4, 6]);
  quiescent();
});

it("a future<string> parameter: from a Promise, and from a host future() pair written while the call waits", async () => {
  const { e, quiescent } = await fresh();
  expect(await e.awaitFuture(new Promise((r) => setTimeout(() => r("später"), 5)))).toBe("got später");
  const { reader, writer } = future<string>();
  const call = e.awaitFuture(reader);
  await new Promise((r) => setTimeout(r, 5));
  await writer.write("from the pair");
  expect(await call).toBe("got from the pair");
  quiescent();
});

it("a host stream() pair written while the guest reads it", async () => {
  const { e, quiescent } = await fresh();
  const { reader, writer } = stream<number, Uint8Array>("u8");
  const call = e.totalLength(reader);
  for (let i = 0; i < 10; i++) {
    await writer.writeAll(new Uint8Array(4096).fill(i));
    await new Promise((r) => setTimeout(r, 1));
  }
  writer.close();
  expect(await call).toBe(40960n);
  quiescent();
});

it("an exported resource with an async method (and a sync one)", async () => {
  const { e, quiescent } = await fresh();
  const api = e[COUNTERS];
  const c = new api.Counter(5);
  const p = c.add(3);
  expect(p).toBeInstanceOf(Promise);
  expect(await p).toBe(8);
  expect(await c.add(10)).toBe(18);
  expect(c.get()).toBe(18);
  c[Symbol.dispose]();
  quiescent();
});

it("100 async calls of each kind in flight at once on one instance all complete correctly", async () => {
  const { e, quiescent } = await fresh();
  const N = 100;
  const ids = Array.from({ length: N }, (_, i) => i);
  const [nows, checks, lengths, streams, futures] = await Promise.all([
    Promise.all(ids.map((i) => e.now(i))),
    Promise.all(ids.map((i) => e.check(`#${i}`, i % 2 === 0))),
    Promise.all(ids.map((i) => e.totalLength(streamFrom([new Uint8Array(i), new Uint8Array(1000)])))),
    Promise.all(ids.map(async (i) => (await readAllBytes(await e.numbers(i * 37))).bytes)),
    Promise.all(ids.map((i) => e.later(i))),
  ]);
  expect(nows).toEqual(ids.map((i) => i + 1));
  expect(checks).toEqual(ids.map((i) => (i % 2 === 0 ? { tag: "ok", val: `ok: #${i}` } : { tag: "err", val: `bad: #${i}` })));
  expect(lengths).toEqual(ids.map((i) => BigInt(i + 1000)));
  streams.forEach((bytes, i) => expectNumbers(bytes, i * 37));
  expect(futures).toEqual(ids.map((i) => i * 2));
  quiescent();
  // A hang guard, not a benchmark: 500 calls on a QuickJS guest take about 0.2 s here.
}, 10_000);

it("through generated host glue: same values, a top-level err is a thrown ComponentError", async () => {
  const bytes = await buildJsGuest("qjs-async", "async-guest", { async: true });
  const guest = await prepareGuest(bytes, await guestWit("qjs-async"), "async-guest", "qjs-async/world.wit");
  // A component using async features: every export runs as a task, and the glue gives the value
  // code of every one (stream and future ends through the runtime's hooks, with the component's
  // own types), and of every result task.return lifts.
  expect(await glueAdaptersUsed(guest, {})).toEqual({
    lifted: [],
    lowered: [],
    taskExports: [
      "await-future",
      "check",
      "later",
      "now",
      "numbers",
      "points",
      "shout",
      "test:asyncs/counters@1.0.0#[constructor]counter",
      "test:asyncs/counters@1.0.0#[method]counter.add",
      "test:asyncs/counters@1.0.0#[method]counter.get",
      "total-length",
      "words",
    ],
    taskReturns: [
      "future<u32>",
      "result<string,string>",
      "stream<record{x:s32,label:string}>",
      "stream<string>",
      "stream<u8>",
      "string",
      "u32",
      "u64",
    ],
    taskImports: [],
  });
  const g = await instantiate(guest, "glue");
  expect(await g.now(1)).toBe(2);
  expect(await g.check("x", true)).toBe("ok: x");
  const thrown = await g.check("y", false).catch((e: unknown) => e);
  expect(thrown).toBeInstanceOf(ComponentError);
  expect((thrown as ComponentError<string>).payload).toBe("bad: y");
  const bytesOut = await readAllBytes(await g.numbers(3000));
  expectNumbers(bytesOut.bytes, 3000);
  expect(await g.totalLength(streamFrom([new Uint8Array(10)]))).toBe(10n);
  expect(await collect(await g.shout(streamFrom(["é"])))).toEqual(["É"]);
  expect(await collect(await g.points(1))).toEqual([{ x: 0, label: "p0" }]);
  expect(await g.later(5)).toBe(10);
  expect(await g.awaitFuture(Promise.resolve("p"))).toBe("got p");
  const c = new g[COUNTERS].Counter(1);
  expect(await c.add(2)).toBe(3);

  // Stream elements of record and string type move through the glue's generated element code.
  const elements = guest.glue.adapters.elements!;
  expect(Object.keys(elements).sort()).toEqual(["record{x:s32,label:string}", "string"]);
  const calls: Record<string, number> = {};
  const counted = Object.fromEntries(
    Object.entries(elements).map(([key, adapter]) => {
      const e = adapter as ElementAdapter; // these element types hold no handles: adapters, not factories
      return [
      key,
      {
        load: (cx: Parameters<typeof e.load>[0], ptr: number) => ((calls[`load ${key}`] = (calls[`load ${key}`] ?? 0) + 1), e.load(cx, ptr)),
        store: (cx: Parameters<typeof e.store>[0], v: unknown, ptr: number) => ((calls[`store ${key}`] = (calls[`store ${key}`] ?? 0) + 1), e.store(cx, v, ptr)),
      },
    ];
    }),
  );
  const viaElements = (await guest.compiled.instantiate({}, { adapters: { ...guest.glue.adapters, elements: counted }, results: "throw" }))
    .exports as typeof g;
  expect(await collect(await viaElements.points(3))).toEqual([0, 1, 2].map((i) => ({ x: i * 10, label: `p${i}` })));
  expect(await collect(await viaElements.shout(streamFrom(["straße", "zoë"])))).toEqual(["STRASSE", "ZOË"]);
  expect(calls).toEqual({ "load record{x:s32,label:string}": 3, "store string": 2, "load string": 2 });
}, 60_000);
