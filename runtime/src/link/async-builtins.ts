/**
 * Wires the async canon built-ins (CanonicalABI.md "Canonical Definitions",
 * the 🔀 / 📝 entries; implemented in `../async/builtins.ts` and `../task/`)
 * into core functions, following the wiring guide of `../async/index.ts`:
 * immediates (element types, options) are bound here, wasm gets a closure
 * over the core arguments. Built-ins not wired yet (task.return, the thread
 * built-ins) trap with "async built-in X not yet supported"; `canon lift` /
 * `canon lower` with the `async` option are likewise seams in `instantiate.ts`.
 */
import type { CodecCompiler } from "../abi/codec.js";
import type { AsyncValueHooks, CanonOptions, LiftLowerContext } from "../abi/context.js";
import { planValue } from "../abi/plan.js";
import { loadStringFromRange, storeStringIntoRange } from "../abi/strings.js";
import type { AbiType } from "../abi/valtype.js";
import { abiElementCodec, adapterTypeKey } from "../async/abi-adapter.js";
import { apiAsyncValueHooks } from "../api/value-hooks.js";
import * as b from "../async/builtins.js";
import type { ElementCodec } from "../async/element-codec.js";
import type { Canon } from "../binary/ast.js";
import type { ComponentInstanceState } from "../instance-state.js";
import { backpressureDec, backpressureInc } from "../task/backpressure.js";
import { LinkError } from "./errors.js";
import type { RtType } from "./types.js";

type Core = (...a: never[]) => unknown;

/** The element codec of a `stream<T>` / `future<T>` type for one compiler (a generated `ElementAdapter` when the session has one). */
export function elementCodecOf(compiler: CodecCompiler, element: AbiType | undefined): ElementCodec {
  if (!element) return abiElementCodec(undefined, undefined);
  const generated = compiler.elementAdapters?.[adapterTypeKey(element)];
  const plan = planValue(element);
  const codec = typeof generated === "function" ? generated({ plan, codecs: compiler }) : generated;
  return abiElementCodec(element, codec ?? compiler.codec(plan));
}

/**
 * The AsyncValueHooks every LiftLowerContext of a session gets: stream, future
 * and error-context values lift to the JS API objects of `../api/`
 * (StreamReader, FutureReader, ErrorContext) and lower from any of their sources.
 */
export function hooksFor(compiler: CodecCompiler): AsyncValueHooks {
  // One element codec per element type (every lifted or lowered stream/future asks for it).
  const codecs = new Map<AbiType | undefined, ElementCodec>();
  return apiAsyncValueHooks((element) => {
    let codec = codecs.get(element);
    if (codec === undefined) codecs.set(element, (codec = elementCodecOf(compiler, element)));
    return codec;
  });
}

export interface AsyncWiring {
  state: ComponentInstanceState;
  compiler: CodecCompiler;
  typeAt(index: number): RtType;
  options(o: NonNullable<Extract<Canon, { options: unknown }>["options"]>): CanonOptions;
  context(opts: CanonOptions): LiftLowerContext;
  memoryAt(index: number): CanonOptions["memory"];
}

