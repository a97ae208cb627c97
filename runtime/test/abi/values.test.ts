import { describe, expect, it } from "vitest";
import { layoutOf, type AbiType, type Flat } from "@witgen/runtime";
import { FlatReader } from "@witgen/runtime";
import { T, codecOf, makeCx } from "./helpers.js";

/** What core wasm would hand back for flat values we produced (JS API conversions). */
function asCoreWouldSee(t: AbiType, vals: Flat[]): Flat[] {
  const flat = layoutOf(t).flat;
  return vals.map((v, i) => {
    switch (flat[i]) {
      case "i32":
        return Number(v) | 0;
      case "i64":
        return BigInt.asIntN(64, v as bigint);
      case "f32":
        return Math.fround(v as number);
      default:
        return v;
    }
  });
}

function roundTrip(
  t: AbiType,
  v: unknown,
): { loaded: unknown; lifted: unknown; flat: Flat[] } {
  const { cx } = makeCx();
  const c = codecOf(t);
  const ptr = 1024 - (1024 % layoutOf(t).align);
  c.store(cx, v, ptr);
  const loaded = c.load(cx, ptr);
  const flat: Flat[] = [];
  c.lowerFlat(cx, v, flat);
  expect(flat.length).toBe(layoutOf(t).flat.length);
  const r = new FlatReader(asCoreWouldSee(t, flat));
  const lifted = c.liftFlat(cx, r);
  expect(r.i).toBe(flat.length);
  return { loaded, lifted, flat };
}

const cases: [string, AbiType, unknown][] = [
  ["bool true", T.bool, true],
  ["bool false", T.bool, false],
  ["u8 max", T.u8, 255],
  ["s8 min", T.s8, -128],
  ["u16 max", T.u16, 65535],
  ["s16 min", T.s16, -32768],
  ["u32 max", T.u32, 0xffffffff],
  ["s32 min", T.s32, -(2 ** 31)],
  ["u64 max", T.u64, 2n ** 64n - 1n],
  ["s64 min", T.s64, -(2n ** 63n)],
  ["f32", T.f32, 1.5],
  ["f32 inf", T.f32, -Infinity],
  ["f64", T.f64, Math.PI],
  ["char ascii", T.char, "a"],
  ["char bmp", T.char, "é"],
  ["char astral", T.char, "😀"],
  ["string", T.string, "héllo wörld 😀"],
  ["empty string", T.string, ""],
  ["list<u8>", T.list(T.u8), new Uint8Array([1, 2, 255])],
  ["list<s16>", T.list(T.s16), new Int16Array([-1, 300])],
  ["list<u32>", T.list(T.u32), new Uint32Array([0xffffffff, 7])],
  ["list<s64>", T.list(T.s64), new BigInt64Array([-5n, 2n ** 62n])],
  ["list<u64>", T.list(T.u64), new BigUint64Array([2n ** 64n - 1n])],
  ["list<f32>", T.list(T.f32), new Float32Array([1.5, -2])],
  ["list<f64>", T.list(T.f64), new Float64Array([Math.E])],
  ["list<bool>", T.list(T.bool), [true, false, true]],
  ["list<string>", T.list(T.string), ["a", "", "ü😀"]],
  ["empty list<string>", T.list(T.string), []],
  [
    "list<list<u8>>",
    T.list(T.list(T.u8)),
    [new Uint8Array([1]), new Uint8Array([])],
  ],
  ["list<u8, 4>", T.list(T.u8, 4), new Uint8Array([9, 8, 7, 6])],
  ["list<string, 2>", T.list(T.string, 2), ["x", "y😀"]],
  [
    "record",
    T.record([
      ["first-name", T.string],
      ["age", T.u8],
      ["score", T.f64],
    ]),
    { firstName: "Ann", age: 33, score: 1.25 },
  ],
  ["tuple", T.tuple(T.u8, T.string, T.s64), [1, "two", -3n]],
  [
    "variant payload",
    T.variant([["a", T.u8], ["b", T.string], ["c"]]),
    { tag: "b", val: "bee" },
  ],
  [
    "variant no payload",
    T.variant([["a", T.u8], ["b", T.string], ["c"]]),
    { tag: "c" },
  ],
  [
    "variant f32/u64 join",
    T.variant([
      ["a", T.f32],
      ["b", T.u64],
    ]),
    { tag: "a", val: -0.5 },
  ],
  [
    "variant f64/u32 join",
    T.variant([
      ["a", T.f64],
      ["b", T.u32],
    ]),
    { tag: "b", val: 0xfffffffe },
  ],
  [
    "variant s32 in i64 slot",
    T.variant([
      ["a", T.s32],
      ["b", T.s64],
    ]),
    { tag: "a", val: -7 },
  ],
  [
    "variant f32 in i32 slot",
    T.variant([
      ["a", T.f32],
      ["b", T.u32],
    ]),
    { tag: "a", val: 2.5 },
  ],
  ["enum", T.enum("red", "green-ish", "blue"), "green-ish"],
  ["option some", T.option(T.u32), 42],
  ["option none", T.option(T.u32), undefined],
  ["option<string>", T.option(T.string), "s"],
  ["option<option<u8>> none", T.option(T.option(T.u8)), { tag: "none" }],
  [
    "option<option<u8>> some(none)",
    T.option(T.option(T.u8)),
    { tag: "some", val: undefined },
  ],
  [
    "option<option<u8>> some(some)",
    T.option(T.option(T.u8)),
    { tag: "some", val: 5 },
  ],
  ["result ok", T.result(T.string, T.u32), { tag: "ok", val: "fine" }],
  ["result err", T.result(T.string, T.u32), { tag: "err", val: 404 }],
  ["result no payloads", T.result(), { tag: "err", val: undefined }],
  [
    "result<_, f32> ok",
    T.result(undefined, T.f32),
    { tag: "ok", val: undefined },
  ],
  [
    "flags",
    T.flags("read", "write-all", "exec"),
    { read: true, writeAll: false, exec: true },
  ],
  [
    "flags 32",
    T.flags(...Array.from({ length: 32 }, (_, i) => `f${i}`)),
    Object.fromEntries(
      Array.from({ length: 32 }, (_, i) => [`f${i}`, i % 3 === 0]),
    ),
  ],
  [
    "map",
    T.map(T.string, T.u32),
    new Map([
      ["one", 1],
      ["two😀", 2],
    ]),
  ],
  [
    "nested",
    T.record([["items", T.list(T.tuple(T.string, T.option(T.list(T.u16))))]]),
    {
      items: [
        ["a", new Uint16Array([1, 2])],
        ["b", undefined],
      ],
    },
  ],
];

