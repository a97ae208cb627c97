// Run by jspi.test.ts under Node >= 24 (JSPI): `node scenarios.mjs <scenario> <component.wasm>`.
// Prints one JSON line: what the scenario observed, for the test to check.
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { blockOn, compileComponent, futureFrom, jspiAvailable, streamFrom } from "../../dist/index.js";

const [scenario, wasmPath] = process.argv.slice(2);

function settle(p) {
  return Promise.resolve(p).then(
    (value) => ({ value }),
    (e) => ({ error: { name: e?.name, message: String(e?.message ?? e), func: e?.func } }),
  );
}

const scenarios = {
  /** A sync export calling sync-typed host imports implemented as async functions. */
  async "async-import"(compiled) {
    const { exports } = await compiled.instantiate(
      {
        fetch: async (x) => (await sleep(5), x * 2),
        greet: async (name) => (await sleep(5), `hello ${name}`),
      },
      { jspi: true },
    );
    const p = exports.run(5);
    return {
      isPromise: p instanceof Promise,
      run: await p,
      twice: await exports.twice(3),
      greet: await exports.greet("wasm"),
    };
  },

  /** A host answer without a promise (V8 still suspends at the import): the export returns a Promise. */
  async "sync-value"(compiled) {
    const { exports } = await compiled.instantiate({ fetch: (x) => x * 2, greet: (n) => n }, { jspi: true });
    const p = exports.run(5);
    return { isPromise: p instanceof Promise, run: await p };
  },

  /** blockOn(p) inside a sync host import. */
  async "block-on"(compiled) {
    const { exports } = await compiled.instantiate(
      { fetch: (x) => blockOn(sleep(5).then(() => x + 40)), greet: (n) => blockOn(Promise.resolve(`<${n}>`)) },
      { jspi: true },
    );
    const result = { run: await exports.run(1), greet: await exports.greet("b") };
    // Without the option the import is not suspending: blockOn says what to do.
    const plain = await compiled.instantiate({ fetch: (x) => blockOn(Promise.resolve(x)), greet: (n) => n });
    let without;
    try {
      without = { value: plain.exports.run(1) };
    } catch (e) {
      without = { error: { name: e.name, message: e.message } };
    }
    return { ...result, without };
  },

  /** A core trap after the suspension rejects the export's promise and poisons the instance. */
  async "trap-after-resume"(compiled) {
    const { exports, state } = await compiled.instantiate({ fetch: async (x) => (await sleep(5), x), greet: (n) => n }, { jspi: true });
    const first = await settle(exports.fetchThenTrap(1));
    const later = await settle(exports.run(1));
    return { first, later, poisoned: state.poisoned?.message };
  },

  /** A host promise that rejects: a trap of the calling instance, naming the import. */
  async "host-rejects"(compiled) {
    const { exports, state } = await compiled.instantiate(
      { fetch: async () => (await sleep(5), Promise.reject(new Error("nope"))), greet: (n) => n },
      { jspi: true },
    );
    return { first: await settle(exports.run(1)), poisoned: state.poisoned?.message };
  },

  /**
   * A second call while the first is suspended waits for it (the instance stays entered; the
   * spec's host could not have called in meanwhile); a call from inside a host import is
   * re-entrance, refused with a Trap without poisoning.
   */
  async "second-call"(compiled) {
    let release;
    const gate = new Promise((r) => (release = r));
    const seen = [];
    let reentry;
    const { exports, state } = await compiled.instantiate(
      {
        fetch: (x) => {
          seen.push(x);
          if (x === 7) exports.run(1).catch((e) => (reentry = { name: e.name, message: e.message }));
          return x === 1 ? gate.then(() => 10) : x;
        },
        greet: (n) => n,
      },
      { jspi: true },
    );
    const p1 = settle(exports.run(1));
    const p2 = settle(exports.run(2));
    await sleep(5);
    const seenWhileSuspended = [...seen];
    release();
    const [first, second] = await Promise.all([p1, p2]);
    const after = await settle(exports.run(7));
    await sleep(1);
    return { first, second, seenWhileSuspended, seen, after, reentry, poisoned: state.poisoned?.message ?? null };
  },

  /** Callback-lifted exports calling a sync host import (async in JS) from the first call and the callback. */
  async "callback-export"(compiled) {
    let n = 0;
    const { exports } = await compiled.instantiate({ fetch: (x) => (n++ === 2 ? x * 2 : sleep(5).then(() => x * 2)) }, { jspi: true });
    return { viaCallback: await exports.viaCallback(5), direct: await exports.direct(5), plain: await exports.viaCallback(6) };
  },

  /** Many async export calls at once under jspi: each suspends in the sync import; they queue. */
  async "callback-concurrent"(compiled) {
    const { exports } = await compiled.instantiate({ fetch: (x) => (x % 2 ? x * 2 : sleep(1).then(() => x * 2)) }, { jspi: true });
    const calls = [];
    for (let i = 0; i < 20; i++) calls.push(exports.direct(i));
    return { results: await Promise.all(calls) };
  },

  /** A sync-lifted `async func` export that waits on a waitable set for an async-lowered host call. */
  async "stackful-wait"(compiled) {
    const { exports } = await compiled.instantiate({ slow: async (x) => (await sleep(5), x * 3) }, { jspi: true });
    return { result: await settle(exports.waitSlow(5)) };
  },

  /**
   * A sync subtask.cancel of a pending async host import: the host's signal fires, and the guest's
   * thread waits until the host settles (a rejection cancels, a value returns anyway).
   */
  async "stackful-cancel"(compiled) {
    const aborts = [];
    const slow = (answer) => (x, { signal }) =>
      new Promise((resolve, reject) =>
        signal.addEventListener("abort", async () => {
          aborts.push(x);
          await sleep(5);
          if (answer) resolve(x * 3);
          else reject(signal.reason);
        }),
      );
    const rejected = await settle((await compiled.instantiate({ slow: slow(false) }, { jspi: true })).exports.cancelSlow(5));
    const answered = await settle((await compiled.instantiate({ slow: slow(true) }, { jspi: true })).exports.cancelSlow(5));
    const nonAsync = await settle((await compiled.instantiate({ slow: slow(true) }, { jspi: true })).exports.syncCancelSlow(5));
    return { rejected, answered, aborts, nonAsync };
  },

  /** A sync lowering of an async host import from an async func (waits) and from a non-async func (traps). */
  async "stackful-sync-lower"(compiled) {
    const { exports } = await compiled.instantiate({ slow: async (x) => (await sleep(5), x * 3) }, { jspi: true });
    const direct = await settle(exports.directSlow(5));
    const nonAsync = await settle(exports.syncSlow(5));
    return { direct, nonAsync };
  },

  /** Host imports of nested instances: suspending where the root exports reach them without JS. */
  async nested(compiled) {
    const slow = { fetch: async (x) => (await sleep(2), x * 2) };
    const direct = await settle((await compiled.instantiate(slow, { jspi: true })).exports.g(7));
    const viaSync = await settle((await compiled.instantiate({ fetch: (x) => x * 2 }, { jspi: true })).exports.via(7));
    const viaPromise = await settle((await compiled.instantiate(slow, { jspi: true })).exports.via(7));
    // g suspended in the nested instance keeps the root entered too: via (a root lift) waits for it.
    const log = [];
    const { exports } = await compiled.instantiate(
      { fetch: (x) => (log.push(x), x === 7 ? sleep(2).then(() => x * 2) : x * 2) },
      { jspi: true },
    );
    const both = await Promise.all([settle(exports.g(7)), settle(exports.via(1))]);
    return { direct, viaSync, viaPromise, both, log };
  },

  /** A sync stream.read in a sync-lifted `async func` waits for bytes the host writes later. */
  async "stream-read"(compiled) {
    const { exports } = await compiled.instantiate({}, { jspi: true });
    const later = (async function* () {
      await sleep(5);
      yield new Uint8Array([1, 2, 3]);
    })();
    return { result: await settle(exports.sum(streamFrom(later, "u8"))) };
  },

  /**
   * A sync import whose result is a future (as WASI 0.3's write-via-stream): the FutureReader or
   * promise the host returns is the future, not a promise to wait for at the import.
   */
  async "write-via-stream"(compiled) {
    const sum = async (data) => {
      let n = 0;
      for await (const chunk of data) for (const b of chunk) n += b;
      return n;
    };
    const viaReader = await compiled.instantiate({ "write-via-stream": (data) => futureFrom(sum(data), "u32") }, { jspi: true });
    const viaPromise = await compiled.instantiate({ "write-via-stream": (data) => sum(data) }, { jspi: true });
    return { reader: await settle(viaReader.exports.run()), promise: await settle(viaPromise.exports.run()) };
  },

  /** A componentize-qjs guest (imports two components deep): async host functions and resource methods. */
  async "qjs-resources"(compiled) {
    const events = [];
    class Logger {
      constructor(prefix) {
        this.prefix = prefix;
        this.lines = [];
      }
      async log(msg) {
        await sleep(1);
        this.lines.push(msg);
        events.push(`${this.prefix}: ${msg}`);
      }
      count() {
        return this.lines.length;
      }
      static named(name) {
        return new Logger(`named ${name}`);
      }
    }
    const imports = {
      "test:res/host@1.0.0": {
        Logger,
        check: async (v) => (await sleep(1), v > 5 ? { tag: "err", val: `${v} is too big` } : { tag: "ok", val: v + 1 }),
      },
      scale: async (v) => (await sleep(2), v * 3),
    };
    const { exports } = await compiled.instantiate(imports, { jspi: true });
    return {
      scaled: await exports.scaled(4),
      concurrent: await Promise.all([1, 2, 3, 4].map((v) => exports.scaled(v))),
      validate: [await exports.validate(2), await exports.validate(9)],
      consumed: await exports.consumeLogger(new Logger("C")),
      scratch: await exports.scratchLogger("S", "hi"),
      events,
    };
  },

  /** Two calls of a sync-lifted `async func`: the second waits for the first's exclusive slot (backpressure). */
  async "stackful-concurrent"(compiled) {
    const log = [];
    const { exports } = await compiled.instantiate(
      { slow: async (x) => (log.push(`start ${x}`), await sleep(5), log.push(`end ${x}`), x * 3) },
      { jspi: true },
    );
    const results = await Promise.all([exports.waitSlow(5), exports.waitSlow(6)]);
    return { results, log, after: await exports.waitSlow(1) };
  },
};

const compiled = await compileComponent(await readFile(wasmPath));
if (!jspiAvailable()) throw new Error("scenarios.mjs needs an engine with JSPI");
const report = await scenarios[scenario](compiled);
console.log(JSON.stringify(report));
