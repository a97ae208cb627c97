/** Seeded random JS values of an AbiType, following the runtime's JS mapping (plan.ts). */
import type { AbiType } from "@witgen/runtime";

export type Rng = () => number;

/** mulberry32: small, seedable, good enough for test data. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const TYPED: Partial<Record<AbiType["kind"], { new (a: ArrayLike<number> | ArrayLike<bigint>): unknown }>> = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array as never,
  s64: BigInt64Array as never,
  f32: Float32Array,
  f64: Float64Array,
};

/** Strings that exercise every transcoding path: ASCII, Latin-1, BMP, astral, empty. */
const STRING_PARTS = ["", "a", "hello", "0123456789abcdef", "é", "ÿü", "Ω", "€uro", "日本語", "😀", "a😀b", "\u0000", "x".repeat(40)];

function camel(s: string): string {
  return s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export function valueOf(t: AbiType, r: Rng, depth = 0): unknown {
  switch (t.kind) {
    case "bool":
      return r() < 0.5;
    case "u8":
      return pick(r, [0, 1, 127, 128, 255, int(r, 0, 255)]);
    case "s8":
      return pick(r, [0, -1, -128, 127, int(r, -128, 127)]);
    case "u16":
      return pick(r, [0, 65535, int(r, 0, 65535)]);
    case "s16":
      return pick(r, [-32768, 32767, int(r, -32768, 32767)]);
    case "u32":
      return pick(r, [0, 1, 2 ** 31, 2 ** 32 - 1, int(r, 0, 2 ** 32 - 1)]);
    case "s32":
      return pick(r, [0, -1, -(2 ** 31), 2 ** 31 - 1, int(r, -(2 ** 31), 2 ** 31 - 1)]);
    case "u64":
      return pick(r, [0n, 1n, 2n ** 63n, 2n ** 64n - 1n, BigInt(int(r, 0, 2 ** 31)) * 4294967311n]);
    case "s64":
      return pick(r, [0n, -1n, -(2n ** 63n), 2n ** 63n - 1n, -BigInt(int(r, 0, 2 ** 31)) * 4294967311n]);
    case "f32":
      return pick(r, [0, -0, 1.5, -2.25, Math.fround(r() * 1e6), Infinity, NaN, Math.fround(1e-40)]);
    case "f64":
      return pick(r, [0, -0, Math.PI, -1e300, r(), -Infinity, NaN, 5e-324]);
    case "char":
      return pick(r, ["a", "\u0000", "é", "Ω", "😀", "\uffff", String.fromCodePoint(0x10ffff)]);
    case "string": {
      const n = int(r, 0, 3);
      let s = "";
      for (let i = 0; i < n; i++) s += pick(r, STRING_PARTS);
      return s;
    }
    case "list": {
      const n = t.length ?? int(r, 0, depth > 1 ? 2 : 4);
      const a = Array.from({ length: n }, () => valueOf(t.element, r, depth + 1));
      const TA = TYPED[t.element.kind];
      // Numeric lists: a typed array, or (accepted when lowering) a plain array.
      if (TA && (t.length !== undefined || r() < 0.7)) return new TA(a as number[]);
      return a;
    }
    case "record":
      return Object.fromEntries(t.fields.map((f) => [camel(f.name), valueOf(f.type, r, depth + 1)]));
    case "tuple":
      return t.types.map((u) => valueOf(u, r, depth + 1));
    case "variant": {
      const c = pick(r, t.cases);
      return c.type ? { tag: c.name, val: valueOf(c.type, r, depth + 1) } : { tag: c.name };
    }
    case "enum":
      return pick(r, t.cases);
    case "option": {
      const some = r() < 0.6;
      if (t.some.kind === "option") return some ? { tag: "some", val: valueOf(t.some, r, depth + 1) } : { tag: "none" };
      return some ? valueOf(t.some, r, depth + 1) : undefined;
    }
    case "result":
      return r() < 0.5
        ? { tag: "ok", val: t.ok ? valueOf(t.ok, r, depth + 1) : undefined }
        : { tag: "err", val: t.err ? valueOf(t.err, r, depth + 1) : undefined };
    case "flags":
      return Object.fromEntries(t.flags.map((f) => [camel(f), r() < 0.5]));
    case "map": {
      const n = int(r, 0, 3);
      const m = new Map();
      for (let i = 0; i < n; i++) m.set(valueOf(t.key, r, depth + 1), valueOf(t.value, r, depth + 1));
      // String-keyed maps also lower from plain objects (Explainer.md "JS API").
      if (t.key.kind === "string" && r() < 0.3) return Object.fromEntries(m);
      return m;
    }
    case "own":
    case "borrow":
      return { resource: t.name, serial: int(r, 0, 1000) };
    default:
      throw new Error(`no values for ${t.kind}`);
  }
}
