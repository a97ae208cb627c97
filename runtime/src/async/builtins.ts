/**
 * The async canon built-ins (CanonicalABI.md "Canonical Definitions", the 🔀
 * and 📝 entries) as plain functions over an instance state. The
 * instantiator binds the validation-time immediates (types, options) and
 * hands wasm a closure over the core arguments, e.g.
 * `(i, ptr, n) => streamRead(inst, u8Codec, opts, i, ptr, n)`.
 */
import { backpressureDec, backpressureInc } from "../task/backpressure.js";
import { currentTaskOf, maybeCurrentTask } from "../task/current.js";
import { checkMayLeave, storeOf } from "../task/instance.js";
import { Subtask } from "../task/subtask.js";
import { wouldBlock } from "../task/thread.js";
import { GuestReadableBuffer, GuestWritableBuffer } from "./buffer.js";
import { CopyState, type CopyEnd } from "./copy-end.js";
import {
  trap,
  type CoreValue,
  type InstanceLike,
  type LinearMemory,
} from "./deps.js";
import { aOrAn, describe } from "./describe.js";
import type { ElementCodec, ElementCopyContext } from "./element-codec.js";
import { ErrorContext } from "./error-context.js";
import {
  BLOCKED,
  CopyResult,
  EventCode,
  packCopyResult,
  type EventTuple,
} from "./event-code.js";
import {
  ReadableFutureEnd,
  SharedFuture,
  WritableFutureEnd,
} from "./future.js";
import {
  ReadableStreamEnd,
  SharedStream,
  WritableStreamEnd,
} from "./stream.js";
import { Waitable } from "./waitable.js";
import { WaitableSet } from "./waitable-set.js";

const R = (section: string): string => `CanonicalABI.md "${section}"`;

/** Canonical options of a stream/future copy built-in. */
export interface CopyOptions {
  async: boolean;
  memory: LinearMemory;
  /** Passed through to the element codec (string encoding, realloc). */
  options?: unknown;
  /** Made from the above at the first copy (`copyContext`). */
  copyContext?: ElementCopyContext;
}

function getAs<T>(
  inst: InstanceLike,
  i: number,
  T: abstract new (...a: never[]) => T,
  what: string,
  builtin: string,
  rule: string,
): T {
  const e = inst.handles.get(i, rule);
  if (!(e instanceof T))
    trap(
      `${builtin}: handle ${i} is ${aOrAn(describe(e))}, not ${aOrAn(what)}`,
      rule,
    );
  return e;
}

// ---------------------------------------------------------------- tasks

/** Immediates of `canon task.return`. */
export interface TaskReturnSignature {
  /** Type identity of the declared result; must equal the task's function result. */
  resultTypeKey?: string;
  memory?: LinearMemory;
  stringEncoding?: string;
  /** ABI core: `lift_flat_values` of the flat arguments into the result values. */
  lift(flatArgs: CoreValue[]): unknown[];
}

/** CanonicalABI.md "canon task.return". */
export function taskReturn(
  inst: InstanceLike,
  sig: TaskReturnSignature,
  flatArgs: CoreValue[],
): void {
  const rule = R("canon task.return");
  const task = currentTaskOf(inst, "task.return");
  checkMayLeave(inst, "task.return");
  if (!task.opts.async)
    trap(
      "task.return: the current task was lifted synchronously (its core function returns the result)",
      rule,
    );
  if (sig.resultTypeKey !== task.ft.resultTypeKey)
    trap(
      `task.return: result type ${sig.resultTypeKey ?? "(none)"} does not match the function's ${task.ft.resultTypeKey ?? "(none)"}`,
      rule,
    );
  if (
    sig.memory !== task.opts.memory ||
    (sig.stringEncoding ?? "utf8") !== (task.opts.stringEncoding ?? "utf8")
  )
    trap(
      "task.return: memory / string-encoding options differ from the lifted function's",
      rule,
    );
  task.return_(sig.lift(flatArgs));
}

