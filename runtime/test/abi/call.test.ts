import { beforeAll, describe, expect, it } from "vitest";
import {
  AbiValueError,
  CodecCompiler,
  ComponentInstanceState,
  GuestResource,
  GuestResourceBinding,
  HostResourceBinding,
  LiftLowerContext,
  Trap,
  compileLift,
  compileLower,
  planFunction,
  resourceDrop,
  resourceNew,
  resourceRep,
  type AbiType,
  type CanonOptions,
  type CoreFunction,
  type CoreRealloc,
} from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";
import { GUEST_WAT } from "./guest.wat.js";
import { T } from "./helpers.js";

let moduleBytes: Uint8Array<ArrayBuffer>;
beforeAll(async () => {
  moduleBytes = await buildWatComponent(GUEST_WAT);
});

class File implements Disposable {
  disposed = false;
  constructor(readonly size: number) {}
  [Symbol.dispose]() {
    this.disposed = true;
  }
}

type Sig = { params?: [string, AbiType][]; result?: AbiType };

/** Instantiates the guest module with lowered host imports and returns lifted exports. */
async function setup(
  hostImpl: Partial<
    Record<"add" | "echo" | "open" | "size", (...a: any[]) => unknown>
  > = {},
) {
  const inst = new ComponentInstanceState("guest");
  const lowered: Record<string, CoreFunction> = {};
  let exports: Record<string, any> = {};
  const r = new GuestResourceBinding("r", inst, (rep) =>
    exports["r-dtor"](rep),
  );
  const file = new HostResourceBinding("file", File);
  const compiler = new CodecCompiler((id) => (id === 0 ? r : file));
  const thunk =
    (name: string) =>
    (...a: any[]) =>
      lowered[name](...a);
  const { instance } = await WebAssembly.instantiate(moduleBytes, {
    host: {
      add: thunk("add"),
      echo: thunk("echo"),
      open: thunk("open"),
      size: thunk("size"),
    },
    res: {
      new: (rep: number) => resourceNew(inst, r.type, rep),
      rep: (i: number) => resourceRep(inst, r.type, i),
      drop: (i: number) => resourceDrop(inst, r.type, i),
    },
    "host-res": { drop: (i: number) => resourceDrop(inst, file.type, i) },
  });
  exports = instance.exports as Record<string, any>;
  const base: CanonOptions = {
    stringEncoding: "utf8",
    memory: exports.memory,
    realloc: exports.realloc as CoreRealloc,
  };
  const sig = (name: string, s: Sig) => ({
    name,
    params: (s.params ?? []).map(([n, type]) => ({ name: n, type })),
    result: s.result,
  });

  const lower = (name: string, s: Sig, impl: (...a: any[]) => unknown) => {
    // A plan takes only the static options (postReturn is a lift-side flag there).
    const plan = planFunction(sig(name, s), "lower", {
      stringEncoding: base.stringEncoding,
    });
    lowered[name] = compileLower(
      plan,
      new LiftLowerContext(inst, base),
      compiler,
      impl,
    );
  };
  lower(
    "add",
    {
      params: [
        ["a", T.u32],
        ["b", T.u32],
      ],
      result: T.u32,
    },
    hostImpl.add ?? ((a: number, b: number) => a + b),
  );
  lower(
    "echo",
    { params: [["s", T.string]], result: T.string },
    hostImpl.echo ?? ((s: string) => `${s}!`),
  );
  lower(
    "open",
    { result: T.own(1, "file") },
    hostImpl.open ?? (() => new File(42)),
  );
  lower(
    "size",
    { params: [["self", T.borrow(1, "file")]], result: T.u32 },
    hostImpl.size ?? ((f: File) => f.size),
  );

  const lift = (name: string, s: Sig, postReturn?: string) => {
    const opts = {
      ...base,
      ...(postReturn ? { postReturn: exports[postReturn] } : {}),
    };
    const plan = planFunction(sig(name, s), "lift", {
      ...opts,
      postReturn: !!postReturn,
    });
    return compileLift(
      plan,
      new LiftLowerContext(inst, opts),
      compiler,
      exports[name],
    );
  };
  return { inst, exports, lift, r, file };
}

function trapOf(f: () => unknown): Trap {
  try {
    f();
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    return e;
  }
  throw new Error("expected a trap");
}