describe("round trips: store/load and lower_flat/lift_flat", () => {
  for (const [name, t, v] of cases) {
    it(name, () => {
      const { loaded, lifted } = roundTrip(t, v);
      expect(loaded).toEqual(v);
      expect(lifted).toEqual(v);
      if (ArrayBuffer.isView(v)) {
        expect((loaded as object).constructor).toBe(v.constructor);
        expect((lifted as object).constructor).toBe(v.constructor);
      }
    });
  }

  it("f32/f64 NaN round-trips as NaN and is stored canonically", () => {
    const { cx, mem } = makeCx();
    codecOf(T.f32).store(cx, NaN, 64);
    expect(mem.bytes(64, 4)).toEqual([0x00, 0x00, 0xc0, 0x7f]);
    codecOf(T.f64).store(cx, NaN, 72);
    expect(mem.bytes(72, 8)).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x7f]);
    expect(codecOf(T.f32).load(cx, 64)).toBeNaN();
    // a non-canonical NaN in memory still loads as NaN
    new DataView(mem.memory.buffer).setUint32(80, 0x7f800001, true);
    expect(codecOf(T.f32).load(cx, 80)).toBeNaN();
  });

  it("accepts plain arrays for typed-array lists and yields the typed array", () => {
    const { loaded } = roundTrip(T.list(T.u16), [1, 2, 3]);
    expect(loaded).toEqual(new Uint16Array([1, 2, 3]));
  });

  it("map: a plain object lowers via Object.entries; duplicate keys lift last-wins", () => {
    const m = T.map(T.string, T.u32);
    expect(roundTrip(m, { x: 1, y: 2 }).loaded).toEqual(
      new Map([
        ["x", 1],
        ["y", 2],
      ]),
    );
    const { cx } = makeCx();
    const list = codecOf(T.list(T.tuple(T.string, T.u32)));
    list.store(
      cx,
      [
        ["k", 1],
        ["j", 2],
        ["k", 3],
      ],
      256,
    );
    expect(codecOf(m).load(cx, 256)).toEqual(
      new Map([
        ["k", 3],
        ["j", 2],
      ]),
    );
  });

  it("bool: any non-zero byte is true", () => {
    const { cx, mem } = makeCx();
    new Uint8Array(mem.memory.buffer)[40] = 2;
    expect(codecOf(T.bool).load(cx, 40)).toBe(true);
    expect(codecOf(T.bool).liftFlat(cx, new FlatReader([-1]))).toBe(true);
  });
});

