import { describe, expect, it } from "vitest";
import {
  alignment,
  elemSize,
  flattenType,
  flattenFuncType,
  layoutOf,
  discriminantSize,
  fieldOffsets,
  MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS,
  planValue,
  planFunction,
  resolveType,
  type IrTypeDef,
} from "@witgen/runtime";
import { T } from "./helpers.js";

describe("layout (CanonicalABI.md Alignment / Element Size / Flattening)", () => {
  it("primitives", () => {
    const cases: [keyof typeof T, number, number, string[]][] = [
      ["bool", 1, 1, ["i32"]],
      ["u8", 1, 1, ["i32"]],
      ["s16", 2, 2, ["i32"]],
      ["u32", 4, 4, ["i32"]],
      ["s64", 8, 8, ["i64"]],
      ["f32", 4, 4, ["f32"]],
      ["f64", 8, 8, ["f64"]],
      ["char", 4, 4, ["i32"]],
      ["string", 4, 8, ["i32", "i32"]],
    ];
    for (const [k, a, s, f] of cases) {
      const t = T[k] as never;
      expect([k, alignment(t), elemSize(t), flattenType(t)]).toEqual([
        k,
        a,
        s,
        f,
      ]);
    }
  });

  it("records pad fields to their alignment and the size to the record alignment", () => {
    // record { a: u8, b: u32, c: u16 } -> a@0, b@4, c@8, size align_to(10, 4) = 12
    const r = T.record([
      ["a", T.u8],
      ["b", T.u32],
      ["c", T.u16],
    ]);
    expect(alignment(r)).toBe(4);
    expect(elemSize(r)).toBe(12);
    expect(
      fieldOffsets([{ type: T.u8 }, { type: T.u32 }, { type: T.u16 }]),
    ).toEqual([0, 4, 8]);
    expect(flattenType(r)).toEqual(["i32", "i32", "i32"]);
    // tuple<u8, u64> -> u64 at 8, size 16
    const tup = T.tuple(T.u8, T.u64);
    expect([alignment(tup), elemSize(tup)]).toEqual([8, 16]);
  });

  it("variants: discriminant size by case count, payload aligned to max case alignment, joined flat slots", () => {
    expect(discriminantSize(1)).toBe(1);
    expect(discriminantSize(256)).toBe(1);
    expect(discriminantSize(257)).toBe(2);
    expect(discriminantSize(65536)).toBe(2);
    expect(discriminantSize(65537)).toBe(4);
    // variant { a(u8), b(u64), c } -> disc u8, payload at 8, size 16
    const v = T.variant([["a", T.u8], ["b", T.u64], ["c"]]);
    expect([alignment(v), elemSize(v)]).toEqual([8, 16]);
    expect(flattenType(v)).toEqual(["i32", "i64"]);
    // option<f32> -> [i32, f32]; result<f32, u32> -> [i32, i32] (join f32/i32 = i32)
    expect(flattenType(T.option(T.f32))).toEqual(["i32", "f32"]);
    expect(flattenType(T.result(T.f32, T.u32))).toEqual(["i32", "i32"]);
    // join(f64, u32) = i64; (f32, f32) second slot join(i32... ) tuple slots join per position
    expect(
      flattenType(
        T.variant([
          ["a", T.f64],
          ["b", T.tuple(T.u32, T.f32)],
        ]),
      ),
    ).toEqual(["i32", "i64", "f32"]);
    // enum with 300 cases needs a u16 discriminant
    const big = T.enum(...Array.from({ length: 300 }, (_, i) => `c${i}`));
    expect([alignment(big), elemSize(big), flattenType(big)]).toEqual([
      2,
      2,
      ["i32"],
    ]);
    // result (no payloads): just the discriminant
    expect([elemSize(T.result()), flattenType(T.result())]).toEqual([
      1,
      ["i32"],
    ]);
  });

  it("flags: 1, 2 or 4 bytes, one i32 when flat", () => {
    const f = (n: number) =>
      T.flags(...Array.from({ length: n }, (_, i) => `f${i}`));
    expect([
      elemSize(f(8)),
      elemSize(f(9)),
      elemSize(f(16)),
      elemSize(f(17)),
      elemSize(f(32)),
    ]).toEqual([1, 2, 2, 4, 4]);
    expect(alignment(f(9))).toBe(2);
    expect(flattenType(f(32))).toEqual(["i32"]);
    expect(() => layoutOf(f(33))).toThrow(/flags with 33 labels/);
  });

  it("lists, fixed-length lists and maps", () => {
    expect([
      alignment(T.list(T.u64)),
      elemSize(T.list(T.u64)),
      flattenType(T.list(T.u64)),
    ]).toEqual([4, 8, ["i32", "i32"]]);
    const fixed = T.list(T.u16, 3);
    expect([alignment(fixed), elemSize(fixed), flattenType(fixed)]).toEqual([
      2,
      6,
      ["i32", "i32", "i32"],
    ]);
    const m = T.map(T.string, T.u8);
    expect([alignment(m), elemSize(m), flattenType(m)]).toEqual([
      4,
      8,
      ["i32", "i32"],
    ]);
    // the map's entry tuple<string, u8> is 12 bytes
    expect((planValue(m) as { entry: { size: number } }).entry.size).toBe(12);
  });

  it("own/borrow are i32 handles", () => {
    expect([
      alignment(T.own(0)),
      elemSize(T.borrow(0)),
      flattenType(T.own(0)),
    ]).toEqual([4, 4, ["i32"]]);
  });

  it("caches per type object", () => {
    const r = T.record([["a", T.string]]);
    expect(layoutOf(r)).toBe(layoutOf(r));
    expect(planValue(r)).toBe(planValue(r));
  });
});

