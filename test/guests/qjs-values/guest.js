// Guest implementation of world `values` (componentize-qjs conventions: records with
// camelCase keys, variants { tag, val }, enums as strings, flags as boolean objects,
// option as null, a top-level result as return / throw).
import env from "test:values/env@1.0.0";

export function greet(name) {
  return `Hello, ${name}! (${[...name].length} chars)`;
}

export function reverse(s) {
  return [...s].reverse().join("");
}

export function midpoint(a, b) {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

export function birthday(p) {
  return { fullName: p.fullName.toUpperCase(), age: p.age + 1, email: p.email, tags: [...p.tags, "older"] };
}

export function area(s) {
  switch (s.tag) {
    case "circle":
      return Math.PI * s.val * s.val;
    case "rect":
      return s.val.x * s.val.y;
    case "empty":
      return 0;
  }
  throw new Error(`unknown shape ${s.tag}`);
}

export function grow(s, by) {
  switch (s.tag) {
    case "circle":
      return { tag: "circle", val: s.val * by };
    case "rect":
      return { tag: "rect", val: { x: s.val.x * by, y: s.val.y * by } };
    default:
      return { tag: "empty" };
  }
}

const COLORS = ["red", "green", "blue"];
export function nextColor(c) {
  return COLORS[(COLORS.indexOf(c) + 1) % COLORS.length];
}

export function toggle(p, which) {
  return { read: p.read !== which.read, write: p.write !== which.write, exec: p.exec !== which.exec };
}

export function find(people, name) {
  return people.find((p) => p.fullName === name) ?? null;
}

export function firstTag(p) {
  return p.tags.length > 0 ? p.tags[0] : null;
}

export function parseU32(s) {
  if (!/^[0-9]+$/.test(s)) throw `not a number: ${s}`;
  const n = Number(s);
  if (n > 0xffffffff) throw `too large: ${s}`;
  return n;
}

export function half(v) {
  return v / 2;
}

export function divide(a, b) {
  if (b === 0) throw "divide-by-zero";
  if (a === -2147483648 && b === -1) throw "overflow";
  return Math.trunc(a / b);
}

export function tally(rs) {
  let sum = 0;
  const errors = [];
  for (const r of rs) {
    if (r.tag === "ok") sum += r.val;
    else errors.push(r.val);
  }
  return [sum, errors];
}

export function bytesSum(b) {
  let sum = 0;
  for (const x of b) sum += x;
  return sum;
}

export function bytesXor(b, key) {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[i] ^ key;
  return out;
}

export function oldest(people) {
  const max = Math.max(...people.map((p) => p.age));
  return people.filter((p) => p.age === max);
}

export function swap([n, s]) {
  return [s, n];
}

export function wide(a, b, c, d, e, f) {
  return [a + 1, b - 1, -c, d * 2, e / 2, !f];
}

export function nestedOption(o) {
  // option<option<T>> is wrapped at the outer level ({ tag: "some" | "none", val }); the inner none is null.
  if (o.tag === "none") return { tag: "some", val: null };
  if (o.val === null) return { tag: "some", val: 0 };
  return o.val >= 100 ? { tag: "none" } : { tag: "some", val: o.val + 1 };
}

export function maybeResult(o) {
  if (o === null) return { tag: "err", val: 0 };
  return o.tag === "ok" ? { tag: "ok", val: o.val + "!" } : { tag: "err", val: o.val + 1 };
}

export function nextChar(c) {
  return String.fromCodePoint(c.codePointAt(0) + 1);
}

export function transpose(m) {
  if (m.length === 0) return [];
  return m[0].map((_, j) => m.map((row) => row[j]));
}

export function reverseS16(xs) {
  return Int16Array.from(xs).reverse();
}

export function scaleF32(xs, k) {
  return Float32Array.from(xs, (x) => x * k);
}

export function counts(words) {
  const m = new Map();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

// Host calls: records, options, variants, lists and tuples lowered by the host into this memory.
export function ask(name) {
  const p = env.lookup(name);
  if (p === null) return `${name}? unknown`;
  return env.describe(p, { tag: "rect", val: { x: p.age, y: p.tags.length } }, p.tags.length > 1 ? "blue" : "red");
}

export function noiseSum(n) {
  const bytes = env.noise(n);
  let sum = 0;
  for (const b of bytes) sum += b;
  return [bytes.length, sum];
}

export function pairText() {
  const [head, rest] = env.pair();
  return `${head}: ${rest.join("|")}`;
}

export const text = {
  upper(s) {
    return s.toUpperCase();
  },
  words(s) {
    return s.split(/\s+/).filter((w) => w.length > 0);
  },
  codePoints(s) {
    return [...s];
  },
  join(parts, sep) {
    return parts.join(sep);
  },
};
