/**
 * The result style at the host boundary (docs/mapping.md "Results"). Inside the runtime a
 * `result<T, E>` is always the union `{ tag: "ok" | "err", val }`; with `results: "throw"` a
 * function whose WIT result is written directly as `result<T, E>` returns `T` and throws (async:
 * rejects with) {@link ComponentError} on `err`, and a host implementation returns `T` or throws a
 * `ComponentError` to produce `err`. A fallible resource constructor works that way in both styles,
 * since `new` must yield the object.
 */
import { parseResourceFunction } from "../abi/naming.js";
import { ComponentError, type Result } from "../api/result.js";
import type { IrDocument, IrFunction } from "../ir/types.js";
import { externPath, type FunctionSignature, type JsFunction } from "./adapters.js";

export type ResultStyle = "union" | "throw";

/**
 * Which functions the `throw` style applies to: those whose result is written as `result<...>`,
 * not through a `type` alias. Only the decoded world tells them apart (an alias and its target
 * are one type at run time), so the sets come from it; without them every top-level result throws.
 */
export interface ResultPolicy {
  style: ResultStyle;
  /** Extern paths of root imports / root exports whose result is an inline `result`. */
  inline?: { imports: Set<string>; exports: Set<string> };
}

/** The extern paths of a world's functions with an inline `result`, by direction. */
export function inlineResultPaths(doc: IrDocument): { imports: Set<string>; exports: Set<string> } {
  const world = doc.worlds[doc.world];
  const collect = (items: typeof world.imports): Set<string> => {
    const out = new Set<string>();
    const add = (iface: string | undefined, f: IrFunction) => {
      if (f.result?.kind === "result") out.add(externPath(iface, f.name));
    };
    for (const item of items) {
      if (item.kind === "function") add(undefined, item.function);
      else if (item.kind === "interface") for (const f of doc.interfaces[item.interface].functions) add(item.key, f);
    }
    return out;
  };
  return { imports: collect(world.imports), exports: collect(world.exports) };
}

/** Whether the function at `path` (named `sig.name`) uses the throwing convention. */
export function throwsErr(policy: ResultPolicy, direction: "imports" | "exports", path: string, sig: Pick<FunctionSignature, "name" | "result">): boolean {
  if (sig.result?.kind !== "result") return false;
  if (parseResourceFunction(sig.name)?.kind === "constructor") return true;
  if (policy.style === "union") return false;
  return policy.inline ? policy.inline[direction].has(path) : true;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as PromiseLike<unknown>).then === "function";
}

function unwrap(r: unknown): unknown {
  const u = r as Result<unknown, unknown>;
  if (u.tag === "err") throw new ComponentError(u.val);
  return u.val;
}

/** An export returning the union -> one returning `T` and throwing (or rejecting with) `ComponentError`. */
export function throwingExport(fn: JsFunction): JsFunction {
  return (...args) => {
    const r = fn(...args);
    return isThenable(r) ? Promise.resolve(r).then(unwrap) : unwrap(r);
  };
}

function fromThrown(e: unknown): Result<unknown, unknown> {
  if (e instanceof ComponentError) return { tag: "err", val: e.payload };
  // Any other error is a host failure, handled by the caller as before.
  throw e;
}

/** A host implementation returning `T` or throwing `ComponentError` -> one returning the union. */
export function unionHost(fn: JsFunction): JsFunction {
  return (...args) => {
    let r: unknown;
    try {
      r = fn(...args);
    } catch (e) {
      return fromThrown(e);
    }
    return isThenable(r) ? Promise.resolve(r).then((val) => ({ tag: "ok", val }), fromThrown) : { tag: "ok", val: r };
  };
}