/** CanonicalABI.md "canon task.cancel". */
export function taskCancel(inst: InstanceLike): void {
  const task = currentTaskOf(inst, "task.cancel");
  checkMayLeave(inst, "task.cancel");
  if (!task.opts.async)
    trap(
      "task.cancel: the current task was lifted synchronously",
      R("canon task.cancel"),
    );
  task.cancel();
}

/** CanonicalABI.md "canon context.get". */
export function contextGet(inst: InstanceLike, i: number): number {
  const task = currentTaskOf(inst, "context.get");
  if (i !== 0 && i !== 1)
    trap(
      `context.get: slot ${i} does not exist (slots are 0 and 1)`,
      R("canon context.get"),
    );
  return task.storage[i];
}

/** CanonicalABI.md "canon context.set". */
export function contextSet(inst: InstanceLike, i: number, v: number): void {
  const task = currentTaskOf(inst, "context.set");
  if (i !== 0 && i !== 1)
    trap(
      `context.set: slot ${i} does not exist (slots are 0 and 1)`,
      R("canon context.set"),
    );
  task.storage[i] = v;
}

export { backpressureInc, backpressureDec };

/**
 * CanonicalABI.md "canon thread.yield". The implicit thread stays ready, and
 * the spec lets `wait_until` return at once for a ready thread, so on a core
 * stack this only delivers a pending cancellation (1) or returns 0.
 */
export function threadYield(inst: InstanceLike, cancellable: boolean): number {
  const task = currentTaskOf(inst, "thread.yield");
  checkMayLeave(inst, "thread.yield");
  return task.deliverPendingCancel(cancellable) ? 1 : 0;
}

// ---------------------------------------------------------------- subtasks

/** CanonicalABI.md "canon subtask.cancel". */
export function subtaskCancel(
  inst: InstanceLike,
  async: boolean,
  i: number,
): number {
  const rule = R("canon subtask.cancel");
  checkMayLeave(inst, "subtask.cancel");
  const s = getAs(inst, i, Subtask, "subtask", "subtask.cancel", rule);
  if (s.resolveDelivered())
    trap(
      "subtask.cancel: the subtask already resolved and its resolution was delivered",
      rule,
    );
  if (s.cancellationRequested)
    trap(
      "subtask.cancel: cancellation was already requested for this subtask",
      rule,
    );
  if (s.inWaitableSet() && !async)
    trap(
      "subtask.cancel: a synchronous cancel of a subtask that is in a waitable set",
      rule,
    );
  if (!s.resolved()) {
    s.cancellationRequested = true;
    s.onCancel!(inst);
    if (!s.resolved()) {
      if (!async) wouldBlock("subtask.cancel", maybeCurrentTask(inst));
      return BLOCKED;
    }
  }
  s.getPendingEvent();
  return s.state;
}

/** CanonicalABI.md "canon subtask.drop". */
export function subtaskDrop(inst: InstanceLike, i: number): void {
  const rule = R("canon subtask.drop");
  checkMayLeave(inst, "subtask.drop");
  const s = inst.handles.get(i, rule);
  if (!(s instanceof Subtask))
    trap(`subtask.drop: handle ${i} is a ${describe(s)}, not a subtask`, rule);
  s.drop();
  inst.handles.remove(i, rule);
}

// ---------------------------------------------------------------- waitables

/** CanonicalABI.md "canon waitable-set.new". */
export function waitableSetNew(inst: InstanceLike): number {
  checkMayLeave(inst, "waitable-set.new");
  return inst.handles.add(new WaitableSet());
}

/** CanonicalABI.md "canon waitable-set.wait" `unpack_event`: payloads to memory, code returned. */
function unpackEvent(
  memory: LinearMemory,
  ptr: number,
  e: EventTuple,
  builtin: string,
): number {
  if (ptr % 4 !== 0 || ptr + 8 > memory.buffer.byteLength)
    trap(
      `${builtin}: event pointer ${ptr} is misaligned or out of bounds`,
      R(`canon ${builtin}`),
    );
  const view = new DataView(memory.buffer);
  view.setUint32(ptr, e[1] >>> 0, true);
  view.setUint32(ptr + 4, e[2] >>> 0, true);
  return e[0];
}