describe("compileLift: the host calls core exports", () => {
  it("flat params, flat result", async () => {
    const g = await setup();
    const strlen = g.lift("strlen", {
      params: [["s", T.string]],
      result: T.u32,
    });
    expect(strlen("héllo")).toBe(6);
  });

  it("spilled string result, post-return runs after lifting with the core results", async () => {
    const g = await setup();
    const echo = g.lift(
      "echo",
      { params: [["s", T.string]], result: T.string },
      "post-echo",
    );
    expect(echo("añb😀")).toBe("añb😀");
    expect(echo("x")).toBe("x");
    expect(g.exports["post-count"]()).toBe(2);
  });

  it("17 params are spilled into a realloc'd tuple", async () => {
    const g = await setup();
    const params = Array.from(
      { length: 17 },
      (_, i) => [`p${i}`, T.u8] as [string, AbiType],
    );
    const sum17 = g.lift("sum17", { params, result: T.u32 });
    expect(sum17(...Array.from({ length: 17 }, (_, i) => i + 1))).toBe(153);
  });

  it("i64/f32 params and a spilled tuple result", async () => {
    const g = await setup();
    const swap = g.lift("swap", {
      params: [
        ["a", T.u64],
        ["b", T.f32],
      ],
      result: T.tuple(T.f32, T.u64),
    });
    expect(swap(2n ** 64n - 2n, 0.25)).toEqual([0.25, 2n ** 64n - 2n]);
  });

  it("memory growth during realloc is seen by later stores (views refresh)", async () => {
    const g = await setup();
    const strlen = g.lift("strlen", {
      params: [["s", T.string]],
      result: T.u32,
    });
    const big = "é".repeat(100_000); // 200000 UTF-8 bytes: the bump allocator grows memory
    expect(strlen(big)).toBe(200_000);
    expect(g.exports.memory.buffer.byteLength).toBeGreaterThan(65536);
    const echo = g.lift("echo", {
      params: [["s", T.string]],
      result: T.string,
    });
    expect(echo(big)).toBe(big);
  });

  it("bad host arguments raise AbiValueError naming function and parameter, without poisoning", async () => {
    const g = await setup();
    const strlen = g.lift("strlen", {
      params: [["s", T.string]],
      result: T.u32,
    });
    expect(() => strlen(5)).toThrow(AbiValueError);
    expect(() => strlen(5)).toThrow(
      'expected a string, got number 5 in strlen (param "s")',
    );
    expect(g.inst.poisoned).toBeUndefined();
    expect(strlen("ok")).toBe(2);
  });

  it("a core trap becomes a Trap and poisons the instance; later calls trap", async () => {
    const g = await setup();
    const boom = g.lift("boom", {});
    const strlen = g.lift("strlen", {
      params: [["s", T.string]],
      result: T.u32,
    });
    const t = trapOf(() => boom());
    expect(t.message).toMatch(
      /^core function trapped: unreachable.* in boom \[CanonicalABI.md call_and_trap_on_throw\]$/,
    );
    expect(t.cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(trapOf(() => strlen("x")).message).toMatch(
      /^instance "guest" is poisoned by an earlier trap \(core function trapped: unreachable.*\) in strlen/,
    );
  });

  it("a result pointer out of bounds traps", async () => {
    const g = await setup();
    const bad = g.lift("bad-result", { result: T.string });
    expect(trapOf(() => bad()).message).toBe(
      "result range [65532, 65540) is out of bounds of memory (65536 bytes) in bad-result (result) [CanonicalABI.md lift_flat_values]",
    );
    expect(g.inst.poisoned).toBeDefined();
  });

  it("post-return may not leave the instance", async () => {
    const g = await setup();
    const echo = g.lift(
      "echo",
      { params: [["s", T.string]], result: T.string },
      "post-bad",
    );
    const t = trapOf(() => echo("x"));
    expect(t.message).toMatch(
      /instance "guest" may not leave here .* in add, called from echo \[CanonicalABI.md canon_lower may_leave\]/,
    );
  });
});

describe("compileLower: core code calls host imports", () => {
  it("flat params and result", async () => {
    const g = await setup();
    const callAdd = g.lift("call-add", {
      params: [
        ["a", T.u32],
        ["b", T.u32],
      ],
      result: T.u32,
    });
    expect(callAdd(40, 2)).toBe(42);
  });

  it("string in, string out through the caller's out-pointer and realloc", async () => {
    const g = await setup({ echo: (s: string) => `<${s}>😀` });
    const callEcho = g.lift("call-echo", {
      params: [["s", T.string]],
      result: T.string,
    });
    expect(callEcho("ü")).toBe("<ü>😀");
  });

  it("a host exception traps the guest and poisons it", async () => {
    const g = await setup({
      add: () => {
        throw new RangeError("nope");
      },
    });
    const callAdd = g.lift("call-add", {
      params: [
        ["a", T.u32],
        ["b", T.u32],
      ],
      result: T.u32,
    });
    const t = trapOf(() => callAdd(1, 2));
    expect(t.message).toBe(
      "host function threw: nope in add, called from call-add [CanonicalABI.md call_and_trap_on_throw]",
    );
    expect(t.cause).toBeInstanceOf(RangeError);
    expect(g.inst.poisoned).toBe(t);
  });

  it("an invalid host result traps the guest with the path", async () => {
    const g = await setup({ add: () => -1 });
    const callAdd = g.lift("call-add", {
      params: [
        ["a", T.u32],
        ["b", T.u32],
      ],
      result: T.u32,
    });
    expect(trapOf(() => callAdd(1, 2)).message).toBe(
      "host function returned an invalid value: expected a u32 (integer 0..4294967295), got number -1 in add (result), called from call-add [CanonicalABI.md lower_flat_values]",
    );
  });

  it("re-entering the instance from a host import traps (may_enter)", async () => {
    let strlen: (...a: unknown[]) => unknown = () => 0;
    const g = await setup({ add: () => strlen("again") });
    strlen = g.lift("strlen", { params: [["s", T.string]], result: T.u32 });
    const callAdd = g.lift("call-add", {
      params: [
        ["a", T.u32],
        ["b", T.u32],
      ],
      result: T.u32,
    });
    expect(trapOf(() => callAdd(1, 2)).message).toBe(
      'instance "guest" cannot be re-entered during a synchronous call in strlen, called from add, called from call-add [CanonicalABI.md Store.lift may_enter_from]',
    );
  });
});

describe("resources across the boundary", () => {
  it("guest resource: own handle lifted to a wrapper, passed back as own, borrow passes the rep", async () => {
    const g = await setup();
    const make = g.lift("make", {
      params: [["rep", T.u32]],
      result: T.own(0, "r"),
    });
    const take = g.lift("take", {
      params: [["x", T.own(0, "r")]],
      result: T.u32,
    });
    const peek = g.lift("peek", {
      params: [["x", T.borrow(0, "r")]],
      result: T.u32,
    });
    const res = make(77) as GuestResource;
    expect(res).toBeInstanceOf(GuestResource);
    expect(g.inst.handles.size).toBe(0); // lift_own moved the handle out of the guest table
    expect(peek(res)).toBe(77); // same instance implements r: lower_borrow passes the rep
    expect(take(res)).toBe(77);
    expect(g.exports["last-dtor"]()).toBe(77); // the guest dropped its own handle: dtor ran
    expect(() => take(res)).toThrow(/r resource was already moved/);
  });

  it("guest resource: disposing the host's wrapper runs the guest destructor once", async () => {
    const g = await setup();
    const make = g.lift("make", {
      params: [["rep", T.u32]],
      result: T.own(0, "r"),
    });
    const res = make(5) as GuestResource;
    expect(g.exports["last-dtor"]()).toBe(-1);
    res[Symbol.dispose]();
    expect(g.exports["last-dtor"]()).toBe(5);
    g.exports["r-dtor"](-1);
    res[Symbol.dispose]();
    expect(g.exports["last-dtor"]()).toBe(-1);
  });

  it("host resource: guest opens (own lowered), borrows it to the host, drops it (host dispose)", async () => {
    const files: File[] = [];
    const g = await setup({
      open: () => (files.push(new File(1234)), files.at(-1)),
    });
    const openAndSize = g.lift("open-and-size", { result: T.u32 });
    expect(openAndSize()).toBe(1234);
    expect(files[0].disposed).toBe(true);
    expect(g.file.liveCount).toBe(0);
    expect(g.inst.handles.size).toBe(0);
  });

  it("host resource returned by the guest as own<file> is the same JS object", async () => {
    const f = new File(9);
    const g = await setup({ open: () => f });
    const openKeep = g.lift("open-keep", { result: T.own(1, "file") });
    expect(openKeep()).toBe(f);
    expect(g.inst.handles.size).toBe(0);
  });

  it("host resource passed as own is disposed when the guest drops it", async () => {
    const g = await setup();
    const dropFile = g.lift("drop-file", { params: [["f", T.own(1, "file")]] });
    const f = new File(3);
    dropFile(f);
    expect(f.disposed).toBe(true);
    expect(() => dropFile({})).toThrow(
      'expected a file resource object (instance of File) in drop-file (param "f")',
    );
  });

  it("borrow scope: a borrow lent to the callee must be dropped before it returns", async () => {
    const g = await setup();
    const useBorrow = g.lift("use-borrow", {
      params: [
        ["f", T.borrow(1, "file")],
        ["drop", T.bool],
      ],
      result: T.u32,
    });
    const f = new File(10);
    expect(useBorrow(f, true)).toBe(10);
    expect(f.disposed).toBe(false); // dropping a borrow never runs the destructor
    expect(g.inst.handles.size).toBe(0);
    const t = trapOf(() => useBorrow(f, false));
    expect(t.message).toBe(
      "1 borrowed handle(s) lent to the callee were not dropped before it returned in use-borrow [CanonicalABI.md Task.return_ (num_borrows)]",
    );
  });

  it("a handle lent to a host call cannot be dropped during it (num_lends)", async () => {
    let dropDuring: () => void = () => {};
    const g = await setup({
      size: (f: File) => {
        dropDuring();
        return f.size;
      },
    });
    const openAndSize = g.lift("open-and-size", { result: T.u32 });
    dropDuring = () => {
      // handle 1 is the guest's own<file>, lent to this call
      expect(() => resourceDrop(g.inst, g.file.type, 1)).toThrow(
        "cannot drop file handle 1 while it is lent to 1 call(s) [CanonicalABI.md canon_resource_drop]",
      );
    };
    expect(openAndSize()).toBe(42);
  });
});
