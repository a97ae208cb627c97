import { describe, expect, it } from "vitest";
import {
  CodecCompiler,
  ComponentInstanceState,
  GuestResourceBinding,
  ResourceHandle,
  Trap,
  compileLower,
  layoutOf,
  planFunction,
  type AbiType,
} from "@witgen/runtime";
import { T, codecOf, makeCx } from "./helpers.js";

function lowered(
  params: [string, AbiType][],
  result: AbiType | undefined,
  host: (...a: any[]) => unknown,
  inst?: ComponentInstanceState,
  resolve?: ConstructorParameters<typeof CodecCompiler>[0],
) {
  const { cx, mem } = makeCx({ inst });
  const plan = planFunction(
    {
      name: "imp",
      params: params.map(([name, type]) => ({ name, type })),
      result,
    },
    "lower",
  );
  return {
    f: compileLower(plan, cx, new CodecCompiler(resolve), host),
    cx,
    mem,
    plan,
  };
}

describe("compileLower details", () => {
  it("more than 16 flat params arrive through a pointer to the params tuple", () => {
    const params = Array.from(
      { length: 15 },
      (_, i) => [`p${i}`, T.u64] as [string, AbiType],
    );
    params.push(["s", T.string]);
    params.push(["c", T.char]);
    let got: unknown[] = [];
    const { f, cx, plan } = lowered(params, T.u32, (...a) => ((got = a), 5));
    expect(plan.core).toEqual({ params: ["i32"], results: ["i32"] });
    const tuple: AbiType = { kind: "tuple", types: params.map((p) => p[1]) };
    const values = [
      ...Array.from({ length: 15 }, (_, i) => BigInt(i) * 1000000000000n),
      "hé",
      "😀",
    ];
    const ptr = cx.allocate(layoutOf(tuple).align, layoutOf(tuple).size);
    codecOf(tuple).store(cx, values, ptr);
    expect(f(ptr)).toBe(5);
    expect(got).toEqual(values);
    expect(() => f(ptr + 4)).toThrow(
      "parameter tuple pointer " +
        (ptr + 4) +
        " is not 8-byte aligned in imp [CanonicalABI.md lift_flat_values]",
    );
  });

  it("flat results are core values: s64 as bigint, u32 above 2^31 as a signed i32", () => {
    expect(lowered([], T.s64, () => -2n).f()).toBe(-2n);
    expect(lowered([], T.u64, () => 2n ** 64n - 1n).f()).toBe(-1n);
    expect(lowered([], T.u32, () => 0xffffffff).f()).toBe(0xffffffff);
    expect(lowered([], T.f32, () => 1.5).f()).toBe(1.5);
  });

  it("a misaligned result out-pointer traps", () => {
    const { f } = lowered([], T.string, () => "x");
    expect(() => f(1026)).toThrow(
      "result out-pointer pointer 1026 is not 4-byte aligned in imp (result) [CanonicalABI.md lower_flat_values]",
    );
  });

  it("a poisoned instance cannot call out", () => {
    const inst = new ComponentInstanceState("p");
    inst.poison(new Trap("earlier", { rule: "x" }));
    const { f } = lowered([], undefined, () => undefined, inst);
    expect(() => f()).toThrow(
      /instance "p" is poisoned by an earlier trap \(earlier\) in imp/,
    );
  });

  it("borrowed handles are lent for the duration of the call and released after", () => {
    const inst = new ComponentInstanceState("g");
    const r = new GuestResourceBinding("r", inst);
    const h = new ResourceHandle(r.type, 33, true);
    const i = inst.handles.add(h);
    let during = -1;
    const { f } = lowered(
      [["x", T.borrow(0, "r")]],
      T.u32,
      (x: { constructor: unknown }) => ((during = h.numLends), x ? 1 : 0),
      inst,
      () => r,
    );
    expect(f(i)).toBe(1);
    expect(during).toBe(1);
    expect(h.numLends).toBe(0);
  });

  it("a wrapper of a borrowed guest resource expires when the lending call returns", () => {
    const inst = new ComponentInstanceState("g");
    const r = new GuestResourceBinding("r", inst);
    const i = inst.handles.add(new ResourceHandle(r.type, 55, true));
    let kept: unknown;
    const { f } = lowered(
      [["x", T.borrow(0, "r")]],
      T.u32,
      (x) => {
        kept = x;
        return r.toRep(x, false); // usable during the call
      },
      inst,
      () => r,
    );
    expect(f(i)).toBe(55);
    expect(() => r.toRep(kept, false)).toThrow(
      "borrowed r resource used after the call that lent it returned",
    );
  });

  it("lifting an own handle moves it out of the caller's table", () => {
    const inst = new ComponentInstanceState("g");
    const r = new GuestResourceBinding("r", inst);
    const i = inst.handles.add(new ResourceHandle(r.type, 44, true));
    const { f } = lowered(
      [["x", T.own(0, "r")]],
      undefined,
      () => undefined,
      inst,
      () => r,
    );
    f(i);
    expect(inst.handles.peek(i)).toBeUndefined();
    expect(() => f(i)).toThrow(
      `invalid handle index ${i} in imp (param "x") [CanonicalABI.md lift_own]`,
    );
  });
});