/** CanonicalABI.md "canon waitable-set.wait"; on a core stack only an already pending event can be taken. */
export function waitableSetWait(
  inst: InstanceLike,
  cancellable: boolean,
  memory: LinearMemory,
  si: number,
  ptr: number,
): number {
  const rule = R("canon waitable-set.wait");
  const task = currentTaskOf(inst, "waitable-set.wait");
  checkMayLeave(inst, "waitable-set.wait");
  const wset = getAs(
    inst,
    si,
    WaitableSet,
    "waitable set",
    "waitable-set.wait",
    rule,
  );
  let event: EventTuple;
  if (task.deliverPendingCancel(cancellable))
    event = [EventCode.TASK_CANCELLED, 0, 0];
  else event = wset.getPendingEvent() ?? wouldBlock("waitable-set.wait", task);
  return unpackEvent(memory, ptr, event, "waitable-set.wait");
}

/** CanonicalABI.md "canon waitable-set.poll". */
export function waitableSetPoll(
  inst: InstanceLike,
  cancellable: boolean,
  memory: LinearMemory,
  si: number,
  ptr: number,
): number {
  const rule = R("canon waitable-set.poll");
  checkMayLeave(inst, "waitable-set.poll");
  const wset = getAs(
    inst,
    si,
    WaitableSet,
    "waitable set",
    "waitable-set.poll",
    rule,
  );
  const task = maybeCurrentTask(inst);
  let event: EventTuple;
  if (task?.deliverPendingCancel(cancellable))
    event = [EventCode.TASK_CANCELLED, 0, 0];
  else event = wset.getPendingEvent() ?? [EventCode.NONE, 0, 0];
  return unpackEvent(memory, ptr, event, "waitable-set.poll");
}

/** CanonicalABI.md "canon waitable-set.drop". */
export function waitableSetDrop(inst: InstanceLike, i: number): void {
  const rule = R("canon waitable-set.drop");
  checkMayLeave(inst, "waitable-set.drop");
  const wset = getAs(
    inst,
    i,
    WaitableSet,
    "waitable set",
    "waitable-set.drop",
    rule,
  );
  wset.drop();
  inst.handles.remove(i, rule);
}

/** CanonicalABI.md "canon waitable.join": `si = 0` removes the waitable from its set. */
export function waitableJoin(inst: InstanceLike, wi: number, si: number): void {
  const rule = R("canon waitable.join");
  checkMayLeave(inst, "waitable.join");
  const w = getAs(
    inst,
    wi,
    Waitable,
    "waitable (subtask or stream/future end)",
    "waitable.join",
    rule,
  );
  if (w.hasSyncWaiter)
    trap(
      "waitable.join: a synchronous operation is waiting on this waitable",
      rule,
    );
  w.join(
    si === 0
      ? undefined
      : getAs(inst, si, WaitableSet, "waitable set", "waitable.join", rule),
  );
}

// ---------------------------------------------------------------- streams and futures

type EndClass = abstract new (
  ...a: never[]
) => CopyEnd<SharedStream | SharedFuture>;

function getEnd<E extends CopyEnd<SharedStream | SharedFuture>>(
  inst: InstanceLike,
  i: number,
  EndT: abstract new (...a: never[]) => E,
  what: string,
  codec: ElementCodec,
  builtin: string,
  rule: string,
): E {
  const e = getAs(inst, i, EndT, what, builtin, rule);
  if (e.shared.codec.typeKey !== codec.typeKey)
    trap(
      `${builtin}: handle ${i} carries ${e.shared.codec.typeKey} elements, the built-in is typed for ${codec.typeKey}`,
      rule,
    );
  return e;
}

