// The raw baseline of the async benchmark: the core module of `async.wat` (async-core.wat)
// instantiated with a minimal hand-written JS implementation of exactly the built-ins it
// imports — one handle table, waitable sets, a callback driver, rendezvous copies with one
// `Uint8Array.set` per chunk — and nothing else (no type checks, no traps, one task of a
// kind at a time). It is the physical limit a full runtime is compared with, not a runtime.
//
// Exports mirror the dynamic API: `ready()`, `relay(x)` return promises; `sink(reader)` takes
// a `RawStream`, `source(n)` / `pass(reader)` resolve to one, `later()` resolves to the value.
const BLOCKED = 0xffffffff;
const COMPLETED = 0;
const DROPPED = 1;
const EVENT_SUBTASK = 1;
const EVENT_STREAM_READ = 2;
const EVENT_STREAM_WRITE = 3;
const EVENT_FUTURE_WRITE = 5;

/** A byte stream between the host and the guest; each side has at most one pending copy. */
export class RawStream {
  constructor(instance) {
    this.inst = instance;
    this.guestRead = undefined; // { handle, ptr, n }
    this.guestWrite = undefined; // { handle, ptr, n }
    this.hostChunk = undefined; // { chunk, off, resolve }
    this.hostRead = undefined; // { buffer (readInto) or undefined (read), resolve }
    this.hostClosed = false;
    this.guestClosed = false;
  }

  /** Host writer: offers the whole chunk; resolves once the guest took all of it. */
  write(chunk) {
    return new Promise((resolve) => {
      this.hostChunk = { chunk, off: 0, resolve };
      const r = this.guestRead;
      if (r) {
        this.guestRead = undefined;
        const n = this.copyIn(r.ptr, r.n);
        this.inst.deliver(r.handle, EVENT_STREAM_READ, r.handle, COMPLETED | (n << 4));
      }
    });
  }

  close() {
    this.hostClosed = true;
    const r = this.guestRead;
    if (r) {
      this.guestRead = undefined;
      this.inst.deliver(r.handle, EVENT_STREAM_READ, r.handle, DROPPED);
    }
  }

  /** Host reader: the next chunk the guest wrote (a copy), or undefined at the end. */
  read() {
    return new Promise((resolve) => {
      const w = this.guestWrite;
      if (w) {
        this.guestWrite = undefined;
        resolve(this.inst.u8().slice(w.ptr, w.ptr + w.n));
        this.inst.deliver(w.handle, EVENT_STREAM_WRITE, w.handle, COMPLETED | (w.n << 4));
      } else if (this.guestClosed) resolve(undefined);
      else this.hostRead = { buffer: undefined, resolve };
    });
  }

  /**
   * Host reader into the caller's buffer (as our `readInto`): the guest's bytes are copied
   * straight into `buffer`; resolves the count, or undefined at the end.
   */
  readInto(buffer) {
    return new Promise((resolve) => {
      const w = this.guestWrite;
      if (w) {
        this.guestWrite = undefined;
        const n = Math.min(w.n, buffer.length);
        buffer.set(this.inst.u8().subarray(w.ptr, w.ptr + n));
        resolve(n);
        this.inst.deliver(w.handle, EVENT_STREAM_WRITE, w.handle, COMPLETED | (n << 4));
      } else if (this.guestClosed) resolve(undefined);
      else this.hostRead = { buffer, resolve };
    });
  }

  async *[Symbol.asyncIterator]() {
    for (let c; (c = await this.read()) !== undefined; ) yield c;
  }

  /** Copies the pending host chunk into guest memory; returns the count. */
  copyIn(ptr, n) {
    const h = this.hostChunk;
    const k = Math.min(n, h.chunk.length - h.off);
    this.inst.u8().set(h.off === 0 && k === h.chunk.length ? h.chunk : h.chunk.subarray(h.off, h.off + k), ptr);
    h.off += k;
    if (h.off === h.chunk.length) {
      this.hostChunk = undefined;
      h.resolve(k);
    }
    return k;
  }
}

