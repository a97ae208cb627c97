/**
 * Glue between the ABI core (`../abi/`) and the async half: element codecs
 * for any stream/future element type built from the ABI core's per-value
 * `Codec`, and the `AsyncValueHooks` the ABI core calls to lift/lower
 * `stream`, `future` and `error-context` values.
 */
import { lowerJournaled, lowersHandles } from "../abi/lowering-journal.js";
import type { AsyncValueHooks, LiftLowerContext } from "../abi/context.js";
import type { Codec } from "../abi/codec.js";
import { layoutOf } from "../abi/layout.js";
import type { AbiType } from "../abi/valtype.js";
import { trap } from "./deps.js";
import {
  numericCodec,
  unitCodec,
  type ElementCodec,
  type ScalarKind,
} from "./element-codec.js";
import { ErrorContext } from "./error-context.js";
import { SharedFuture } from "./future.js";
import {
  liftErrorContext,
  liftFuture,
  liftStream,
  lowerErrorContext,
  lowerFuture,
  lowerStream,
} from "./lift-lower.js";
import { SharedStream } from "./stream.js";

/**
 * A canonical string for a type, so structurally equal stream element types compare equal.
 * Resource types are named by `resource` (by default their id: `own<#3>`).
 */
export function abiTypeKey(t: AbiType | undefined, resource: (id: number) => string = (id) => `#${id}`): string {
  const key = (x: AbiType | undefined): string => abiTypeKey(x, resource);
  if (!t) return "_";
  switch (t.kind) {
    case "list":
      return `list<${key(t.element)}${t.length === undefined ? "" : `,${t.length}`}>`;
    case "record":
      return `record{${t.fields.map((f) => `${f.name}:${key(f.type)}`).join(",")}}`;
    case "tuple":
      return `tuple<${t.types.map(key).join(",")}>`;
    case "variant":
      return `variant{${t.cases.map((c) => `${c.name}${c.type ? `(${key(c.type)})` : ""}`).join(",")}}`;
    case "enum":
      return `enum{${t.cases.join(",")}}`;
    case "option":
      return `option<${key(t.some)}>`;
    case "result":
      return `result<${key(t.ok)},${key(t.err)}>`;
    case "flags":
      return `flags{${t.flags.join(",")}}`;
    case "map":
      return `map<${key(t.key)},${key(t.value)}>`;
    case "own":
    case "borrow":
      return `${t.kind}<${resource(t.resource)}>`;
    case "stream":
    case "future":
      return `${t.kind}<${key(t.element)}>`;
    default:
      return t.kind;
  }
}

/**
 * The key generated code for a value type is looked up by (stream/future elements, async
 * results): `abiTypeKey` with resource types numbered in order of first appearance (`own<$0>`),
 * as the generator, which knows resources by name and not by the component's ids, numbers them
 * too. The code is the same for every choice of resources with that pattern: it takes the
 * resources' handles from the type at hand.
 */
export function adapterTypeKey(t: AbiType): string {
  const seen = new Map<number, number>();
  return abiTypeKey(t, (id) => {
    let k = seen.get(id);
    if (k === undefined) seen.set(id, (k = seen.size));
    return `$${k}`;
  });
}

const NUMBER_KINDS = new Set([
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "f32",
  "f64",
]);

/**
 * The element codec of `stream<t>` / `future<t>`. Bytes use the bulk codec;
 * every other type goes element by element through the ABI core's `codec`,
 * which needs the copy context's `options` to be the ABI core's
 * `LiftLowerContext` of the built-in (memory, string encoding, realloc, hooks).
 */
