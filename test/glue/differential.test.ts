/**
 * Generated glue vs the runtime's dynamic path: for many signatures and seeded
 * random values, both must produce the same core values, memory bytes, realloc
 * calls, host arguments, results, errors and poisoning (harness.ts).
 */
import { describe, expect, it } from "vitest";
import type { AbiType, StringEncoding } from "@witgen/runtime";
import { roundTrip, type Outcome, type Signature } from "./harness.js";
import { rng, valueOf } from "./values.js";

const T = {
  bool: { kind: "bool" } as AbiType,
  u8: { kind: "u8" } as AbiType,
  u16: { kind: "u16" } as AbiType,
  u32: { kind: "u32" } as AbiType,
  u64: { kind: "u64" } as AbiType,
  s8: { kind: "s8" } as AbiType,
  s16: { kind: "s16" } as AbiType,
  s32: { kind: "s32" } as AbiType,
  s64: { kind: "s64" } as AbiType,
  f32: { kind: "f32" } as AbiType,
  f64: { kind: "f64" } as AbiType,
  char: { kind: "char" } as AbiType,
  string: { kind: "string" } as AbiType,
  list: (element: AbiType, length?: number): AbiType => (length === undefined ? { kind: "list", element } : { kind: "list", element, length }),
  record: (...fields: [string, AbiType][]): AbiType => ({ kind: "record", fields: fields.map(([name, type]) => ({ name, type })) }),
  tuple: (...types: AbiType[]): AbiType => ({ kind: "tuple", types }),
  variant: (...cases: [string, AbiType?][]): AbiType => ({ kind: "variant", cases: cases.map(([name, type]) => (type ? { name, type } : { name })) }),
  enum: (...cases: string[]): AbiType => ({ kind: "enum", cases }),
  option: (some: AbiType): AbiType => ({ kind: "option", some }),
  result: (ok?: AbiType, err?: AbiType): AbiType => ({ kind: "result", ok, err }),
  flags: (...flags: string[]): AbiType => ({ kind: "flags", flags }),
  map: (key: AbiType, value: AbiType): AbiType => ({ kind: "map", key, value }),
  own: (resource: number, name: string): AbiType => ({ kind: "own", resource, name }),
  borrow: (resource: number, name: string): AbiType => ({ kind: "borrow", resource, name }),
};

const SCALARS = ["bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char", "string"] as const;

const point = T.record(["x", T.f64], ["y", T.f64]);
const person = T.record(["full-name", T.string], ["age", T.option(T.u8)], ["tags", T.list(T.string)], ["home", T.option(point)]);
const shape = T.variant(["none"], ["circle", T.f32], ["square", T.u32], ["big", T.u64], ["line", T.tuple(point, point)], ["named", T.string], ["precise", T.f64]);
const manyCases = T.enum(...Array.from({ length: 300 }, (_, i) => `c${i}`));

