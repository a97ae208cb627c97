/**
 * A real JavaScript guest (componentize-qjs `--sync`, test/guests/qjs-values/) run
 * through the dynamic API and through generated glue: strings (non-ASCII), records,
 * variants, enums, flags, options (nested too), results, lists (list<u8> and other
 * typed arrays, lists of records, nested lists), tuples, chars, maps, wide integers,
 * and an exported interface.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { normalWorld } from "../support/structural.js";
import { buildJsGuest, enableExtendedConst, guestWit } from "../support/build-guest.js";
import { MODES, err, glueAdaptersUsed, instantiate, ok, prepareGuest, type Guest } from "./harness.js";

const TEXT = "test:values/text@1.0.0";
let guest: Guest;

beforeAll(async () => {
  await enableExtendedConst();
  const wit = await guestWit("qjs-values");
  guest = await prepareGuest(await buildJsGuest("qjs-values", "values"), wit, "values", "qjs-values/world.wit");
});

const zoe = { fullName: "Zoë Ångström", age: 41, email: "zoe@example.org", tags: ["ß", "数学"] };
const bob = { fullName: "Bob", age: 41, email: undefined, tags: [] };
const kid = { fullName: "Kid 👶", age: 3, email: undefined, tags: ["small"] };

it("the world decoded from the binary equals our front end's world of the same WIT (plus componentize-qjs's `init` export)", async () => {
  const decoded = normalWorld(guest.compiled.world);
  expect(decoded.exports.init).toMatchObject({ kind: "function" });
  delete decoded.exports.init;
  expect(decoded).toEqual(normalWorld(selectWorld(loadWitSource(await guestWit("qjs-values"), "world.wit"), "values")));
});

it("generated glue specialises every function of the WIT (the component's extra `init` export stays dynamic)", async () => {
  const { lifted, lowered } = await glueAdaptersUsed(guest, envImports().imports);
  expect(lifted).toHaveLength(33); // 29 world functions + 4 in `text`
  expect(lifted).toContain("test:values/text@1.0.0#code-points");
  expect(lifted).toContain("tally");
  expect(lifted).not.toContain("init");
  expect(lowered).toEqual(["describe", "lookup", "noise", "pair"].map((f) => `test:values/env@1.0.0#${f}`));
});

/** The host's `env`: what it was asked, and values for the guest. */
function envImports() {
  const calls: unknown[][] = [];
  const people = new Map([zoe, bob].map((p) => [p.fullName, p]));
  const env = {
    lookup: (name: string) => (calls.push(["lookup", name]), people.get(name)),
    describe: (p: typeof zoe, s: unknown, c: string) => (
      calls.push(["describe", p, s, c]),
      `${p.fullName} (${p.age}) ${c} ${JSON.stringify(s)}`
    ),
    noise: (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff),
    pair: () => ["héad", ["ä", "", "😀"]],
  };
  return { imports: { "test:values/env@1.0.0": env }, calls };
}

