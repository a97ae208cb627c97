/**
 * `name(arg, ...)` against a component's exports: finds the function and
 * reads the arguments as WAVE typed by its parameters.
 *
 * Function names, as `wasmtime run --invoke` (wit-parser's `ItemName`) takes them:
 * - `greet`: a world-level export; failing that, the only exported interface
 *   function of that name (several: an error lists the qualified names);
 * - `api.greet`: function `greet` of the instance exported as `api` (or, if
 *   there is none, of the one exported interface `ns:pkg/api`);
 * - `ns:pkg/api.greet`, `ns:pkg/api.greet@1.2.3`: of `ns:pkg/api[@1.2.3]`
 *   (without a version, the one exported version of that interface);
 * and also the extern path the component binary uses (Explainer.md "Import and
 * Export Definitions"): `ns:pkg/api@1.2.3#greet`, `api#greet`, which can name
 * resource statics too (`ns:pkg/api#[static]r.make`).
 * Trailing `option` arguments may be left out (they are `none`), as WAVE allows.
 */
import {
  resolveType,
  toMethodName,
  toStaticName,
  toPascalCase,
  type AbiType,
  type ComponentInstance,
  type IrDocument,
  type IrFunction,
  type IrWorld,
} from "@witgen/runtime";
import type { WaveCall } from "./ast.js";
import { typeText } from "./describe.js";
import { WaveError } from "./errors.js";
import { parseWaveCall } from "./parser.js";
import { unrepresentable, unrepresentableReason, waveNodeToJs } from "./to-js.js";

export interface ExportedFunction {
  /** The export's extern name for interface members (`ns:pkg/api@1.0.0`), absent for world-level functions. */
  instance?: string;
  func: IrFunction;
  /** The name to pass to `--invoke` (wasmtime's form): `greet`, `ns:pkg/api.greet@1.0.0`. */
  displayName: string;
  /** The extern path: `greet`, `ns:pkg/api@1.0.0#greet`. */
  path: string;
}

const LABEL = String.raw`%?[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*`;
const ITEM_NAME = new RegExp(
  String.raw`^(?:(${LABEL}):(${LABEL})/)?(?:(${LABEL})\.)?(${LABEL})(?:@([0-9A-Za-z.+-]+))?$`,
);

function theWorld(doc: IrDocument): IrWorld {
  return doc.worlds[doc.world];
}

/** `ns:pkg/api@1.0.0` + `greet` -> `ns:pkg/api.greet@1.0.0`; `api` + `greet` -> `api.greet`. */
function wasmtimeName(instance: string | undefined, func: string): string {
  if (instance === undefined) return func;
  const m = /^([^@]*)(@.*)?$/.exec(instance)!;
  return `${m[1]}.${func}${m[2] ?? ""}`;
}

/** Every exported function, world-level first, in export order. */
export function exportedFunctions(doc: IrDocument): ExportedFunction[] {
  const out: ExportedFunction[] = [];
  for (const item of theWorld(doc).exports) {
    if (item.kind === "function") {
      out.push({ func: item.function, displayName: item.key, path: item.key });
    } else if (item.kind === "interface") {
      for (const func of doc.interfaces[item.interface].functions) {
        const plain = func.kind.kind === "freestanding";
        out.push({
          instance: item.key,
          func,
          displayName: plain ? wasmtimeName(item.key, func.name) : `${item.key}#${func.name}`,
          path: `${item.key}#${func.name}`,
        });
      }
    }
  }
  return out;
}

/** `func(a: u32, b: string) -> list<u8>` */
export function signatureText(doc: IrDocument, f: IrFunction): string {
  const params = f.params.map((p) => `${p.name}: ${typeText(resolveType(doc, p.type))}`).join(", ");
  return `${f.async ? "async " : ""}func(${params})${f.result ? ` -> ${typeText(resolveType(doc, f.result))}` : ""}`;
}

/** Strips `@version` from an instance name. */
function unversioned(name: string): string {
  return name.replace(/@.*$/, "");
}

