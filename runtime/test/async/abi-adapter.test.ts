import { describe, expect, it } from "vitest";
import {
  CodecCompiler,
  FlatReader,
  LiftLowerContext,
  planValue,
  type AbiType,
} from "../../src/abi/index.js";
import {
  BLOCKED,
  CopyResult,
  SharedStream,
  abiElementCodec,
  abiTypeKey,
  asyncValueHooks,
  liftStream,
  lowerStream,
  packCopyResult,
  streamNew,
  streamRead,
  streamWrite,
  u8Codec,
  type CopyOptions,
  type ElementCodec,
} from "../../src/async/index.js";
import { ends, setup } from "./helpers.js";

const point: AbiType = {
  kind: "record",
  fields: [
    { name: "x", type: { kind: "u16" } },
    { name: "y", type: { kind: "f64" } },
  ],
};

describe("ABI core adapter", () => {
  it("keys structurally equal types alike", () => {
    expect(abiTypeKey(point)).toBe("record{x:u16,y:f64}");
    expect(
      abiTypeKey({
        kind: "stream",
        element: { kind: "list", element: { kind: "u8" } },
      }),
    ).toBe("stream<list<u8>>");
    expect(abiTypeKey(undefined)).toBe("_");
  });

  it("copies record elements between two instances through the ABI core's codec", () => {
    const a = setup("a");
    const b = setup("b", a.store);
    const compiler = new CodecCompiler();
    const codec = abiElementCodec(point, compiler.codec(planValue(point)));
    expect(codec).toMatchObject({ size: 16, alignment: 8, plain: false });
    const optsOf = (env: ReturnType<typeof setup>): CopyOptions => ({
      async: true,
      memory: env.memory,
      options: new LiftLowerContext(env.inst, { memory: env.memory }),
    });

    // `a` creates the stream and passes the readable end to `b` (lift from a, lower into b).
    const { r, w } = ends(streamNew(a.inst, codec));
    const rb = lowerStream(b.inst, liftStream(a.inst, r, codec));
    const va = new DataView(a.memory.buffer);
    va.setUint16(64, 7, true);
    va.setFloat64(72, 1.5, true);
    va.setUint16(80, 9, true);
    va.setFloat64(88, -2, true);
    expect(streamWrite(a.inst, codec, optsOf(a), w, 64, 2)).toBe(BLOCKED);
    expect(streamRead(b.inst, codec, optsOf(b), rb, 256, 4)).toBe(
      packCopyResult(CopyResult.COMPLETED, 2),
    );
    const vb = new DataView(b.memory.buffer);
    expect([
      vb.getUint16(256, true),
      vb.getFloat64(264, true),
      vb.getUint16(272, true),
      vb.getFloat64(280, true),
    ]).toEqual([7, 1.5, 9, -2]);
  });

  it("AsyncValueHooks lift a stream handle out of one instance and lower it into another", () => {
    const a = setup("a");
    const b = setup("b", a.store);
    const codecs = new Map<string, ElementCodec>([["u8", u8Codec]]);
    const hooks = asyncValueHooks((t) => codecs.get(abiTypeKey(t))!);
    const streamT: AbiType = { kind: "stream", element: { kind: "u8" } };
    const compiler = new CodecCompiler();
    const c = compiler.codec(planValue(streamT));
    const cxA = new LiftLowerContext(a.inst, { memory: a.memory }, hooks);
    const cxB = new LiftLowerContext(b.inst, { memory: b.memory }, hooks);
    const { r } = ends(streamNew(a.inst, u8Codec));
    const v = c.liftFlat(cxA, new FlatReader([r]));
    expect(v).toBeInstanceOf(SharedStream);
    expect(() => a.inst.handles.get(r)).toThrow(/invalid handle index/);
    const out: (number | bigint)[] = [];
    c.lowerFlat(cxB, v, out);
    expect(out).toEqual([1]);
    expect(b.inst.handles.get(1)).toMatchObject({
      kind: "stream readable end",
    });
    // A stream of another element type is refused.
    const other = new SharedStream(
      abiElementCodec(
        { kind: "u32" },
        compiler.codec(planValue({ kind: "u32" })),
      ),
    );
    expect(() => c.lowerFlat(cxB, other, [])).toThrow(
      /lowering a stream<u8>: the value is a stream<u32>/,
    );
  });
});
