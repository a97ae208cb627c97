// WIT kebab names -> TypeScript names, escaping and collision handling (docs/mapping.md "Names").
// Names of members that exist at run time (functions, methods, statics, classes, fields, flags) come
// from the runtime's naming module, so declarations, glue and the dynamic API agree by construction.
import { camelCaseScope, memberNames, toCamelCase, toMethodName, toPascalCase, toStaticName, type MemberNames } from "@witgen/runtime";

export { camelCaseScope, memberNames, type MemberNames };

/** Words that cannot name a binding (function, parameter, const) in strict-mode ES modules. */
const RESERVED_BINDINGS = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval undefined"
  ).split(" "),
);

/**
 * Global type and value names generated code refers to, or that readers would expect to mean the
 * global: a WIT type mapped to one of these gets a trailing `_` so the global stays visible.
 */
const RESERVED_GLOBALS = new Set(
  (
    "Array ArrayBuffer ArrayLike AsyncIterable AsyncIterator BigInt BigInt64Array BigUint64Array Boolean Date " +
    "Disposable Error Float32Array Float64Array Function Int8Array Int16Array Int32Array Iterable Iterator JSON " +
    "Map Math Number Object Partial Promise PromiseLike Readonly ReadableStream Record RegExp Set String Symbol " +
    "Uint8Array Uint8ClampedArray Uint16Array Uint32Array WeakMap WeakSet WritableStream globalThis"
  ).split(" "),
);

/** `get-u8` -> `getU8`; an all-caps first segment is lowered (`URL-parse` -> `urlParse`). Shared with the runtime's value shapes. */
export function camelCase(kebab: string): string {
  return toCamelCase(kebab);
}

/** `ip-address` -> `IpAddress`; acronym segments stay as written (`HTTP-error` -> `HTTPError`). */
export function pascalCase(kebab: string): string {
  return toPascalCase(kebab);
}

/** A camelCase name usable as a binding: reserved words get a trailing `_` (`delete` -> `delete_`). */
export function bindingName(kebab: string): string {
  const name = camelCase(kebab);
  return RESERVED_BINDINGS.has(name) ? `${name}_` : name;
}

/** A PascalCase type name; names of globals get a trailing `_` (`error` -> `Error_`). */
export function typeName(kebab: string): string {
  const name = pascalCase(kebab);
  return RESERVED_GLOBALS.has(name) ? `${name}_` : name;
}

/** A static function's name on a resource's constructor type (`name` -> `name_`, `then` -> `then_`): the runtime's rule. */
export function staticName(kebab: string): string {
  return toStaticName(kebab);
}

/** A function member's name: of a resource, a function set, `Imports`/`Exports` (`then` -> `then_`): the runtime's rule. */
export function methodName(kebab: string): string {
  return toMethodName(kebab);
}

/**
 * One naming scope (a module, a record's fields, a parameter list). The first claimant of a name
 * keeps it; later ones get `2`, `3`, ... appended, so results depend only on claim order (the
 * runtime's `camelCaseScope` applies the same rule to record fields and flags).
 */
export class Scope {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  claim(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}${n}`;
    this.taken.add(name);
    return name;
  }
}

/**
 * How a method or property name is written in an interface: quoted when it is not an identifier,
 * and `"new"`, since a bare `new(...)` member is a construct signature.
 */
export function memberKey(name: string): string {
  return name === "new" ? JSON.stringify(name) : propertyKey(name);
}

/** Whether `name` can be written as a property name without quotes. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

/** A property key: bare when it is an identifier, otherwise a double-quoted string. */
export function propertyKey(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}
