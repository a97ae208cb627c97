// Child process of the async benchmark (`bench/async.js`): measures one engine (whatever
// Node runs this file) and prints the samples as one JSON line on stdout (per variant, one
// number per round; bench/async.js takes the medians and the paired ratios).
//
//   node --expose-gc measure-async.js <config.json>
//
// Variants: `raw` (the core module under bench/components/raw-async.js), `dynamic` (our
// runtime's dynamic API) and, when the config names it, `jco` (`jco transpile` output, which
// needs JSPI); for byte streams the host reads, also `readInto` and `rawReadInto` (ours and the
// raw baseline reading into one reused buffer). Every variant is checked for the right answer
// before it is timed.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { compileComponent, stream } from "@witgen/runtime";
import { instantiateRawAsync } from "./raw-async.js";

const config = JSON.parse(await readFile(process.argv[2], "utf8"));
const bytes = async (file) => new Uint8Array(await readFile(file));
const CHUNK = 64 * 1024;
/** Rounds run before the measured ones: the JIT needs a few to reach its top tier. */
const WARMUP_ROUNDS = 3;

function check(what, actual, expected) {
  if (actual !== expected)
    throw new Error(`bench: ${what} gave ${JSON.stringify(String(actual))}, expected ${JSON.stringify(String(expected))}`);
}

/**
 * Wall time in ms. Not CPU time (as the sync benchmark uses): jco waits on timers, idle time
 * CPU time would not count, and waiting is part of what an async call costs. The machine's
 * noise is handled by interleaved rounds and paired ratios.
 */
const nowMs = () => performance.now();

/**
 * Timers started while a variant runs (none may be: every wait on the path is a promise).
 * Counted by wrapping the global timer functions for the whole process.
 */
const timers = { count: 0 };
for (const name of ["setTimeout", "setInterval", "setImmediate"]) {
  const original = globalThis[name];
  globalThis[name] = function (...args) {
    timers.count++;
    return original.apply(this, args);
  };
}

// The async host import `host-wait`: an async function, so every call is a pending subtask
// resolved in a microtask (no timer anywhere).
const hostWait = async (x) => x + 1;

const apis = {};
apis.raw = await instantiateRawAsync(await WebAssembly.compile(await bytes(config.core)), hostWait);
const compiled = await compileComponent(await bytes(config.component));
apis.dynamic = compiled.instantiateSync({ "host-wait": hostWait }).exports;
/** A fresh jco instance per benchmark, so one that failed (see `guarded`) does not spoil the next. */
let newJco;
if (config.jco) {
  const { instantiate } = await import(pathToFileURL(config.jco.entry).href);
  const modules = new Map();
  for (const name of config.jco.modules)
    modules.set(name, await WebAssembly.compile(await bytes(path.join(path.dirname(config.jco.entry), name))));
  newJco = () => instantiate((name) => modules.get(name), { "host-wait": { default: hostWait } });
  apis.jco = newJco();
}

// ---------------------------------------------------------------------------
// How each variant feeds and drains byte streams

/**
 * What the host sends: consecutive 64 KiB chunks of one buffer of `config.bytes` (distinct
 * memory per chunk, as a real payload; the same chunk again and again would stay in cache).
 */
const payload = new Uint8Array(config.bytes);
for (let k = 0; k < payload.length; k += 4096) payload[k] = k >>> 12;
/** The guest's 64 KiB buffer is cache-hot; the host's side of each copy is fresh memory. */
const chunkAt = (offset, end) => payload.subarray(offset, Math.min(offset + CHUNK, end));

const streamsOf = {
  raw: {
    pair: () => {
      const s = apis.raw.stream();
      return { reader: s, write: (c) => s.write(c), close: () => s.close() };
    },
  },
  dynamic: {
    pair: () => {
      const { reader, writer } = stream("u8");
      return { reader, write: (c) => writer.writeAll(c), close: () => writer.close() };
    },
  },
  jco: {
    // jco takes any AsyncIterable for a stream parameter; a generator hands it each chunk.
    pair: () => {
      let next;
      let done = false;
      const waiting = [];
      const reader = {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            if (waiting.length) {
              const { c, resolve } = waiting.shift();
              yield c;
              resolve();
            } else if (done) return;
            else await new Promise((r) => (next = r));
          }
        },
      };
      const wake = () => {
        const n = next;
        next = undefined;
        n?.();
      };
      return {
        reader,
        write: (c) =>
          new Promise((resolve) => {
            waiting.push({ c, resolve });
            wake();
          }),
        close: () => {
          done = true;
          wake();
        },
      };
    },
  },
};

/** Variants that read another way: `readInto` is ours with `readInto`, `rawReadInto` the raw baseline's. */
const readIntoOf = { readInto: "dynamic", rawReadInto: "raw" };
/** The instance and stream kind behind a variant. */
const apiOf = (name) => apis[readIntoOf[name] ?? name];
const streamOf = (name) => streamsOf[readIntoOf[name] ?? name];

