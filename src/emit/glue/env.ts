// What value code generation shares within one adapter: its code, locals and the runtime helpers it uses.
import type { CoreType, ValuePlan } from "@witgen/runtime";
import { Code, lit, Locals } from "./code.js";

/** Runtime helpers generated code may import from `@witgen/runtime` (all from `abi/glue-support.ts` or `abi/`). */
export const RUNTIME_HELPERS = [
  "allocateList",
  "atPath",
  "badValue",
  "bitsToF32",
  "bitsToF64",
  "callPostReturn",
  "checkListRange",
  "ComponentError",
  "coreCallTrap",
  "exportCallFailed",
  "f32ToBits",
  "f64ToBits",
  "hostCallTrap",
  "i32ToChar",
  "importCallFailed",
  "invalidDiscriminant",
  "loadStringFromRange",
  "lowerChar",
  "stringLowerer",
  "wrongLength",
  "resourceHandles",
  "valueResourceHandles",
  "checkBorrowsDropped",
  "BorrowScope",
  "asyncTypeAt",
  "beginLowering",
  "endLowering",
  "undoLowering",
] as const;

export type RuntimeHelper = (typeof RUNTIME_HELPERS)[number];

/** Names every adapter binds itself; value code never claims them. */
export const ADAPTER_NAMES = ["cx", "inst", "ac", "core", "host", "impl", "where", "entered", "ret", "postReturn", "lowerString", "e", "scope", "prevScope"];

/**
 * Module-level code shared by the adapters (shared.ts): a type alias and store/load functions
 * per named WIT type, so a type used by many functions is written once.
 */
export interface SharedValueCode {
  /** The alias of a named type's JS shape, or undefined for an anonymous one. */
  typeName(p: ValuePlan): string | undefined;
  /** The function storing values of `p` (`(cx, ptr, value, path)`), if `p` gets one. */
  storeFunction(p: ValuePlan): string | undefined;
  /** The function loading values of `p` (`(cx, ptr)`), if `p` gets one. */
  loadFunction(p: ValuePlan): string | undefined;
}

/**
 * The stream/future types of an adapter: the runtime's hooks move these ends with the
 * component's own type, which the adapter reads once from the plan the runtime gives it
 * (`asyncTypeAt`), at the place the same type has in the plan the glue was generated from.
 */
export class AsyncTypes {
  private readonly names = new Map<ValuePlan, string>();
  /** `const streamType = asyncTypeAt(...)` lines for the adapter's prologue. */
  readonly declarations: string[] = [];

  constructor(
    /** Where to look: plans with the expression and path of their place in the runtime's. */
    private readonly roots: { plan: ValuePlan; base: string; path: (string | number)[] }[],
    private readonly env: Env,
  ) {}

  of(p: ValuePlan): string {
    let name = this.names.get(p);
    if (name !== undefined) return name;
    for (const root of this.roots) {
      const path = pathTo(root.plan, p);
      if (!path) continue;
      name = this.env.locals.claim(`${p.kind}Type`);
      this.names.set(p, name);
      this.declarations.push(`const ${name} = ${this.env.rt("asyncTypeAt")}(${root.base}, ${JSON.stringify([...root.path, ...path])}, ${lit(p.kind)});`);
      return name;
    }
    throw new Error(`glue: no place for a ${p.kind} in the adapter's plans`);
  }
}

/**
 * The value plans directly inside a value of `p`, each with its property path in `p`. A
 * stream's or future's elements are not part of the value (only its handle is).
 */
export function childPlans(p: ValuePlan): { plan: ValuePlan; path: (string | number)[] }[] {
  switch (p.kind) {
    case "list":
      return [{ plan: p.element, path: ["element"] }];
    case "record":
      return p.fields.map((f, k) => ({ plan: f.type, path: ["fields", k, "type"] }));
    case "variant":
      return p.cases.flatMap((c, k) => (c.type ? [{ plan: c.type, path: ["cases", k, "type"] }] : []));
    case "map":
      return [{ plan: p.entry, path: ["entry"] }];
    default:
      return [];
  }
}