export async function instantiateRawAsync(module, hostWait) {
  const memory = new WebAssembly.Memory({ initial: 3 });
  let bytes = new Uint8Array(memory.buffer);
  const u8 = () => (bytes.buffer === memory.buffer ? bytes : (bytes = new Uint8Array(memory.buffer)));
  const table = [undefined]; // handle 0 is never used
  const free = [];
  const add = (x) => {
    if (free.length) {
      const i = free.pop();
      table[i] = x;
      return i;
    }
    return table.push(x) - 1;
  };
  const remove = (i) => {
    table[i] = undefined;
    free.push(i);
  };

  let resolveTask; // the current export call's promise
  let waiting; // { ws, cb }: the task waiting for an event

  /** Runs the task's next step after a callback code (EXIT, YIELD, WAIT | set << 4). */
  function step(code, cb) {
    const kind = code & 0xf;
    if (kind === 0) return;
    if (kind === 1) {
      queueMicrotask(() => step(cb(0, 0, 0), cb));
      return;
    }
    const ws = code >>> 4;
    for (const h of table[ws].members) {
      const e = table[h].event;
      if (e) {
        table[h].event = undefined;
        queueMicrotask(() => step(cb(e[0], e[1], e[2]), cb));
        return;
      }
    }
    waiting = { ws, cb };
  }

  const inst = {
    u8,
    /** Sets a waitable's event and wakes the task waiting on its set (in a microtask, never reentrantly). */
    deliver(handle, ev, p1, p2) {
      const w = table[handle];
      if (waiting && waiting.ws === w.ws) {
        const { cb } = waiting;
        waiting = undefined;
        queueMicrotask(() => step(cb(ev, p1, p2), cb));
      } else w.event = [ev, p1, p2];
    },
  };

  const end = (stream, readable) => ({ stream, readable, ws: 0, event: undefined });
  const join = (h, ws) => {
    const w = table[h];
    if (w.ws) table[w.ws].members.delete(h);
    w.ws = ws;
    if (ws) table[ws].members.add(h);
  };
  const dropWaitable = (h) => {
    join(h, 0);
    remove(h);
  };

  const b = {
    "host-wait": (x, ptr) => {
      const r = hostWait(x);
      if (!(r instanceof Promise)) {
        new DataView(memory.buffer).setUint32(ptr, r, true);
        return 2;
      }
      const h = add({ ws: 0, event: undefined });
      r.then((v) => {
        new DataView(memory.buffer).setUint32(ptr, v, true);
        inst.deliver(h, EVENT_SUBTASK, h, 2);
      });
      return 1 | (h << 4);
    },
    "ret-u32": (v) => resolveTask(v >>> 0),
    "ret-u64": (v) => resolveTask(BigInt.asUintN(64, v)),
    "ret-handle": (h) => {
      const s = table[h].stream;
      remove(h); // the readable end moves to the host
      resolveTask(s);
    },
    "ret-future": (h) => {
      const f = table[h].future;
      remove(h);
      resolveTask(new Promise((resolve) => (f.hostRead = resolve)));
    },
    "ws-new": () => add({ members: new Set() }),
    join,
    "st-drop": dropWaitable,
    "stream-new": () => {
      const s = new RawStream(inst);
      const r = add(end(s, true));
      const w = add(end(s, false));
      return BigInt(r) | (BigInt(w) << 32n);
    },
    "stream-read": (h, ptr, n) => {
      const s = table[h].stream;
      if (s.hostChunk) return COMPLETED | (s.copyIn(ptr, n) << 4);
      if (s.hostClosed) return DROPPED;
      s.guestRead = { handle: h, ptr, n };
      return BLOCKED;
    },
    "stream-write": (h, ptr, n) => {
      const s = table[h].stream;
      if (s.hostRead) {
        const { buffer, resolve } = s.hostRead;
        s.hostRead = undefined;
        if (!buffer) {
          resolve(u8().slice(ptr, ptr + n));
          return COMPLETED | (n << 4);
        }
        const k = Math.min(n, buffer.length);
        buffer.set(u8().subarray(ptr, ptr + k));
        resolve(k);
        return COMPLETED | (k << 4);
      }
      s.guestWrite = { handle: h, ptr, n };
      return BLOCKED;
    },
    "stream-drop-r": dropWaitable,
    "stream-drop-w": (h) => {
      const s = table[h].stream;
      s.guestClosed = true;
      if (s.hostRead) {
        const { resolve } = s.hostRead;
        s.hostRead = undefined;
        resolve(undefined);
      }
      dropWaitable(h);
    },
    "future-new": () => {
      const f = { hostRead: undefined };
      const r = add({ future: f, ws: 0, event: undefined });
      const w = add({ future: f, ws: 0, event: undefined });
      return BigInt(r) | (BigInt(w) << 32n);
    },
    "future-write": (h, ptr) => {
      const f = table[h].future;
      const v = new DataView(memory.buffer).getUint32(ptr, true);
      if (f.hostRead) {
        f.hostRead(v);
        return COMPLETED | (1 << 4);
      }
      f.value = v;
      queueMicrotask(() => inst.deliver(h, EVENT_FUTURE_WRITE, h, COMPLETED | (1 << 4)));
      return BLOCKED;
    },
    "future-drop-w": dropWaitable,
  };

  const { exports: core } = await WebAssembly.instantiate(module, { b, m: { mem: memory } });
  const call = (start, cb) =>
    function (...args) {
      return new Promise((resolve) => {
        resolveTask = resolve;
        step(start(...args), cb);
      });
    };
  const passIn = (fn, cb) => (stream) => call(fn, cb)(add(end(stream, true)));
  return {
    ready: call(core.ready, core["relay-cb"]),
    relay: call(core.relay, core["relay-cb"]),
    sink: passIn(core.sink, core["sink-cb"]),
    source: call(core.source, core["source-cb"]),
    pass: passIn(core.pass, core["pass-cb"]),
    later: call(core.later, core["later-cb"]),
    /** A host-written stream to pass into `sink` / `pass`. */
    stream: () => new RawStream(inst),
  };
}