/** Each variant's own copy of the driving loops (see drivers.js). */
const driverCopies = new Map();
async function driversOf(name) {
  let d = driverCopies.get(name);
  if (!d) driverCopies.set(name, (d = await import(`./drivers.js?variant=${name}`)));
  return d;
}
const feed = async (name, pair, total) => (await driversOf(name)).feed(pair, total, CHUNK, chunkAt);
const drainOf = async (name, readable) => {
  const d = await driversOf(name);
  return readIntoOf[name] ? d.drainInto(readable, CHUNK) : d.drain(readable);
};

/** Per direction, one run moving `total` bytes; returns what was checked. */
const directions = {
  async hostToGuest(name, total) {
    const pair = streamOf(name).pair();
    const result = apiOf(name).sink(pair.reader);
    await feed(name, pair, total);
    check(`${name} sink`, await result, BigInt(total));
  },
  async guestToHost(name, total) {
    const [n, chunks, smallest] = await drainOf(name, await apiOf(name).source(BigInt(total)));
    check(`${name} source`, n, total);
    return { chunks, smallest };
  },
  async passThrough(name, total) {
    const pair = streamOf(name).pair();
    const out = await apiOf(name).pass(pair.reader);
    const [[n, chunks, smallest]] = await Promise.all([drainOf(name, out), feed(name, pair, total)]);
    check(`${name} pass`, n, total);
    return { chunks, smallest };
  },
};

// ---------------------------------------------------------------------------
// Calls

/** The calls benchmarks, by name (their loops are in drivers.js). */
const callKinds = ["ready", "relay", "future"];

/**
 * jco 1.35 runs `later()` once per instance: when the guest drops the future's writable end
 * after its write completed, jco throws "cannot drop future write end without first writing a
 * value" (asynchronously, after the value arrived), and later calls on that instance never
 * settle. So jco's future rate is measured on fresh instances, one call each, made before the
 * clock starts; the failures its drops throw are counted, not fatal.
 */
const JCO_DROP_ERROR = "cannot drop future write end without first writing a value";
const jcoDropErrors = { count: 0 };
const callPrepares = {
  future: async (name, n) => {
    if (name !== "jco") return apis[name];
    const fresh = await Promise.all(Array.from({ length: n }, () => newJco()));
    let next = 0;
    return { later: () => fresh[next++].later() };
  },
};

/**
 * Calls/s per variant and round: calibrate a batch of about `sampleMs` CPU, then rounds in
 * which every variant runs one batch (order rotated each round), as measure.js does.
 */
async function callsPerSecond(what, names, prepare = async (name) => apis[name]) {
  const bodies = await Promise.all(names.map(async (name) => (await driversOf(name)).callBodies[what]));
  const bodyOf = (name) => bodies[names.indexOf(name)];
  /** Timers each variant started (jco's waits are timers; ours may have none). */
  const started = Object.fromEntries(names.map((n) => [n, 0]));
  const batches = [];
  for (const name of names) {
    let n = 16;
    for (;;) {
      const api = await prepare(name, n);
      const t0 = nowMs();
      await bodyOf(name)(api, n);
      const ms = nowMs() - t0;
      if (ms >= config.sampleMs / 4) {
        batches.push(Math.max(1, Math.round((n * config.sampleMs) / ms)));
        break;
      }
      n *= 4;
    }
  }
  const samples = names.map(() => []);
  for (let r = -WARMUP_ROUNDS; r < config.rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const v = (k + Math.max(r, 0)) % names.length;
      const api = await prepare(names[v], batches[v]);
      const before = timers.count;
      const t0 = nowMs();
      await bodies[v](api, batches[v]);
      if (r >= 0) samples[v].push((batches[v] * 1000) / Math.max(nowMs() - t0, 0.001));
      started[names[v]] += timers.count - before;
    }
  }
  return { ...Object.fromEntries(names.map((name, i) => [name, samples[i]])), timers: started };
}

/** `Uint8Array.set` of the payload in 64 KiB chunks into a 64 KiB window of a wasm memory: the copy floor. */
const setTarget = new Uint8Array(new WebAssembly.Memory({ initial: 3 }).buffer, CHUNK, CHUNK);
function plainSet(total) {
  for (let offset = 0; offset < total; offset += CHUNK) setTarget.set(chunkAt(offset, total));
}

/**
 * The copies alone of a pass-through with `readInto`: each chunk into the guest's memory, and
 * from there into the host's one buffer (two `Uint8Array.set`): that path's physical floor.
 */
const readIntoTarget = new Uint8Array(CHUNK);
function plainSetTwice(total) {
  for (let offset = 0; offset < total; offset += CHUNK) {
    const chunk = chunkAt(offset, total);
    setTarget.set(chunk);
    readIntoTarget.set(chunk.length === CHUNK ? setTarget : setTarget.subarray(0, chunk.length));
  }
}

