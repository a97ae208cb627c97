import { ComponentInstanceState } from "../../src/instance-state.js";
import { Store, attachConcurrency } from "../../src/task/index.js";
import type { CopyOptions } from "../../src/async/index.js";

/** A fresh instance attached to its own store, with one page of real linear memory. */
export function setup(name = "t", store = new Store()) {
  const inst = new ComponentInstanceState(name);
  attachConcurrency(inst, store);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const bytes = () => new Uint8Array(memory.buffer);
  const u32 = (ptr: number) => new DataView(memory.buffer).getUint32(ptr, true);
  const asyncOpts: CopyOptions = { async: true, memory };
  const syncOpts: CopyOptions = { async: false, memory };
  return { inst, store, memory, bytes, u32, asyncOpts, syncOpts };
}

/** Split the i64 of `stream.new` / `future.new`. */
export function ends(packed: bigint): { r: number; w: number } {
  return { r: Number(packed & 0xffff_ffffn), w: Number(packed >> 32n) };
}

/** Let queued microtasks (store ticks, host-end deliveries) run. */
export async function settle(rounds = 10): Promise<void> {
  for (let k = 0; k < rounds; k++) await Promise.resolve();
}