describe("flattenFuncType (CanonicalABI.md flatten_functype)", () => {
  it("uses the spec's limits", () => {
    expect([MAX_FLAT_PARAMS, MAX_FLAT_RESULTS]).toEqual([16, 1]);
  });
  it("spills params beyond 16 flat values and results beyond 1", () => {
    const sixteen = Array.from({ length: 16 }, () => T.u32);
    expect(
      flattenFuncType(sixteen, undefined, { async: false }, "lift").params,
    ).toHaveLength(16);
    expect(
      flattenFuncType([...sixteen, T.u8], undefined, { async: false }, "lift")
        .params,
    ).toEqual(["i32"]);
    expect(flattenFuncType([], T.string, { async: false }, "lift")).toEqual({
      params: [],
      results: ["i32"],
    });
    expect(flattenFuncType([], T.string, { async: false }, "lower")).toEqual({
      params: ["i32"],
      results: [],
    });
    expect(flattenFuncType([T.u64], T.u64, { async: false }, "lower")).toEqual({
      params: ["i64"],
      results: ["i64"],
    });
  });
  it("async lower/lift have their own limits", () => {
    const five = Array.from({ length: 5 }, () => T.u32);
    expect(flattenFuncType(five, T.u32, { async: true }, "lower")).toEqual({
      params: ["i32", "i32"],
      results: ["i32"],
    });
    expect(flattenFuncType(five, T.u32, { async: true }, "lift")).toEqual({
      params: ["i32", "i32", "i32", "i32", "i32"],
      results: [],
    });
    expect(
      flattenFuncType(five, T.u32, { async: true, callback: true }, "lift")
        .results,
    ).toEqual(["i32"]);
  });
});

