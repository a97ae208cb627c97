/**
 * Runs one guest component two ways: through the runtime's dynamic API
 * (`compileComponent(bytes).instantiate(imports)`) and through the `glue.ts` that
 * `witgen host` generates for the guest's WIT (type-checked, transpiled and loaded as
 * test/glue/ does; test/glue/world.test.ts type-checks glue, which is too slow to repeat
 * here). The two differ only where docs/mapping.md says they do: a
 * top-level `result<T, E>` is a `Result` value on the dynamic path and a return value
 * or a thrown `ComponentError` in generated glue (`results: "throw"`).
 */
import { expect } from "vitest";
import { ComponentError, compileComponent, type CompiledComponent, type HostAdapters } from "@witgen/runtime";
import { emitWorld } from "../../src/emit/index.js";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { loadGlue } from "../glue/harness.js";

export type Mode = "dynamic" | "glue";
export const MODES: Mode[] = ["dynamic", "glue"];

type Glue = {
  adapters: HostAdapters;
  instantiate: (source: Uint8Array, imports: unknown) => Promise<Record<string, any>>;
};

export interface Guest {
  bytes: Uint8Array;
  compiled: CompiledComponent;
  glue: Glue;
}

/** Compiles the component and generates, type-checks and loads the host glue of `world` in `wit`. */
export async function prepareGuest(bytes: Uint8Array, wit: string, world: string, file: string): Promise<Guest> {
  const compiled = await compileComponent(bytes);
  const files = await emitWorld(selectWorld(loadWitSource(wit, file), world), { mode: "host" });
  const glueTs = files.find((f) => f.path === "glue.ts")!.contents;
  const glue = (await loadGlue(glueTs)) as unknown as Glue;
  return { bytes, compiled, glue };
}

/** A fresh instance's exports, by `mode`. */
export async function instantiate(
  guest: Guest,
  mode: Mode,
  imports: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  if (mode === "dynamic") return (await guest.compiled.instantiate(imports)).exports;
  return guest.glue.instantiate(guest.bytes, imports);
}

/** The extern paths the generated glue supplied specialised adapters for, when the instantiator asked. */
export async function glueAdaptersUsed(
  guest: Guest,
  imports: Record<string, unknown>,
): Promise<{ lifted: string[]; lowered: string[]; taskExports: string[]; taskReturns: string[]; taskImports: string[] }> {
  const lifted: string[] = [];
  const lowered: string[] = [];
  const taskExports: string[] = [];
  const taskReturns: string[] = [];
  const taskImports: string[] = [];
  const a = guest.glue.adapters;
  const noted = <T>(list: string[], key: string, made: T | undefined): T | undefined => {
    if (made) list.push(key);
    return made;
  };
  const spy: HostAdapters = {
    liftExport: (path, core, ac) => noted(lifted, path, a.liftExport?.(path, core, ac)),
    lowerImport: (path, host, ac) => noted(lowered, path, a.lowerImport?.(path, host, ac)),
    taskExport: (path, ac) => noted(taskExports, path, a.taskExport?.(path, ac)),
    taskReturn: (key, cx, plan, codecs) => noted(taskReturns, key, a.taskReturn?.(key, cx, plan, codecs)),
    taskImport: (path, ac) => noted(taskImports, path, a.taskImport?.(path, ac)),
  };
  await guest.compiled.instantiate(imports, { adapters: spy });
  const sorted = (xs: string[]) => [...new Set(xs)].sort();
  return { lifted: sorted(lifted), lowered: sorted(lowered), taskExports: sorted(taskExports), taskReturns: sorted(taskReturns), taskImports: sorted(taskImports) };
}

/** The `ok` payload of a call whose WIT result is a top-level `result`, in either mapping. */
export function ok(mode: Mode, call: () => unknown): unknown {
  const r = call();
  if (mode === "glue") return r;
  expect(r).toMatchObject({ tag: "ok" });
  return (r as { val: unknown }).val;
}

/** The `err` payload of a call whose WIT result is a top-level `result`, in either mapping. */
export function err(mode: Mode, call: () => unknown): unknown {
  if (mode === "dynamic") {
    const r = call();
    expect(r).toMatchObject({ tag: "err" });
    return (r as { val: unknown }).val;
  }
  let thrown: unknown;
  expect(() => {
    try {
      call();
    } catch (e) {
      thrown = e;
      throw e;
    }
  }).toThrow(ComponentError);
  return (thrown as ComponentError<unknown>).payload;
}

/** What a host function returns for a top-level `result` (dynamic: a Result value; glue: the value, or a thrown ComponentError). */
export function hostOk(mode: Mode, val: unknown): unknown {
  return mode === "dynamic" ? { tag: "ok", val } : val;
}
export function hostErr(mode: Mode, val: unknown): unknown {
  if (mode === "dynamic") return { tag: "err", val };
  throw new ComponentError(val);
}
