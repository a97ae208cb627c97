/**
 * WIT name -> JS name, as docs/mapping.md "Names" specifies: the single source
 * for every name that exists at run time (record fields, flags, functions,
 * methods, statics, resource classes, instance keys). The runtime's dynamic
 * API and the generator (declarations and glue) both call these, so they agree.
 *
 * WIT identifiers are kebab-case words, each all-lowercase or all-uppercase
 * (WIT.md "Identifiers"), optionally `%`-escaped.
 */

function segments(witName: string): string[] {
  return witName
    .replace(/^%/, "")
    .split("-")
    .filter((s) => s.length > 0);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `foo-bar-baz` -> `fooBarBaz`; an all-caps first word is lowered (`URL-parse` -> `urlParse`); `%type` -> `type`. */
export function toCamelCase(witName: string): string {
  const [first = "", ...rest] = segments(witName);
  const head = first === first.toUpperCase() ? first.toLowerCase() : first;
  return head + rest.map(capitalize).join("");
}

/** `ip-address` -> `IpAddress`; acronyms stay (`HTTP-error` -> `HTTPError`). */
export function toPascalCase(witName: string): string {
  return segments(witName).map(capitalize).join("");
}


/**
 * Method names that cannot be kept: `constructor` cannot be a class method, and an object with a
 * `then` method is a thenable that promises would try to adopt (an async call resolving to it
 * would never settle). Members named like reserved words (`delete`, `new`) are kept.
 */
const RESERVED_METHODS = new Set(["constructor", "then"]);

/** Own properties every class (a function) already has: a static named so would clash with them. */
const RESERVED_STATICS = new Set(["then", "name", "length", "prototype", "caller", "arguments"]);

/**
 * The JS name of a function member: a function of an interface or of the world root, or a resource
 * method (`then` -> `then_`, `constructor` -> `constructor_`, otherwise camelCase).
 */
export function toMethodName(witName: string): string {
  const name = toCamelCase(witName);
  return RESERVED_METHODS.has(name) ? `${name}_` : name;
}

/** The JS name of a resource's static function: also escapes `name`, `length`, `prototype`, `caller`, `arguments`. */
export function toStaticName(witName: string): string {
  const name = toCamelCase(witName);
  return RESERVED_STATICS.has(name) || RESERVED_METHODS.has(name) ? `${name}_` : name;
}

/**
 * Unique names for one scope: the first wanted name keeps it, later equal ones get `2`, `3`, ...
 * appended (skipping names already taken), in order. `reserved` names are never handed out.
 */
export function claimScope(wanted: readonly string[], reserved: Iterable<string> = []): string[] {
  const taken = new Set<string>(reserved);
  return wanted.map((base) => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    return name;
  });
}

/**
 * camelCase names for one scope (a record's fields, a flags body): when two
 * WIT names map to the same name, the first in definition order keeps it and
 * later ones get `2`, `3`, ... appended (docs/mapping.md "Names", collisions).
 */
export function camelCaseScope(witNames: readonly string[]): string[] {
  return claimScope(witNames.map(toCamelCase));
}

/** The JS names of one object's members: an interface's (its function set) or the world root's. */
export interface MemberNames {
  /** A freestanding function's extern name (`get-u8`) -> its member name (`getU8`). */
  functions: Map<string, string>;
  /** A resource's WIT name (`fields`) -> its class's member name (`Fields`). */
  classes: Map<string, string>;
  /** An instance's extern name -> its member name: the extern name verbatim (`ns:pkg/iface@1.0.0`). */
  instances: Map<string, string>;
  /** A method's extern name (`[method]r.get`) -> its name on the class's prototype. */
  methods: Map<string, string>;
  /** A static's extern name (`[static]r.new`) -> its name on the class. */
  statics: Map<string, string>;
}

const ANNOTATED = /^\[(constructor|method|static)\]([^.]+)(?:\.(.+))?$/;

/** `[method]r.m` -> `{ kind: "method", resource: "r", member: "m" }`; plain names -> undefined. */
export function parseResourceFunction(externName: string): { kind: "constructor" | "method" | "static"; resource: string; member: string } | undefined {
  const m = ANNOTATED.exec(externName);
  if (!m) return undefined;
  return { kind: m[1] as "constructor" | "method" | "static", resource: m[2], member: m[3] ?? "" };
}

/**
 * Names the members of one exports/imports object, given its items in definition order: function
 * extern names (plain or `[constructor]`/`[method]`/`[static]`-annotated), resource type names and
 * instance extern names (docs/mapping.md "Names"). Scopes: the object's functions, classes and
 * instances together; each resource's methods; each resource's statics. Collisions cannot occur
 * in a valid component (names are strongly-unique, Explainer.md "Name Uniqueness"), so numbering
 * is a fallback that stays deterministic. Class names (PascalCase) never equal function names
 * (camelCase) and instance names are never identifiers that need numbering, so the order across
 * kinds does not change any name.
 */
export function memberNames(items: { functions: readonly string[]; resources: readonly string[]; instances?: readonly string[] }): MemberNames {
  const out: MemberNames = { functions: new Map(), classes: new Map(), instances: new Map(), methods: new Map(), statics: new Map() };
  const instances = items.instances ?? [];
  const plain = items.functions.filter((f) => !ANNOTATED.test(f));
  const claimed = claimScope([...items.resources.map(toPascalCase), ...instances, ...plain.map(toMethodName)]);
  items.resources.forEach((r, i) => out.classes.set(r, claimed[i]));
  instances.forEach((n, i) => out.instances.set(n, claimed[items.resources.length + i]));
  plain.forEach((f, i) => out.functions.set(f, claimed[items.resources.length + instances.length + i]));
  for (const kind of ["method", "static"] as const) {
    const byResource = new Map<string, string[]>();
    for (const f of items.functions) {
      const p = parseResourceFunction(f);
      if (p?.kind !== kind) continue;
      byResource.set(p.resource, [...(byResource.get(p.resource) ?? []), f]);
    }
    for (const fs of byResource.values()) {
      const names = claimScope(fs.map((f) => (kind === "method" ? toMethodName : toStaticName)(parseResourceFunction(f)!.member)));
      fs.forEach((f, i) => out[kind === "method" ? "methods" : "statics"].set(f, names[i]));
    }
  }
  return out;
}