function checkIdle(
  e: CopyEnd,
  i: number,
  opts: { async: boolean },
  builtin: string,
  rule: string,
): void {
  if (e.state === CopyState.DONE)
    trap(
      `${builtin}: handle ${i} is done (the other end was dropped or the future's value was already transferred)`,
      rule,
    );
  if (e.state !== CopyState.IDLE)
    trap(`${builtin}: handle ${i} already has a copy pending`, rule);
  if (e.inWaitableSet() && !opts.async)
    trap(
      `${builtin}: a synchronous copy on handle ${i}, which is in a waitable set`,
      rule,
    );
}

/** The context element codecs see: one per built-in (its options) and instance, made once. */
function copyContext(
  inst: InstanceLike,
  opts: CopyOptions,
): ElementCopyContext {
  let cx = opts.copyContext;
  if (cx === undefined || cx.instance !== inst)
    opts.copyContext = cx = { memory: opts.memory, instance: inst, options: opts.options };
  return cx;
}

/** Take the event the copy produced at once, or report BLOCKED / trap for a sync copy that would block. */
function finishCopy(
  inst: InstanceLike,
  e: CopyEnd,
  async: boolean,
  builtin: string,
): number {
  if (!e.hasPendingEvent()) {
    if (!async) wouldBlock(builtin, maybeCurrentTask(inst));
    return BLOCKED;
  }
  return e.getPendingEvent()[2];
}

/** CanonicalABI.md "canon {stream,future}.new": readable index in the low 32 bits, writable in the high. */
export function streamNew(inst: InstanceLike, codec: ElementCodec): bigint {
  checkMayLeave(inst, "stream.new");
  const shared = new SharedStream(codec);
  const wake = storeOf(inst).wake;
  const ri = inst.handles.add(new ReadableStreamEnd(shared, wake));
  const wi = inst.handles.add(new WritableStreamEnd(shared, wake));
  return BigInt(ri) | (BigInt(wi) << 32n);
}

export function futureNew(inst: InstanceLike, codec: ElementCodec): bigint {
  checkMayLeave(inst, "future.new");
  const shared = new SharedFuture(codec);
  const wake = storeOf(inst).wake;
  const ri = inst.handles.add(new ReadableFutureEnd(shared, wake));
  const wi = inst.handles.add(new WritableFutureEnd(shared, wake));
  return BigInt(ri) | (BigInt(wi) << 32n);
}

/** Made once: a stream copy runs once per chunk. */
const STREAM_COPY_RULE = R("canon stream.{read,write}");
const FUTURE_COPY_RULE = R("canon future.{read,write}");

/** CanonicalABI.md "canon stream.{read,write}" `stream_copy`. */
function streamCopy(
  kind: "read" | "write",
  inst: InstanceLike,
  codec: ElementCodec,
  opts: CopyOptions,
  i: number,
  ptr: number,
  n: number,
): number {
  const builtin = kind === "read" ? "stream.read" : "stream.write";
  const rule = STREAM_COPY_RULE;
  checkMayLeave(inst, builtin);
  const e =
    kind === "read"
      ? getEnd(
          inst,
          i,
          ReadableStreamEnd,
          "stream readable end",
          codec,
          builtin,
          rule,
        )
      : getEnd(
          inst,
          i,
          WritableStreamEnd,
          "stream writable end",
          codec,
          builtin,
          rule,
        );
  checkIdle(e, i, opts, builtin, rule);
  const cx = copyContext(inst, opts);
  const buffer = e.bufferFor(codec, cx, ptr, n, builtin);
  e.startCopy(i, buffer);
  if (kind === "read")
    e.shared.read(inst, buffer as GuestWritableBuffer, e);
  else e.shared.write(inst, buffer as GuestReadableBuffer, e);
  return finishCopy(inst, e, opts.async, builtin);
}