/** Each: a signature whose params and result are exercised with random values. */
const SIGNATURES: Signature[] = [
  ...SCALARS.map((k) => ({ name: `echo-${k}`, params: [["v", T[k]]] as [string, AbiType][], result: T[k] })),
  { name: "add", params: [["a", T.u32], ["b", T.u32]], result: T.u32 },
  { name: "nothing", params: [] },
  { name: "all-scalars", params: SCALARS.map((k) => [k, T[k]] as [string, AbiType]), result: T.tuple(T.u64, T.string, T.char) },
  { name: "lists", params: [["a", T.list(T.u8)], ["b", T.list(T.s64)], ["c", T.list(T.f32)], ["d", T.list(T.bool)]], result: T.list(T.u16) },
  { name: "nested-lists", params: [["a", T.list(T.list(T.string))], ["b", T.list(T.tuple(T.u8, T.string))]], result: T.list(T.list(T.u32)) },
  { name: "fixed-lists", params: [["a", T.list(T.u8, 4)], ["b", T.list(T.string, 2)], ["c", T.list(T.f32, 3)]], result: T.list(T.char, 3) },
  { name: "records", params: [["p", person], ["q", point]], result: person },
  { name: "list-of-records", params: [["people", T.list(person)]], result: T.list(point) },
  { name: "variants", params: [["s", shape]], result: shape },
  { name: "list-of-variants", params: [["s", T.list(shape)]], result: T.option(shape) },
  { name: "enums", params: [["e", T.enum("red", "green", "blue")], ["m", manyCases]], result: manyCases },
  { name: "options", params: [["a", T.option(T.u8)], ["b", T.option(T.option(T.string))], ["c", T.option(T.result(T.u32, T.string))]], result: T.option(T.option(T.u64)) },
  { name: "results", params: [["a", T.result(T.string, T.u32)], ["b", T.result(undefined, T.string)], ["c", T.result(T.u32)], ["d", T.result()]], result: T.result(T.list(T.u8), shape) },
  { name: "flags", params: [["a", T.flags("read", "write", "exec")], ["b", T.flags(...Array.from({ length: 16 }, (_, i) => `f${i}`))], ["c", T.flags(...Array.from({ length: 32 }, (_, i) => `bit-${i}`))]], result: T.flags(...Array.from({ length: 32 }, (_, i) => `bit-${i}`)) },
  { name: "maps", params: [["a", T.map(T.string, T.u32)], ["b", T.map(T.u32, T.list(T.string))]], result: T.map(T.string, T.option(point)) },
  { name: "spill-params", params: Array.from({ length: 17 }, (_, i) => [`p${i}`, T.u8] as [string, AbiType]), result: T.u32 },
  { name: "spill-strings", params: Array.from({ length: 9 }, (_, i) => [`s${i}`, T.string] as [string, AbiType]), result: T.tuple(T.u64, T.f32) },
  { name: "spill-record", params: [["r", T.record(...Array.from({ length: 17 }, (_, i) => [`f${i}`, i % 2 ? T.f64 : T.s16] as [string, AbiType]))]], result: T.record(["a", T.string], ["b", T.f64]) },
  { name: "tuples", params: [["t", T.tuple(T.u8, T.f64, T.string, T.char, T.tuple(T.bool, T.s64))]], result: T.tuple(T.tuple(T.u8), T.string) },
  // Resources (host-implemented here): own handles move, borrows are lent for the call.
  { name: "open", params: [["path", T.string]], result: T.own(0, "file") },
  { name: "take", params: [["f", T.own(0, "file")]], result: T.u32 },
  { name: "files", params: [["fs", T.list(T.own(0, "file"))], ["d", T.option(T.own(1, "dir"))]], result: T.result(T.own(1, "dir"), T.string) },
  { name: "variant-in-variant", params: [["v", T.variant(["a", T.option(T.f32)], ["b", T.result(T.f64, T.u64)], ["c", T.list(T.u8)])]], result: T.result(T.option(T.f32), T.variant(["x", T.s8], ["y", T.f64])) },
];

function expectSame(g: Outcome, d: Outcome): void {
  expect(g.error).toEqual(d.error);
  expect(g.returned).toEqual(d.returned);
  expect(g.hostArgs).toEqual(d.hostArgs);
  expect(g.coreArgs).toEqual(d.coreArgs);
  expect(g.coreResult).toEqual(d.coreResult);
  expect(g.reallocs).toEqual(d.reallocs);
  expect(g.poisoned).toBe(d.poisoned);
  expect(g.handles).toBe(d.handles);
  // Byte-identical memory (the first differing offset, when not).
  const diff = g.memory.findIndex((b, i) => b !== d.memory[i]);
  expect({ length: g.memory.length, firstDifference: diff }).toEqual({ length: d.memory.length, firstDifference: -1 });
}

const ENCODINGS: StringEncoding[] = ["utf8", "utf16", "latin1+utf16"];
const usesStrings = (s: Signature): boolean => JSON.stringify(s).includes('"string"') || JSON.stringify(s).includes('"char"');

describe("generated glue agrees with the dynamic path", () => {
  for (const sig of SIGNATURES) {
    const encodings = usesStrings(sig) ? ENCODINGS : (["utf8"] as StringEncoding[]);
    for (const encoding of encodings) {
      it(`${sig.name} (${encoding})`, async () => {
        for (let seed = 1; seed <= 12; seed++) {
          const r = rng(seed * 7919 + sig.name.length);
          const args = sig.params.map(([, t]) => valueOf(t, r));
          const result = sig.result ? valueOf(sig.result, r) : undefined;
          const host = () => result;
          const g = await roundTrip(sig, args, host, "generated", { stringEncoding: encoding });
          const d = await roundTrip(sig, args, host, "dynamic", { stringEncoding: encoding });
          expect(d.error, `seed ${seed}`).toBeUndefined();
          expectSame(g, d);
          // The same through the adapter a module shares among functions of this shape.
          expectSame(await roundTrip(sig, args, host, "generic", { stringEncoding: encoding }), d);
        }
      });
    }
  }
});