export function abiElementCodec(
  t: AbiType | undefined,
  codec: Pick<Codec, "load" | "store"> | undefined,
): ElementCodec {
  if (!t) return unitCodec;
  if (NUMBER_KINDS.has(t.kind)) return numericCodec(t.kind as ScalarKind);
  if (!codec)
    throw new Error(
      `abiElementCodec: no codec for element type ${abiTypeKey(t)}`,
    );
  const { size, align } = layoutOf(t);
  const journal = lowersHandles([t]);
  const storeAll = (c: LiftLowerContext, ptr: number, batch: ArrayLike<unknown>): void => {
    for (let k = 0; k < batch.length; k++) {
      codec.store(c, batch[k], ptr + k * size);
      c.refresh();
    }
  };
  const lcx = (options: unknown): LiftLowerContext => {
    const cx = options as LiftLowerContext | undefined;
    if (!cx || typeof cx.refresh !== "function")
      throw new Error(
        "abiElementCodec: CopyOptions.options must be the built-in's LiftLowerContext",
      );
    cx.refresh();
    return cx;
  };
  return {
    typeKey: abiTypeKey(t),
    size,
    alignment: align,
    plain: NUMBER_KINDS.has(t.kind),
    load(cx, ptr, count) {
      const c = lcx(cx.options);
      const out = new Array<unknown>(count);
      for (let k = 0; k < count; k++) out[k] = codec.load(c, ptr + k * size);
      return out;
    },
    store(cx, ptr, batch) {
      const c = lcx(cx.options);
      // A refused element takes back the handles the ones before it moved in: a batch moves
      // whole or not at all (a journal already running, a call's arguments, covers it).
      if (journal && c.lowered === undefined) lowerJournaled(c, () => storeAll(c, ptr, batch));
      else storeAll(c, ptr, batch);
    },
  };
}

/** Accepts a shared state, or a host end / JS API object carrying one in `.shared`. */
function sharedOf<S>(
  v: unknown,
  S: abstract new (...a: never[]) => S,
  what: string,
): S {
  if (v instanceof S) return v;
  const inner = (v as { shared?: unknown } | null)?.shared;
  if (inner instanceof S) return inner;
  return trap(
    `lowering a ${what}: the value is not a ${what}`,
    'CanonicalABI.md "Storing" lower_stream / lower_future',
  );
}

/**
 * Notes an end a lowering added, while the caller keeps a journal (abi/lowering-journal.ts):
 * taking it back removes it from the table and drops it (the JS end stays moved).
 */
function noted(cx: LiftLowerContext, handle: number): number {
  cx.lowered?.push(() => (cx.inst.handles.remove(handle) as { drop?: () => void }).drop?.());
  return handle;
}

/** `AsyncValueHooks` for the ABI core; `codecOf` gives the element codec of a stream/future type. */
export function asyncValueHooks(
  codecOf: (element: AbiType | undefined) => ElementCodec,
): AsyncValueHooks {
  const checkType = (
    shared: SharedStream | SharedFuture,
    element: AbiType | undefined,
    what: string,
  ): void => {
    const want = abiTypeKey(element);
    if (shared.codec.typeKey !== want)
      trap(
        `lowering a ${what}<${want}>: the value is a ${what}<${shared.codec.typeKey}>`,
        'CanonicalABI.md "Storing"',
      );
  };
  // Typed here rather than from `AsyncValueHooks`, whose `Extract<AbiType, { kind: "stream" }>` is `never`.
  type Async = { element?: AbiType };
  return {
    liftStream: (cx, i, t: Async) => liftStream(cx.inst, i, codecOf(t.element)),
    lowerStream: (cx, v, t: Async) => {
      const s = sharedOf(v, SharedStream, "stream");
      checkType(s, t.element, "stream");
      return noted(cx, lowerStream(cx.inst, s));
    },
    liftFuture: (cx, i, t: Async) => liftFuture(cx.inst, i, codecOf(t.element)),
    lowerFuture: (cx, v, t: Async) => {
      const s = sharedOf(v, SharedFuture, "future");
      checkType(s, t.element, "future");
      return noted(cx, lowerFuture(cx.inst, s));
    },
    liftErrorContext: (cx, i) => liftErrorContext(cx.inst, i),
    lowerErrorContext: (cx, v) =>
      noted(cx, lowerErrorContext(cx.inst, sharedOf(v, ErrorContext, "error-context"))),
  };
}
