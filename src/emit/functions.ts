// WIT functions -> TypeScript signatures (docs/mapping.md "Functions" and "Results").
import type { IrFunction, IrType, ItemMeta } from "@witgen/runtime/ir";
import { jsDoc } from "./docs.js";
import type { ModuleScope } from "./module-scope.js";
import { bindingName, Scope } from "./names.js";
import { renderType, type TypeNames } from "./type-expr.js";

export type ResultStyle = "throw" | "union";

/**
 * How signatures are written: the result style, and whether async functions take a trailing
 * `options?: CallOptions` (`{ signal }`: host declarations, where the embedder calls exports and
 * implements imports; docs/mapping.md "Cancellation").
 */
export interface SignatureStyle {
  results: ResultStyle;
  callOptions: boolean;
  /**
   * Host bindings for `instantiate(..., { jspi: true })` (docs/mapping.md "JSPI"): every
   * export returns a Promise (its core code is entered through `WebAssembly.promising`), and an
   * import's implementation may return one (the wasm stack suspends until it settles).
   */
  suspends?: "export" | "import";
}

/** A rendered signature, ready for a template: `{{name}}({{params}}): {{result}}`. */
export interface SignatureView {
  docs: string;
  name: string;
  params: string;
  result: string;
}

/** The function's own name without the `[method]r.` style prefix (Explainer.md "Import and Export Definitions"). */
export function plainName(fn: IrFunction): string {
  const bare = fn.name.replace(/^\[[^\]]*\]/, "");
  return fn.kind.kind === "method" || fn.kind.kind === "static" ? bare.slice(bare.indexOf(".") + 1) : bare;
}

/**
 * The signature of `fn` named `name`. With `throw` results a top-level `result<T, E>` returns `T`
 * and throws `ComponentError<E>`; constructors always work that way, since `new` yields the object.
 */
export function signature(
  fn: IrFunction,
  name: string,
  names: TypeNames,
  scope: ModuleScope,
  { results: style, callOptions, suspends }: SignatureStyle,
  meta: ItemMeta = fn,
): SignatureView {
  const promised = fn.async || suspends === "export";
  const params = fn.kind.kind === "method" ? fn.params.slice(1) : fn.params;
  const paramScope = new Scope();
  const rendered = params.map((p) => `${paramScope.claim(bindingName(p.name))}: ${renderType(p.type, names, scope, "param")}`);
  if (fn.async && callOptions) rendered.push(`${paramScope.claim("options")}?: ${scope.runtime("CallOptions")}`);
  const paramList = rendered.join(", ");

  const throwing = fn.result?.kind === "result" && (style === "throw" || fn.kind.kind === "constructor");
  const tags: string[] = [];
  let result: string;
  if (fn.result === undefined) result = "void";
  else if (throwing) {
    const { ok, err } = fn.result as Extract<IrType, { kind: "result" }>;
    result = ok ? renderType(ok, names, scope) : "void";
    const payload = err ? renderType(err, names, scope) : "void";
    const how = promised ? "The promise rejects with it" : "Thrown";
    tags.push(`@throws {ComponentError<${payload}>} ${how} when the result is \`err\`; \`payload\` holds the error value.`);
  } else result = renderType(fn.result, names, scope);
  if (promised) result = `Promise<${result}>`;
  // A host constructor must give the object itself (`new`); other imports may suspend.
  else if (suspends === "import" && fn.kind.kind !== "constructor") result = `${result} | Promise<${result}>`;
  if (fn.async && callOptions)
    tags.push("@param options `{ signal }` to cancel the call (see `CallOptions`).");
  return { docs: jsDoc(meta, tags), name, params: paramList, result };
}
