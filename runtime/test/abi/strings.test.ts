import { describe, expect, it } from "vitest";
import {
  AbiValueError,
  Trap,
  loadStringFromRange,
  storeStringIntoRange,
  UTF16_TAG,
  type StringEncoding,
} from "@witgen/runtime";
import { makeCx, bumpMemory } from "./helpers.js";

/** The UTF-16LE bytes of `s`, code unit by code unit. */
const utf16le = (s: string): number[] =>
  Array.from({ length: s.length }, (_, i) => [
    s.charCodeAt(i) & 0xff,
    s.charCodeAt(i) >> 8,
  ]).flat();

function lower(encoding: StringEncoding, s: string) {
  const { cx, mem } = makeCx({ encoding });
  const [ptr, units] = storeStringIntoRange(cx, s);
  return { ptr, units, mem, cx };
}

describe("lowering host strings (CanonicalABI.md store_string_into_range)", () => {
  it("utf8: ASCII needs one allocation of s.length bytes", () => {
    const { ptr, units, mem } = lower("utf8", "abc");
    expect(units).toBe(3);
    expect(mem.bytes(ptr, 3)).toEqual([0x61, 0x62, 0x63]);
    expect(mem.calls.map((c) => [c.oldSize, c.align, c.newSize])).toEqual([
      [0, 1, 3],
    ]);
  });

  it("utf8: non-ASCII is presented as UTF-8 and copied with one exact allocation", () => {
    const { ptr, units, mem } = lower("utf8", "aé😀");
    expect(units).toBe(7);
    expect(mem.bytes(ptr, 7)).toEqual([
      0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80,
    ]);
    expect(mem.calls.map((c) => [c.oldSize, c.align, c.newSize])).toEqual([
      [0, 1, 7],
    ]);
  });

  it("utf16: 2 bytes per code unit, surrogate pairs kept", () => {
    const { ptr, units, mem } = lower("utf16", "aé😀");
    expect(units).toBe(4);
    expect(ptr % 2).toBe(0);
    expect(mem.bytes(ptr, 8)).toEqual([
      0x61, 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde,
    ]);
    expect(mem.calls.map((c) => [c.oldSize, c.align, c.newSize])).toEqual([
      [0, 2, 8],
    ]);
  });

  it("latin1+utf16: latin1 when every code point < 256", () => {
    const { ptr, units, mem } = lower("latin1+utf16", "aé\u00ff");
    expect(units).toBe(3);
    expect(mem.bytes(ptr, 3)).toEqual([0x61, 0xe9, 0xff]);
    expect(mem.calls.map((c) => [c.oldSize, c.align, c.newSize])).toEqual([
      [0, 2, 3],
    ]);
  });

  it("latin1+utf16: tagged UTF-16 when any code unit is >= 256, one allocation", () => {
    const { ptr, units, mem } = lower("latin1+utf16", "éx€😀");
    expect(units).toBe(UTF16_TAG + 5);
    expect(units >>> 0).toBe(0x80000005);
    expect(mem.bytes(ptr, 10)).toEqual([
      0xe9, 0, 0x78, 0, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde,
    ]);
    expect(mem.calls.map((c) => [c.oldSize, c.align, c.newSize])).toEqual([
      [0, 2, 10],
    ]);
  });

  it("round-trips non-ASCII and astral text through every encoding", () => {
    const texts = [
      "",
      "plain",
      "Grüße",
      "日本語",
      "😀 emoji 🎉",
      "mixé€😀\u0000end",
      "\u00ff\u0100",
    ];
    for (const encoding of ["utf8", "utf16", "latin1+utf16"] as const) {
      for (const s of texts) {
        const { ptr, units, cx } = lower(encoding, s);
        expect([encoding, loadStringFromRange(cx, ptr, units)]).toEqual([
          encoding,
          s,
        ]);
      }
    }
  });

  it("transcodes between guests with different encodings (utf8 -> JS -> utf16 and latin1+utf16)", () => {
    const src = makeCx({ encoding: "utf8" });
    const text = "naïve 🚀";
    const bytes = new TextEncoder().encode(text);
    new Uint8Array(src.mem.memory.buffer).set(bytes, 100);
    const lifted = loadStringFromRange(src.cx, 100, bytes.length);
    const dst = lower("utf16", lifted);
    expect(dst.mem.bytes(dst.ptr, 2 * dst.units)).toEqual(utf16le(text));
    const dst2 = lower("latin1+utf16", lifted);
    expect(dst2.units).toBe(UTF16_TAG + text.length);
    expect(dst2.mem.bytes(dst2.ptr, 2 * text.length)).toEqual(utf16le(text));
  });

  it("rejects host strings with lone surrogates (not Unicode scalar values)", () => {
    const { cx } = makeCx();
    expect(() => storeStringIntoRange(cx, "a\ud800b")).toThrow(AbiValueError);
    expect(() => storeStringIntoRange(cx, "a\ud800b")).toThrow(
      /lone surrogate/,
    );
    expect(() => storeStringIntoRange(cx, 42)).toThrow(
      /expected a string, got number 42/,
    );
  });

  it("traps when realloc returns a misaligned or out-of-bounds pointer", () => {
    const misaligned = bumpMemory({ override: () => 101 });
    const a = makeCx({ encoding: "utf16", mem: misaligned });
    expect(() => storeStringIntoRange(a.cx, "hi")).toThrow(
      /string pointer 101 is not 2-byte aligned/,
    );
    const oob = bumpMemory({ override: () => 65535 });
    const b = makeCx({ encoding: "utf8", mem: oob });
    expect(() => storeStringIntoRange(b.cx, "hi")).toThrow(Trap);
    expect(() => storeStringIntoRange(b.cx, "hi")).toThrow(
      /string range \[65535, 65537\) is out of bounds of memory \(65536 bytes\) \[CanonicalABI.md store_string_into_range\]/,
    );
  });
});