const sigNamed = (name: string): Signature => SIGNATURES.find((s) => s.name === name)!;

describe("borrowed handles agree with the dynamic path", () => {
  const peek: Signature = { name: "peek", params: [["f", T.borrow(0, "file")], ["g", T.option(T.borrow(1, "dir"))]], result: T.u32 };
  it("a borrow the callee does not drop traps at return (CanonicalABI.md Task.return_)", async () => {
    const args = [{ name: "a" }, { name: "d" }];
    const g = await roundTrip(peek, args, () => 7, "generated");
    const d = await roundTrip(peek, args, () => 7, "dynamic");
    expect(d.error?.message).toMatch(/2 borrowed handle\(s\) lent to the callee were not dropped/);
    expect(g.hostArgs).toEqual(args);
    expectSame(g, d);
    expectSame(await roundTrip(peek, args, () => 7, "generic"), d);
  });
  it("a refused argument takes back the own and borrow handles the ones before it moved in", async () => {
    const keep: Signature = { name: "keep", params: [["f", T.own(0, "file")], ["g", T.borrow(1, "dir")], ["n", T.u32]], result: T.u32 };
    const args = [{ name: "a" }, { name: "d" }, "seven"];
    const g = await roundTrip(keep, args, () => 7, "generated");
    const d = await roundTrip(keep, args, () => 7, "dynamic");
    expect(d.error?.message).toMatch(/expected a u32 .* in keep \(param "n"\)/);
    expect(d.handles).toBe(0);
    expectSame(g, d);
    expectSame(await roundTrip(keep, args, () => 7, "generic"), d);
  });
  it("a non-object as a resource is a bad argument", async () => {
    const g = await roundTrip(peek, [5, undefined], () => 7, "generated");
    const d = await roundTrip(peek, [5, undefined], () => 7, "dynamic");
    expect(d.error?.message).toMatch(/expected a file resource object/);
    expectSame(g, d);
    expectSame(await roundTrip(peek, [5, undefined], () => 7, "generic"), d);
  });
});

