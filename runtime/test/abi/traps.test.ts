import { describe, expect, it } from "vitest";
import { AbiValueError, FlatReader, Trap, type AbiType } from "@witgen/runtime";
import { T, bumpMemory, codecOf, makeCx } from "./helpers.js";

function memWith(bytes: number[], at: number, mem = bumpMemory()) {
  new Uint8Array(mem.memory.buffer).set(bytes, at);
  return makeCx({ mem });
}
const u32le = (n: number) => [
  n & 0xff,
  (n >>> 8) & 0xff,
  (n >>> 16) & 0xff,
  n >>> 24,
];

function trapOf(f: () => unknown): Trap {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Trap);
    return e as Trap;
  }
  throw new Error("expected a trap");
}

describe("traps while lifting (guest produced bad values)", () => {
  it("char: code points above 0x10FFFF and surrogates", () => {
    const { cx } = memWith(u32le(0x110000).concat(u32le(0xd800)), 64);
    const c = codecOf(T.char);
    expect(trapOf(() => c.load(cx, 64)).message).toBe(
      "invalid char code point 0x110000 (above 0x10FFFF) [CanonicalABI.md convert_i32_to_char]",
    );
    expect(trapOf(() => c.load(cx, 68)).message).toMatch(
      /0xd800 \(a surrogate\)/,
    );
    expect(trapOf(() => c.liftFlat(cx, new FlatReader([-1]))).message).toMatch(
      /0xffffffff \(above 0x10FFFF\)/,
    );
  });

  it("variant discriminant out of range (memory and flat)", () => {
    const t = T.variant([["a", T.u8], ["b"]]);
    const { cx } = memWith([2, 0], 64);
    expect(trapOf(() => codecOf(t).load(cx, 64)).message).toBe(
      "invalid discriminant 2 for a variant with 2 cases [CanonicalABI.md load_variant / lift_flat_variant]",
    );
    expect(
      trapOf(() => codecOf(T.option(T.u8)).liftFlat(cx, new FlatReader([5, 0])))
        .message,
    ).toMatch(/invalid discriminant 5 for a option/);
    expect(
      trapOf(() =>
        codecOf(T.enum("x", "y", "z")).liftFlat(cx, new FlatReader([3])),
      ).reason,
    ).toBe("invalid discriminant 3 for a enum with 3 cases");
    expect(
      trapOf(() =>
        codecOf(T.result(T.u8)).liftFlat(cx, new FlatReader([-1, 0])),
      ).reason,
    ).toMatch(/invalid discriminant 4294967295/);
  });

  it("list: out of bounds, misaligned, and longer than MAX_LIST_BYTE_LENGTH", () => {
    const { cx } = makeCx();
    const l32 = codecOf(T.list(T.u32));
    expect(
      trapOf(() => l32.liftFlat(cx, new FlatReader([65532, 2]))).message,
    ).toBe(
      "list range [65532, 65540) is out of bounds of memory (65536 bytes) [CanonicalABI.md load_list_from_range]",
    );
    expect(trapOf(() => l32.liftFlat(cx, new FlatReader([2, 1]))).reason).toBe(
      "list pointer 2 is not 4-byte aligned",
    );
    expect(
      trapOf(() => l32.liftFlat(cx, new FlatReader([0, 2 ** 26]))).reason,
    ).toMatch(
      /list of 67108864 elements \(268435456 bytes\) exceeds the maximum 268435455 bytes/,
    );
    // a negative i32 length from core is an unsigned 4294967295
    expect(
      trapOf(() => codecOf(T.list(T.u8)).liftFlat(cx, new FlatReader([0, -1])))
        .reason,
    ).toMatch(/4294967295 elements/);
  });

  it("an invalid element deep inside a list inside a record traps", () => {
    const t = T.record([["items", T.list(T.char)]]);
    // record at 64 = list header (ptr 100, len 2); elements at 100: 'a', U+DFFF
    const { cx } = memWith([...u32le(100), ...u32le(2)], 64);
    new DataView(cx.dv.buffer).setUint32(100, 0x61, true);
    new DataView(cx.dv.buffer).setUint32(104, 0xdfff, true);
    expect(() => codecOf(t).load(cx, 64)).toThrow(/0xdfff \(a surrogate\)/);
    new DataView(cx.dv.buffer).setUint32(104, 0x62, true);
    expect(codecOf(t).load(cx, 64)).toEqual({ items: ["a", "b"] });
  });

  it("own handle: invalid index, wrong type, borrowed, lent", async () => {
    const {
      ResourceType,
      ResourceHandle,
      GuestResourceBinding,
      ComponentInstanceState,
    } = await import("@witgen/runtime");
    const inst = new ComponentInstanceState("g");
    const { cx } = makeCx({ inst });
    const a = new GuestResourceBinding("a", inst);
    const other = new ResourceType("b", inst);
    const own = codecOf(T.own(1, "a"), () => a);
    expect(trapOf(() => own.liftFlat(cx, new FlatReader([7]))).message).toBe(
      "invalid handle index 7 [CanonicalABI.md lift_own]",
    );
    const wrong = inst.handles.add(new ResourceHandle(other, 5, true));
    expect(trapOf(() => own.liftFlat(cx, new FlatReader([wrong]))).reason).toBe(
      `handle ${wrong} is a b, expected a a`,
    );
    const borrowed = inst.handles.add(new ResourceHandle(a.type, 5, false));
    expect(
      trapOf(() => own.liftFlat(cx, new FlatReader([borrowed]))).reason,
    ).toBe(`handle ${borrowed} is a borrow<a>, expected an own<a>`);
    const h = new ResourceHandle(a.type, 6, true);
    h.numLends = 1;
    const lent = inst.handles.add(h);
    expect(trapOf(() => own.liftFlat(cx, new FlatReader([lent]))).reason).toBe(
      `own<a> handle ${lent} is still lent to 1 call(s)`,
    );
  });
});