describe("lifting strings (CanonicalABI.md load_string_from_range)", () => {
  function at(encoding: StringEncoding, bytes: number[], ptr = 200) {
    const { cx, mem } = makeCx({ encoding });
    new Uint8Array(mem.memory.buffer).set(bytes, ptr);
    return cx;
  }

  it("utf8 keeps a leading BOM and decodes astral characters", () => {
    expect(
      loadStringFromRange(at("utf8", [0xef, 0xbb, 0xbf, 0x61]), 200, 4),
    ).toBe("\ufeffa");
    expect(
      loadStringFromRange(at("utf8", [0xf0, 0x9f, 0x98, 0x80]), 200, 4),
    ).toBe("😀");
  });

  it("latin1 bytes 0x80-0xff are U+0080-U+00FF (not windows-1252)", () => {
    expect(
      loadStringFromRange(at("latin1+utf16", [0x80, 0x9f, 0xe9]), 200, 3),
    ).toBe("\u0080\u009f\u00e9");
  });

  it("latin1+utf16 with the UTF-16 tag decodes UTF-16", () => {
    expect(
      loadStringFromRange(
        at("latin1+utf16", [0x3d, 0xd8, 0x00, 0xde]),
        200,
        UTF16_TAG + 2,
      ),
    ).toBe("😀");
  });

  it("traps on invalid UTF-8", () => {
    expect(() => loadStringFromRange(at("utf8", [0x61, 0xff]), 200, 2)).toThrow(
      /string at 200 is not valid UTF-8 \[CanonicalABI.md load_string_from_range\]/,
    );
    expect(() =>
      loadStringFromRange(at("utf8", [0xed, 0xa0, 0x80]), 200, 3),
    ).toThrow(/not valid UTF-8/); // encoded surrogate
  });

  it("traps on invalid UTF-16 (lone surrogate)", () => {
    expect(() =>
      loadStringFromRange(at("utf16", [0x00, 0xd8, 0x61, 0x00]), 200, 2),
    ).toThrow(/not valid UTF-16/);
    expect(() =>
      loadStringFromRange(at("latin1+utf16", [0x00, 0xdc]), 200, UTF16_TAG + 1),
    ).toThrow(/not valid UTF-16/);
  });

  it("traps on misaligned UTF-16 pointers, out-of-bounds ranges and overlong lengths", () => {
    expect(() => loadStringFromRange(at("utf16", [0x61, 0]), 201, 1)).toThrow(
      /string pointer 201 is not 2-byte aligned/,
    );
    expect(() => loadStringFromRange(at("latin1+utf16", []), 201, 1)).toThrow(
      /not 2-byte aligned/,
    );
    expect(() => loadStringFromRange(at("utf8", []), 65530, 10)).toThrow(
      /string range \[65530, 65540\) is out of bounds/,
    );
    expect(() => loadStringFromRange(at("utf8", []), 0, 2 ** 28)).toThrow(
      /string byte length 268435456 exceeds the maximum 268435455/,
    );
    expect(() => loadStringFromRange(at("utf16", []), 0, 2 ** 27)).toThrow(
      /string byte length 268435456 exceeds/,
    );
  });
});

describe("short-string fast paths agree with TextEncoder/TextDecoder", () => {
  const samples = [
    "",
    "a",
    "é",
    "€",
    "😀",
    "aé€😀z",
    "\u0000\u007f\u0080\u07ff\u0800\uffff",
    "\u{10000}\u{10ffff}",
    "x".repeat(31) + "é",
  ];
  it("lowering then lifting through UTF-8, short and long", () => {
    for (const s of [...samples, ...samples.map((x) => x.repeat(20))]) {
      const { ptr, units, mem, cx } = lower("utf8", s);
      const expected = [...new TextEncoder().encode(s)];
      expect([s, mem.bytes(ptr, units)]).toEqual([s, expected]);
      expect(loadStringFromRange(cx, ptr, units)).toBe(s);
    }
  });
  it("rejects every invalid short UTF-8 sequence the fatal decoder rejects", () => {
    const bad = [
      [0x80],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xc2],
      [0xe0, 0x80, 0x80],
      [0xe0, 0xa0],
      [0xed, 0xa0, 0x80],
      [0xef, 0xbf],
      [0xf0, 0x80, 0x80, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xf0, 0x9f, 0x98],
      [0xff],
      [0x61, 0xc3],
    ];
    for (const b of bad) {
      const { cx, mem } = makeCx();
      new Uint8Array(mem.memory.buffer).set(b, 300);
      expect(
        () => loadStringFromRange(cx, 300, b.length),
        JSON.stringify(b),
      ).toThrow(/not valid UTF-8/);
    }
    // boundary-valid ones decode
    const good: [number[], string][] = [
      [[0xc2, 0x80], "\u0080"],
      [[0xe0, 0xa0, 0x80], "\u0800"],
      [[0xed, 0x9f, 0xbf], "\ud7ff"],
      [[0xee, 0x80, 0x80], "\ue000"],
      [[0xf0, 0x90, 0x80, 0x80], "\u{10000}"],
      [[0xf4, 0x8f, 0xbf, 0xbf], "\u{10ffff}"],
    ];
    for (const [b, s] of good) {
      const { cx, mem } = makeCx();
      new Uint8Array(mem.memory.buffer).set(b, 300);
      expect(loadStringFromRange(cx, 300, b.length)).toBe(s);
    }
  });
});
