/**
 * Every value type through a real component (core module + WIT world wrapped
 * by jco): the host calls an export, the guest forwards the core values to a
 * host import (which checks what it received and answers a different value),
 * and the export must return that answer. Covers flat and spilled params and
 * results, and post-return.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, type ComponentInstance } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";
import { T } from "../abi/helpers.js";
import { echoCoreWat, echoWorldItems, type EchoFn } from "./echo-guest.js";

const point = T.record([
  ["x", T.s32],
  ["y", T.s32],
  ["label", T.string],
]);
const shape = T.variant([["circle", T.f64], ["rect", point], ["none"]]);
const color = T.enum("red", "green", "blue");
const perms = T.flags("read", "write", "exec");
const bigFields = Array.from({ length: 15 }, (_, i) => `f${i}`);
const big = T.record([...bigFields.map((f) => [f, T.u64] as [string, typeof T.u64]), ["name", T.string]]);
const many = Array.from({ length: 17 }, (_, i) => `a${i}`);

const TYPES = `
  record point { x: s32, y: s32, label: string }
  variant shape { circle(f64), rect(point), none }
  enum color { red, green, blue }
  flags perms { read, write, exec }
  record big { ${bigFields.map((f) => `${f}: u64`).join(", ")}, name: string }`;

interface Case extends EchoFn {
  input: unknown[];
  output: unknown;
}

const one = (name: string, wit: string, t: (typeof T)["u8"], input: unknown, output: unknown): Case => ({
  name,
  witParams: `x: ${wit}`,
  witResult: wit,
  params: [t],
  result: t,
  input: [input],
  output,
});

const CASES: Case[] = [
  one("e-bool", "bool", T.bool, true, false),
  one("e-u8", "u8", T.u8, 200, 255),
  one("e-s8", "s8", T.s8, -100, 127),
  one("e-u16", "u16", T.u16, 60000, 1),
  one("e-s16", "s16", T.s16, -30000, 30000),
  one("e-u32", "u32", T.u32, 0xfffffff0, 7),
  one("e-s32", "s32", T.s32, -5, 2 ** 31 - 1),
  one("e-u64", "u64", T.u64, 2n ** 64n - 1n, 5n),
  one("e-s64", "s64", T.s64, -(2n ** 63n), 9n),
  one("e-f32", "f32", T.f32, 1.5, -0.25),
  one("e-f64", "f64", T.f64, Math.PI, -1e300),
  one("e-char", "char", T.char, "é", "😀"),
  one("e-string", "string", T.string, "héllo 😀 wörld", "ünïcödé ✓"),
  one("e-empty-string", "string", T.string, "", "x"),
  one("e-bytes", "list<u8>", T.list(T.u8), new Uint8Array([1, 2, 255]), new Uint8Array([9])),
  one("e-s64s", "list<s64>", T.list(T.s64), new BigInt64Array([-1n, 2n ** 62n]), new BigInt64Array([])),
  one("e-strings", "list<string>", T.list(T.string), ["a", "ß", "日本"], ["x", ""]),
  one("e-fixed-bytes", "list<u8, 4>", T.list(T.u8, 4), new Uint8Array([1, 2, 3, 255]), new Uint8Array([9, 8, 7, 6])),
  one("e-fixed-strings", "list<string, 2>", T.list(T.string, 2), ["ä", "b😀"], ["", "z"]),
  one("e-map", "map<string, u32>", T.map(T.string, T.u32), new Map([["ü", 1], ["b", 2]]), new Map([["x", 0xffffffff]])),
  one("e-points", "list<point>", T.list(point), [{ x: 1, y: -2, label: "p" }], [{ x: 3, y: 4, label: "q😀" }, { x: 0, y: 0, label: "" }]),
  one("e-point", "point", point, { x: -7, y: 8, label: "åäö" }, { x: 2 ** 31 - 1, y: -(2 ** 31), label: "z" }),
  one("e-tuple", "tuple<u8, string, f64>", T.tuple(T.u8, T.string, T.f64), [1, "two", 3.5], [255, "", -0]),
  one("e-shape-circle", "shape", shape, { tag: "circle", val: 2.5 }, { tag: "rect", val: { x: 1, y: 2, label: "r" } }),
  one("e-shape-none", "shape", shape, { tag: "none" }, { tag: "circle", val: -1 }),
  one("e-color", "color", color, "green", "blue"),
  one("e-perms", "perms", perms, { read: true, write: false, exec: true }, { read: false, write: true, exec: false }),
  one("e-opt-some", "option<string>", T.option(T.string), "some ✓", undefined),
  one("e-opt-none", "option<string>", T.option(T.string), undefined, "back"),
  one("e-opt-opt", "option<option<u32>>", T.option(T.option(T.u32)), { tag: "some", val: undefined }, { tag: "some", val: 4 }),
  one("e-result-ok", "result<string, u32>", T.result(T.string, T.u32), { tag: "ok", val: "fine" }, { tag: "err", val: 404 }),
  one("e-result-empty", "result", T.result(), { tag: "err", val: undefined }, { tag: "ok", val: undefined }),
  {
    name: "mix",
    witParams: "a: u8, b: string, c: f64, d: list<u16>",
    witResult: "tuple<string, u64>",
    params: [T.u8, T.string, T.f64, T.list(T.u16)],
    result: T.tuple(T.string, T.u64),
    input: [9, "mixed ✓", 0.125, new Uint16Array([1, 65535])],
    output: ["out", 123n],
  },
  {
    name: "many",
    witParams: many.map((a) => `${a}: u32`).join(", "),
    witResult: "u32",
    params: many.map(() => T.u32),
    result: T.u32,
    input: many.map((_, i) => i * 1000 + 1),
    output: 17,
  },
  one(
    "e-big",
    "big",
    big,
    { ...Object.fromEntries(bigFields.map((f, i) => [f, BigInt(i) * 3n])), name: "big one ✓" },
    { ...Object.fromEntries(bigFields.map((f, i) => [f, 2n ** 64n - 1n - BigInt(i)])), name: "" },
  ),
  { name: "nothing", witParams: "", params: [], input: [], output: undefined },
];

const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe("link: every value type through a real component", () => {
  let inst: ComponentInstance;
  const received = new Map<string, unknown[]>();

  beforeAll(async () => {
    const bytes = await buildCoreComponent({
      coreWat: echoCoreWat(CASES),
      witSource: `package test:vals;\nworld w {\n  ${TYPES}\n  ${echoWorldItems(CASES)}\n}`,
      world: "w",
    });
    const compiled = await compileComponent(bytes);
    const imports: Record<string, unknown> = {};
    for (const c of CASES) {
      imports[camel(`h-${c.name}`)] = (...args: unknown[]) => {
        received.set(c.name, args);
        return c.output;
      };
    }
    inst = await compiled.instantiate(imports);
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.witParams || "()"} -> ${c.witResult ?? "()"}`, () => {
      const before = inst.exports.postCount();
      const got = inst.exports[camel(c.name)](...c.input);
      expect(received.get(c.name)).toEqual(c.input);
      expect(got).toEqual(c.output);
      // post-return runs once per call of a function with a result (and not otherwise).
      expect(inst.exports.postCount()).toBe(before + (c.result ? 1 : 0));
    });
  }

  it("keeps bigint, typed array and -0 identities exact", () => {
    expect(Object.is(inst.exports.eTuple([1, "a", 2])[2], -0)).toBe(true);
    const bytes = inst.exports.eBytes(new Uint8Array([1, 2, 255]));
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(typeof inst.exports.eU64(1n)).toBe("bigint");
  });

  it("rejects a bad host argument before entering the guest, without poisoning", () => {
    expect(() => inst.exports.eU8(256)).toThrow(/expected a u8/);
    expect(() => inst.exports.eColor("purple")).toThrow(/purple|color|enum/i);
    expect(inst.exports.eU8(1)).toBe(255);
  });
});