describe("host value errors while lowering (AbiValueError, with the path)", () => {
  const cases: [string, AbiType, unknown, RegExp][] = [
    [
      "u8 range",
      T.u8,
      256,
      /expected a u8 \(integer 0\.\.255\), got number 256/,
    ],
    ["u8 fraction", T.u8, 1.5, /expected a u8/],
    ["s8 range", T.s8, 128, /expected an s8/],
    ["u16", T.u16, -1, /expected a u16/],
    ["s16", T.s16, 40000, /expected an s16/],
    ["u32", T.u32, 2 ** 32, /expected a u32/],
    ["s32", T.s32, 2 ** 31, /expected an s32/],
    [
      "u64 number",
      T.u64,
      5,
      /expected a u64 \(bigint 0n\.\.2n\*\*64n-1n\), got number 5/,
    ],
    ["u64 negative", T.u64, -1n, /expected a u64/],
    ["s64 range", T.s64, 2n ** 63n, /expected an s64/],
    ["f64", T.f64, "1", /expected a number, got string "1"/],
    ["bool", T.bool, 1, /expected a boolean, got number 1/],
    ["char two code points", T.char, "ab", /expected a char/],
    ["char lone surrogate", T.char, "\ud800", /expected a char/],
    ["enum", T.enum("a", "b"), "c", /expected one of "a", "b", got string "c"/],
    [
      "variant tag",
      T.variant([["a", T.u8]]),
      { tag: "z" },
      /expected \{ tag: "a", val \}/,
    ],
    [
      "result tag",
      T.result(T.u8, T.u8),
      { tag: "error", val: 1 },
      /expected \{ tag: "ok" \| "err", val \}/,
    ],
    [
      "record field",
      T.record([["user-id", T.u32]]),
      { userId: -1 },
      /\(value\.userId\)/,
    ],
    [
      "tuple arity",
      T.tuple(T.u8, T.u8),
      [1],
      /expected a tuple \(array of length 2\)/,
    ],
    [
      "list element",
      T.list(T.record([["x", T.u8]])),
      [{ x: 1 }, { x: 300 }],
      /\(value\[1\]\.x\)/,
    ],
    ["typed list element", T.list(T.u8), [1, 2, 999], /\(value\[2\]\)/],
    [
      "fixed list length",
      T.list(T.u8, 3),
      new Uint8Array(2),
      /exactly 3 elements, got 2/,
    ],
    [
      "wrong typed array",
      T.list(T.u16),
      new Uint8Array(2),
      /expected a Uint16Array or an array, got object Uint8Array/,
    ],
    [
      "variant payload",
      T.variant([["a", T.u8]]),
      { tag: "a", val: 256 },
      /\(value<a>\.val\)/,
    ],
    [
      "map",
      T.map(T.string, T.u8),
      [["a", 1]],
      /expected a Map \(or a plain object\), got array of length 1/,
    ],
    [
      "map from object, bad key type",
      T.map(T.u8, T.u8),
      { a: 1 },
      /expected a u8 \(integer 0\.\.255\), got string "a" \(value\[0\]\[0\]\)/,
    ],
    ["string", T.string, undefined, /expected a string, got undefined/],
  ];
  for (const [name, t, v, re] of cases) {
    it(name, () => {
      const { cx } = makeCx();
      const c = codecOf(t);
      let err: unknown;
      try {
        c.store(cx, v, 512);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AbiValueError);
      expect((err as Error).message).toMatch(re);
      expect(() => c.lowerFlat(cx, v, [])).toThrow(AbiValueError);
    });
  }
});

describe("traps on bad realloc results while lowering lists", () => {
  it("misaligned and out-of-bounds pointers", () => {
    const a = makeCx({ mem: bumpMemory({ override: () => 2 }) });
    expect(
      trapOf(() => codecOf(T.list(T.u32)).lowerFlat(a.cx, [1], [])).message,
    ).toBe(
      "list (from realloc) pointer 2 is not 4-byte aligned [CanonicalABI.md store_list_into_range]",
    );
    const b = makeCx({ mem: bumpMemory({ override: () => 65532 }) });
    expect(
      trapOf(() => codecOf(T.list(T.u32)).lowerFlat(b.cx, [1, 2], [])).reason,
    ).toBe(
      "list (from realloc) range [65532, 65540) is out of bounds of memory (65536 bytes)",
    );
  });

  it("a realloc that throws (a core trap) becomes a Trap", () => {
    const { cx } = makeCx({
      mem: bumpMemory({
        override: () => {
          throw new WebAssembly.RuntimeError("unreachable");
        },
      }),
    });
    const t = trapOf(() => codecOf(T.string).lowerFlat(cx, "x", []));
    expect(t.message).toBe(
      "realloc trapped: unreachable [CanonicalABI.md LiftLowerContext.reallocate]",
    );
    expect(t.cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(cx.inst.mayLeave).toBe(true);
  });

  it("a missing realloc is a trap naming the rule", () => {
    const { cx } = makeCx({ realloc: undefined as never });
    (cx.opts as { realloc?: unknown }).realloc = undefined;
    expect(trapOf(() => codecOf(T.string).lowerFlat(cx, "x", [])).rule).toMatch(
      /realloc required/,
    );
  });
});
