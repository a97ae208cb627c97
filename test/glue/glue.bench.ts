/**
 * `npx vitest bench test/glue`: generated glue vs a raw core call, a hand-written
 * JS binding and the runtime's dynamic path, on the `calc` component.
 * Targets: generated `add(u32, u32)` at least 1/3 of the raw core call's speed;
 * `echo(string)` of 16 bytes at least 2/3 of the hand-written binding's.
 */
import { bench, describe } from "vitest";
import { compileComponent } from "@witgen/runtime";
import { emitWorld } from "../../src/emit/index.js";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { buildCoreComponent, buildWatComponent } from "../support/build-component.js";
import { CALC_WAT, CALC_WIT } from "./calc-component.js";
import { loadGlue } from "./harness.js";

const imports = {
  "test:calc/host@1.0.0": { log: () => {}, offset: () => ({ x: 1, y: 2 }) },
  scale: (v: number) => v,
  tryThing: (v: number) => v,
};
const bytes = await buildCoreComponent({ coreWat: CALC_WAT, witSource: CALC_WIT, world: "calc" });
const files = await emitWorld(selectWorld(loadWitSource(CALC_WIT, "calc.wit"), "calc"), { mode: "host" });
const glue = (await loadGlue(files.find((f) => f.path === "glue.ts")!.contents)) as unknown as {
  instantiate(source: Uint8Array, imports: unknown): Promise<any>;
};
const generated = await glue.instantiate(bytes, imports);
const dynamic = (await (await compileComponent(bytes)).instantiate(imports)).exports;

// The raw core module, and a careful hand-written binding of `echo` over it.
const { instance } = await WebAssembly.instantiate(await buildWatComponent(CALC_WAT), {
  $root: { scale: (v: number) => v, "try-thing": () => {} },
  "test:calc/host@1.0.0": { log: () => {}, offset: () => {} },
});
const core = instance.exports as Record<string, any>;
const memory = core.memory as WebAssembly.Memory;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
let buffer: ArrayBuffer | undefined;
let u8 = new Uint8Array(0);
let dv = new DataView(new ArrayBuffer(0));
function views(): void {
  if (memory.buffer !== buffer) {
    buffer = memory.buffer;
    u8 = new Uint8Array(buffer);
    dv = new DataView(buffer);
  }
}
function echoByHand(s: string): string {
  const n = s.length;
  let ptr = core.cabi_realloc(0, 0, 1, n);
  views();
  const r = encoder.encodeInto(s, u8.subarray(ptr, ptr + n));
  let len = n;
  if (r.read !== n || r.written !== n) {
    ptr = core.cabi_realloc(ptr, n, 1, 3 * n);
    views();
    len = encoder.encodeInto(s, u8.subarray(ptr, ptr + 3 * n)).written;
  }
  const ret = core.echo(ptr, len);
  views();
  const out = decoder.decode(u8.subarray(dv.getUint32(ret, true), dv.getUint32(ret, true) + dv.getUint32(ret + 4, true)));
  core.cabi_post_echo(ret);
  return out;
}

let sink = 0;
describe("add(u32, u32) -> u32", () => {
  bench("raw core call", () => {
    sink += core.add(sink & 0xffff, 1);
  });
  bench("generated glue", () => {
    sink += generated.add(sink & 0xffff, 1);
  });
  bench("dynamic path", () => {
    sink += dynamic.add(sink & 0xffff, 1);
  });
});

const text = "0123456789abcdef";
describe("echo(string) -> string, 16 bytes", () => {
  bench("hand-written binding", () => {
    sink += echoByHand(text).length;
  });
  bench("generated glue", () => {
    sink += generated.echo(text).length;
  });
  bench("dynamic path", () => {
    sink += dynamic.echo(text).length;
  });
});