/** The property path from `root` to `target` in a value plan (first found), or undefined. */
function pathTo(root: ValuePlan, target: ValuePlan): (string | number)[] | undefined {
  if (root === target) return [];
  for (const child of childPlans(root)) {
    const rest = pathTo(child.plan, target);
    if (rest) return [...child.path, ...rest];
  }
  return undefined;
}

export class Env {
  /** Where value code goes; adapters swap it per section (parameters, call, result). */
  code = new Code();
  /** Shared functions and aliases of the module, when the module has them. */
  shared: SharedValueCode | undefined;
  /**
   * Inside a shared store function: the parameter holding the path of its value, which every
   * path the code reports starts with (value paths are otherwise static, see lower.ts).
   */
  pathPrefix: string | undefined;
  /** Inside a shared function: its own type, which it writes out rather than calling itself. */
  sharedOwner: ValuePlan | undefined;
  /** Where the adapter finds the component's stream/future types (task and import adapters). */
  asyncTypes: AsyncTypes | undefined;
  readonly locals: Locals;
  /** Whether the adapter needs a `lowerString` for the instance's string encoding. */
  lowersStrings = false;
  /** Resource types by TypeId -> the local holding their handle functions, in order of first use. */
  readonly resources = new Map<number, string>();

  constructor(
    /** Helpers used by the whole module (shared across adapters, for the import line). */
    private readonly helpers: Set<RuntimeHelper>,
    params: string[] = [],
  ) {
    this.locals = new Locals([...RUNTIME_HELPERS, ...ADAPTER_NAMES, ...params]);
  }

  /** Starts a new section of code (sharing this adapter's locals); returns the finished one. */
  section(): string {
    const done = this.code.toString();
    this.code = new Code();
    return done;
  }

  /**
   * Numbers the signature's resource types in order of first use (parameters, then the result,
   * depth-first), as the runtime's `resourceHandles` does, and names a local for each.
   */
  planResources(plans: ValuePlan[], numbered = false): void {
    const found = new Map<number, string>();
    const visit = (p: ValuePlan): void => {
      if (p.kind === "own" || p.kind === "borrow") {
        if (!found.has(p.resource)) found.set(p.resource, p.resourceName);
      } else childPlans(p).forEach((c) => visit(c.plan));
    };
    plans.forEach(visit);
    // Numbered (an adapter shared by functions of different resources): by position, not by name.
    let i = 0;
    for (const [id, name] of found) {
      i++;
      this.resources.set(id, this.locals.claim(numbered ? (found.size === 1 ? "handles" : `handles${i}`) : `${camel(name)}Handles`));
    }
  }

  /** The local with the handle functions of a resource type. */
  handles(p: Extract<ValuePlan, { kind: "own" | "borrow" }>): string {
    const local = this.resources.get(p.resource);
    if (local === undefined) throw new Error(`glue: resource ${p.resourceName} was not planned`);
    return local;
  }

  /** Marks a runtime helper as used and returns its name. */
  rt(name: RuntimeHelper): string {
    this.helpers.add(name);
    return name;
  }

  /** The code of a value path `rel` (relative to the value this code handles); undefined if empty. */
  pathExpr(rel: string): string | undefined {
    if (this.pathPrefix === undefined) return rel ? lit(rel) : undefined;
    return rel ? `${this.pathPrefix} + ${lit(rel)}` : this.pathPrefix;
  }

  /** `, <path>` as a trailing call argument, or nothing for an empty path. */
  pathArg(rel: string): string {
    const e = this.pathExpr(rel);
    return e === undefined ? "" : `, ${e}`;
  }

  /** A template literal's text for `rel` followed by `suffix` (which may hold `${...}`). */
  pathTemplate(rel: string, suffix: string): string {
    return `\`${this.pathPrefix === undefined ? "" : `\${${this.pathPrefix}}`}${rel}${suffix}\``;
  }

  /** The local holding the component's type of the stream/future `p` (see `AsyncTypes`). */
  asyncType(p: ValuePlan): string {
    if (!this.asyncTypes) throw new Error(`glue: a ${p.kind} in an adapter that does not move ends`);
    return this.asyncTypes.of(p);
  }

  /** The TypeScript type of values of `p`, naming shared named types. */
  typeOf(p: ValuePlan): string {
    return tsType(p, this.shared && ((q) => this.shared!.typeName(q)));
  }
}

