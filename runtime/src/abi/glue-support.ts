/**
 * Run-time helpers for generated glue (the generator's `src/emit/glue`): the
 * pieces of lifting and lowering that generated code calls instead of
 * re-implementing rules the runtime already has (string transcoding, list and
 * string ranges, chars, traps and their locations, post-return). Generated
 * code does everything else inline: constant-offset loads and stores, field
 * access, discriminant switches.
 */
import type { ComponentInstanceState } from "../instance-state.js";
import { AbiValueError, Trap } from "../trap.js";
import { CALL_RULE, hostValueTrap } from "./call.js";
import { charToI32, FlatReader, type CodecCompiler, type Flat } from "./codec.js";
import type { LiftLowerContext, StringEncoding } from "./context.js";
import { MAX_LIST_BYTE_LENGTH } from "./layout.js";
import type { FunctionPlan, ValuePlan } from "./plan.js";
import type { AbiType } from "./valtype.js";
import type { BorrowScopeLike } from "../resources/handle.js";
import { checkHostString, describe, storeUtf16Copy, storeUtf16ToLatin1OrUtf16, storeUtf16ToUtf8 } from "./strings.js";

/** A host value that does not fit its type; `path` is where inside the argument (`.name`, `[3]`). */
export function badValue(expected: string, v: unknown, path = ""): AbiValueError {
  const e = new AbiValueError(`expected ${expected}, got ${describe(v)}`);
  return path === "" ? e : e.prependPath(path);
}

/** A fixed-length list (`list<T, N>`) of the wrong length. */
export function wrongLength(expected: number, actual: number, path = ""): AbiValueError {
  const e = new AbiValueError(`expected a list of exactly ${expected} elements, got ${actual}`);
  return path === "" ? e : e.prependPath(path);
}

/** Adds an outer path segment to an error unwinding out of a nested value (a list element). */
export function atPath(e: unknown, segment: string): unknown {
  if (e instanceof AbiValueError || e instanceof Trap) e.prependPath(segment);
  return e;
}

/** Lowers a host string into the callee's memory; returns `[ptr, taggedCodeUnits]`. */
export type StringLowerer = (cx: LiftLowerContext, v: unknown, path?: string) => [number, number];

/**
 * The string lowering of one encoding (CanonicalABI.md `store_string_into_range`, utf16 source),
 * chosen once per adapter since the encoding is a canonical option, not part of the WIT.
 */
export function stringLowerer(encoding: StringEncoding): StringLowerer {
  let lower = stringLowerers.get(encoding);
  if (lower === undefined) {
    const store = encoding === "utf8" ? storeUtf16ToUtf8 : encoding === "utf16" ? storeUtf16Copy : storeUtf16ToLatin1OrUtf16;
    lower = (cx, v, path = "") => {
      try {
        return store(cx, checkHostString(v));
      } catch (e) {
        throw path === "" ? e : atPath(e, path);
      }
    };
    stringLowerers.set(encoding, lower);
  }
  return lower;
}

/** One lowerer per encoding: shared store functions of generated glue look theirs up per call. */
const stringLowerers = new Map<StringEncoding, StringLowerer>();

/** Allocates a list's elements in the callee's memory (CanonicalABI.md `store_list_into_range`). */
export function allocateList(cx: LiftLowerContext, length: number, elemSize: number, align: number, path = ""): number {
  const bytes = length * elemSize;
  if (bytes > MAX_LIST_BYTE_LENGTH) throw badLength(bytes, path);
  const ptr = cx.allocate(align, bytes);
  cx.checkRange(ptr, bytes, align, "list (from realloc)", "CanonicalABI.md store_list_into_range");
  return ptr;
}

function badLength(bytes: number, path: string): AbiValueError {
  const e = new AbiValueError(`list of ${bytes} bytes exceeds the maximum ${MAX_LIST_BYTE_LENGTH}`);
  return path === "" ? e : e.prependPath(path);
}