describe.each(MODES)("qjs guest values (%s)", (mode) => {
  let e: Record<string, any>;
  let calls: unknown[][];
  beforeAll(async () => {
    const env = envImports();
    calls = env.calls;
    e = await instantiate(guest, mode, env.imports);
  });

  it("strings, including non-ASCII and astral code points", () => {
    expect(e.greet("wörld 😀")).toBe("Hello, wörld 😀! (7 chars)");
    expect(e.greet("")).toBe("Hello, ! (0 chars)");
    expect(e.reverse("añb😀")).toBe("😀bña");
    const long = "λ".repeat(10_000) + "end";
    expect(e.reverse(long)).toBe("dne" + "λ".repeat(10_000));
  });

  it("records in and out (kebab-case fields, option fields, list fields)", () => {
    expect(e.midpoint({ x: 1, y: 2 }, { x: 3, y: -4.5 })).toEqual({ x: 2, y: -1.25 });
    expect(e.birthday(zoe)).toEqual({
      fullName: "ZOË ÅNGSTRÖM",
      age: 42,
      email: "zoe@example.org",
      tags: ["ß", "数学", "older"],
    });
    expect(e.birthday(bob)).toEqual({ fullName: "BOB", age: 42, email: undefined, tags: ["older"] });
  });

  it("variants with and without payloads", () => {
    expect(e.area({ tag: "circle", val: 2 })).toBeCloseTo(4 * Math.PI, 12);
    expect(e.area({ tag: "rect", val: { x: 3, y: 2.5 } })).toBe(7.5);
    expect(e.area({ tag: "empty" })).toBe(0);
    expect(e.grow({ tag: "rect", val: { x: 1, y: 2 } }, 3)).toEqual({ tag: "rect", val: { x: 3, y: 6 } });
    expect(e.grow({ tag: "circle", val: 1.5 }, 2)).toEqual({ tag: "circle", val: 3 });
    expect(e.grow({ tag: "empty" }, 2)).toEqual({ tag: "empty" });
  });

  it("enums and flags", () => {
    expect(e.nextColor("red")).toBe("green");
    expect(e.nextColor("blue")).toBe("red");
    expect(e.toggle({ read: true }, { read: true, exec: true })).toEqual({ read: false, write: false, exec: true });
    expect(e.toggle({ read: true, write: true, exec: true }, {})).toEqual({ read: true, write: true, exec: true });
  });

  it("options: some and none, nested in records", () => {
    expect(e.find([bob, zoe, kid], "Zoë Ångström")).toEqual(zoe);
    expect(e.find([bob, zoe], "nobody")).toBeUndefined();
    expect(e.find([], "x")).toBeUndefined();
    expect(e.firstTag(zoe)).toBe("ß");
    expect(e.firstTag(bob)).toBeUndefined();
  });

  it("results: ok values and errors thrown by the guest", () => {
    // componentize-qjs 0.4.5 converts u32 as if it were s32 (a parameter above 2^31 - 1
    // arrives negative, a result is clamped to 2^31 - 1), so values stay below 2^31 here;
    // the C guest covers the full u32 range.
    expect(ok(mode, () => e.parseU32("2147483647"))).toBe(2147483647);
    expect(ok(mode, () => e.parseU32("0"))).toBe(0);
    expect(e.half(4000)).toBe(2000);
    expect(err(mode, () => e.parseU32("12x"))).toBe("not a number: 12x");
    expect(err(mode, () => e.parseU32("4294967296"))).toBe("too large: 4294967296");
    expect(ok(mode, () => e.divide(-7, 2))).toBe(-3);
    expect(err(mode, () => e.divide(1, 0))).toBe("divide-by-zero");
    expect(err(mode, () => e.divide(-2147483648, -1))).toBe("overflow");
  });

  it("nested results in a list, and a tuple result", () => {
    const rs = [
      { tag: "ok", val: 3 },
      { tag: "err", val: "bad ☹" },
      { tag: "ok", val: 4 },
      { tag: "err", val: "" },
    ];
    expect(e.tally(rs)).toEqual([7, ["bad ☹", ""]]);
    expect(e.tally([])).toEqual([0, []]);
  });

  it("list<u8> as Uint8Array both ways", () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    expect(e.bytesSum(bytes)).toBe(bytes.reduce((a, b) => a + b, 0));
    expect(e.bytesSum(new Uint8Array(0))).toBe(0);
    const xored = e.bytesXor(new Uint8Array([1, 2, 255, 0]), 0xff);
    expect(xored).toBeInstanceOf(Uint8Array);
    expect([...xored]).toEqual([254, 253, 0, 255]);
  });

  it("large lists and strings", () => {
    const big = new Uint8Array(1_000_000).fill(3);
    expect(e.bytesSum(big)).toBe(3_000_000);
    const back = e.bytesXor(big.subarray(0, 200_000), 1);
    expect(back.length).toBe(200_000);
    expect(back.every((b: number) => b === 2)).toBe(true);
    const long = "ü€😀".repeat(20_000);
    expect(e.reverse(long)).toBe("😀€ü".repeat(20_000));
  });

  it("lists of records", () => {
    expect(e.oldest([kid, zoe, bob])).toEqual([zoe, bob]);
    expect(e.oldest([kid])).toEqual([kid]);
  });

  it("tuples and wide integer types", () => {
    expect(e.swap([7, "sieben"])).toEqual(["sieben", 7]);
    // QuickJS numbers carry u64/s64 (exact below 2^53); the host side is bigint.
    expect(e.wide(2n ** 52n, -5n, -5, 65535, 1.5, true)).toEqual([2n ** 52n + 1n, -6n, 5, 65534, 0.75, false]);
    expect(e.wide(0n, -(2n ** 52n), 127, 0, -3, false)).toEqual([1n, -(2n ** 52n) - 1n, -127, 0, -1.5, true]);
  });

  it("nested options (the outer level tagged) and an option of a result", () => {
    expect(e.nestedOption(undefined)).toEqual({ tag: "some", val: undefined });
    expect(e.nestedOption({ tag: "none" })).toEqual({ tag: "some", val: undefined });
    expect(e.nestedOption({ tag: "some", val: undefined })).toEqual({ tag: "some", val: 0 });
    expect(e.nestedOption({ tag: "some", val: 41 })).toEqual({ tag: "some", val: 42 });
    expect(e.nestedOption({ tag: "some", val: 100 })).toEqual({ tag: "none" });
    expect(e.maybeResult(undefined)).toEqual({ tag: "err", val: 0 });
    expect(e.maybeResult({ tag: "ok", val: "hé" })).toEqual({ tag: "ok", val: "hé!" });
    expect(e.maybeResult({ tag: "err", val: 7 })).toEqual({ tag: "err", val: 8 });
  });

  it("chars, nested lists, typed arrays of other element types, maps", () => {
    expect(e.nextChar("a")).toBe("b");
    expect(e.nextChar("😀")).toBe("😁");
    expect(
      e
        .transpose([
          [1, 2, 3],
          [4, 5.5, 6],
        ])
        .map((row: Float64Array) => [...row]),
    ).toEqual([
      [1, 4],
      [2, 5.5],
      [3, 6],
    ]);
    expect(e.transpose([])).toEqual([]);
    const s16 = e.reverseS16(new Int16Array([1, -2, 32767, -32768]));
    expect(s16).toBeInstanceOf(Int16Array);
    expect([...s16]).toEqual([-32768, 32767, -2, 1]);
    const f32 = e.scaleF32(new Float32Array([1.5, -2, Infinity, NaN, 0.1]), 2);
    expect(f32).toBeInstanceOf(Float32Array);
    expect([...f32]).toEqual([3, -4, Infinity, NaN, Math.fround(Math.fround(0.1) * 2)]);
    expect(e.counts(["a", "b", "a", "ü", "a"])).toEqual(
      new Map([
        ["a", 3],
        ["b", 1],
        ["ü", 1],
      ]),
    );
    expect(e.counts([])).toEqual(new Map());
  });

  it("host imports return records, options, lists and tuples into the guest", () => {
    calls.length = 0;
    expect(e.ask("Zoë Ångström")).toBe('Zoë Ångström (41) blue {"tag":"rect","val":{"x":41,"y":2}}');
    expect(e.ask("Bob")).toBe('Bob (41) red {"tag":"rect","val":{"x":41,"y":0}}');
    expect(e.ask("nobody")).toBe("nobody? unknown");
    expect(calls).toEqual([
      ["lookup", "Zoë Ångström"],
      ["describe", zoe, { tag: "rect", val: { x: 41, y: 2 } }, "blue"],
      ["lookup", "Bob"],
      ["describe", bob, { tag: "rect", val: { x: 41, y: 0 } }, "red"],
      ["lookup", "nobody"],
    ]);
    const n = 50_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (i * 31) & 0xff;
    expect(e.noiseSum(n)).toEqual([n, sum]);
    expect(e.noiseSum(0)).toEqual([0, 0]);
    expect(e.pairText()).toBe("héad: ä||😀");
  });

  it("an exported interface", () => {
    const text = e[TEXT];
    expect(text.upper("straße")).toBe("STRASSE");
    expect(text.words("  mañana  por la\tmañana ")).toEqual(["mañana", "por", "la", "mañana"]);
    expect(text.codePoints("a😀é")).toEqual(["a", "😀", "é"]);
    expect(text.join(["x", "y", "z"], "→")).toBe("x→y→z");
  });

  it("rejects a bad argument before entering the guest, and keeps working", () => {
    expect(() => e.nextColor("purple")).toThrow(/"red", "green", "blue"/);
    expect(() => e.bytesSum([1, 2, 300])).toThrow(/bytes-sum/);
    expect(() => e.midpoint({ x: 1, y: 2 }, { x: "3", y: 4 })).toThrow(/in midpoint \(param "b"\.x\)/);
    expect(e.nextColor("green")).toBe("blue");
  });
});
