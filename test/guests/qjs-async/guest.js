// An async guest (componentize-qjs default runtime): async exports, streams, futures,
// and a resource with an async method.

export async function now(n) {
  return n + 1;
}

export async function check(s, good) {
  if (good) return `ok: ${s}`;
  throw `bad: ${s}`;
}

// Returns the readable end at once and keeps writing after returning:
// bytes 0..n-1 (mod 256) in chunks of up to 1000.
export async function numbers(n) {
  const { readable, writable } = wit.Stream(wit.Stream.U8);
  (async () => {
    for (let i = 0; i < n; i += 1000) {
      const len = Math.min(1000, n - i);
      const chunk = new Uint8Array(len);
      for (let j = 0; j < len; j++) chunk[j] = (i + j) & 0xff;
      await writable.writeAll(chunk);
    }
    writable.drop();
  })();
  return readable;
}

export async function totalLength(bytes) {
  let total = 0;
  for await (const chunk of bytes) total += chunk.length;
  return total;
}

export async function words(text) {
  return (async function* () {
    for (const w of text.split(" ")) yield w;
  })();
}

export async function points(n) {
  const { readable, writable } = wit.Stream(wit.Stream.POINT);
  (async () => {
    for (let i = 0; i < n; i++) await writable.writeOne({ x: i * 10, label: `p${i}` });
    writable.drop();
  })();
  return readable;
}

export async function shout(input) {
  return (async function* () {
    for await (const value of input) yield value.toUpperCase();
  })();
}

export async function later(n) {
  const { readable, writable } = wit.Future(wit.Future.U32);
  writable.write(n * 2);
  return readable;
}

export async function awaitFuture(f) {
  return `got ${await f.read()}`;
}

class Counter {
  constructor(initial) {
    this.value = initial;
  }
  async add(value) {
    this.value += value;
    return this.value;
  }
  get() {
    return this.value;
  }
}

export const counters = { Counter };