/** The core function for one async built-in, or undefined when it is not wired. */
export function asyncBuiltin(w: AsyncWiring, c: Canon): Core | undefined {
  const inst = w.state;
  const elemOf = (index: number, kind: "stream" | "future"): ElementCodec => {
    const t = w.typeAt(index);
    if (t.t !== "val" || t.abi.kind !== kind) throw new LinkError(`type ${index} is not a ${kind} type`, c.offset);
    return elementCodecOf(w.compiler, (t.abi as { element?: AbiType }).element);
  };
  const copyOpts = (o: Parameters<AsyncWiring["options"]>[0]): b.CopyOptions => {
    const opts = w.options(o);
    if (!opts.memory) throw new LinkError(`${c.kind} needs a memory option`, c.offset);
    return { async: !!o.async, memory: opts.memory, options: w.context(opts) };
  };
  switch (c.kind) {
    case "backpressure.inc":
      return () => backpressureInc(inst);
    case "backpressure.dec":
      return () => backpressureDec(inst);
    case "task.cancel":
      return () => b.taskCancel(inst);
    case "context.get":
      return () => b.contextGet(inst, c.index);
    case "context.set":
      return (v: number) => b.contextSet(inst, c.index, v);
    case "thread.yield":
      return () => b.threadYield(inst, c.cancellable);
    case "subtask.cancel":
      return (i: number) => b.subtaskCancel(inst, c.async, i >>> 0);
    case "subtask.drop":
      return (i: number) => b.subtaskDrop(inst, i >>> 0);
    case "waitable-set.new":
      return () => b.waitableSetNew(inst);
    case "waitable-set.wait": {
      const mem = w.memoryAt(c.memory)!;
      return (si: number, ptr: number) => b.waitableSetWait(inst, c.cancellable, mem, si >>> 0, ptr >>> 0);
    }
    case "waitable-set.poll": {
      const mem = w.memoryAt(c.memory)!;
      return (si: number, ptr: number) => b.waitableSetPoll(inst, c.cancellable, mem, si >>> 0, ptr >>> 0);
    }
    case "waitable-set.drop":
      return (i: number) => b.waitableSetDrop(inst, i >>> 0);
    case "waitable.join":
      return (wi: number, si: number) => b.waitableJoin(inst, wi >>> 0, si >>> 0);
    case "stream.new": {
      const codec = elemOf(c.type, "stream");
      return () => b.streamNew(inst, codec);
    }
    case "future.new": {
      const codec = elemOf(c.type, "future");
      return () => b.futureNew(inst, codec);
    }
    case "stream.read":
    case "stream.write": {
      const codec = elemOf(c.type, "stream");
      const opts = copyOpts(c.options);
      const f = c.kind === "stream.read" ? b.streamRead : b.streamWrite;
      return (i: number, ptr: number, n: number) => f(inst, codec, opts, i >>> 0, ptr >>> 0, n >>> 0);
    }
    case "future.read":
    case "future.write": {
      const codec = elemOf(c.type, "future");
      const opts = copyOpts(c.options);
      const f = c.kind === "future.read" ? b.futureRead : b.futureWrite;
      return (i: number, ptr: number) => f(inst, codec, opts, i >>> 0, ptr >>> 0);
    }
    case "stream.cancel-read":
    case "stream.cancel-write":
    case "future.cancel-read":
    case "future.cancel-write": {
      const kind = c.kind.startsWith("stream") ? "stream" : "future";
      const codec = elemOf(c.type, kind);
      const f = {
        "stream.cancel-read": b.streamCancelRead,
        "stream.cancel-write": b.streamCancelWrite,
        "future.cancel-read": b.futureCancelRead,
        "future.cancel-write": b.futureCancelWrite,
      }[c.kind];
      return (i: number) => f(inst, codec, c.async, i >>> 0);
    }
    case "stream.drop-readable":
    case "stream.drop-writable":
    case "future.drop-readable":
    case "future.drop-writable": {
      const kind = c.kind.startsWith("stream") ? "stream" : "future";
      const codec = elemOf(c.type, kind);
      const f = {
        "stream.drop-readable": b.streamDropReadable,
        "stream.drop-writable": b.streamDropWritable,
        "future.drop-readable": b.futureDropReadable,
        "future.drop-writable": b.futureDropWritable,
      }[c.kind];
      return (i: number) => f(inst, codec, i >>> 0);
    }
    case "error-context.new": {
      const cx = w.context(w.options(c.options));
      return (ptr: number, units: number) =>
        b.errorContextNew(inst, { loadString: (p, u) => (cx.refresh(), loadStringFromRange(cx, p >>> 0, u >>> 0)) }, ptr, units);
    }
    case "error-context.debug-message": {
      const cx = w.context(w.options(c.options));
      return (i: number, ptr: number) =>
        b.errorContextDebugMessage(
          inst,
          {
            storeString: (s, p) => {
              cx.refresh();
              const [sp, sn] = storeStringIntoRange(cx, s);
              cx.checkRange(p >>> 0, 8, 4, "debug-message out-pointer", "CanonicalABI.md canon error-context.debug-message");
              cx.dv.setUint32(p >>> 0, sp, true);
              cx.dv.setUint32((p >>> 0) + 4, sn, true);
            },
          },
          i >>> 0,
          ptr,
        );
    }
    case "error-context.drop":
      return (i: number) => b.errorContextDrop(inst, i >>> 0);
    default:
      return undefined;
  }
}
