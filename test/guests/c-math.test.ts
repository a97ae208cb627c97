/**
 * A real C guest (clang/wasm-ld for wasm32, freestanding, test/guests/c-math/) run
 * through the dynamic API and through generated glue: numbers (s32, u32 above 2^31,
 * u64, f64), UTF-8 strings in and out, a list<u32> sum, a record result, host
 * imports it calls, and a borrowed host resource. Needs Debian's clang + lld (see C_TOOLCHAIN_PACKAGES); without
 * them the suite fails saying what to install. Skipped off Linux.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { normalWorld } from "../support/structural.js";
import { buildCGuest, cToolchainVersion, guestWit } from "../support/build-guest.js";
import { MODES, glueAdaptersUsed, instantiate, prepareGuest, type Guest } from "./harness.js";

const onLinux = process.platform === "linux";

class Sink {
  readonly added: number[] = [];
  disposed = false;
  add(v: number): void {
    this.added.push(v);
  }
  total(): bigint {
    return this.added.reduce((a, b) => a + BigInt(b), 0n);
  }
  [Symbol.dispose](): void {
    this.disposed = true;
  }
}
let guest: Guest;

describe.skipIf(!onLinux)("C guest (clang wasm32)", () => {
  beforeAll(async () => {
    const wit = await guestWit("c-math");
    guest = await prepareGuest(await buildCGuest("c-math", "cmath"), wit, "cmath", "c-math/world.wit");
  });

  it("a missing toolchain is an error that says what to install", async () => {
    await expect(cToolchainVersion({ PATH: "/nonexistent" })).rejects.toThrow(
      /`clang` is not available.*apt-get install -y clang lld/,
    );
  });

  it("the world decoded from the binary equals our front end's world of the same WIT", async () => {
    expect(normalWorld(guest.compiled.world)).toEqual(
      normalWorld(selectWorld(loadWitSource(await guestWit("c-math"), "world.wit"), "cmath")),
    );
  });

  it("generated glue has an adapter for every function without resources (with resources: glue's choice)", async () => {
    const used = await glueAdaptersUsed(guest, {
      "test:cmath/host@1.0.0": { log: () => {}, Sink },
      scale: (v: number) => v,
    });
    const plain = ["add", "count-chars", "fact", "greet", "hypot", "mul-wide", "scaled-sum", "stats", "sum", "upper"];
    expect(used.lifted.filter((p) => p !== "sum-into")).toEqual(plain);
    expect(used.lowered.filter((p) => !p.includes("sink"))).toEqual(["scale", "test:cmath/host@1.0.0#log"]);
  });

  describe.each(MODES)("%s", (mode) => {
    function hostImports() {
      const logged: string[] = [];
      const scaled: number[] = [];
      const imports = {
        "test:cmath/host@1.0.0": { log: (msg: string) => void logged.push(msg), Sink },
        scale: (v: number) => {
          scaled.push(v);
          return v * 10;
        },
      };
      return { imports, logged, scaled };
    }

    it("numeric math", async () => {
      const e = await instantiate(guest, mode, hostImports().imports);
      expect(e.add(2, -5)).toBe(-3);
      expect(e.add(2147483647, 1)).toBe(-2147483648); // wraps in the guest
      expect(e.mulWide(4000000000, 4000000000)).toBe(16000000000000000000n);
      expect(e.mulWide(0xffffffff, 1)).toBe(4294967295n);
      expect(e.hypot(3, 4)).toBe(5);
      expect(e.hypot(1e200, 1e200)).toBe(Infinity);
      expect(e.fact(20)).toBe(2432902008176640000n);
      expect(e.fact(0)).toBe(1n);
    });

    it("strings in and out (UTF-8)", async () => {
      const e = await instantiate(guest, mode, hostImports().imports);
      expect(e.greet("wörld 😀")).toBe("Hello, wörld 😀! (7 chars)");
      expect(e.greet("")).toBe("Hello, ! (0 chars)");
      expect(e.countChars("añb😀")).toBe(4);
      expect(e.countChars("数学".repeat(5000))).toBe(10000);
      expect(e.upper("straße, ok?")).toBe("STRAßE, OK?");
    });

    it("a list<u32> sum over the full u32 range, and a record result", async () => {
      const e = await instantiate(guest, mode, hostImports().imports);
      expect(e.sum(new Uint32Array([4000000000, 1, 2]))).toBe(4000000003);
      expect(e.sum(new Uint32Array([0xffffffff, 2]))).toBe(1); // u32 wraps in the guest
      expect(e.sum(new Uint32Array(0))).toBe(0);
      const big = Uint32Array.from({ length: 10_000 }, (_, i) => i);
      expect(e.sum(big)).toBe((9999 * 10000) / 2);
      expect(e.stats(new Uint32Array([3, 1, 4000000000]))).toEqual({
        count: 3,
        sum: 4000000004n,
        min: 1,
        max: 4000000000,
        mean: 4000000004 / 3,
      });
      expect(e.stats(new Uint32Array(0))).toEqual({ count: 0, sum: 0n, min: 0, max: 0, mean: 0 });
    });

    it("calls host imports (a string and a number crossing into the host)", async () => {
      const { imports, logged, scaled } = hostImports();
      const e = await instantiate(guest, mode, imports);
      expect(e.scaledSum(new Uint32Array([1, 2, 400000000]))).toBe(4000000030);
      expect(e.scaledSum([7, 8])).toBe(150);
      expect(logged).toEqual(["scaled 3 values", "scaled 2 values"]);
      expect(scaled).toEqual([1, 2, 400000000, 7, 8]);
    });

    it("borrows a host resource, calls its methods and drops the borrow before returning", async () => {
      const e = await instantiate(guest, mode, hostImports().imports);
      const sink = new Sink();
      expect(e.sumInto(sink, new Uint32Array([1, 2, 4000000000]))).toBe(4000000003n);
      expect(e.sumInto(sink, [10])).toBe(4000000013n);
      expect(sink.added).toEqual([1, 2, 4000000000, 10]);
      expect(sink.disposed).toBe(false); // a borrow does not end the host object's life
      expect(e.add(1, 1)).toBe(2); // not poisoned
    });

    it("rejects bad arguments before entering the guest", async () => {
      const e = await instantiate(guest, mode, hostImports().imports);
      expect(() => e.add(1, 2 ** 31)).toThrow(/in add \(param "b"\)/);
      expect(() => e.fact(256)).toThrow(/expected a u8/);
      expect(() => e.greet("\ud800")).toThrow(/lone surrogate/);
      expect(e.add(1, 1)).toBe(2);
    });
  });
});
