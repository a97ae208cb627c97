import { CodecCompiler, LiftLowerContext, planValue, type AbiType } from "../../src/abi/index.js";
import { abiElementCodec, type CopyOptions } from "../../src/async/index.js";
import { apiAsyncValueHooks } from "../../src/api/index.js";
import { setup } from "../async/helpers.js";

/** An instance with real memory plus the API's value hooks, as the instantiator wires them. */
export function guest(name = "g", store?: Parameters<typeof setup>[1]) {
  const env = setup(name, store);
  const compiler = new CodecCompiler();
  const codecOf = (el: AbiType | undefined) => abiElementCodec(el, el ? compiler.codec(planValue(el)) : undefined);
  const hooks = apiAsyncValueHooks(codecOf);
  const cx = new LiftLowerContext(env.inst, { memory: env.memory }, hooks);
  const copyOpts: CopyOptions = { async: true, memory: env.memory, options: cx };
  return { ...env, compiler, codecOf, hooks, cx, copyOpts };
}

export const u8T: AbiType = { kind: "u8" };
export const streamOf = (element?: AbiType) => ({ kind: "stream", element }) as never;
export const futureOf = (element?: AbiType) => ({ kind: "future", element }) as never;
