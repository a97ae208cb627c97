/**
 * Generated glue hands its result style to the runtime: functions without an adapter (an
 * async export, a fallible constructor, a resource method) behave as the declarations say, in
 * both styles, next to ones with an adapter (a host import, a sync export through an alias).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentError } from "@witgen/runtime";
import { emitWorld, type EmittedFile } from "../../src/emit/index.js";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { buildCoreComponent } from "../support/build-component.js";
import { typecheck } from "../support/typecheck.js";
import { loadGlue } from "./harness.js";
import { RESULTS_API, RESULTS_CORE, RESULTS_WIT } from "./results-guest.js";

type Glue = { instantiate: (source: Uint8Array, imports: unknown) => Promise<any> };

let bytes: Uint8Array;
const emitted = new Map<"throw" | "union", EmittedFile[]>();
const glue = new Map<"throw" | "union", Glue>();

beforeAll(async () => {
  bytes = await buildCoreComponent({ coreWat: RESULTS_CORE, witSource: RESULTS_WIT, world: "results" });
  const doc = selectWorld(loadWitSource(RESULTS_WIT, "results.wit"), "results");
  for (const results of ["throw", "union"] as const) {
    const files = await emitWorld(doc, { mode: "host", results });
    emitted.set(results, files);
    glue.set(results, (await loadGlue(files.find((f) => f.path === "glue.ts")!.contents)) as unknown as Glue);
  }
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("glue instantiate passes its result style", () => {
  it("throw: the declarations type a typed embedder that relies on T and ComponentError", () => {
    const embedder = `
import { ComponentError } from "@witgen/runtime";
import { instantiate } from "./glue.js";
export async function run(bytes: Uint8Array): Promise<number> {
  const { ${JSON.stringify(RESULTS_API)}: api } = await instantiate(bytes, {
    validate: (n: number): number => { if (n === 0) throw new ComponentError(7); return n * 2; },
  });
  const a: number = await api.check(1);
  const c = new api.Counter(3);
  const b: number = c.take(4);
  const alias = api.checkAlias(1);
  return a + b + (alias.tag === "ok" ? alias.val : 0);
}`;
    expect(typecheck([...emitted.get("throw")!, { path: "embedder.ts", contents: embedder }])).toEqual([]);
  }, 120_000);

  it("throw: async export and resource method return T and throw ComponentError; the host import throws for err", async () => {
    const exports = await glue.get("throw")!.instantiate(bytes, {
      validate: (n: number) => {
        if (n === 0) throw new ComponentError(7);
        return n * 2;
      },
    });
    const api = exports[RESULTS_API];
    await expect(api.check(41)).resolves.toBe(42);
    const rejected = await rejection(api.check(0));
    expect(rejected).toBeInstanceOf(ComponentError);
    expect((rejected as ComponentError<number>).payload).toBe(5);
    const c = new api.Counter(3);
    expect(c.take(4)).toBe(8);
    const err = thrown(() => c.take(0));
    expect(err).toBeInstanceOf(ComponentError);
    expect((err as ComponentError<number>).payload).toBe(7);
    expect((thrown(() => new api.Counter(0)) as ComponentError<number>).payload).toBe(99);
    // `type outcome = result<...>` is not a top-level result: a union in both styles.
    expect(api.checkAlias(0)).toEqual({ tag: "err", val: 5 });
  });

  it("union: the same functions return { tag, val }; the fallible constructor still throws", async () => {
    const exports = await glue.get("union")!.instantiate(bytes, {
      validate: (n: number) => (n === 0 ? { tag: "err", val: 7 } : { tag: "ok", val: n * 2 }),
    });
    const api = exports[RESULTS_API];
    await expect(api.check(41)).resolves.toEqual({ tag: "ok", val: 42 });
    await expect(api.check(0)).resolves.toEqual({ tag: "err", val: 5 });
    const c = new api.Counter(3);
    expect(c.take(4)).toEqual({ tag: "ok", val: 8 });
    expect(c.take(0)).toEqual({ tag: "err", val: 7 });
    expect((thrown(() => new api.Counter(0)) as ComponentError<number>).payload).toBe(99);
    expect(api.checkAlias(1)).toEqual({ tag: "ok", val: 2 });
  });
});