describe("plans", () => {
  it("lift plan for a spilled signature", () => {
    const params = Array.from({ length: 17 }, (_, i) => ({
      name: `p-${i}`,
      type: T.u8,
    }));
    const plan = planFunction(
      { name: "many", params, result: T.tuple(T.u32, T.u32) },
      "lift",
      { postReturn: true },
    );
    expect(plan.core).toEqual({ params: ["i32"], results: ["i32"] });
    expect(plan.steps.map((s) => s.op)).toEqual([
      "enter-instance",
      "lower-params-spilled",
      "call-core",
      "lift-result-spilled",
      "check-borrows-dropped",
      "post-return",
    ]);
    expect(plan.steps[1]).toMatchObject({
      spill: {
        size: 17,
        align: 1,
        offsets: Array.from({ length: 17 }, (_, i) => i),
      },
    });
    expect(plan.params[3].jsName).toBe("p3");
    expect(plan.needsMemory && plan.needsRealloc).toBe(true);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("lower plan writes a spilled result through the trailing out-pointer", () => {
    const plan = planFunction(
      { name: "get", params: [{ name: "x", type: T.u32 }], result: T.string },
      "lower",
    );
    expect(plan.core).toEqual({ params: ["i32", "i32"], results: [] });
    expect(plan.steps).toContainEqual({
      op: "lower-result-spilled",
      spill: { size: 8, align: 4, offsets: [0] },
      outParam: 1,
    });
    expect(plan.needsRealloc).toBe(true);
  });

  it("resolves IR types through aliases and records camelCase names", () => {
    const types: IrTypeDef[] = [
      {
        id: 0,
        name: "point",
        owner: { kind: "world", id: 0 },
        def: {
          kind: "record",
          fields: [{ name: "x-coord", type: { kind: "s32" } }],
        },
      },
      {
        id: 1,
        name: "pt",
        owner: { kind: "world", id: 0 },
        def: { kind: "alias", target: { kind: "named", id: 0 } },
      },
      {
        id: 2,
        name: "file",
        owner: { kind: "world", id: 0 },
        def: { kind: "resource" },
      },
      {
        id: 3,
        name: "f2",
        owner: { kind: "world", id: 0 },
        def: { kind: "alias", target: { kind: "named", id: 2 } },
      },
    ];
    const arena = { types };
    const t = resolveType(arena, {
      kind: "list",
      element: { kind: "named", id: 1 },
    });
    expect(t).toEqual({
      kind: "list",
      element: {
        kind: "record",
        name: "point",
        fields: [{ name: "x-coord", type: { kind: "s32" } }],
      },
    });
    const p = planValue(t) as { element: { fields: { jsName: string }[] } };
    expect(p.element.fields[0].jsName).toBe("xCoord");
    expect(resolveType(arena, { kind: "own", resource: 3 })).toEqual({
      kind: "own",
      resource: 2,
      name: "file",
    });
    expect(() => resolveType(arena, { kind: "own", resource: 0 })).toThrow(
      /used as a resource but is a record/,
    );
  });
});

describe("naming (docs/mapping.md Names)", async () => {
  const { toCamelCase, toPascalCase, camelCaseScope } =
    await import("@witgen/runtime");
  it("camelCase and PascalCase", () => {
    expect(toCamelCase("get-u8")).toBe("getU8");
    expect(toCamelCase("URL-parse")).toBe("urlParse");
    expect(toCamelCase("get-HTTP-url")).toBe("getHTTPUrl");
    expect(toCamelCase("%type")).toBe("type");
    expect(toPascalCase("HTTP-error")).toBe("HTTPError");
    expect(toPascalCase("ip-address")).toBe("IpAddress");
  });
  it("collisions in one scope: first keeps the name, later ones get 2, 3, ...", () => {
    expect(camelCaseScope(["a-b", "a-B", "aB", "c"])).toEqual([
      "aB",
      "aB2",
      "aB3",
      "c",
    ]);
    const p = planValue(
      T.record([
        ["a-b", T.u8],
        ["a-B", T.u8],
      ]),
    ) as { fields: { jsName: string }[] };
    expect(p.fields.map((f) => f.jsName)).toEqual(["aB", "aB2"]);
  });
});