describe("exact byte layouts (hand-computed from CanonicalABI.md store_*)", () => {
  function storeAt(t: AbiType, v: unknown, fill = 0xee) {
    const { cx, mem } = makeCx();
    new Uint8Array(mem.memory.buffer).fill(fill, 512, 600);
    codecOf(t).store(cx, v, 512);
    return { bytes: mem.bytes(512, layoutOf(t).size), mem, cx };
  }

  it("record { a: u8, b: u32, c: u16 }: fields at 0/4/8, padding untouched, size 12", () => {
    const { bytes } = storeAt(
      T.record([
        ["a", T.u8],
        ["b", T.u32],
        ["c", T.u16],
      ]),
      { a: 1, b: 0x04030201, c: 0x0605 },
    );
    expect(bytes).toEqual([1, 0xee, 0xee, 0xee, 1, 2, 3, 4, 5, 6, 0xee, 0xee]);
  });

  it("variant { a(u8), b(u64), c }: u8 discriminant, payload at 8", () => {
    const t = T.variant([["a", T.u8], ["b", T.u64], ["c"]]);
    expect(storeAt(t, { tag: "b", val: 0x0102030405060708n }).bytes).toEqual([
      1, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 8, 7, 6, 5, 4, 3, 2, 1,
    ]);
    expect(storeAt(t, { tag: "c" }).bytes.slice(0, 1)).toEqual([2]);
  });

  it("enum with 300 cases: u16 discriminant", () => {
    const t = T.enum(...Array.from({ length: 300 }, (_, i) => `c${i}`));
    expect(storeAt(t, "c258").bytes).toEqual([2, 1]);
  });

  it("option<u32> and result<u8, string>", () => {
    expect(storeAt(T.option(T.u32), 7).bytes).toEqual([
      1, 0xee, 0xee, 0xee, 7, 0, 0, 0,
    ]);
    expect(storeAt(T.option(T.u32), undefined).bytes).toEqual([
      0, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
    ]);
    const { bytes, mem } = storeAt(T.result(T.u8, T.string), {
      tag: "err",
      val: "hi",
    });
    expect(bytes.slice(0, 4)).toEqual([1, 0xee, 0xee, 0xee]);
    const dv = new DataView(mem.memory.buffer);
    const ptr = dv.getUint32(516, true);
    expect(dv.getUint32(520, true)).toBe(2);
    expect(mem.bytes(ptr, 2)).toEqual([0x68, 0x69]);
  });

  it("flags with 9 labels: 2 bytes, label i is bit i", () => {
    const t = T.flags(...Array.from({ length: 9 }, (_, i) => `f${i}`));
    expect(storeAt(t, { f0: true, f3: true, f8: true }).bytes).toEqual([
      0b1001, 1,
    ]);
  });

  it("list<u16, 3> is inline; list<u16> is (ptr, len) to realloc'd space", () => {
    expect(
      storeAt(T.list(T.u16, 3), new Uint16Array([1, 0x0302, 4])).bytes,
    ).toEqual([1, 0, 2, 3, 4, 0]);
    const { bytes, mem } = storeAt(T.list(T.u16), [0x0102, 0x0304]);
    const ptr = bytes[0] | (bytes[1] << 8);
    expect(bytes.slice(4)).toEqual([2, 0, 0, 0]);
    expect(mem.calls).toEqual([
      { old: 0, oldSize: 0, align: 2, newSize: 4, ret: ptr },
    ]);
    expect(mem.bytes(ptr, 4)).toEqual([2, 1, 4, 3]);
  });

  it("map<string, u8> is a list of 12-byte (string, u8) tuples", () => {
    const { bytes, mem } = storeAt(T.map(T.string, T.u8), new Map([["k", 9]]));
    const dv = new DataView(mem.memory.buffer);
    const entries = dv.getUint32(512, true);
    expect(bytes.slice(4)).toEqual([1, 0, 0, 0]);
    expect(mem.calls[0]).toMatchObject({ align: 4, newSize: 12 });
    expect(mem.bytes(entries + 4, 5)).toEqual([1, 0, 0, 0, 9]);
  });

  it("flat: variant payloads are coerced into joined slots (CanonicalABI.md lower_flat_variant)", () => {
    const { cx } = makeCx();
    const flat = (t: AbiType, v: unknown) => {
      const out: Flat[] = [];
      codecOf(t).lowerFlat(cx, v, out);
      return out;
    };
    // f32 in an i64 slot: its bit pattern, zero-extended
    expect(
      flat(
        T.variant([
          ["a", T.f32],
          ["b", T.u64],
        ]),
        { tag: "a", val: 1.5 },
      ),
    ).toEqual([0, 0x3fc00000n]);
    // f32 in an i32 slot
    expect(flat(T.result(T.f32, T.u32), { tag: "ok", val: 1.5 })).toEqual([
      0, 0x3fc00000,
    ]);
    // s32 -1 in an i64 slot is zero-extended
    expect(
      flat(
        T.variant([
          ["a", T.s32],
          ["b", T.s64],
        ]),
        { tag: "a", val: -1 },
      ),
    ).toEqual([0, 0xffffffffn]);
    // unused slots are zero of their type
    expect(
      flat(T.variant([["a"], ["b", T.tuple(T.u64, T.f64)]]), { tag: "a" }),
    ).toEqual([0, 0n, 0]);
  });
});
