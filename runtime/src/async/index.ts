/**
 * `@witgen/runtime/async`: the async half of the Canonical ABI (streams,
 * futures, waitables, error contexts and the canon built-ins over them);
 * tasks, subtasks and the event loop live in `../task/`.
 *
 * Wiring a component instance (what the instantiator does):
 * 1. `attachConcurrency(instState, store)` once per `ComponentInstanceState`,
 *    with one `Store` shared by all instances of the component tree.
 * 2. For each async canon built-in import, bind its immediates and pass a
 *    closure over the core arguments, e.g. `stream.read` of `stream<T>` with
 *    options `async? memory string-encoding realloc`:
 *    `(i, ptr, n) => streamRead(inst, codec, { async, memory, options: liftLowerCx }, i, ptr, n)`
 *    where `codec = abiElementCodec(T, compiler.codec(planValue(T)))`.
 *    `task.return` gets `{ resultTypeKey: abiTypeKey(R), memory, stringEncoding, lift }`.
 * 3. Give the ABI core `asyncValueHooks(codecOf)` as its `AsyncValueHooks`.
 * 4. `canon lift` of an export: `liftFunction({ inst, ft, opts, core, lowerParams, liftResults })`
 *    gives a `FuncInst`; call it from JS with `callFromHost(f, args)`.
 * 5. `canon lower` of an import: `lowerFunction({ inst, callee, ft, opts, liftParams, lowerResults })`
 *    gives the core function; `callee` is another instance's `FuncInst` or `hostFunction(impl)`.
 */
export * from "./event-code.js";
export * from "./element-codec.js";
export * from "./buffer.js";
export * from "./waitable.js";
export * from "./waitable-set.js";
export * from "./copy-end.js";
export * from "./stream.js";
export * from "./future.js";
export * from "./error-context.js";
export * from "./lift-lower.js";
export * from "./host-ends.js";
export * from "./builtins.js";
export * from "./debug.js";
export * from "./abi-adapter.js";
export type { CoreValue, LinearMemory, HandleTable, InstanceLike } from "./deps.js";