/** Checks a list's range in memory before its elements are read (CanonicalABI.md `load_list_from_range`). */
export function checkListRange(cx: LiftLowerContext, ptr: number, length: number, elemSize: number, align: number): void {
  const rule = "CanonicalABI.md load_list_from_range";
  if (length * elemSize > MAX_LIST_BYTE_LENGTH) {
    throw new Trap(`list of ${length} elements (${length * elemSize} bytes) exceeds the maximum ${MAX_LIST_BYTE_LENGTH} bytes`, {
      rule,
    });
  }
  cx.checkRange(ptr, length * elemSize, align, "list", rule);
}

/** CanonicalABI.md `char_to_i32`, with the value's path for the error. */
export function lowerChar(v: unknown, path = ""): number {
  try {
    return charToI32(v);
  } catch (e) {
    throw path === "" ? e : atPath(e, path);
  }
}

/** A discriminant outside the type's cases (CanonicalABI.md `load_variant` / `lift_flat_variant`). */
export function invalidDiscriminant(i: number, shape: string, cases: number): Trap {
  return new Trap(`invalid discriminant ${i} for a ${shape} with ${cases} cases`, {
    rule: "CanonicalABI.md load_variant / lift_flat_variant",
  });
}

/** A core function that threw: a trap of the callee (CanonicalABI.md `call_and_trap_on_throw`). */
export function coreCallTrap(e: unknown, func: string): Trap {
  if (e instanceof Trap) return e.locate(func);
  return new Trap(`core function trapped: ${e instanceof Error ? e.message : String(e)}`, { rule: CALL_RULE, cause: e, func });
}

/** A host function that threw (other than a `ComponentError` it may use for `err`). */
export function hostCallTrap(e: unknown, func: string): Trap {
  if (e instanceof Trap) return e.locate(func);
  return new Trap(`host function threw: ${e instanceof Error ? e.message : String(e)}`, { rule: CALL_RULE, cause: e, func });
}

/**
 * Completes an error leaving an export call (`canon lift`): names the function and
 * `where` (a parameter, the result) unless it is located already, and poisons the
 * instance on a trap. A bad host argument (AbiValueError) does not poison.
 */
export function exportCallFailed(e: unknown, inst: ComponentInstanceState, func: string, where: string): unknown {
  if ((e instanceof Trap || e instanceof AbiValueError) && e.func === undefined) e.locate(func, where);
  if (e instanceof Trap) inst.poison(e);
  return e;
}

/**
 * Completes an error leaving an import call (`canon lower`): the guest cannot continue,
 * so every failure is a located trap that poisons the instance; an invalid host result
 * becomes a trap too (CanonicalABI.md `lower_flat_values`).
 */
export function importCallFailed(e: unknown, inst: ComponentInstanceState, func: string, where: string): Trap {
  const trap =
    e instanceof AbiValueError
      ? (hostValueTrap(e) as Trap)
      : e instanceof Trap
        ? e
        : new Trap(`lowering failed: ${e instanceof Error ? e.message : String(e)}`, { rule: "CanonicalABI.md canon_lower", cause: e });
  if (trap.func === undefined) trap.locate(func, where);
  inst.poison(trap);
  return trap;
}

/** Runs post-return with the core result, `may_leave` cleared (CanonicalABI.md `canon_lift`). */
export function callPostReturn(
  inst: ComponentInstanceState,
  postReturn: (...flatResults: Flat[]) => void,
  func: string,
  result?: Flat,
): void {
  inst.mayLeave = false;
  try {
    if (result === undefined) postReturn();
    else postReturn(result);
  } catch (e) {
    if (e instanceof Trap) throw e;
    throw new Trap(`post-return trapped: ${e instanceof Error ? e.message : String(e)}`, { rule: CALL_RULE, cause: e, func });
  } finally {
    inst.mayLeave = true;
  }
}

/**
 * Lifting and lowering of one resource type's handles, with the instance's resource
 * binding baked in. The rules (CanonicalABI.md `lift_own`, `lift_borrow`, `lower_own`,
 * `lower_borrow`) are the codecs' (codec.ts); this only gives them a direct call shape.
 */
