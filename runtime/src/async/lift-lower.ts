/**
 * CanonicalABI.md "Loading"/"Storing" of `stream`, `future` and
 * `error-context` values: moving ends between a handle table and a value the
 * ABI core (or the host) holds. The ABI core's codecs call these for stream,
 * future and error-context parameters, results and elements.
 */
import { storeOf } from "../task/instance.js";
import { CopyState, type CopyEnd } from "./copy-end.js";
import { trap, type InstanceLike } from "./deps.js";
import { aOrAn, describe } from "./describe.js";
import type { ElementCodec } from "./element-codec.js";
import { ErrorContext } from "./error-context.js";
import { ReadableFutureEnd, SharedFuture } from "./future.js";
import { ReadableStreamEnd, SharedStream } from "./stream.js";

/** CanonicalABI.md "Loading" `lift_async_value`: take a readable end out of the table. */
function liftAsyncValue<S extends SharedStream | SharedFuture>(
  inst: InstanceLike,
  i: number,
  codec: ElementCodec,
  EndT: abstract new (...a: never[]) => CopyEnd<S>,
  what: string,
): S {
  const e = inst.handles.remove(i);
  if (!(e instanceof EndT))
    trap(
      `lifting a ${what}: handle ${i} is ${aOrAn(describe(e))}, not a ${what} readable end`,
      'CanonicalABI.md "Loading" lift_async_value',
    );
  if (e.shared.codec.typeKey !== codec.typeKey)
    trap(
      `lifting a ${what}<${codec.typeKey}>: handle ${i} is a ${what}<${e.shared.codec.typeKey}>`,
      'CanonicalABI.md "Loading" lift_async_value',
    );
  if (e.state !== CopyState.IDLE)
    trap(
      `lifting a ${what}: handle ${i} has a copy pending or is done`,
      'CanonicalABI.md "Loading" lift_async_value',
    );
  if (e.inWaitableSet())
    trap(
      `lifting a ${what}: handle ${i} is in a waitable set (remove it with waitable.join 0 first)`,
      'CanonicalABI.md "Loading" lift_async_value',
    );
  return e.shared;
}

export function liftStream(
  inst: InstanceLike,
  i: number,
  codec: ElementCodec,
): SharedStream {
  return liftAsyncValue(inst, i, codec, ReadableStreamEnd, "stream");
}

export function liftFuture(
  inst: InstanceLike,
  i: number,
  codec: ElementCodec,
): SharedFuture {
  return liftAsyncValue(inst, i, codec, ReadableFutureEnd, "future");
}

/** CanonicalABI.md "Storing" `lower_stream`: the receiving instance gets a readable end. */
export function lowerStream(inst: InstanceLike, shared: SharedStream): number {
  return inst.handles.add(new ReadableStreamEnd(shared, storeOf(inst).wake));
}

export function lowerFuture(inst: InstanceLike, shared: SharedFuture): number {
  return inst.handles.add(new ReadableFutureEnd(shared, storeOf(inst).wake));
}

/** CanonicalABI.md "Loading" `lift_error_context`: the handle stays; the context is shared. */
export function liftErrorContext(inst: InstanceLike, i: number): ErrorContext {
  const e = inst.handles.get(i);
  if (!(e instanceof ErrorContext))
    trap(
      `lifting an error-context: handle ${i} is ${aOrAn(describe(e))}, not an error-context`,
      'CanonicalABI.md "Loading" lift_async_value',
    );
  return e;
}

export function lowerErrorContext(inst: InstanceLike, e: ErrorContext): number {
  return inst.handles.add(e);
}
