/**
 * Printer and parser agree on random values of every type: for seeded random
 * JS values v, parse(print(v)) equals v and printing again gives the same
 * text. Floats come from random bit patterns, strings from code points chosen
 * to hit every escape rule (controls, quotes, combining marks, separators,
 * emoji, keywords-looking text).
 */
import { describe, expect, it } from "vitest";
import type { AbiType } from "@witgen/runtime";
import { camelCaseScope } from "@witgen/runtime";
import { parseWave, printWave } from "../../src/wave/index.js";

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODE_POINTS = [
  [0x20, 0x7e],
  [0x0, 0x1f],
  [0x7f, 0xa0],
  [0x300, 0x36f],
  [0x2000, 0x202f],
  [0x4e00, 0x4e20],
  [0xfe00, 0xfe0f],
  [0x1f600, 0x1f64f],
  [0xe000, 0xe010],
  [0x10fff0, 0x10ffff],
] as const;

class Gen {
  constructor(private readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  bits32(): number {
    return (this.r() * 4294967296) >>> 0;
  }
  char(): string {
    const special = `'"\\\n\t\r%{}()[],:/`;
    if (this.int(4) === 0) return special[this.int(special.length)];
    const [lo, hi] = CODE_POINTS[this.int(CODE_POINTS.length)];
    return String.fromCodePoint(lo + this.int(hi - lo + 1));
  }
  string(): string {
    const words = ["none", "some(", "ok", "//", '"""', "\\u{41}"];
    let s = "";
    for (let i = this.int(8); i > 0; i--) s += this.int(5) === 0 ? words[this.int(words.length)] : this.char();
    return s;
  }
  value(t: AbiType): unknown {
    switch (t.kind) {
      case "bool":
        return this.int(2) === 1;
      case "u8":
        return this.int(256);
      case "s16":
        return this.int(65536) - 32768;
      case "u32":
        return this.bits32();
      case "s32":
        return this.bits32() | 0;
      case "u64":
        return (BigInt(this.bits32()) << 32n) | BigInt(this.bits32());
      case "s64":
        return BigInt.asIntN(64, (BigInt(this.bits32()) << 32n) | BigInt(this.bits32()));
      case "f32":
        return new Float32Array(new Uint32Array([this.bits32()]).buffer)[0];
      case "f64":
        return new Float64Array(new Uint32Array([this.bits32(), this.bits32()]).buffer)[0];
      case "char":
        return this.char();
      case "string":
        return this.string();
      case "list": {
        const n = t.length ?? this.int(4);
        const items = Array.from({ length: n }, () => this.value(t.element));
        if (t.element.kind === "u8") return new Uint8Array(items as number[]);
        if (t.element.kind === "f32") return new Float32Array(items as number[]);
        return items;
      }
      case "tuple":
        return t.types.map((u) => this.value(u));
      case "record": {
        const keys = camelCaseScope(t.fields.map((f) => f.name));
        return Object.fromEntries(t.fields.map((f, i) => [keys[i], this.value(f.type)]));
      }
      case "variant": {
        const c = t.cases[this.int(t.cases.length)];
        return c.type ? { tag: c.name, val: this.value(c.type) } : { tag: c.name };
      }
      case "enum":
        return t.cases[this.int(t.cases.length)];
      case "option": {
        const none = this.int(3) === 0;
        if (t.some.kind === "option") return none ? { tag: "none" } : { tag: "some", val: this.value(t.some) };
        return none ? undefined : this.value(t.some);
      }
      case "result": {
        const tag = this.int(2) === 0 ? "ok" : "err";
        const type = tag === "ok" ? t.ok : t.err;
        return { tag, val: type ? this.value(type) : undefined };
      }
      case "flags": {
        const keys = camelCaseScope(t.flags);
        return Object.fromEntries(keys.map((k) => [k, this.int(2) === 1]));
      }
      case "map": {
        const m = new Map<unknown, unknown>();
        for (let i = this.int(4); i > 0; i--) m.set(this.value(t.key), this.value(t.value));
        return m;
      }
      default:
        throw new Error(`no generator for ${t.kind}`);
    }
  }
}

const str: AbiType = { kind: "string" };
const u8: AbiType = { kind: "u8" };
const EVERYTHING: AbiType = {
  kind: "record",
  name: "everything",
  fields: [
    { name: "b", type: { kind: "bool" } },
    { name: "small", type: u8 },
    { name: "s16", type: { kind: "s16" } },
    { name: "u32", type: { kind: "u32" } },
    { name: "s32", type: { kind: "s32" } },
    { name: "u64", type: { kind: "u64" } },
    { name: "s64", type: { kind: "s64" } },
    { name: "f32", type: { kind: "f32" } },
    { name: "f64", type: { kind: "f64" } },
    { name: "c", type: { kind: "char" } },
    { name: "text", type: str },
    { name: "bytes", type: { kind: "list", element: u8 } },
    { name: "floats", type: { kind: "list", element: { kind: "f32" } } },
    { name: "pair", type: { kind: "list", element: str, length: 2 } },
    { name: "tup", type: { kind: "tuple", types: [{ kind: "s32" }, { kind: "option", some: u8 }] } },
    {
      name: "shape",
      type: {
        kind: "variant",
        name: "shape",
        cases: [
          { name: "circle", type: { kind: "f64" } },
          { name: "none" },
          { name: "ok", type: str },
          { name: "pt", type: { kind: "tuple", types: [u8, u8] } },
        ],
      },
    },
    { name: "color", type: { kind: "enum", name: "color", cases: ["red", "err", "light-blue"] } },
    { name: "maybe", type: { kind: "option", some: { kind: "option", some: str } } },
    { name: "opt", type: { kind: "option", some: { kind: "list", element: str } } },
    { name: "res", type: { kind: "result", ok: { kind: "u32" }, err: str } },
    { name: "bare-res", type: { kind: "result" } },
    { name: "res-opt", type: { kind: "result", ok: { kind: "option", some: u8 }, err: { kind: "result", ok: u8 } } },
    { name: "perms", type: { kind: "flags", name: "perms", flags: ["read", "write", "exec-all"] } },
    { name: "dict", type: { kind: "map", key: str, value: { kind: "s64" } } },
  ],
};
const NESTED: AbiType = { kind: "list", element: { kind: "option", some: EVERYTHING } };

describe("WAVE print/parse round trips", () => {
  it("every field type, 400 random values", () => {
    const g = new Gen(rng(0x5eed));
    for (let i = 0; i < 400; i++) {
      const v = g.value(EVERYTHING);
      const text = printWave(v, EVERYTHING);
      const back = parseWave(text, EVERYTHING);
      expect(back, text).toEqual(v);
      expect(printWave(back, EVERYTHING)).toBe(text);
    }
  });

  it("nested in lists and options", () => {
    const g = new Gen(rng(42));
    for (let i = 0; i < 50; i++) {
      const v = g.value(NESTED);
      const text = printWave(v, NESTED);
      expect(parseWave(text, NESTED), text).toEqual(v);
    }
  });

  it("f32 and f64 bit patterns print as the shortest text that reads back exactly", () => {
    const g = new Gen(rng(7));
    for (let i = 0; i < 3000; i++) {
      const f = g.value({ kind: "f32" }) as number;
      const text = printWave(f, { kind: "f32" });
      expect(Object.is(parseWave(text, { kind: "f32" }), f) || (Number.isNaN(f) && text === "nan"), text).toBe(true);
      const d = g.value({ kind: "f64" }) as number;
      const dText = printWave(d, { kind: "f64" });
      expect(Object.is(parseWave(dText, { kind: "f64" }), d) || (Number.isNaN(d) && dText === "nan"), dText).toBe(true);
    }
    expect(printWave(Math.fround(0.1), { kind: "f32" })).toBe("0.1");
    expect(printWave(Math.fround(16777217), { kind: "f32" })).toBe("16777216");
    expect(printWave(2 ** -149, { kind: "f32" })).toBe("0.000000000000000000000000000000000000000000001");
  });
});