/** MB/s per variant (and of `Uint8Array.set`, and for a pass-through of two) and round, each round moving `total` bytes per variant. */
async function megabytesPerSecond(direction, names) {
  const floors = direction === "passThrough" ? ["set", "setTwice"] : ["set"];
  const samples = { ...Object.fromEntries(floors.map((n) => [n, []])), ...Object.fromEntries(names.map((n) => [n, []])) };
  const shapes = {};
  const totalOf = (name) => (name === "jco" ? config.jcoBytes[direction] : config.bytes);
  const copies = { set: plainSet, setTwice: plainSetTwice };
  for (let r = -WARMUP_ROUNDS; r < config.streamRounds; r++) {
    const order = [...floors, ...names];
    for (let k = 0; k < order.length; k++) {
      const name = order[(k + Math.max(r, 0)) % order.length];
      const floor = copies[name];
      const total = floor ? config.bytes : totalOf(name);
      const t0 = nowMs();
      const shape = floor ? floor(total) : await directions[direction](name, total);
      const ms = Math.max(nowMs() - t0, 0.001);
      if (r >= 0) samples[name].push(total / 1e6 / (ms / 1000));
      if (shape) shapes[name] = shape;
    }
  }
  return { samples, shapes };
}

/** JS heap held by 10,000 idle open byte streams of our API (both ends on the host). */
function idleStreamsHeap() {
  if (typeof globalThis.gc !== "function") return { error: "run with --expose-gc" };
  const count = 10000;
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const held = [];
  for (let i = 0; i < count; i++) held.push(stream("u8"));
  globalThis.gc();
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  for (const { reader, writer } of held) {
    reader.close();
    writer.close();
  }
  return { count, bytes: after - before };
}

// ---------------------------------------------------------------------------

/**
 * The variants this process measures (`config.variants` narrows them); `config.soloJco` names
 * benchmarks whose jco variant runs in a process of its own (see bench/async.js).
 */
const names = Object.keys(apis).filter((n) => !config.variants || config.variants.includes(n));

/**
 * Timers our runtime starts on the async paths (ready, relay, future, a byte stream each way),
 * counted before jco runs anything (its timers would otherwise be counted too).
 */
async function ourTimers() {
  const before = timers.count;
  const { callBodies } = await driversOf("dynamic");
  await callBodies.ready(apis.dynamic, 1000);
  await callBodies.relay(apis.dynamic, 1000);
  await callBodies.future(apis.dynamic, 1000);
  await directions.hostToGuest("dynamic", 1 << 20);
  await directions.guestToHost("dynamic", 1 << 20);
  return timers.count - before;
}
check("raw ready", await apis.raw.ready(), 7);
check("dynamic ready", await apis.dynamic.ready(), 7);
const timersOfOurs = await ourTimers();
for (const name of names) {
  check(`${name} ready`, await apis[name].ready(), 7);
  check(`${name} relay`, await apis[name].relay(40), 42);
  check(`${name} future`, await (await apis[name].later()), 42);
}

/**
 * Runs one benchmark; a failure that escapes as an uncaught exception (jco's async driver
 * throws from its callbacks) fails it instead of ending the process.
 */
let failCurrent;
for (const event of ["uncaughtException", "unhandledRejection"])
  process.on(event, (e) => {
    if (e instanceof Error && e.message === JCO_DROP_ERROR) {
      jcoDropErrors.count++;
      return;
    }
    if (!failCurrent) {
      console.error(e);
      process.exit(1);
    }
    failCurrent(e);
  });
function guarded(run) {
  let timer;
  return new Promise((resolve, reject) => {
    failCurrent = reject;
    // jco's second future call never settles: a benchmark that hangs fails after a minute.
    timer = setTimeout(() => reject(new Error("no progress for 60 s (hangs)")), 60_000);
    run().then(resolve, reject);
  }).finally(() => {
    clearTimeout(timer);
    failCurrent = undefined;
  });
}

/** One benchmark over every variant; if jco fails it, again without jco (the failure is reported). */
async function withFallback(what, run) {
  if (newJco) apis.jco = newJco();
  const these = config.soloJco?.includes(what) ? names.filter((n) => n !== "jco") : names;
  try {
    return await guarded(() => run(these));
  } catch (e) {
    if (!names.includes("jco")) throw e;
    out.jcoFailed[what] = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return guarded(() => run(names.filter((n) => n !== "jco")));
  }
}

const out = { node: process.version, names, jcoFailed: {}, ourTimers: timersOfOurs };
const only = config.only ? new Set(config.only) : undefined;
for (const what of callKinds)
  if (!only || only.has(what))
    out[what] = await withFallback(what, (ns) => callsPerSecond(what, ns, callPrepares[what]));
out.jcoDropErrors = jcoDropErrors.count;
for (const direction of Object.keys(directions))
  if (!only || only.has(direction))
    out[direction] = await withFallback(direction, (ns) =>
      megabytesPerSecond(direction, direction === "hostToGuest" ? ns : [...ns, "rawReadInto", "readInto"]),
    );
if (!only || only.has("memory")) out.memory = idleStreamsHeap();
console.log(JSON.stringify(out));
// jco may leave an interval running (a wait that never ended), which would keep the process alive.
process.exit(0);