/** `ns:pkg/api@1.0.0` -> `api`. */
function interfaceName(instance: string): string {
  return unversioned(instance).replace(/^.*\//, "");
}

/**
 * Functions `func` of the instance named `instance`: exactly; else, without a
 * version, any version of it; else, for a bare `api`, an interface `ns:pkg/api`.
 */
function findInstanceFunction(all: ExportedFunction[], instance: string, func: string): ExportedFunction[] {
  const members = all.filter((e) => e.instance !== undefined && e.func.name === func);
  const exact = members.filter((e) => e.instance === instance);
  if (exact.length > 0 || instance.includes("@")) return exact;
  const anyVersion = members.filter((e) => unversioned(e.instance!) === instance);
  if (anyVersion.length > 0 || instance.includes("/")) return anyVersion;
  return members.filter((e) => interfaceName(e.instance!) === instance);
}

/** Finds the export a call names; errors point at the name. */
export function resolveFunction(doc: IrDocument, call: WaveCall, text: string, source: string): ExportedFunction {
  const all = exportedFunctions(doc);
  const fail = (reason: string): never => {
    throw new WaveError(reason, source, text, call.nameSpan);
  };
  const available = () => {
    const names = all.filter((e) => e.func.kind.kind === "freestanding").map((e) => e.displayName);
    return names.length ? ` (exported functions: ${names.join(", ")})` : " (the component exports no functions)";
  };
  const name = call.name;
  let found: ExportedFunction[];
  const hash = name.lastIndexOf("#");
  if (hash >= 0) {
    found = findInstanceFunction(all, name.slice(0, hash), name.slice(hash + 1));
  } else {
    const m = ITEM_NAME.exec(name);
    if (!m)
      return fail(
        `invalid function name ${JSON.stringify(name)}: expected greet, iface.greet, ns:pkg/iface.greet[@1.2.3] or ns:pkg/iface@1.2.3#greet`,
      );
    // `%` escapes a keyword-like name and is not part of it (WIT.md "Identifiers").
    const [ns, pkg, iface, func] = [m[1], m[2], m[3], m[4]].map((x) => x?.replace(/^%/, "")) as (string | undefined)[];
    const version = m[5];
    if (version !== undefined && ns === undefined)
      return fail(`a version needs a package: ns:pkg/iface.${func}@${version}`);
    if (ns !== undefined && iface === undefined)
      return fail(`expected ns:pkg/iface.function after the package name, found ${JSON.stringify(name)}`);
    if (iface === undefined) {
      found = all.filter((e) => e.instance === undefined && e.func.name === func);
      if (found.length === 0) found = all.filter((e) => e.instance !== undefined && e.func.name === func);
      if (found.length > 1) {
        return fail(
          `several exported interfaces have a function ${func}; write one of: ${found.map((e) => e.displayName).join(", ")}`,
        );
      }
    } else {
      const instance = ns !== undefined ? `${ns}:${pkg}/${iface}${version !== undefined ? `@${version}` : ""}` : iface;
      found = findInstanceFunction(all, instance, func!);
    }
  }
  if (found.length > 1)
    return fail(
      `${JSON.stringify(name)} matches several exports; write one of: ${found.map((e) => e.displayName).join(", ")}`,
    );
  if (found.length === 0) return fail(`the component exports no function ${JSON.stringify(name)}${available()}`);
  return found[0];
}

export interface Invocation {
  target: ExportedFunction;
  args: unknown[];
  /** The result type, when the function has one. */
  result?: AbiType;
}

/** What a parameter is called in messages: `parameter "name" of greet`. */
function paramWhat(target: ExportedFunction, name: string): string {
  return `parameter ${JSON.stringify(name)} of ${target.displayName}`;
}

/**
 * Parses and resolves `name(arg, ...)`: the function, the arguments as JS
 * values (docs/mapping.md), and the result type. Throws {@link WaveError}.
 */
export function parseInvocation(doc: IrDocument, text: string, source = "--invoke"): Invocation {
  const call = parseWaveCall(text, source);
  const target = resolveFunction(doc, call, text, source);
  const f = target.func;
  const params = f.params.map((p) => ({ name: p.name, type: resolveType(doc, p.type) }));
  const err = (reason: string, span = call.argsSpan) => new WaveError(reason, source, text, span);
  for (const p of params) {
    const bad = unrepresentable(p.type);
    if (bad)
      throw err(
        `cannot call ${target.displayName}: ${paramWhat(target, p.name)} has type ${typeText(p.type)}; ${unrepresentableReason(bad)}`,
        call.nameSpan,
      );
  }
  const result = f.result ? resolveType(doc, f.result) : undefined;
  const badResult = result && unrepresentable(result);
  if (badResult)
    throw err(
      `cannot call ${target.displayName}: its result type ${typeText(result)} cannot be printed; ${unrepresentableReason(badResult)}`,
      call.nameSpan,
    );
  if (call.args.length > params.length) {
    const extra = call.args[params.length];
    throw err(
      `${target.displayName} takes ${params.length} argument(s), found ${call.args.length}: ${target.displayName}: ${signatureText(doc, f)}`,
      extra.span,
    );
  }
  const args = params.map((p, i) => {
    const node = call.args[i];
    if (node) return waveNodeToJs(node, p.type, { text, source, what: paramWhat(target, p.name) });
    // WAVE: trailing option parameters may be left out.
    if (p.type.kind === "option") return p.type.some.kind === "option" ? { tag: "none" } : undefined;
    throw err(
      `missing ${paramWhat(target, p.name)} (${typeText(p.type)}): ${target.displayName} takes ${params.length} argument(s), found ${call.args.length}`,
      { start: call.argsSpan.end - 1, end: call.argsSpan.end },
    );
  });
  return { target, args, ...(result ? { result } : {}) };
}

/**
 * The JS function of a resolved export: from the instance's table by extern
 * path (exact, whatever the JS names), else from `instance.exports`
 * (component.ts "Export mapping").
 */
export function exportedJsFunction(
  instance: Pick<ComponentInstance, "exports"> & Partial<Pick<ComponentInstance, "table">>,
  target: ExportedFunction,
): (...args: unknown[]) => unknown {
  const byPath = instance.table?.functions.get(target.path);
  if (byPath) return byPath as (...args: unknown[]) => unknown;
  const scope = target.instance === undefined ? instance.exports : instance.exports[target.instance];
  const m = /^\[static\]([^.]+)\.(.+)$/.exec(target.func.name);
  const fn = m
    ? (scope?.[toPascalCase(m[1])]?.[toStaticName(m[2])] ?? scope?.[target.func.name])
    : scope?.[toMethodName(target.func.name)];
  if (typeof fn !== "function") throw new Error(`the instance has no callable export ${target.path}`);
  return fn as (...args: unknown[]) => unknown;
}