describe("errors agree with the dynamic path", () => {
  const badArgs: [string, unknown[], RegExp][] = [
    ["add", [-1, 2], /expected a u32 .* got number -1 in add \(param "a"\)/],
    ["add", [1, "2"], /param "b"/],
    ["echo-string", [42], /expected a string/],
    ["echo-string", ["\ud800"], /lone surrogate/],
    ["echo-char", ["ab"], /expected a char/],
    ["echo-u64", [-1n], /expected a u64/],
    ["echo-bool", [1], /expected a boolean/],
    ["records", [{ fullName: "x", age: 300, tags: [], home: undefined }, { x: 1, y: 2 }], /param "p"\.age/],
    ["records", [{ fullName: "x", tags: ["a", 7] }, { x: 1, y: 2 }], /param "p"\.tags\[1\]/],
    ["list-of-records", [[{ fullName: "a", tags: [] }, { fullName: "b", tags: ["x", "y", 5] }]], /\[1\]\.tags\[2\]/],
    ["variants", [{ tag: "bogus" }], /expected \{ tag: "none" \| "circle"/],
    ["variants", [{ tag: "line", val: [{ x: 1, y: 2 }, { x: "1", y: 2 }] }], /<line>\.val\[1\]\.x/],
    ["variants", [null], /got null/],
    ["enums", ["purple", "c1"], /one of "red", "green", "blue"/],
    ["options", [300, undefined, undefined], /expected a u8/],
    ["options", [1, { tag: "maybe" }, undefined], /param "b"/],
    ["options", [1, undefined, { tag: "ok", val: -1 }], /<ok>\.val/],
    ["flags", [null, {}, {}], /a flags object/],
    ["maps", [[["a", 1]], new Map()], /expected a Map \(or a plain object\), got array/],
    ["maps", [new Map([["a", -5]]), new Map()], /\[0\]\[1\]/],
    ["maps", [{ a: 1, b: -5 }, new Map()], /\[1\]\[1\]/],
    ["fixed-lists", [new Uint8Array(3), ["a", "b"], new Float32Array(3)], /expected a list of exactly 4 elements, got 3/],
    ["fixed-lists", [new Uint8Array(4), "ab", new Float32Array(3)], /expected a list of 2 elements, got string/],
    ["lists", [[1, 2, 256], [], [], []], /\[2\]/],
    ["spill-params", Array.from({ length: 17 }, (_, i) => (i === 16 ? 256 : i)), /param "p16"/],
    ["tuples", [[1, 2, "s", "c"]], /a tuple \(array of length 5\)/],
  ];
  for (const [name, args, pattern] of badArgs) {
    it(`bad argument to ${name}: ${pattern.source}`, async () => {
      const sig = sigNamed(name);
      const host = () => undefined;
      const g = await roundTrip(sig, args, host, "generated");
      const d = await roundTrip(sig, args, host, "dynamic");
      expect(d.error?.name).toBe("AbiValueError");
      expect(d.error?.message).toMatch(pattern);
      expectSame(g, d);
      expectSame(await roundTrip(sig, args, host, "generic"), d);
      expect(g.poisoned).toBe(false);
    });
  }

  const badResults: [string, unknown][] = [
    ["echo-u8", 256],
    ["echo-string", 5],
    ["records", { fullName: "a", age: 1, tags: "nope" }],
    ["variants", { tag: "circle", val: "round" }],
    ["results", { tag: "ok", val: [1, 2, 300] }],
    ["maps", new Map([["k", { x: 1, y: "2" }]])],
    ["spill-strings", [1, 2]],
  ];
  for (const [name, result] of badResults) {
    it(`bad host result from ${name} traps the guest`, async () => {
      const sig = sigNamed(name);
      const args = sig.params.map(([, t]) => valueOf(t, rng(1)));
      const g = await roundTrip(sig, args, () => result, "generated");
      const d = await roundTrip(sig, args, () => result, "dynamic");
      expect(d.error?.name).toBe("Trap");
      expect(d.error?.message).toMatch(/host function returned an invalid value/);
      expectSame(g, d);
      expectSame(await roundTrip(sig, args, () => result, "generic"), d);
      expect(g.poisoned).toBe(true);
    });
  }

  it("a throwing host function traps the guest", async () => {
    const sig = sigNamed("add");
    const host = () => {
      throw new RangeError("boom");
    };
    const g = await roundTrip(sig, [1, 2], host, "generated");
    const d = await roundTrip(sig, [1, 2], host, "dynamic");
    expect(d.error?.message).toMatch(/host function threw: boom in add/);
    expectSame(g, d);
    expectSame(await roundTrip(sig, [1, 2], host, "generic"), d);
  });

  // Invalid guest data: core values changed between the export's lowering and the import's lifting.
  const tampered: [string, unknown[], (flat: (number | bigint)[], memory: WebAssembly.Memory) => (number | bigint)[], RegExp | undefined][] = [
    ["variants", [{ tag: "square", val: 3 }], (f) => [99, ...f.slice(1)], /invalid discriminant 99 for a variant with 7 cases/],
    ["echo-char", ["a"], () => [0xd800], /surrogate/],
    ["echo-char", ["a"], () => [0x110000], /above 0x10FFFF/],
    ["echo-string", ["hi"], (f) => [0xfffff0, f[1]], /out of bounds/],
    ["echo-string", ["hi"], (f, m) => (new Uint8Array(m.buffer)[f[0] as number] = 0xff, f), /not valid UTF-8/],
    ["echo-bool", [true], () => [2], undefined],
    ["echo-u8", [1], () => [0x1ff], undefined],
    ["echo-s16", [1], () => [0x18000], undefined],
    ["lists", [[], [], new Float32Array([1]), []], (f) => [...f.slice(0, 4), (f[4] as number) + 1, ...f.slice(5)], /list pointer \d+ is not 4-byte aligned/],
    ["enums", ["red", "c299"], (f) => [f[0], 300], /invalid discriminant 300 for a enum with 300 cases/],
    ["options", [undefined, undefined, undefined], (f) => [2, ...f.slice(1)], /invalid discriminant 2 for a option/],
  ];
  for (const [name, args, tamper, pattern] of tampered) {
    it(`invalid core values for ${name}${pattern ? `: ${pattern.source}` : " (normalised)"}`, async () => {
      const sig = sigNamed(name);
      const host = (...a: unknown[]) => (sig.result ? a[0] : undefined);
      const g = await roundTrip(sig, args, host, "generated", { tamper });
      const d = await roundTrip(sig, args, host, "dynamic", { tamper });
      if (pattern) {
        expect(d.error?.name).toBe("Trap");
        expect(d.error?.message).toMatch(pattern);
      } else {
        expect(d.error).toBeUndefined();
      }
      expectSame(g, d);
      expectSame(await roundTrip(sig, args, host, "generic", { tamper }), d);
    });
  }
});