export function streamRead(
  inst: InstanceLike,
  codec: ElementCodec,
  opts: CopyOptions,
  i: number,
  ptr: number,
  n: number,
): number {
  return streamCopy("read", inst, codec, opts, i, ptr, n);
}

export function streamWrite(
  inst: InstanceLike,
  codec: ElementCodec,
  opts: CopyOptions,
  i: number,
  ptr: number,
  n: number,
): number {
  return streamCopy("write", inst, codec, opts, i, ptr, n);
}

/** CanonicalABI.md "canon future.{read,write}" `future_copy`. */
function futureCopy(
  kind: "read" | "write",
  inst: InstanceLike,
  codec: ElementCodec,
  opts: CopyOptions,
  i: number,
  ptr: number,
): number {
  const builtin = kind === "read" ? "future.read" : "future.write";
  const rule = FUTURE_COPY_RULE;
  checkMayLeave(inst, builtin);
  const e =
    kind === "read"
      ? getEnd(
          inst,
          i,
          ReadableFutureEnd,
          "future readable end",
          codec,
          builtin,
          rule,
        )
      : getEnd(
          inst,
          i,
          WritableFutureEnd,
          "future writable end",
          codec,
          builtin,
          rule,
        );
  checkIdle(e, i, opts, builtin, rule);
  const cx = copyContext(inst, opts);
  const buffer =
    kind === "read"
      ? new GuestWritableBuffer(codec, cx, ptr, 1, builtin)
      : new GuestReadableBuffer(codec, cx, ptr, 1, builtin);
  const eventCode =
    kind === "read" ? EventCode.FUTURE_READ : EventCode.FUTURE_WRITE;
  const onCopyDone = (result: CopyResult): void =>
    e.setPendingEvent((): EventTuple => {
      e.state =
        result === CopyResult.CANCELLED ? CopyState.IDLE : CopyState.DONE;
      return [eventCode, i, result];
    });
  e.state = CopyState.COPYING;
  if (kind === "read")
    e.shared.read(inst, buffer as GuestWritableBuffer, onCopyDone);
  else e.shared.write(inst, buffer as GuestReadableBuffer, onCopyDone);
  return finishCopy(inst, e, opts.async, builtin);
}

export function futureRead(
  inst: InstanceLike,
  codec: ElementCodec,
  opts: CopyOptions,
  i: number,
  ptr: number,
): number {
  return futureCopy("read", inst, codec, opts, i, ptr);
}

export function futureWrite(
  inst: InstanceLike,
  codec: ElementCodec,
  opts: CopyOptions,
  i: number,
  ptr: number,
): number {
  return futureCopy("write", inst, codec, opts, i, ptr);
}

/** CanonicalABI.md "canon {stream,future}.cancel-{read,write}" `cancel_copy`. */
function cancelCopy(
  EndT: EndClass,
  what: string,
  builtin: string,
  inst: InstanceLike,
  codec: ElementCodec,
  async: boolean,
  i: number,
): number {
  const rule = R("canon {stream,future}.cancel-{read,write}");
  checkMayLeave(inst, builtin);
  const e = getEnd(inst, i, EndT, what, codec, builtin, rule);
  if (e.state !== CopyState.COPYING || e.hasSyncWaiter)
    trap(`${builtin}: handle ${i} has no pending copy to cancel`, rule);
  if (e.inWaitableSet() && !async)
    trap(
      `${builtin}: a synchronous cancel on handle ${i}, which is in a waitable set`,
      rule,
    );
  e.state = CopyState.CANCELLING_COPY;
  if (!e.hasPendingEvent()) e.shared.cancel();
  return finishCopy(inst, e, async, builtin);
}

export const streamCancelRead = (
  inst: InstanceLike,
  codec: ElementCodec,
  async: boolean,
  i: number,
): number =>
  cancelCopy(
    ReadableStreamEnd,
    "stream readable end",
    "stream.cancel-read",
    inst,
    codec,
    async,
    i,
  );
