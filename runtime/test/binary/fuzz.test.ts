/**
 * Mutation fuzzing of the decoder: random byte flips, truncations, inserted
 * bytes and over-long LEB128s applied to real component binaries. Each case
 * must either decode or throw ComponentLoadError; anything else (TypeError,
 * RangeError, a wrong error type) fails and prints the seed to replay with
 * `WITGEN_FUZZ_SEED=<seed> npx vitest run runtime/test/binary/fuzz.test.ts`.
 */
import { parse } from "@bytecodealliance/jco";
import { beforeAll, expect, test } from "vitest";
import { ComponentLoadError, decodeComponent, decodeWorld } from "@witgen/runtime/binary";
import { dummyComponent, wasiComponent } from "./helpers.js";

const TIME_BUDGET_MS = 5_000;
const MIN_CASES = 2_000;
const MAX_CASES = 12_000;
const SEED = Number(process.env.WITGEN_FUZZ_SEED ?? 0x5eed_2026);

/** mulberry32: small, fast and deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEMO_WIT = `package ex:fuzz@0.1.0;
interface types {
  resource blob { constructor(init: list<u8>); read: func(n: u32) -> list<u8>; merge: static func(a: blob, b: blob) -> blob; }
  record point { x: s32, y: s32 }
  flags perms { read, write }
  enum color { red, green }
  variant shape { circle(f32), none }
  get: async func(p: point, s: stream<u8>, f: future) -> result<future<string>, color>;
  fixed: func(a: list<u32, 4>, sh: shape) -> tuple<u8, perms, option<char>>;
}
interface user { use types.{blob, point}; f: func(b: borrow<blob>) -> point; }
world w { import types; import user; export user; import plain: func(x: option<string>); export run: async func(); }
`;

const NESTED_WAT = `(component
  (type $s (stream u8))
  (core module $m (memory (export "mem") 1) (func (export "f") (param i32)))
  (core instance $i (instantiate $m))
  (alias core export $i "mem" (core memory $mem))
  (core func (canon stream.read $s (memory $mem) async))
  (core func (canon waitable-set.wait (memory $mem)))
  (component $inner
    (import "t" (type $t (sub resource)))
    (type $f (func (param "x" (own $t))))
    (import "f" (func (type $f)))
    (export "g" (func 0)))
  (import "r" (type $r (sub resource)))
  (import "h" (func $h (param "x" (own $r))))
  (instance $x (instantiate $inner (with "t" (type $r)) (with "f" (func $h))))
  (export "api" (instance $x))
)`;

type Mutation = { name: string; apply: (bytes: Uint8Array, rand: () => number) => Uint8Array };

const pick = (rand: () => number, n: number) => Math.floor(rand() * n);

const MUTATIONS: Mutation[] = [
  {
    name: "flip bit",
    apply: (b, rand) => {
      const out = b.slice();
      for (let k = 1 + pick(rand, 3); k > 0; k--) out[pick(rand, out.length)] ^= 1 << pick(rand, 8);
      return out;
    },
  },
  {
    name: "random byte",
    apply: (b, rand) => {
      const out = b.slice();
      out[pick(rand, out.length)] = pick(rand, 256);
      return out;
    },
  },
  { name: "truncate", apply: (b, rand) => b.slice(0, pick(rand, b.length)) },
  {
    name: "insert bytes",
    apply: (b, rand) => {
      const at = pick(rand, b.length + 1);
      const ins = Array.from({ length: 1 + pick(rand, 8) }, () => pick(rand, 256));
      return new Uint8Array([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
    },
  },
  {
    name: "delete bytes",
    apply: (b, rand) => {
      const at = pick(rand, b.length);
      return new Uint8Array([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + 1 + pick(rand, 16)))]);
    },
  },
  {
    name: "LEB overflow",
    apply: (b, rand) => {
      // Replaces a byte with an over-long or huge LEB128.
      const at = pick(rand, b.length);
      const lebs = [
        [0xff, 0xff, 0xff, 0xff, 0x0f],
        [0xff, 0xff, 0xff, 0xff, 0x7f],
        [0x80, 0x80, 0x80, 0x80, 0x80, 0x00],
        [0xff, 0xff, 0xff, 0x7f],
      ];
      return new Uint8Array([...b.subarray(0, at), ...lebs[pick(rand, lebs.length)], ...b.subarray(at + 1)]);
    },
  },
  {
    name: "duplicate range",
    apply: (b, rand) => {
      // Repeats a run of bytes: duplicated items, sections or vector entries.
      const at = pick(rand, b.length);
      const end = Math.min(b.length, at + 1 + pick(rand, 64));
      return new Uint8Array([...b.subarray(0, end), ...b.subarray(at, end), ...b.subarray(end)]);
    },
  },
  {
    name: "splice from another seed",
    apply: (b, rand) => {
      const other = seeds[pick(rand, seeds.length)].bytes;
      const from = pick(rand, other.length);
      const chunk = other.subarray(from, Math.min(other.length, from + 1 + pick(rand, 128)));
      const at = pick(rand, b.length + 1);
      return new Uint8Array([...b.subarray(0, at), ...chunk, ...b.subarray(at)]);
    },
  },
  {
    name: "small number",
    apply: (b, rand) => {
      // Nudges a byte by one: index off-by-one, neighbouring opcode, count +-1.
      const out = b.slice();
      const at = pick(rand, out.length);
      out[at] = (out[at] + (rand() < 0.5 ? 1 : 255)) & 0xff;
      return out;
    },
  },
];

let seeds: { name: string; bytes: Uint8Array }[] = [];

beforeAll(async () => {
  seeds = [
    { name: "demo world", bytes: await dummyComponent(DEMO_WIT, "w") },
    { name: "nested component WAT", bytes: await parse(NESTED_WAT) },
    { name: "wasi:clocks/imports", bytes: await wasiComponent("clocks", "wasi:clocks/imports") },
  ];
});

test("the seeds themselves decode", () => {
  for (const s of seeds) {
    expect(() => decodeComponent(s.bytes), s.name).not.toThrow();
    expect(() => decodeWorld(s.bytes), s.name).not.toThrow();
  }
  // The nested component's export has the type of its instantiation: resource identity survives.
  const doc = decodeWorld(seeds[1].bytes);
  const api = doc.worlds[0].exports.find((e) => e.key === "api");
  expect(api?.kind).toBe("interface");
  const g = api?.kind === "interface" ? doc.interfaces[api.interface].functions[0] : undefined;
  const r = doc.worlds[0].imports.find((i) => i.key === "r");
  expect(r?.kind).toBe("type");
  expect(g?.params[0].type).toEqual({ kind: "own", resource: r?.kind === "type" ? r.type : -1 });
});

test("random mutations of real components decode or throw ComponentLoadError", () => {
  const rand = prng(SEED);
  const started = Date.now();
  let cases = 0;
  let decoded = 0;
  for (; cases < MAX_CASES; cases++) {
    if (cases >= MIN_CASES && Date.now() - started > TIME_BUDGET_MS) break;
    const seed = seeds[pick(rand, seeds.length)];
    let bytes = seed.bytes;
    const applied: string[] = [];
    for (let k = 1 + pick(rand, 2); k > 0; k--) {
      const m = MUTATIONS[pick(rand, MUTATIONS.length)];
      bytes = m.apply(bytes, rand);
      applied.push(m.name);
    }
    try {
      decodeComponent(bytes);
      decodeWorld(bytes);
      decoded++;
    } catch (e) {
      if (!(e instanceof ComponentLoadError)) {
        throw new Error(
          `fuzz seed 0x${SEED.toString(16)}, case ${cases} (${seed.name}; ${applied.join(", ")}): ` +
            `expected ComponentLoadError, got ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`,
        );
      }
      // Every error names a real position.
      if (!(e.offset >= 0 && e.offset <= bytes.length)) {
        throw new Error(
          `fuzz seed 0x${SEED.toString(16)}, case ${cases}: error offset ${e.offset} outside 0..${bytes.length}`,
        );
      }
    }
  }
  console.log(
    `fuzz: ${cases} cases (${decoded} still decode) in ${Date.now() - started} ms, seed 0x${SEED.toString(16)}`,
  );
  expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
}, 30_000);
