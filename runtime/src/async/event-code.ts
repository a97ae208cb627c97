/**
 * Numeric codes shared between core wasm and the async built-ins.
 * CanonicalABI.md "Waitable State", "Stream State", "canon lift".
 */

/** CanonicalABI.md "Waitable State": the event codes delivered to core wasm. */
export const EventCode = {
  NONE: 0,
  SUBTASK: 1,
  STREAM_READ: 2,
  STREAM_WRITE: 3,
  FUTURE_READ: 4,
  FUTURE_WRITE: 5,
  TASK_CANCELLED: 6,
} as const;
export type EventCode = (typeof EventCode)[keyof typeof EventCode];

/** An event as the spec's `EventTuple`: code and two u32 payloads. */
export type EventTuple = readonly [code: EventCode, p1: number, p2: number];

/** CanonicalABI.md "Stream State": how a copy ended (low 4 bits of a packed copy result). */
export const CopyResult = {
  COMPLETED: 0,
  DROPPED: 1,
  CANCELLED: 2,
} as const;
export type CopyResult = (typeof CopyResult)[keyof typeof CopyResult];

/** CanonicalABI.md "canon subtask.cancel" / "canon stream.{read,write}": the operation did not finish. */
export const BLOCKED = 0xffff_ffff;

/** CanonicalABI.md "Stream State": copy result in the low 4 bits, element count above. */
export function packCopyResult(result: CopyResult, progress: number): number {
  return (result | (progress << 4)) >>> 0;
}

export function unpackCopyResult(packed: number): {
  result: CopyResult;
  progress: number;
} {
  return { result: (packed & 0xf) as CopyResult, progress: packed >>> 4 };
}

/** CanonicalABI.md "canon lift": codes a callback returns, packed with a waitable-set index. */
export const CallbackCode = {
  EXIT: 0,
  YIELD: 1,
  WAIT: 2,
} as const;
export type CallbackCode = (typeof CallbackCode)[keyof typeof CallbackCode];
const CALLBACK_CODE_MAX = 2;

export function packCallbackResult(
  code: CallbackCode,
  waitableSetIndex = 0,
): number {
  return (code | (waitableSetIndex << 4)) >>> 0;
}

/** CanonicalABI.md "canon lift" (`unpack_callback_result`); the caller traps on `code === undefined`. */
export function unpackCallbackResult(packed: number): {
  code: CallbackCode | undefined;
  waitableSetIndex: number;
} {
  const raw = packed & 0xf;
  return {
    code: raw > CALLBACK_CODE_MAX ? undefined : (raw as CallbackCode),
    waitableSetIndex: packed >>> 4,
  };
}

/** CanonicalABI.md "Subtask State": the subtask states core wasm sees. */
export const SubtaskState = {
  STARTING: 0,
  STARTED: 1,
  RETURNED: 2,
  CANCELLED_BEFORE_STARTED: 3,
  CANCELLED_BEFORE_RETURNED: 4,
} as const;
export type SubtaskState = (typeof SubtaskState)[keyof typeof SubtaskState];

/** CanonicalABI.md "canon lower": async lowered calls return `state | (index << 4)`. */
export function packSubtaskResult(state: SubtaskState, index: number): number {
  return (state | (index << 4)) >>> 0;
}