function camel(kebab: string): string {
  return kebab.replace(/^%/, "").replace(/-([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The JS representation of a core value type: i64 is a bigint, everything else a number. */
export function coreTsType(t: CoreType): string {
  return t === "i64" ? "bigint" : "number";
}

export function zeroOf(t: CoreType): string {
  return t === "i64" ? "0n" : "0";
}

/** Human description of a JS shape for `badValue` (the same words as the runtime's codecs). */
export const INT_EXPECTED: Record<string, string> = {
  u8: "a u8 (integer 0..255)",
  s8: "an s8 (integer -128..127)",
  u16: "a u16 (integer 0..65535)",
  s16: "an s16 (integer -32768..32767)",
  u32: "a u32 (integer 0..4294967295)",
  s32: "an s32 (integer -2147483648..2147483647)",
  u64: "a u64 (bigint 0n..2n**64n-1n)",
  s64: "an s64 (bigint -(2n**63n)..2n**63n-1n)",
};

/** Fixed-length lists up to this length are TypeScript tuples (as in the declarations). */
const MAX_TUPLE_LENGTH = 32;

/**
 * A structural TypeScript type for values of `p` as the glue builds them. The declarations
 * name these types; structurally they are the same, so lifted values are assignable to them.
 */
export function tsType(p: ValuePlan, named?: (p: ValuePlan) => string | undefined): string {
  const alias = named?.(p);
  if (alias !== undefined) return alias;
  const inner = (q: ValuePlan): string => tsType(q, named);
  switch (p.kind) {
    case "bool":
      return "boolean";
    case "u64":
    case "s64":
      return "bigint";
    case "char":
    case "string":
      return "string";
    case "list": {
      if (p.typedArray) return p.typedArray;
      const element = inner(p.element);
      if (p.length !== undefined && p.length <= MAX_TUPLE_LENGTH) return `[${Array(p.length).fill(element).join(", ")}]`;
      return `(${element})[]`;
    }
    case "record":
      if (p.shape === "tuple") return `[${p.fields.map((f) => inner(f.type)).join(", ")}]`;
      // An `option` field is optional, as in the declarations (emit/model.ts), so both types agree.
      return `{ ${p.fields.map((f) => `${JSON.stringify(f.jsName)}${f.type.kind === "variant" && f.type.shape === "option" ? "?" : ""}: ${inner(f.type)}`).join("; ")} }`;
    case "variant":
      switch (p.shape) {
        case "enum":
          return p.cases.map((c) => JSON.stringify(c.witName)).join(" | ");
        case "option":
          return `${inner(p.cases[1].type!)} | undefined`;
        case "result":
          return p.cases.map((c) => `{ tag: ${JSON.stringify(c.tag)}; val: ${c.type ? inner(c.type) : "undefined"} }`).join(" | ");
        default:
          return p.cases.map((c) => (c.type ? `{ tag: ${JSON.stringify(c.tag)}; val: ${inner(c.type)} }` : `{ tag: ${JSON.stringify(c.tag)} }`)).join(" | ");
      }
    case "flags":
      return `{ ${p.flags.map((f) => `${JSON.stringify(f.jsName)}: boolean`).join("; ")} }`;
    case "map":
      return `Map<${inner(p.entry.kind === "record" ? p.entry.fields[0].type : p.entry)}, ${inner(p.entry.kind === "record" ? p.entry.fields[1].type : p.entry)}>`;
    case "u8":
    case "u16":
    case "u32":
    case "s8":
    case "s16":
    case "s32":
    case "f32":
    case "f64":
      return "number";
    case "own":
    case "borrow":
    case "stream":
    case "future":
    case "error-context":
      // Resource objects and stream/future/error-context ends: the declarations name their
      // classes (StreamReader<T>, ...); the glue passes what the runtime made through.
      return "any";
    default:
      return "unknown";
  }
}

/**
 * Whether code outside a function's adapter (an element's load/store, a named type's shared
 * function) can handle values of `p`: not streams, futures or error-contexts, whose types the
 * adapters take from the runtime's plan of the function (`AsyncTypes`).
 */
export function supported(p: ValuePlan): boolean {
  if (p.kind === "stream" || p.kind === "future" || p.kind === "error-context") return false;
  return childPlans(p).every((c) => supported(c.plan));
}