export interface ResourceHandles {
  liftOwn(cx: LiftLowerContext, handle: number): unknown;
  liftBorrow(cx: LiftLowerContext, handle: number): unknown;
  lowerOwn(cx: LiftLowerContext, v: unknown, path?: string): number;
  lowerBorrow(cx: LiftLowerContext, v: unknown, path?: string): number;
}

type HandlePlan = Extract<ValuePlan, { kind: "own" | "borrow" }>;

function handleNodes(p: ValuePlan, out: HandlePlan[]): void {
  switch (p.kind) {
    case "own":
    case "borrow":
      out.push(p);
      return;
    case "list":
      return handleNodes(p.element, out);
    case "record":
      for (const f of p.fields) handleNodes(f.type, out);
      return;
    case "variant":
      for (const c of p.cases) if (c.type) handleNodes(c.type, out);
      return;
    case "map":
      return handleNodes(p.entry, out);
    default:
      return;
  }
}

/** The resource types of one value type (a stream/future element, an async result), numbered as `resourceHandles` numbers a function's. */
export function valueResourceHandles(value: { plan: ValuePlan; codecs: CodecCompiler }): ResourceHandles[] {
  return resourceHandles({ plan: { params: [{ type: value.plan }] as FunctionPlan["params"], result: undefined }, codecs: value.codecs });
}

/**
 * The resource types of a function's signature, in order of first use (parameters, then
 * the result, depth-first): generated glue numbers them the same way from the WIT.
 */
export function resourceHandles(ac: { plan: Pick<FunctionPlan, "params" | "result">; codecs: CodecCompiler }): ResourceHandles[] {
  const nodes: HandlePlan[] = [];
  for (const p of ac.plan.params) handleNodes(p.type, nodes);
  if (ac.plan.result) handleNodes(ac.plan.result, nodes);
  const seen = new Set<number>();
  const out: ResourceHandles[] = [];
  for (const node of nodes) {
    if (seen.has(node.resource)) continue;
    seen.add(node.resource);
    const flat = ["i32" as const];
    const own = ac.codecs.codec({ kind: "own", resource: node.resource, resourceName: node.resourceName, size: 4, align: 4, flat });
    const borrow = ac.codecs.codec({ kind: "borrow", resource: node.resource, resourceName: node.resourceName, size: 4, align: 4, flat });
    const lower = (codec: typeof own, cx: LiftLowerContext, v: unknown, path: string): number => {
      const slot: Flat[] = [];
      try {
        codec.lowerFlat(cx, v, slot);
      } catch (e) {
        throw path === "" ? e : atPath(e, path);
      }
      return slot[0] as number;
    };
    out.push({
      liftOwn: (cx, handle) => own.liftFlat(cx, new FlatReader([handle])),
      liftBorrow: (cx, handle) => borrow.liftFlat(cx, new FlatReader([handle])),
      lowerOwn: (cx, v, path = "") => lower(own, cx, v, path),
      lowerBorrow: (cx, v, path = "") => lower(borrow, cx, v, path),
    });
  }
  return out;
}

/** CanonicalABI.md `Task.return_`: borrowed handles lent to the callee must be dropped before it returns. */
export function checkBorrowsDropped(scope: BorrowScopeLike, func: string): void {
  if (scope.numBorrows > 0) {
    throw new Trap(`${scope.numBorrows} borrowed handle(s) lent to the callee were not dropped before it returned`, {
      rule: "CanonicalABI.md Task.return_ (num_borrows)",
      func,
    });
  }
}

/**
 * The `stream` / `future` type at `path` in a function's plan (or a value's), for generated glue:
 * the runtime's hooks lift and lower these ends with the component's own type. A plan without
 * one there means the bindings were generated for other WIT.
 */
export function asyncTypeAt<K extends "stream" | "future">(root: unknown, path: readonly (string | number)[], kind: K): Extract<AbiType, { kind: K }> {
  let x = root as Record<string | number, unknown> | undefined;
  for (const k of path) x = x?.[k] as Record<string | number, unknown> | undefined;
  if (!x || x.kind !== kind || x.abiType === undefined)
    throw new Error(`witgen glue: the component's function has no ${kind} at ${path.join(".")}; regenerate the bindings`);
  return x.abiType as Extract<AbiType, { kind: K }>;
}