export const streamCancelWrite = (
  inst: InstanceLike,
  codec: ElementCodec,
  async: boolean,
  i: number,
): number =>
  cancelCopy(
    WritableStreamEnd,
    "stream writable end",
    "stream.cancel-write",
    inst,
    codec,
    async,
    i,
  );
export const futureCancelRead = (
  inst: InstanceLike,
  codec: ElementCodec,
  async: boolean,
  i: number,
): number =>
  cancelCopy(
    ReadableFutureEnd,
    "future readable end",
    "future.cancel-read",
    inst,
    codec,
    async,
    i,
  );
export const futureCancelWrite = (
  inst: InstanceLike,
  codec: ElementCodec,
  async: boolean,
  i: number,
): number =>
  cancelCopy(
    WritableFutureEnd,
    "future writable end",
    "future.cancel-write",
    inst,
    codec,
    async,
    i,
  );

/** CanonicalABI.md "canon {stream,future}.drop-{readable,writable}". */
function dropEnd(
  EndT: EndClass,
  what: string,
  builtin: string,
  inst: InstanceLike,
  codec: ElementCodec,
  i: number,
): void {
  const rule = R("canon {stream,future}.drop-{readable,writable}");
  checkMayLeave(inst, builtin);
  const e = getEnd(inst, i, EndT, what, codec, builtin, rule);
  e.drop();
  inst.handles.remove(i, rule);
}

export const streamDropReadable = (
  inst: InstanceLike,
  codec: ElementCodec,
  i: number,
): void =>
  dropEnd(
    ReadableStreamEnd,
    "stream readable end",
    "stream.drop-readable",
    inst,
    codec,
    i,
  );
export const streamDropWritable = (
  inst: InstanceLike,
  codec: ElementCodec,
  i: number,
): void =>
  dropEnd(
    WritableStreamEnd,
    "stream writable end",
    "stream.drop-writable",
    inst,
    codec,
    i,
  );
export const futureDropReadable = (
  inst: InstanceLike,
  codec: ElementCodec,
  i: number,
): void =>
  dropEnd(
    ReadableFutureEnd,
    "future readable end",
    "future.drop-readable",
    inst,
    codec,
    i,
  );
export const futureDropWritable = (
  inst: InstanceLike,
  codec: ElementCodec,
  i: number,
): void =>
  dropEnd(
    WritableFutureEnd,
    "future writable end",
    "future.drop-writable",
    inst,
    codec,
    i,
  );

// ---------------------------------------------------------------- error contexts

/** CanonicalABI.md "canon error-context.new"; `loadString` is the ABI core's `load_string_from_range`. */
export function errorContextNew(
  inst: InstanceLike,
  opts: { loadString(ptr: number, taggedCodeUnits: number): string },
  ptr: number,
  taggedCodeUnits: number,
): number {
  checkMayLeave(inst, "error-context.new");
  return inst.handles.add(
    new ErrorContext(opts.loadString(ptr, taggedCodeUnits)),
  );
}

/** CanonicalABI.md "canon error-context.debug-message"; `storeString` is the ABI core's `store_string`. */
export function errorContextDebugMessage(
  inst: InstanceLike,
  opts: { storeString(s: string, ptr: number): void },
  i: number,
  ptr: number,
): void {
  const rule = R("canon error-context.debug-message");
  checkMayLeave(inst, "error-context.debug-message");
  const e = getAs(
    inst,
    i,
    ErrorContext,
    "error-context",
    "error-context.debug-message",
    rule,
  );
  opts.storeString(e.debugMessage, ptr);
}

/** CanonicalABI.md "canon error-context.drop". */
export function errorContextDrop(inst: InstanceLike, i: number): void {
  const rule = R("canon error-context.drop");
  checkMayLeave(inst, "error-context.drop");
  getAs(inst, i, ErrorContext, "error-context", "error-context.drop", rule);
  inst.handles.remove(i, rule);
}
