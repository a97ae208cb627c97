/**
 * The slice of the WebAssembly JS API the instantiator uses, typed here
 * because the runtime compiles without DOM or Node type libraries. Every
 * JS engine with WebAssembly provides it as the global `WebAssembly`.
 */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => { readonly buffer: ArrayBuffer };
  RuntimeError: abstract new (...args: never[]) => Error;
  compile(bytes: Uint8Array): Promise<WasmModule>;
}

export function wasm(): WasmApi {
  const w = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!w) throw new Error("this JS engine has no WebAssembly support");
  return w;
}
