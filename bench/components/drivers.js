// The loops that drive one benchmark variant: calls, and feeding and draining byte streams.
// measure-async.js imports this module once per variant (`drivers.js?variant=<name>`), so each
// variant runs its own copy of these functions: V8 keeps type feedback per function, and one
// copy shared by every variant would turn each call site polymorphic, slowing every variant by
// what the others passed through it (not a cost any one of them has in a real program).

/** Calls: `n` awaited calls of the variant's export; returns the sum of what they answered. */
export const callBodies = {
  ready: async (f, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += await f.ready();
    return s;
  },
  relay: async (f, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += await f.relay(i & 0xffff);
    return s;
  },
  future: async (f, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += await (await f.later());
    return s;
  },
};

/** Writes `total` bytes into a variant's stream pair in chunks (`chunkAt(offset, end)`), then closes it. */
export async function feed(pair, total, chunk, chunkAt) {
  for (let offset = 0; offset < total; offset += chunk) await pair.write(chunkAt(offset, total));
  pair.close();
}

/** Drains a readable the variant returned; returns [bytes, chunks, smallest chunk but the last]. */
export async function drain(readable) {
  let n = 0;
  let chunks = 0;
  let smallest = Infinity;
  let last = 0;
  for await (const c of readable) {
    const len = c.length ?? 1;
    if (chunks > 0) smallest = Math.min(smallest, last);
    last = len;
    n += len;
    chunks++;
  }
  return [n, chunks, smallest];
}

/**
 * Drains a byte stream with `readInto` into one reused buffer of `chunk` bytes: the zero-copy
 * read our API offers next to `for await` (and the raw baseline's equivalent).
 */
export async function drainInto(readable, chunk) {
  const buffer = new Uint8Array(chunk);
  let n = 0;
  let chunks = 0;
  for (;;) {
    const got = await readable.readInto(buffer);
    if (got === undefined) return [n, chunks, Infinity];
    n += got;
    chunks++;
  }
}
